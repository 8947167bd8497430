package metrics

import (
	"regexp"
	"strings"
	"testing"
)

// Expected outputs worked out by hand from the rules in mteval-v13a.pl /
// sacrebleu's tokenizer_13a.py + tokenizer_re.py (see Tokenize13a's doc).
func TestTokenize13a(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"Hello, world!", "Hello , world !"},
		{"The dog bit the man.", "The dog bit the man ."},
		{"It wasn't surprising.", "It wasn't surprising ."}, // apostrophe is not split
		{"It costs $3.14, right?", "It costs $ 3.14 , right ?"},
		{"1,000 people", "1,000 people"},             // comma between digits kept
		{"5-6 years", "5 - 6 years"},                 // hyphen after a digit split
		{"e-mail x-5", "e-mail x-5"},                 // other hyphens kept
		{"U.S.A.", "U . S . A ."},                    // period before/after a non-digit
		{"x.y", "x . y"},                             // split on both sides
		{"3.x", "3 . x"},                             // "3." is kept by step 4, step 5 splits ".x"
		{"a.,b", "a . , b"},                          // overlapping matches handled by two passes
		{"&quot;hi&quot; &lt;b&gt;", `" hi " < b >`}, // SGML entities unescaped, then split
		{"&amp;quot;", "& quot ;"},                   // unescaped once only, in sacrebleu's order
		{"<skipped>foo <skipped>", "foo"},
		{"foo-\nbar", "foobar"},
		{"foo\nbar", "foo bar"},
		{"a\tb\x1cc\u00a0d\u3000e", "a b c d e"}, // Python's str.split whitespace set
		{"(hi) [x] {y} @a #b 50% a/b a|b ~z ^_`", "( hi ) [ x ] { y } @ a # b 50 % a / b a | b ~ z ^ _ `"},
		{"café naïve.", "café naïve ."},
		{"中文，日本語。", "中文，日本語。"}, // full-width punctuation is untouched
	}
	for _, tc := range tests {
		if got := Tokenize13a(tc.in); got != tc.want {
			t.Errorf("Tokenize13a(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The hand-written scanner must equal the regex substitutions it replaces.
// Go's RE2 finds non-overlapping leftmost matches like Python's re.sub, so
// the four sacrebleu regexes, run through regexp.ReplaceAllString, are an
// independent oracle.
func TestTokenize13aMatchesRegexes(t *testing.T) {
	res := []struct {
		re   *regexp.Regexp
		repl string
	}{
		{regexp.MustCompile(`([\{-\~\[-\x60 -\&\(-\+\:-\@\/])`), " $1 "},
		{regexp.MustCompile(`([^0-9])([\.,])`), "$1 $2 "},
		{regexp.MustCompile(`([\.,])([^0-9])`), " $1 $2"},
		{regexp.MustCompile(`([0-9])(-)`), "$1 $2 "},
	}
	viaRegex := func(s string) string {
		s = " " + clean13a(s) + " "
		for _, r := range res {
			s = r.re.ReplaceAllString(s, r.repl)
		}
		return strings.Join(pyFields(s), " ")
	}
	pieces := []string{"a", "7", ".", ",", "-", " ", "..", ",,", "1.", ".1", "-1", "1-", "x", "é", "'", "(", "$", "\n", "\t", "&amp;", "中"}
	// Every string of up to 4 pieces: 21^4 ≈ 194k inputs would be slow, so
	// walk a deterministic pseudo-random sample of length-2..8 strings.
	state := uint32(12345)
	next := func() int {
		state = state*1664525 + 1013904223
		return int(state >> 8)
	}
	for i := 0; i < 20000; i++ {
		var sb strings.Builder
		for k := 2 + next()%7; k > 0; k-- {
			sb.WriteString(pieces[next()%len(pieces)])
		}
		s := sb.String()
		if got, want := Tokenize13a(s), viaRegex(s); got != want {
			t.Fatalf("Tokenize13a(%q) = %q, regexes give %q", s, got, want)
		}
	}
}

func TestPyLower(t *testing.T) {
	// Expected values are what Python 3's str.lower() returns.
	tests := []struct{ in, want string }{
		{"Hello WORLD", "hello world"},
		{"İstanbul", "i\u0307stanbul"},
		{"ΣΟΦΟΣ", "σοφο\u03c2"}, // final sigma at the end of the word
		{"ΟΔΟΣ ΣΟΦΟΣ.", "οδο\u03c2 σοφο\u03c2."},
		{"Σ", "σ"}, // a lone sigma is not word-final (no cased letter before)
		{"ÜBER café", "über café"},
	}
	for _, tc := range tests {
		if got := pyLower(tc.in); got != tc.want {
			t.Errorf("pyLower(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func BenchmarkTokenize13a(b *testing.B) {
	s := `The "quick" brown fox, who cost $3.14 (on 5-6 May), jumped over the U.S.A.'s lazy dog!`
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Tokenize13a(s)
	}
	b.ReportMetric(float64(b.N)*float64(len(s))/b.Elapsed().Seconds()/1e6, "MB/s")
}
