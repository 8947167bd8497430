package gpt2

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// testdata/golden.json holds texts with the ids GPT-2's reference
// tokenizer gives them: hand-written cases (contractions, numbers, runs of
// spaces and newlines, tabs, accents, CJK, emoji, <|endoftext|>), lines
// sampled from tiny Shakespeare and from eng-fra.tsv, and a few cases from
// a Python transcription of encoder.py for characters where JavaScript's \s
// differs from Python's. testdata/README.md
// says how they were produced.
type goldenCase struct {
	Source  string `json:"source"`
	Text    string `json:"text"`
	Special bool   `json:"special,omitempty"`
	IDs     []int  `json:"ids"`
}

func readGoldens(t *testing.T) []goldenCase {
	t.Helper()
	b, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) < 480 {
		t.Fatalf("only %d golden cases", len(g.Cases))
	}
	return g.Cases
}

func TestGoldenEncode(t *testing.T) {
	tok := loadGPT2(t)
	for _, c := range readGoldens(t) {
		got := tok.EncodeIDs(c.Text, c.Special)
		if !slices.Equal(got, c.IDs) {
			t.Errorf("%s %q (special %v):\n got  %v\n want %v\n pieces %q", c.Source, c.Text, c.Special, got, c.IDs, Split(c.Text))
			continue
		}
		if dec := tok.Decode(c.IDs); dec != c.Text {
			t.Errorf("%s: Decode(%v) = %q, want %q", c.Source, c.IDs, dec, c.Text)
		}
	}
}

func TestHelloWorld(t *testing.T) {
	tok := loadGPT2(t)
	ids, unknown := tok.Encode("Hello world")
	if !slices.Equal(ids, []int{15496, 995}) || unknown != nil {
		t.Fatalf("Encode(Hello world) = %v, %v; want [15496 995], nil", ids, unknown)
	}
	if id, ok := tok.EndOfTextID(); !ok || id != 50256 {
		t.Fatalf("EndOfTextID = %d, %v; want 50256", id, ok)
	}
	if s := tok.Decode([]int{50256}); s != EndOfText {
		t.Fatalf("Decode(50256) = %q", s)
	}
	if tok.Size() != 50257 || len(tok.Merges()) != 50000 {
		t.Fatalf("Size %d, merges %d; want 50257, 50000", tok.Size(), len(tok.Merges()))
	}
}
