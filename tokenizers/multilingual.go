package tokenizers

import (
	"unicode"
	"unicode/utf8"
)

// TokenizeMulti splits a sentence into words and punctuation for any
// language. It is the reference translate.py's
//
//	re.findall(r"\w+|[^\w\s]", s)
//
// written as a rune scanner, extended for scripts that do not put spaces
// between words:
//
//   - a word is a maximal run of word runes: letters (L), marks (M), numbers
//     (N) and connector punctuation (Pc, e.g. '_'), the Unicode definition
//     of \w (UTS #18);
//   - every other rune that is not a space is a token on its own, so
//     "l'heure" gives l ' heure and "peut-être" gives peut - être;
//   - a rune of a script written without spaces (Han, Hiragana, Katakana,
//     Bopomofo, Yi, Thai, Lao, Khmer, Myanmar) is a token on its own together
//     with the combining marks that follow it (Thai vowel and tone marks are
//     marks, and a token boundary inside "กั" would split one written
//     syllable). Without this rule a Japanese sentence would be one "word"
//     and every sentence would be out of the vocabulary;
//   - spaces (see Normalize) separate tokens and are dropped;
//   - a byte that is not valid UTF-8 is a one-byte token, so nothing is lost.
//
// Concatenating the tokens gives s without its spaces, for any s.
//
// Differences from Python's re on the eng-fra data: none (the token counts
// and vocabularies match the reference exactly, see TestEngFraReference).
// In general Python's \w does not include marks (M) or connector punctuation
// other than '_', so Python splits Devanagari "हिन्दी" at its vowel signs
// where TokenizeMulti keeps it whole; and Python gives a Japanese sentence
// as one token.
//
// Call Normalize first: TokenizeMulti does not fold case or apply NFC.
func TokenizeMulti(s string) []string {
	toks := make([]string, 0, len(s)/4+1)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf { // ASCII fast path
			switch {
			case asciiSpace(c) || c == '\n':
				i++
			case asciiWord(c):
				end := wordEnd(s, i+1)
				toks = append(toks, s[i:end])
				i = end
			default:
				toks = append(toks, s[i:i+1])
				i++
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			toks = append(toks, s[i:i+1])
			i++
		case isUnicodeSpace(r):
			i += size
		case isNoSpaceScript(r):
			end := marksEnd(s, i+size)
			toks = append(toks, s[i:end])
			i = end
		case isWordRune(r):
			end := wordEnd(s, i+size)
			toks = append(toks, s[i:end])
			i = end
		default:
			toks = append(toks, s[i:i+size])
			i += size
		}
	}
	return toks
}

// asciiWord is \w restricted to ASCII: [A-Za-z0-9_].
func asciiWord(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// isWordRune is Unicode \w: letters, marks, numbers, connector punctuation.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord(byte(r))
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || unicode.Is(unicode.Pc, r)
}

// noSpaceScripts are written without spaces between words; their
// characters are tokens on their own.
var noSpaceScripts = []*unicode.RangeTable{
	unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Bopomofo, unicode.Yi,
	unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar,
}

// isNoSpaceScript reports whether r is a word rune of a script without
// spaces. Besides the scripts' own letters this includes the Common-script
// modifier letters used inside Japanese words: the prolonged sound mark ー
// (U+30FC, and its half-width form U+FF70), the half-width (semi-)voiced
// sound marks U+FF9E/U+FF9F and the vertical kana repeat marks
// U+3031..U+3035.
func isNoSpaceScript(r rune) bool {
	if r < 0x0E00 { // Thai is the first of these blocks
		return false
	}
	switch {
	case r == 0x30FC, r == 0xFF70, r == 0xFF9E, r == 0xFF9F, 0x3031 <= r && r <= 0x3035:
		return true
	}
	if !isWordRune(r) || unicode.IsMark(r) {
		// Punctuation of these scripts (。 、 ๆ is a letter though) is
		// handled as punctuation; a mark belongs to the rune before it.
		return false
	}
	for _, t := range noSpaceScripts {
		if unicode.Is(t, r) {
			return true
		}
	}
	return false
}

// wordEnd returns the end of the word run that continues at i: word runes
// that are not of a no-space script (a Japanese particle right after a
// Latin word starts a new token).
func wordEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if !asciiWord(c) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !isWordRune(r) || isNoSpaceScript(r) {
			return i
		}
		i += size
	}
	return i
}

// marksEnd returns the end of the run of combining marks starting at i.
func marksEnd(s string, i int) int {
	for i < len(s) && s[i] >= utf8.RuneSelf {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsMark(r) {
			return i
		}
		i += size
	}
	return i
}
