package tokenizers

import (
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in    string
		lower bool
		want  string
	}{
		{"", false, ""},
		{"Go.", false, "Go."},
		{"Go.", true, "go."},
		{"  Hello   World \t", false, "Hello World"},
		// French punctuation spacing from eng-fra.tsv: U+202F (narrow
		// no-break space) and U+00A0 (no-break space) become plain spaces.
		{"Cours\u202f!", false, "Cours !"},
		{"Va !", false, "Va !"},
		{"Qui\u00a0?", false, "Qui ?"},
		{"Dis\u202f: «\u00a0s'il te plaît\u00a0»", true, "dis : « s'il te plaît »"},
		{"a\u2009\u3000\u2003b", false, "a b"}, // thin, ideographic and em spaces
		{"a\u202f\u00a0 b", false, "a b"},      // mixed runs collapse to one space
		{"a\nb\r\nc", false, "a b c"},
		{"a\x1fb", false, "a b"}, // U+001F is white space for Python's str.isspace
		// NFC: e + combining acute becomes é (U+00E9); then lowercased.
		{"Cafe\u0301", true, "caf\u00e9"},
		{"\u00c9T\u00c9", true, "été"},
		{"Ça", true, "ça"},
		// Invalid bytes survive (ReadPairs rejects them before this point).
		{"a\xffB", true, "a\xffb"},
		// Zero-width space is not a space in Unicode (category Cf): kept.
		{"a\u200bb", false, "a\u200bb"},
	}
	for _, tc := range tests {
		if got := Normalize(tc.in, tc.lower); got != tc.want {
			t.Errorf("Normalize(%q, %v) = %q, want %q", tc.in, tc.lower, got, tc.want)
		}
	}
}

func TestNormalizeIdempotent(t *testing.T) {
	for _, s := range []string{"Cours\u202f!", " É\u0301 a  b ", "日本語\u3000テキスト", "l'heure"} {
		once := Normalize(s, true)
		if twice := Normalize(once, true); twice != once {
			t.Errorf("Normalize not idempotent on %q: %q then %q", s, once, twice)
		}
		if !utf8.ValidString(once) {
			t.Errorf("Normalize(%q) is not valid UTF-8", s)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	s := "Dis\u202f: «\u00a0s'il te plaît\u00a0», Ça va\u202f?"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		_ = Normalize(s, true)
	}
}
