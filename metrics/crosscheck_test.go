package metrics

import (
	"encoding/json"
	"os"
	"testing"
)

// testdata/crosscheck.json holds 80 random corpora (1-6 segments, 1-3
// references with some missing, random configs) and 150 random tokenizer
// inputs, mixing punctuation, numbers, SGML entities, "<skipped>", "-\n",
// Unicode letters and Python-only whitespace. The expected values were
// computed by a line-by-line Python transcription of sacrebleu 2.x's
// BLEU/CHRF code (run with Python's own re module and str methods), written
// while porting and not part of this repository. It is a regression oracle
// for the Go re-implementation of the regexes, str.split/rstrip/lower and
// counting, not a substitute for the published sacrebleu goldens.
type crossCase struct {
	Hyps    []string   `json:"hyps"`
	Refs    [][]string `json:"refs"`
	BLEUCfg struct {
		Tok    string   `json:"tok"`
		LC     bool     `json:"lc"`
		Smooth string   `json:"smooth"`
		SV     *float64 `json:"sv"`
		N      int      `json:"N"`
		Eff    bool     `json:"eff"`
	} `json:"bleu_cfg"`
	BLEU    float64 `json:"bleu"`
	ChrFCfg struct {
		CO    int     `json:"co"`
		WO    int     `json:"wo"`
		Beta  float64 `json:"beta"`
		LC    bool    `json:"lc"`
		WS    bool    `json:"ws"`
		EpsSm bool    `json:"eps_sm"`
	} `json:"chrf_cfg"`
	ChrF float64 `json:"chrf"`
}

func TestCrossCheck(t *testing.T) {
	data, err := os.ReadFile("testdata/crosscheck.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []crossCase `json:"cases"`
		Tok   []struct {
			In  string `json:"in"`
			Out string `json:"out"`
		} `json:"tokenize13a"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("testdata/crosscheck.json: %v", err)
	}
	for i, tc := range file.Tok {
		if got := Tokenize13a(tc.In); got != tc.Out {
			t.Errorf("tokenize case %d: Tokenize13a(%q) = %q, want %q", i, tc.In, got, tc.Out)
		}
	}
	for i, tc := range file.Cases {
		bc := BLEUConfig{Tokenize: tc.BLEUCfg.Tok, Lowercase: tc.BLEUCfg.LC, Smooth: tc.BLEUCfg.Smooth,
			MaxOrder: tc.BLEUCfg.N, EffectiveOrder: tc.BLEUCfg.Eff}
		if tc.BLEUCfg.SV != nil {
			bc.SmoothValue = *tc.BLEUCfg.SV
		}
		b, err := CorpusBLEU(tc.Hyps, tc.Refs, bc)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !near(b.Score, tc.BLEU, 1e-9) {
			t.Errorf("case %d: BLEU %.12f, want %.12f (cfg %+v)", i, b.Score, tc.BLEU, bc)
		}
		cc := ChrFConfig{CharOrder: tc.ChrFCfg.CO, WordOrder: tc.ChrFCfg.WO, Beta: tc.ChrFCfg.Beta,
			Lowercase: tc.ChrFCfg.LC, Whitespace: tc.ChrFCfg.WS, EpsSmoothing: tc.ChrFCfg.EpsSm}
		c, err := CorpusChrF(tc.Hyps, tc.Refs, cc)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !near(c.Score, tc.ChrF, 1e-9) {
			t.Errorf("case %d: chrF %.12f, want %.12f (cfg %+v)", i, c.Score, tc.ChrF, cc)
		}
	}
}
