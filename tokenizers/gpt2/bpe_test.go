package gpt2

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// naiveEncode is GPT-2's reference BPE transcribed directly: per piece,
// find the lowest-ranked adjacent pair, merge all its occurrences left to
// right, repeat. Quadratic, for checking the heap version.
func naiveEncode(t *Tokenizer, text string) []int {
	var ids []int
	for _, piece := range Split(text) {
		var syms []int32
		for i := 0; i < len(piece); i++ {
			syms = append(syms, t.byteID[piece[i]])
		}
		for len(syms) > 1 {
			best := mergeInfo{rank: -1}
			var bl, br int32
			for i := 0; i+1 < len(syms); i++ {
				if m, ok := t.ranks[pairKey(syms[i], syms[i+1])]; ok && (best.rank < 0 || m.rank < best.rank) {
					best, bl, br = m, syms[i], syms[i+1]
				}
			}
			if best.rank < 0 {
				break
			}
			var out []int32
			for i := 0; i < len(syms); i++ {
				if i+1 < len(syms) && syms[i] == bl && syms[i+1] == br {
					out = append(out, best.id)
					i++
				} else {
					out = append(out, syms[i])
				}
			}
			syms = out
		}
		for _, s := range syms {
			ids = append(ids, int(s))
		}
	}
	return ids
}

// A tiny vocabulary with overlapping merges ("a a" then "aa a", "a aa"),
// where the order of merging matters.
func tinyTokenizer(t *testing.T) *Tokenizer {
	t.Helper()
	var tokens []string
	for _, b := range byteOrder {
		tokens = append(tokens, string(byteToRune[b]))
	}
	merges := [][2]string{{"a", "a"}, {"b", "a"}, {"aa", "a"}, {"a", "b"}, {"ab", "a"}, {"aa", "aa"}, {"ba", "aa"}}
	seen := map[string]bool{}
	for _, m := range merges {
		if !seen[m[0]+m[1]] {
			seen[m[0]+m[1]] = true
			tokens = append(tokens, m[0]+m[1])
		}
	}
	tok, err := New(tokens, merges)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestHeapBPEMatchesNaive(t *testing.T) {
	tok := tinyTokenizer(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 2000; n++ {
		b := make([]byte, 1+rng.IntN(30))
		for i := range b {
			b[i] = "ab"[rng.IntN(2)]
		}
		s := string(b)
		if got, want := tok.EncodeIDs(s, false), naiveEncode(tok, s); !slices.Equal(got, want) {
			t.Fatalf("%q: heap %v, naive %v", s, got, want)
		}
	}
	if gpt := loadGPT2Maybe(t); gpt != nil {
		for _, c := range readGoldens(t) {
			if got, want := gpt.EncodeIDs(c.Text, false), naiveEncode(gpt, c.Text); !slices.Equal(got, want) {
				t.Fatalf("%q: heap %v, naive %v", c.Text, got, want)
			}
		}
	}
}

func loadGPT2Maybe(t *testing.T) *Tokenizer {
	var tok *Tokenizer
	t.Run("gpt2", func(t *testing.T) { tok = loadGPT2(t) })
	return tok
}

// A single piece of 200,000 letters must not take quadratic time (the
// naive loop would need ~10^10 steps). No timing is asserted: the test
// simply finishes quickly, and the result is checked for consistency.
func TestLongPiece(t *testing.T) {
	tok := tinyTokenizer(t)
	s := strings.Repeat("a", 200000)
	ids := tok.EncodeIDs(s, false)
	if got, _ := tok.DecodeBytes(ids); string(got) != s {
		t.Fatal("round trip of a long piece failed")
	}
	// "a a" → "aa" everywhere, then "aa aa" → "aaaa": 50,000 tokens.
	if len(ids) != len(s)/4 {
		t.Fatalf("%d tokens for %d bytes, want %d", len(ids), len(s), len(s)/4)
	}
}

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Hello world", []string{"Hello", " world"}},
		{"   hello", []string{"  ", " hello"}},
		{"a   b", []string{"a", "  ", " b"}},
		{"trailing   ", []string{"trailing", "   "}},
		{"a\n\nb", []string{"a", "\n", "\n", "b"}},
		{"a \n b", []string{"a", " \n", " b"}},
		{"\t\tx", []string{"\t", "\t", "x"}},
		{"it's they're we've I'm you'll he'd don't", []string{"it", "'s", " they", "'re", " we", "'ve", " I", "'m", " you", "'ll", " he", "'d", " don", "'t"}},
		{"IT'S", []string{"IT", "'", "S"}},
		{"!'s", []string{"!'", "s"}},
		{" 's", []string{" '", "s"}},
		{"abc123 456", []string{"abc", "123", " 456"}},
		{"hi!!! ?? x", []string{"hi", "!!!", " ??", " x"}},
		{"café 東京😀", []string{"café", " 東京", "😀"}},
		{"e\u0301", []string{"e", "\u0301"}},
		{"a\xffb", []string{"a", "\xff", "b"}},
		{"no\u00a0break", []string{"no", "\u00a0", "break"}},
		{"", nil},
	} {
		if got := Split(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Split(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
