package metrics

import (
	"fmt"
	"strings"
	"testing"
)

// Goldens from sacrebleu's test/test_chrf.py (corpus_chrf with
// char_order=6, word_order=0, beta=3, tolerance 1e-4).
func TestCorpusChrFGoldenSacrebleu(t *testing.T) {
	beta3 := ChrFConfig{CharOrder: 6, Beta: 3}
	eps3 := beta3
	eps3.EpsSmoothing = true
	ws3 := beta3
	ws3.Whitespace = true
	tests := []struct {
		group string
		hyps  []string
		refs  []string
		cfg   ChrFConfig
		want  float64
	}{
		// test_cases (eps_smoothing=True)
		{"eps", []string{"abcdefg"}, []string{"hijklmnop"}, eps3, 0.0},
		{"eps", []string{"a"}, []string{"b"}, eps3, 0.0},
		{"eps", []string{""}, []string{"b"}, eps3, 0.0},
		{"eps", []string{""}, []string{"ref"}, eps3, 0.0},
		{"eps", []string{""}, []string{"reference"}, eps3, 0.0},
		{"eps", []string{"aa"}, []string{"ab"}, eps3, 8.3333},
		{"eps", []string{"a", "b"}, []string{"a", "c"}, eps3, 8.3333},
		{"eps", []string{"a"}, []string{"a"}, eps3, 16.6667},
		{"eps", []string{"a b c"}, []string{"a b c"}, eps3, 50.0},
		{"eps", []string{"a b c"}, []string{"abc"}, eps3, 50.0},
		{"eps", []string{" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."},
			[]string{"risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."}, eps3, 63.361730},
		{"eps", []string{" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "},
			[]string{"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."}, eps3, 64.1302698},
		{"eps", []string{"Niemand hat die Absicht, eine Mauer zu errichten"}, []string{"Niemand hat die Absicht, eine Mauer zu errichten"}, eps3, 100.0},
		// test_cases_effective_order (eps_smoothing=False, sacrebleu's default)
		{"eff", []string{"a"}, []string{"a"}, beta3, 100.0},
		{"eff", []string{""}, []string{"reference"}, beta3, 0.0},
		{"eff", []string{"a b c"}, []string{"a b c"}, beta3, 100.0},
		{"eff", []string{"a b c"}, []string{"abc"}, beta3, 100.0},
		{"eff", []string{""}, []string{"c"}, beta3, 0.0},
		{"eff", []string{"a", "b"}, []string{"a", "c"}, beta3, 50.0},
		{"eff", []string{"aa"}, []string{"ab"}, beta3, 25.0},
		// test_cases_keep_whitespace (remove_whitespace=False)
		{"ws", []string{"Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."},
			[]string{"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."}, ws3, 67.3481606},
		{"ws", []string{"risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."},
			[]string{"risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."}, ws3, 65.2414427},
	}
	for i, tc := range tests {
		got, err := CorpusChrF(tc.hyps, [][]string{tc.refs}, tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got.Score, tc.want, 1e-4) {
			t.Errorf("%s case %d: chrF %.7f, want %.7f", tc.group, i, got.Score, tc.want)
		}
	}
}

// test_chrf.py test_sentence_level_chrf: sentence_chrf with default chrF2
// settings plus eps_smoothing=True, tolerance 1e-4.
func TestSentenceChrFGolden(t *testing.T) {
	cfg := DefaultChrFConfig()
	cfg.EpsSmoothing = true
	tests := []struct {
		hyp, ref string
		want     float64
	}{
		{"Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
			"Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.", 39.14078509},
		{"Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
			"A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.", 31.22557079},
		{"Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
			"Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.", 57.15704367},
	}
	for _, tc := range tests {
		got, err := SentenceChrF(tc.hyp, []string{tc.ref}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got.Score, tc.want, 1e-4) {
			t.Errorf("chrF(%q) = %.8f, want %.8f", tc.hyp, got.Score, tc.want)
		}
	}
}

// Defaults (chrF2) and chrF++ goldens published outside the unit tests.
func TestCorpusChrFGoldenDocs(t *testing.T) {
	cats := []string{"The relationship between cats and dogs is not exactly friendly.",
		"a good bookshop is just a genteel black hole that knows how to read."}
	catRefs := [][]string{{"The relationship between dogs and cats is not exactly friendly.",
		"A good bookshop is just a genteel Black Hole that knows how to read."}}
	pp := DefaultChrFConfig()
	pp.WordOrder = 2
	ppLower := pp
	ppLower.Lowercase = true
	tests := []struct {
		name   string
		hyps   []string
		refs   [][]string
		cfg    ChrFConfig
		want   float64
		tol    float64
		source string
	}{
		{"readme multi-ref", readmeHyps, readmeRefs, DefaultChrFConfig(), 59.73, 0.005,
			"sacrebleu README.md: chrF2 = 59.73"},
		{"obama", []string{"The relationship between Obama and Netanyahu is not exactly friendly."},
			[][]string{{"The ties between Obama and Netanyahu are not particularly friendly."}}, DefaultChrFConfig(), 61.576379378113785, 1e-9,
			"huggingface/datasets metrics/chrf/chrf.py docstring"},
		{"cats chrF", cats, catRefs, DefaultChrFConfig(), 84.64214891738334, 1e-9,
			"huggingface/datasets metrics/chrf/README.md"},
		{"cats chrF++", cats, catRefs, pp, 82.87263732906315, 1e-9,
			"huggingface/datasets metrics/chrf/README.md (word_order=2)"},
		{"cats chrF++ lowercase", cats, catRefs, ppLower, 92.12853119829202, 1e-9,
			"huggingface/datasets metrics/chrf/README.md (word_order=2, lowercase=True)"},
	}
	for _, tc := range tests {
		got, err := CorpusChrF(tc.hyps, tc.refs, tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got.Score, tc.want, tc.tol) {
			t.Errorf("%s: chrF %.14f, want %.14f (%s)", tc.name, got.Score, tc.want, tc.source)
		}
	}
}

// Small cases worked out by hand.
func TestChrFHandComputed(t *testing.T) {
	tests := []struct {
		name string
		hyp  string
		refs []string
		cfg  ChrFConfig
		want float64
	}{
		// "aa" vs "ab": 1-grams P = R = 1/2 (one "a" matches), 2-grams P = R
		// = 0; orders 3-6 have no hypothesis n-grams and are left out. Mean
		// P = mean R = 1/4, and F of equal P and R is that value: 25.
		{"aa vs ab", "aa", []string{"ab"}, DefaultChrFConfig(), 25},
		// One character order and one word order, beta 1. Characters (no
		// whitespace) abcd vs abce: 3 of 4 match, P = R = 3/4. Words
		// {ab, cd} vs {ab, ce}: P = R = 1/2. Means 5/8 → F1 = 62.5.
		{"chrF+ by hand", "ab cd", []string{"ab ce"}, ChrFConfig{CharOrder: 1, WordOrder: 1, Beta: 1}, 62.5},
		// Punctuation is split off words for the word n-grams: "end." →
		// "end", "."; so the words match exactly and F = 100.
		{"chrF+ punctuation split", "the end.", []string{"the end ."}, ChrFConfig{CharOrder: 1, WordOrder: 1, Beta: 2}, 100},
		// Multiple references: the one with the best F is used; "abc"
		// matches the second exactly.
		{"best reference", "abc", []string{"xyz", "abc"}, DefaultChrFConfig(), 100},
		// Empty hypothesis: no hypothesis n-grams, no effective order: 0.
		{"empty hypothesis", "", []string{"abc"}, DefaultChrFConfig(), 0},
		// Code points, not bytes: "é" is one character. "café" vs "cafe":
		// 1-grams 3/4, 2-grams 2/3, 3-grams 1/2, 4-grams 0/1 on both sides;
		// mean P = mean R = (3/4+2/3+1/2+0)/4 = 23/48 → 47.91666…
		{"unicode code points", "café", []string{"cafe"}, DefaultChrFConfig(), 100 * 23.0 / 48},
		// Lowercase: "ABC" vs "abc" matches fully.
		{"lowercase", "ABC", []string{"abc"}, ChrFConfig{CharOrder: 6, Beta: 2, Lowercase: true}, 100},
	}
	for _, tc := range tests {
		got, err := SentenceChrF(tc.hyp, tc.refs, tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got.Score, tc.want, 1e-9) {
			t.Errorf("%s: chrF %.12f, want %.12f (stats %v)", tc.name, got.Score, tc.want, got.Stats)
		}
	}
}

// In sacrebleu a hypothesis n-gram total counts only where the reference
// has n-grams of that order: a 3-character reference has no 4-grams, so the
// hypothesis 4-grams of that segment must not enter the corpus precision.
func TestChrFShortReferenceStats(t *testing.T) {
	got, err := CorpusChrF([]string{"abcdefgh"}, [][]string{{"abc"}}, DefaultChrFConfig())
	if err != nil {
		t.Fatal(err)
	}
	// order 4 is the 4th triple: hyp count must be 0, ref count 0.
	if h, r := got.Stats[9], got.Stats[10]; h != 0 || r != 0 {
		t.Errorf("order-4 stats hyp %d ref %d, want 0 0 (all %v)", h, r, got.Stats)
	}
}

func TestChrFScoreString(t *testing.T) {
	s := ChrFScore{Score: 59.727517, Beta: 2}
	if s.String() != "chrF2 = 59.73" {
		t.Errorf("String() = %q", s.String())
	}
	s.WordOrder = 2
	if s.String() != "chrF2++ = 59.73" {
		t.Errorf("String() = %q", s.String())
	}
}

func TestChrFErrors(t *testing.T) {
	def := DefaultChrFConfig()
	tests := []struct {
		name string
		hyps []string
		refs [][]string
		cfg  ChrFConfig
		want string
	}{
		{"empty corpus", nil, [][]string{{}}, def, "empty corpus"},
		{"length mismatch", []string{"a"}, [][]string{{"a", "b"}}, def, "reference stream 0 has 2 segments but there are 1 hypotheses"},
		{"all refs empty", []string{"a"}, [][]string{{""}}, def, "only empty references"},
		{"zero config", []string{"a"}, [][]string{{"a"}}, ChrFConfig{}, "at least one n-gram order"},
		{"negative beta", []string{"a"}, [][]string{{"a"}}, ChrFConfig{CharOrder: 6, Beta: -1}, "Beta -1"},
		{"negative order", []string{"a"}, [][]string{{"a"}}, ChrFConfig{CharOrder: -1, Beta: 2}, "CharOrder -1"},
	}
	for _, tc := range tests {
		_, err := CorpusChrF(tc.hyps, tc.refs, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := ChrFFromStats([]int{1, 2}, def); err == nil {
		t.Error("ChrFFromStats accepted 2 counts for 6 orders")
	}
}

func BenchmarkCorpusChrF(b *testing.B) {
	hyps, refs := synthCorpus(2000)
	streams := [][]string{refs}
	for _, wo := range []int{0, 2} {
		cfg := DefaultChrFConfig()
		cfg.WordOrder = wo
		b.Run(fmt.Sprintf("wordOrder=%d", wo), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := CorpusChrF(hyps, streams, cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*float64(len(hyps))/b.Elapsed().Seconds(), "pairs/s")
		})
	}
}
