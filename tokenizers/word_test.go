package tokenizers

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

func TestWordSplit(t *testing.T) {
	tests := []struct {
		in    string
		lower bool
		want  []string
	}{
		// The example from the task brief.
		{"ROMEO: I'll go.\nNo!", true, []string{"romeo", ":", "i'll", "go", ".", "\n", "no", "!"}},
		{"ROMEO: I'll go.\nNo!", false, []string{"ROMEO", ":", "I'll", "go", ".", "\n", "No", "!"}},
		{"", true, nil},
		{" \t\r\v\f ", true, nil},
		// Every newline is its own token; CR is white space and dropped.
		{"a\r\n\nb", true, []string{"a", "\n", "\n", "b"}},
		// Apostrophes belong to words, wherever they are.
		{"'tis the lovers' 'twas '", true, []string{"'tis", "the", "lovers'", "'twas", "'"}},
		// Digits and other punctuation are single-character tokens.
		{"x--y 42,3", true, []string{"x", "-", "-", "y", "4", "2", ",", "3"}},
		// Non-ASCII letters are not in [a-z]: they are tokens of their own,
		// lowercased (Python: "Café".lower() → "café" → caf, é).
		{"Café ÉTÉ", true, []string{"caf", "é", "é", "t", "é"}},
		{"Café ÉTÉ", false, []string{"Caf", "é", "É", "T", "É"}},
		// U+212A KELVIN SIGN lowercases to ASCII 'k', so it joins a word.
		{"\u212Aing", true, []string{"king"}},
		{"\u212Aing", false, []string{"\u212A", "ing"}},
		// Python's \s also matches U+001C..U+001F, NBSP, U+3000 and U+2028.
		{"a\x1cb\u00a0c\u3000d\u2028e", true, []string{"a", "b", "c", "d", "e"}},
		// Invalid UTF-8 bytes are single tokens.
		{"ab\xffc\xe6\x97", true, []string{"ab", "\xff", "c", "\xe6", "\x97"}},
		{"日本語", true, []string{"日", "本", "語"}},
	}
	for _, tc := range tests {
		tok := NewWordTokenizer(nil, tc.lower)
		got := tok.Split(tc.in)
		if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("Split(%q, lower=%v) = %q, want %q", tc.in, tc.lower, got, tc.want)
		}
	}
}

// pyWhitespace is Python's \s for str patterns (str.isspace()), written out
// because Go's \s is only [\t\n\f\r ]. Source: Python's
// Objects/unicodetype_db.h (_PyUnicode_IsWhitespace).
const pyWhitespace = `\t\n\v\f\r \x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

var (
	// The reference regexp \n|[a-z']+|[^\sa-z'] with Python's \s.
	refLower = regexp.MustCompile(`\n|[a-z']+|[^` + pyWhitespace + `a-z']`)
	// The case-sensitive variant: \n|[A-Za-z']+|[^\sA-Za-z'].
	refCased = regexp.MustCompile(`\n|[A-Za-z']+|[^` + pyWhitespace + `A-Za-z']`)
)

// lowerKeepInvalid lowercases rune by rune like the tokenizer but, unlike
// strings.ToLower, keeps invalid UTF-8 bytes as they are.
func lowerKeepInvalid(s string) string {
	return string(foldToken(nil, s))
}

// refSplit is the reference tokenization, done with Go's regexp.
func refSplit(s string, lower bool) []string {
	if lower {
		return refLower.FindAllString(lowerKeepInvalid(s), -1)
	}
	return refCased.FindAllString(s, -1)
}

func TestPyWhitespaceTable(t *testing.T) {
	// isPySpace must agree with the explicit class used by the reference
	// regexps, for every rune.
	class := regexp.MustCompile(`^[` + pyWhitespace + `]$`)
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if got, want := isPySpace(r), class.MatchString(string(r)); got != want {
			t.Errorf("isPySpace(%U) = %v, want %v", r, got, want)
		}
	}
}

// The hand-written scanner must agree with the regexp on random text drawn
// from an alphabet full of edge cases.
func TestWordSplitMatchesRegexp(t *testing.T) {
	alphabet := []string{
		"a", "z", "A", "Z", "m", "Q", "'", "\n", " ", "\t", "\r", "\v", "\f", "\x1c", "\x1f",
		",", ".", "!", "?", "-", ":", "0", "9", "\x00", "<", ">",
		"é", "É", "ß", "Σ", "\u212A", "\u212B", "日", "\u00a0", "\u0085", "\u3000", "\u2028", "\u200b",
		"😀", "\xff", "\xe6\x97", "\xc3",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		var sb strings.Builder
		for n := rng.IntN(40); n > 0; n-- {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := sb.String()
		for _, lower := range []bool{true, false} {
			got := NewWordTokenizer(nil, lower).Split(s)
			want := refSplit(s, lower)
			if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
				t.Fatalf("Split(%q, lower=%v) = %q, regexp gives %q", s, lower, got, want)
			}
		}
	}
}

func TestWordSplitMatchesRegexpOnShakespeare(t *testing.T) {
	text := readShakespeare(t)
	for _, lower := range []bool{true, false} {
		got := NewWordTokenizer(nil, lower).Split(text)
		want := refSplit(text, lower)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("lower=%v: %d tokens, regexp gives %d", lower, len(got), len(want))
		}
	}
}

func TestBuildWord(t *testing.T) {
	tests := []struct {
		name    string
		train   string
		cfg     WordConfig
		want    []string
		wantErr string
	}{
		{name: "default", train: "The cat. the CAT, a dog.\n", cfg: DefaultWordConfig(),
			want: []string{"<unk>", ".", "cat", "the"}},
		{name: "cased", train: "The cat. the CAT, a dog.\n", cfg: WordConfig{MinCount: 1},
			want: []string{"<unk>", "\n", ",", ".", "CAT", "The", "a", "cat", "dog", "the"}},
		{name: "only space", train: " \n", cfg: DefaultWordConfig(), wantErr: "no token occurs at least 2 times"},
		{name: "empty", train: "  \t ", cfg: DefaultWordConfig(), wantErr: "word tokenizer: training text has no tokens"},
		{name: "bad min count", train: "a a", cfg: WordConfig{MinCount: -1}, wantErr: "word tokenizer: MinCount -1 is invalid (valid: 1 or more)"},
		// "<unk>" in the text is three tokens, so it can never clash with id 0.
		{name: "unk literal", train: "<unk> <unk>", cfg: DefaultWordConfig(), want: []string{"<unk>", "<", ">", "unk"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := BuildWord(tc.train, tc.cfg)
			checkBuiltVocab(t, tok, err, tc.want, tc.wantErr)
		})
	}
}

func TestWordEncodeDecode(t *testing.T) {
	tok, err := BuildWord("romeo: i'll go, now.\nno! (yes) i'll go; no?\n", WordConfig{Lowercase: true, MinCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	// In-vocabulary text written the "natural" way round-trips exactly.
	for _, s := range []string{
		"romeo: i'll go, now.\nno!",
		"no? yes!\ni'll go; romeo (now).",
		"\n\nno\n",
	} {
		ids, unk := tok.Encode(s)
		if unk != nil {
			t.Errorf("Encode(%q) unknown %q", s, unk)
		}
		if got := tok.Decode(ids); got != s {
			t.Errorf("Decode(Encode(%q)) = %q", s, got)
		}
	}
	// Upper case and extra spaces are normalised away.
	ids, _ := tok.Encode("ROMEO :  I'll   GO ,now .")
	if got := tok.Decode(ids); got != "romeo: i'll go, now." {
		t.Errorf("Decode = %q", got)
	}
	// Unknown tokens: id 0, reported once each in first-seen order.
	ids, unk := tok.Encode("Romeo, JULIET! juliet; 42 romeo")
	romeo, _ := tok.Vocab().ID("romeo")
	comma, _ := tok.Vocab().ID(",")
	bang, _ := tok.Vocab().ID("!")
	semi, _ := tok.Vocab().ID(";")
	if want := []int{romeo, comma, 0, bang, 0, semi, 0, 0, romeo}; !equalInts(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	if want := []string{"juliet", "4", "2"}; !reflect.DeepEqual(unk, want) {
		t.Errorf("unknown = %q, want %q", unk, want)
	}
	if got := tok.Decode([]int{romeo, 0, -1, 1 << 30}); got != "romeo <unk> <unk> <unk>" {
		t.Errorf("Decode with bad ids = %q", got)
	}
}

// FuzzWordTokenizer: any string, valid UTF-8 or not, tokenizes without
// panics to in-range ids, agrees with the reference regexp, and with a
// vocabulary built from the string itself re-encodes its own decoding to the
// same ids (unless a lone "'" token glues onto the previous word, which
// Decode does on purpose).
func FuzzWordTokenizer(f *testing.F) {
	for _, s := range []string{"", "ROMEO: I'll go.\nNo!", "Café ÉTÉ \u212Aing", "a\xffb\xe6\x97", "<unk> ' x '", "\x1c\u3000\n"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	fixed, err := BuildWord("the cat sat on the mat. the end!\n", WordConfig{Lowercase: true, MinCount: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string, lower bool) {
		ids, _ := fixed.Encode(s)
		for _, id := range ids {
			if id < 0 || id >= fixed.Vocab().Size() {
				t.Fatalf("id %d out of range", id)
			}
		}
		_ = fixed.Decode(ids)

		cfg := WordConfig{Lowercase: lower, MinCount: 1}
		split := NewWordTokenizer(nil, lower).Split(s)
		if want := refSplit(s, lower); len(split) != len(want) || (len(split) > 0 && !reflect.DeepEqual(split, want)) {
			t.Fatalf("Split(%q, lower=%v) = %q, regexp gives %q", s, lower, split, want)
		}
		own, err := BuildWord(s, cfg)
		if len(split) == 0 {
			if err == nil {
				t.Fatalf("BuildWord(%q) succeeded without tokens", s)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		ids, unk := own.Encode(s)
		if len(unk) != 0 || len(ids) != len(split) {
			t.Fatalf("Encode(%q) = %v unknown %q with a vocabulary built from the text", s, ids, unk)
		}
		for _, tok := range split {
			if tok == "'" {
				return
			}
		}
		again, _ := own.Encode(own.Decode(ids))
		if !equalInts(again, ids) {
			t.Fatalf("Encode(Decode(%v)) = %v (text %q, decoded %q)", ids, again, s, own.Decode(ids))
		}
	})
}

func BenchmarkWordEncode(b *testing.B) {
	text := benchText(b)
	tok, err := BuildWord(text, DefaultWordConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	n := 0
	for b.Loop() {
		ids, _ := tok.Encode(text)
		n += len(ids)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkWordSplitRegexp is the regexp the scanner replaces, for comparison.
func BenchmarkWordSplitRegexp(b *testing.B) {
	text := benchText(b)
	b.SetBytes(int64(len(text)))
	n := 0
	for b.Loop() {
		n += len(refLower.FindAllStringIndex(strings.ToLower(text), -1))
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tokens/s")
}
