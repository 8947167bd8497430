package tokenizers

import (
	"strings"
	"testing"
)

func TestDetokenize(t *testing.T) {
	tests := []struct {
		name   string
		tokens string // space-separated tokens
		lang   string
		cap    bool
		want   string
	}{
		{"english", "i ' m sure , tom .", "en", true, "I'm sure, tom."},
		{"brackets", "( see [ page 3 ] ) 50 %", "en", false, "(see [page 3]) 50%"},
		{"straight quotes", `he said " go " and left .`, "en", false, `he said "go" and left.`},
		{"curly quotes", "“ go ” , he said", "en", false, "“go”, he said"},
		{"digits", "at 10 : 30 , 3 . 5 km , 10 , 000 people", "en", false, "at 10:30, 3.5 km, 10,000 people"},
		{"ellipsis", "wait . . . what ?", "en", false, "wait... what?"},
		// French: the reference's detok_fr gives the same strings
		// (rejoin ' and -, U+202F before ! ? ; :, capital first letter).
		{"french apostrophe and hyphen", "quelle heure est - il ?", "fr", true, "Quelle heure est-il\u202f?"},
		{"french l'heure", "c ' est l ' heure !", "fr", true, "C'est l'heure\u202f!"},
		{"french peut-être", "peut - être .", "fr", false, "peut-être."},
		{"french colon", "dis : « s ' il te plaît » .", "fr", true, "Dis\u202f: « s'il te plaît »."},
		{"french cluster", "quoi ? !", "fr", false, "quoi\u202f?!"},
		{"french time", "à 10 : 30 .", "fr", false, "à 10:30."},
		{"english has no nnbsp", "what ?", "en", false, "what?"},
		{"japanese", "私 は 学 生 で す 。", "ja", false, "私は学生です。"},
		{"mixed", "私 は john で す", "ja", false, "私はjohnです"},
		{"thai", "ฉั น รั ก คุ ณ", "th", false, "ฉันรักคุณ"},
		{"capitalize after punctuation", "« bonjour »", "fr", true, "« Bonjour »"},
		{"capitalize skips numbers", "3 chats", "fr", true, "3 chats"},
		{"capitalize accented", "était - ce ?", "fr", true, "Était-ce\u202f?"},
		{"unknown tokens", "le <unk> dort .", "fr", true, "Le <unk> dort."},
		{"empty", "", "fr", true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Detokenize(strings.Fields(tc.tokens), tc.lang, tc.cap); got != tc.want {
				t.Errorf("Detokenize(%q, %q, %v) = %q, want %q", tc.tokens, tc.lang, tc.cap, got, tc.want)
			}
		})
	}
}

func TestDetokenizeRoundTrip(t *testing.T) {
	tests := []struct{ text, lang string }{
		{"I'm sure it's Tom's, isn't it?", "en"},
		{"Don't worry (really).", "en"},
		{"She said \"no\" twice.", "en"},
		{"Est-ce que c'est l'heure\u202f?", "fr"},
		{"Dis\u202f: « s'il te plaît ».", "fr"},
		{"Il est 10:30.", "fr"},
		{"私は学生です。", "ja"},
		{"我爱你！", "zh"},
	}
	for _, tc := range tests {
		if got := Detokenize(TokenizeMulti(tc.text), tc.lang, false); got != tc.text {
			t.Errorf("round trip of %q gave %q", tc.text, got)
		}
	}
}
