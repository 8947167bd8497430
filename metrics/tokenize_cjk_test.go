package metrics

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// Goldens for the zh and char tokenizers, and 13a on the same inputs for
// contrast. sacrebleu cannot be installed here (no PyPI), so these were
// derived by hand from sacrebleu 2.x's definitions (tokenizers/
// tokenizer_zh.py: strip, space out every code point of _UCODE_RANGES, then
// tokenizer_re.py's four regexes and whitespace normalisation, no padding;
// tokenizer_char.py: " ".join(line)) and cross-checked once by running a
// transcription of that source under Python 3. The quirky cases ("—", "“",
// "①", supplementary ideographs) follow from Python's comparison of one
// character with the two-character bounds "\u20000" and "\u2a6d6" (see
// zhRanges).
var cjkGoldens = []struct {
	in, zh, char, t13a string
}{
	{"我爱你。", "我 爱 你 。", "我 爱 你 。", "我爱你。"},
	{"这是GPT-4模型,价格3.5元。", "这 是 GPT-4 模 型 , 价 格 3.5 元 。", "这 是 G P T - 4 模 型 , 价 格 3 . 5 元 。", "这是GPT-4模型 , 价格3.5元。"},
	{"年份2020.", "年 份 2020.", "年 份 2 0 2 0 .", "年份2020 ."}, // zh does not pad: the final "." has no right neighbour
	{"3.", "3.", "3 .", "3 ."},
	{".开始", ". 开 始", ". 开 始", ". 开始"},
	{"a—b", "a — b", "a — b", "a—b"},       // U+2014 is in the quirk range U+2001..U+2A6D
	{"“你好”", "“ 你 好 ”", "“ 你 好 ”", "“你好”"}, // so are the curly quotes
	{"①②", "① ②", "① ②", "①②"},
	{"𠀀𠀁", "𠀀𠀁", "𠀀 𠀁", "𠀀𠀁"}, // Extension B is not split (the range meant for it is the quirk one)
	{"  你好  ", "你 好", "    你 好    ", "你好"},
	{"ＡＢ", "Ａ Ｂ", "Ａ Ｂ", "ＡＢ"},                           // fullwidth forms
	{"こんにちは世界", "こんにちは 世 界", "こ ん に ち は 世 界", "こんにちは世界"}, // kana are not in the ranges
	{"⺀⼀⿰㈠㌀", "⺀ ⼀ ⿰ ㈠ ㌀", "⺀ ⼀ ⿰ ㈠ ㌀", "⺀⼀⿰㈠㌀"},
	{"他说:\"好!\"", "他 说 : \" 好 ! \"", "他 说 : \" 好 ! \"", "他说 : \" 好 ! \""},
	{"今日は", "今 日 は", "今 日 は", "今日は"},
	{"a b", "a b", "a   b", "a b"}, // char keeps the space as a character
	{"ab.", "ab .", "a b .", "ab ."},
	{"Hello, world.", "Hello , world .", "H e l l o ,   w o r l d .", "Hello , world ."},
	{"", "", "", ""},
}

func TestTokenizeZhCharGolden(t *testing.T) {
	for _, g := range cjkGoldens {
		if got := TokenizeZh(g.in); got != g.zh {
			t.Errorf("TokenizeZh(%q) = %q, want %q", g.in, got, g.zh)
		}
		if got := TokenizeChar(g.in); got != g.char {
			t.Errorf("TokenizeChar(%q) = %q, want %q", g.in, got, g.char)
		}
		if got := Tokenize13a(g.in); got != g.t13a {
			t.Errorf("Tokenize13a(%q) = %q, want %q", g.in, got, g.t13a)
		}
		// Tokenize is what BLEU counts: the same tokens, single spaces.
		for _, tc := range []struct{ name, want string }{{"zh", g.zh}, {"char", g.char}, {"13a", g.t13a}} {
			got, err := Tokenize(tc.name, g.in)
			if want := strings.Join(pyFields(tc.want), " "); err != nil || got != want {
				t.Errorf("Tokenize(%s, %q) = %q, %v; want %q", tc.name, g.in, got, err, want)
			}
		}
	}
	if _, err := Tokenize("ja-mecab", "x"); err == nil || !strings.Contains(err.Error(), "13a, zh, char, none") {
		t.Errorf("unknown tokenizer: %v", err)
	}
}

// The zh ranges at their edges, as Python compares them.
func TestIsZhCharEdges(t *testing.T) {
	for _, c := range []struct {
		r    rune
		want bool
	}{
		{0x2000, false}, {0x2001, true}, {0x2A6D, true}, {0x2A6E, false},
		{0x2F80, true}, // Kangxi radicals U+2F00..U+2FDF anyway
		{0x2FE0, false}, {0x2FF0, true},
		{0x4E00, true}, {0x9FBB, true}, {0x9FBC, false},
		{0x20000, false}, {0x2A6D6, false}, {0x2F800, false},
		{0x3040, false}, {0x30A2, false}, // hiragana, katakana
		{0xFF01, true}, {0xFFEF, true}, {0xFFF0, false},
		{'a', false}, {'1', false},
	} {
		if got := isZhChar(c.r); got != c.want {
			t.Errorf("isZhChar(U+%04X) = %v, want %v", c.r, got, c.want)
		}
	}
}

func TestTokenizerFor(t *testing.T) {
	for _, c := range []struct{ lang, want string }{
		{"zh", "zh"}, {"zh-CN", "zh"}, {"zh_TW", "zh"}, {"ZH", "zh"}, {"cmn", "zh"}, {"yue", "zh"},
		{"ja", "char"}, {"ja-JP", "char"}, {"jpn", "char"},
		{"th", "char"}, {"lo", "char"}, {"km", "char"}, {"my", "char"}, {"tha", "char"},
		{"fr", "13a"}, {"en", "13a"}, {"ko", "13a"}, {"de-AT", "13a"}, {"", "13a"}, {"xx", "13a"},
	} {
		if got := TokenizerFor(c.lang); got != c.want {
			t.Errorf("TokenizerFor(%q) = %q, want %q", c.lang, got, c.want)
		}
		if !slices.Contains(BLEUTokenizers, TokenizerFor(c.lang)) {
			t.Errorf("TokenizerFor(%q) is not in BLEUTokenizers", c.lang)
		}
	}
}

// With 13a a Chinese or Japanese sentence is one token, so a near miss
// scores 0; zh and char count characters. The counts are by hand: 我 爱 你
// 们 。 against 我 爱 她 们 。 matches 4 of 5 unigrams (我 爱 们 。), 2 of 4
// bigrams (我爱, 们。) and no trigram or 4-gram. The tokenizer is in the
// signature.
func TestBLEUWithZhAndChar(t *testing.T) {
	hyps, refs := []string{"我爱你们。"}, [][]string{{"我爱她们。"}}
	for _, tok := range []string{"zh", "char"} {
		cfg := DefaultBLEUConfig()
		cfg.Tokenize = tok
		s, err := CorpusBLEU(hyps, refs, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.Counts, []int{4, 2, 0, 0}) || !slices.Equal(s.Totals, []int{5, 4, 3, 2}) || s.SysLen != 5 || s.RefLen != 5 {
			t.Errorf("%s: counts %v totals %v lens %d/%d, want [4 2 0 0] [5 4 3 2] 5/5", tok, s.Counts, s.Totals, s.SysLen, s.RefLen)
		}
		if s.Score <= 0 {
			t.Errorf("%s: score %v, want > 0", tok, s.Score)
		}
		if sig := cfg.Signature(1); sig != "nrefs:1|case:mixed|eff:no|tok:"+tok+"|smooth:exp" {
			t.Errorf("signature %q", sig)
		}
		if p, err := CorpusBLEU([]string{"我爱你们。"}, [][]string{{"我爱你们。"}}, cfg); err != nil || math.Abs(p.Score-100) > 1e-9 {
			t.Errorf("%s: identical sentence scores %v, %v", tok, p.Score, err)
		}
	}
	s, err := CorpusBLEU(hyps, refs, DefaultBLEUConfig())
	if err != nil {
		t.Fatal(err)
	}
	if s.SysLen != 1 || s.Score != 0 {
		t.Errorf("13a: %d tokens, score %v; want the sentence as one token, score 0", s.SysLen, s.Score)
	}
	// char ignores whitespace as a token.
	cfg := DefaultBLEUConfig()
	cfg.Tokenize = "char"
	if s, err := CorpusBLEU([]string{"a b"}, [][]string{{"ab"}}, cfg); err != nil || s.SysLen != 2 || !slices.Equal(s.Counts[:2], []int{2, 1}) {
		t.Errorf("char with a space: len %d counts %v err %v, want 2 tokens, all matching", s.SysLen, s.Counts, err)
	}
}
