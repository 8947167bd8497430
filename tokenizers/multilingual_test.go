package tokenizers

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokenizeMulti(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"spaces only", " \t\u202f ", nil},
		{"english", "I'll go, Tom.", []string{"I", "'", "ll", "go", ",", "Tom", "."}},
		{"digits and underscore", "at 10:30 snake_case", []string{"at", "10", ":", "30", "snake_case"}},
		// The reference's own example: "l'heure" → l ' heure.
		{"french apostrophe", "c'est l'heure", []string{"c", "'", "est", "l", "'", "heure"}},
		{"french hyphen", "peut-être est-ce", []string{"peut", "-", "être", "est", "-", "ce"}},
		{"french guillemets", "« s'il te plaît »", []string{"«", "s", "'", "il", "te", "plaît", "»"}},
		{"french nnbsp", "Cours\u202f!", []string{"Cours", "!"}},
		{"curly apostrophe", "aujourd’hui", []string{"aujourd", "’", "hui"}},
		{"japanese", "私は学生です。", []string{"私", "は", "学", "生", "で", "す", "。"}},
		{"katakana long vowel", "コーヒー", []string{"コ", "ー", "ヒ", "ー"}},
		{"chinese", "我爱你！", []string{"我", "爱", "你", "！"}},
		// Thai: one token per written character, marks kept with their base
		// (ั U+0E31 and ุ U+0E38 are combining marks).
		{"thai", "ฉันรักคุณ", []string{"ฉั", "น", "รั", "ก", "คุ", "ณ"}},
		{"mixed", "私はJohnです2020年", []string{"私", "は", "John", "で", "す", "2020", "年"}},
		{"korean uses spaces", "나는 학생이다.", []string{"나는", "학생이다", "."}},
		{"russian", "Я люблю тебя!", []string{"Я", "люблю", "тебя", "!"}},
		// A combining mark stays in its word (NFD input): e + U+0301.
		{"combining mark", "cafe\u0301 noir", []string{"cafe\u0301", "noir"}},
		{"devanagari", "हिन्दी भाषा", []string{"हिन्दी", "भाषा"}},
		{"symbols", "50% $5 a+b", []string{"50", "%", "$", "5", "a", "+", "b"}},
		{"invalid byte", "a\xffb", []string{"a", "\xff", "b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := TokenizeMulti(tc.in)
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("TokenizeMulti(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// stripSpaces removes every rune TokenizeMulti treats as a space.
func stripSpaces(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !isUnicodeSpace(r) {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// FuzzTokenizeMulti: never panics; tokens are non-empty, contain no spaces
// and concatenate to the input without its spaces; valid UTF-8 in gives
// valid UTF-8 tokens.
func FuzzTokenizeMulti(f *testing.F) {
	for _, s := range []string{"", "c'est l'heure", "私は学生です。", "ฉันรักคุณ", "a\xffb", "cafe\u0301", "\u202f!\u00a0?", "x_y-z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := TokenizeMulti(s)
		for _, tok := range toks {
			if tok == "" {
				t.Fatalf("empty token in %q", toks)
			}
			if utf8.ValidString(s) && !utf8.ValidString(tok) {
				t.Fatalf("invalid UTF-8 token %q from valid input %q", tok, s)
			}
			if len(TokenizeMulti(tok)) != 1 && utf8.ValidString(tok) {
				// A token re-tokenizes to itself, unless a mark that
				// followed a no-space rune now starts a word run.
				if got := TokenizeMulti(tok); strings.Join(got, "") != tok {
					t.Fatalf("token %q re-tokenizes to %q", tok, got)
				}
			}
		}
		if got, want := strings.Join(toks, ""), stripSpaces(s); got != want {
			t.Fatalf("TokenizeMulti(%q) = %q: joined %q, want %q", s, toks, got, want)
		}
	})
}

func BenchmarkTokenizeMulti(b *testing.B) {
	s := "Dis : « s'il te plaît », peut-être à l'heure. 私は学生です。"
	b.SetBytes(int64(len(s)))
	n := 0
	for b.Loop() {
		n += len(TokenizeMulti(s))
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tokens/s")
}
