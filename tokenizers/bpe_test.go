package tokenizers

import (
	"reflect"
	"strings"
	"testing"
)

// The toy corpus of Sennrich et al. (2016), worked by hand with the end of
// word attached to the last character. Initial pair counts: (e s) 9,
// (s t</w>) 9, (w e) 8, (l o) 7, ... The tie at 9 goes to the smaller pair
// (e s); then (es t</w>) 9; (l o) 7; then three pairs at 6, (e w) (n e)
// (w est</w>), and the smallest (e w) wins.
func TestLearnBPEHandWorked(t *testing.T) {
	counts := map[string]int{"low": 5, "lower": 2, "newest": 6, "widest": 3}
	// 11 initial symbols: l o w w</w> e r</w> n s t</w> i d; 15 → 4 merges.
	b, err := LearnBPE(counts, 15)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"e", "s"}, {"es", "t</w>"}, {"l", "o"}, {"e", "w"}}
	if got := b.Merges(); !reflect.DeepEqual(got, want) {
		t.Fatalf("merges %q, want %q", got, want)
	}
	tests := []struct {
		word string
		want []string
	}{
		{"lowest", []string{"lo", "w", "est</w>"}},
		{"low", []string{"lo", "w</w>"}},
		{"newer", []string{"n", "ew", "e", "r</w>"}},
		{"x", []string{"x</w>"}},
		{"zzz", []string{"z", "z", "z</w>"}}, // unseen characters stay single
		{"", nil},
	}
	for _, tc := range tests {
		got := b.EncodeWord(tc.word)
		if len(got) != len(tc.want) || len(got) > 0 && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("EncodeWord(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestLearnBPEStopsAndErrors(t *testing.T) {
	// Every pair occurs once: nothing worth merging even with room for more.
	b, err := LearnBPE(map[string]int{"abc": 1, "xyz": 1}, 100)
	if err != nil || len(b.Merges()) != 0 {
		t.Errorf("merges %q, err %v; want none", b.Merges(), err)
	}
	// A vocabulary smaller than the alphabet: no merges.
	if b, _ := LearnBPE(map[string]int{"aaaa": 9}, 1); len(b.Merges()) != 0 {
		t.Errorf("merges %q with vocabulary 1", b.Merges())
	}
	// Repeated letters: a a a a</w> counts (a a) twice per word, merges it
	// left to right without overlap into aa a a</w>; then (a a</w>) and
	// (aa a) tie at 9 and the smaller pair wins.
	b, _ = LearnBPE(map[string]int{"aaaa": 9}, 4) // a, a</w> + 2 merges
	if want := [][2]string{{"a", "a"}, {"a", "a</w>"}}; !reflect.DeepEqual(b.Merges(), want) {
		t.Errorf("merges %q, want %q", b.Merges(), want)
	}
	for _, tc := range []struct {
		counts map[string]int
		size   int
		want   string
	}{
		{map[string]int{"a": 1}, 0, "bpe: vocabulary size 0 is invalid (valid: 1 or more)"},
		{map[string]int{"": 3, "b": 0}, 10, "bpe: no words to learn from"},
	} {
		if _, err := LearnBPE(tc.counts, tc.size); err == nil || err.Error() != tc.want {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
	if _, err := NewBPE([][2]string{{"a", "b"}, {"a", "b"}}); err == nil || !strings.Contains(err.Error(), "repeats merge 0") {
		t.Errorf("duplicate merge: %v", err)
	}
	if _, err := NewBPE([][2]string{{"a", ""}}); err == nil {
		t.Error("empty merge side accepted")
	}
}

func TestBPERoundTrip(t *testing.T) {
	b, err := LearnBPE(map[string]int{"heure": 5, "heureux": 3, "l": 9, "'": 9, "peut": 4, "être": 4}, 30)
	if err != nil {
		t.Fatal(err)
	}
	rebuilt, err := NewBPE(b.Merges())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"c'est l'heure", "peut-être malheureux", "日本語", "a\xffb"} {
		toks := TokenizeMulti(s)
		sub := b.Encode(toks)
		if got := DecodeBPE(sub); !reflect.DeepEqual(got, toks) {
			t.Errorf("DecodeBPE(Encode(%q)) = %q via %q", toks, got, sub)
		}
		if !reflect.DeepEqual(rebuilt.Encode(toks), sub) {
			t.Errorf("NewBPE(Merges()) encodes %q differently", s)
		}
	}
	// A decoder's output can stop mid-word or contain specials.
	got := DecodeBPE([]string{"heu", "re</w>", "<unk>", "mal", "heu"})
	if want := []string{"heure", "<unk>", "malheu"}; !reflect.DeepEqual(got, want) {
		t.Errorf("DecodeBPE = %q, want %q", got, want)
	}
}

func BenchmarkLearnBPE(b *testing.B) {
	counts := map[string]int{}
	for i := range 5000 {
		w := ""
		for k := 0; k < 3+i%9; k++ {
			w += string(rune('a' + (i*7+k*k*3)%26))
		}
		counts[w] += 1 + i%13
	}
	merges := 0
	for b.Loop() {
		bpe, err := LearnBPE(counts, 2000)
		if err != nil {
			b.Fatal(err)
		}
		merges += len(bpe.Merges())
	}
	b.ReportMetric(float64(merges)/b.Elapsed().Seconds(), "merges/s")
}
