package tokenizers

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize prepares one sentence for tokenization, as the reference
// translate.py does before its regex:
//
//  1. Unicode NFC, so "é" typed as e + U+0301 and the precomposed U+00E9 are
//     the same token;
//  2. optional lower case (per rune, unicode.ToLower; see wordTokenizer for
//     the two rare cases where Python's str.lower differs);
//  3. every Unicode space becomes an ordinary space. This is deliberate:
//     French typography puts a narrow no-break space (U+202F) or a no-break
//     space (U+00A0) before ! ? ; : and inside « », and Tatoeba is not
//     consistent about which (the first lines of eng-fra.tsv have "Va !" with
//     U+0020 and "Cours !" with U+202F). Treating them all as a word
//     boundary makes "Cours !" and "Cours !" the same two tokens; Detokenize
//     puts U+202F back for French;
//  4. runs of spaces collapse to one and the ends are trimmed.
//
// Spaces are what Python's str.isspace() accepts (unicode.IsSpace plus the
// separators U+001C..U+001F) and anything else in category Zs, so tabs and
// newlines inside a sentence also become single spaces. Bytes that are not
// valid UTF-8 are kept as they are (NFC leaves them alone), so Normalize
// never loses input; ReadPairs rejects such lines anyway.
func Normalize(s string, lowercase bool) string {
	if isPlainASCII(s) {
		// Fast path for the common case: NFC and ToLower are trivial.
		return collapseSpaces(s, lowercase)
	}
	s = norm.NFC.String(s)
	if lowercase {
		s = lowerRunes(s)
	}
	return collapseSpaces(s, false)
}

// isUnicodeSpace: Python's str.isspace() plus the Zs category.
func isUnicodeSpace(r rune) bool {
	return isPySpace(r) || unicode.Is(unicode.Zs, r)
}

// isPlainASCII reports whether s is entirely ASCII.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lowerRunes lowercases s rune by rune, keeping invalid bytes.
func lowerRunes(s string) string {
	return string(foldToken(make([]byte, 0, len(s)), s))
}

// collapseSpaces maps every space to ' ', collapses runs, trims both ends
// and, if lowerASCII, lowercases A-Z (only used on ASCII input).
func collapseSpaces(s string, lowerASCII bool) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false // a space is owed before the next non-space
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				r = -1 // invalid byte: not a space, copied as is
			}
		}
		if r >= 0 && isUnicodeSpace(r) {
			pending = b.Len() > 0
			i += size
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		if lowerASCII && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if size == 1 {
			b.WriteByte(c)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
