package metrics

import (
	"fmt"
	"strings"
)

// TokenizeChar tokenizes a segment the way sacrebleu's "char" tokenizer
// does: every character (Unicode code point) becomes a token, joined by
// single spaces, so "今日は" becomes "今 日 は". Spaces in the input are
// characters too ("a b" becomes "a   b"); BLEU splits the result on
// whitespace, so they never count as tokens. An invalid UTF-8 byte counts as
// one character.
//
// This is the tokenizer for languages written without spaces between words
// when no word segmenter is available: sacrebleu scores Japanese with
// "ja-mecab" (a MeCab morphological analyser) which recur does not have, so
// [TokenizerFor] falls back to "char" for Japanese, and also uses it for
// Thai, Lao, Khmer and Burmese. Character BLEU is higher than word BLEU on
// the same output and the two are not comparable; the signature's "tok:char"
// says which was used.
func TokenizeChar(s string) string {
	var b strings.Builder
	b.Grow(2 * len(s))
	for i, r := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TokenizeZh tokenizes a segment the way sacrebleu's "zh" tokenizer does (for
// Chinese; the method of Shujian Huang's script used at WMT):
//
//  1. strip leading and trailing whitespace (Python's str.strip);
//  2. put a space on both sides of every "Chinese character", i.e. every
//     code point in the ranges of [isZhChar];
//  3. apply steps 3-7 of [Tokenize13a] to the result, without 13a's
//     clean-up (entities, "<skipped>") and without padding the line with
//     spaces first.
//
// So Chinese is scored per character while embedded Latin words and numbers
// stay whole: "这是GPT-4模型,价格3.5元。" becomes
// "这 是 GPT-4 模 型 , 价 格 3.5 元 。". Because the line is not padded, a
// period or comma at the very start or end of the line is split off only
// when the regex rules see a neighbour: a final "3." stays "3." (13a gives
// "3 .").
func TokenizeZh(s string) string {
	var t tokenizer13a
	return t.zh(s)
}

func (t *tokenizer13a) zh(s string) string {
	s = strings.TrimFunc(s, isPySpace)
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for _, r := range s {
		if isZhChar(r) {
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
		} else {
			b.WriteRune(r)
		}
	}
	return t.post(b.String(), false)
}

// zhRanges are the inclusive code-point ranges sacrebleu's zh tokenizer
// treats as Chinese characters (its _UCODE_RANGES), as they actually behave.
// Two of sacrebleu's ranges were meant as CJK Extension B (U+20000..U+2A6D6)
// and the CJK Compatibility Supplement (U+2F800..U+2FA1D), but Python's
// "\u20000" is the two characters U+2000 "0", and a one-character string c
// satisfies "\u2000" "0" <= c <= "\u2a6d" "6" exactly when U+2001 <= c <=
// U+2A6D. So those entries really cover U+2001..U+2A6D (general punctuation
// such as "—" and "“", letterlike symbols, arrows, maths, box drawing, ...)
// and U+2F81..U+2FA1 (Kangxi radicals), while supplementary-plane
// ideographs are not split. We reproduce the behaviour, not the intent,
// because scores must match sacrebleu's.
var zhRanges = [][2]rune{
	{0x3400, 0x4DB5}, // CJK Unified Ideographs Extension A
	{0x4E00, 0x9FA5}, // CJK Unified Ideographs
	{0x9FA6, 0x9FBB}, // CJK Unified Ideographs, Unicode 4.1
	{0xF900, 0xFA2D}, // CJK Compatibility Ideographs
	{0xFA30, 0xFA6A},
	{0xFA70, 0xFAD9},
	{0x2001, 0x2A6D}, // sacrebleu's "\u20000".."\u2a6d6", see above
	{0x2F81, 0x2FA1}, // sacrebleu's "\u2f800".."\u2fa1d", see above
	{0xFF00, 0xFFEF}, // fullwidth ASCII and punctuation, halfwidth kana, Hangul
	{0x2E80, 0x2EFF}, // CJK Radicals Supplement
	{0x3000, 0x303F}, // CJK symbols and punctuation
	{0x31C0, 0x31EF}, // CJK strokes
	{0x2F00, 0x2FDF}, // Kangxi Radicals
	{0x2FF0, 0x2FFF}, // ideographic description characters
	{0x3100, 0x312F}, // Bopomofo
	{0x31A0, 0x31BF}, // Bopomofo Extended
	{0xFE10, 0xFE1F}, // vertical forms
	{0xFE30, 0xFE4F}, // CJK compatibility forms
	{0x2600, 0x26FF}, // miscellaneous symbols
	{0x2700, 0x27BF}, // dingbats
	{0x3200, 0x32FF}, // enclosed CJK letters and months
	{0x3300, 0x33FF}, // CJK compatibility
}

// isZhChar reports whether sacrebleu's zh tokenizer splits r off as a
// Chinese character.
func isZhChar(r rune) bool {
	for _, z := range zhRanges {
		if r >= z[0] && r <= z[1] {
			return true
		}
	}
	return false
}

// BLEUTokenizers are the valid values of BLEUConfig.Tokenize.
var BLEUTokenizers = []string{"13a", "zh", "char", "none"}

// TokenizerFor returns the BLEU tokenizer for a target language, given as an
// ISO 639-1 or 639-3 code, optionally with a region or script ("zh-CN",
// "ja_JP", "cmn"): "zh" for Chinese (as sacrebleu chooses), "char" for
// Japanese (sacrebleu uses "ja-mecab", which recur does not have; character
// BLEU is the fallback) and for Thai, Lao, Khmer and Burmese (written without
// spaces between words), and "13a", sacrebleu's default, for every other
// language and for an empty or unknown code. Korean is written with spaces
// and gets "13a" (sacrebleu's "ko-mecab" splits further).
func TokenizerFor(lang string) string {
	code := strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	switch code {
	case "zh", "zho", "chi", "cmn", "yue", "wuu", "lzh":
		return "zh"
	case "ja", "jpn", "th", "tha", "lo", "lao", "km", "khm", "my", "mya", "bur":
		return "char"
	}
	return "13a"
}

// Tokenize tokenizes s with the named BLEU tokenizer (one of
// BLEUTokenizers), returning the tokens joined by single spaces exactly as
// BLEU counts them: no lowercasing, trailing whitespace removed as sacrebleu
// does before tokenizing, and whitespace never a token.
func Tokenize(name, s string) (string, error) {
	var t tokenizer13a
	switch name {
	case "13a", "zh", "char", "none":
	default:
		return "", fmt.Errorf("metrics: unknown BLEU tokenizer %q (valid: %s)", name, strings.Join(BLEUTokenizers, ", "))
	}
	return t.bleu(name, pyRstrip(s)), nil
}

// bleu tokenizes an already lowercased (if asked) and right-stripped
// segment for BLEU: the named tokenizer, then tokens separated by single
// spaces.
func (t *tokenizer13a) bleu(name, s string) string {
	switch name {
	case "none":
		return strings.Join(pyFields(s), " ")
	case "zh":
		return t.zh(s)
	case "char":
		// sacrebleu's BLEU splits the char tokenizer's output on
		// whitespace, so whitespace characters are no tokens.
		return strings.Join(pyFields(TokenizeChar(s)), " ")
	}
	return t.run(clean13a(s))
}
