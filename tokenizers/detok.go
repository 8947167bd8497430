package tokenizers

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Detokenize joins tokens (from TokenizeMulti, or a decoder's output) back
// into natural text. Tokens are separated by one space except:
//
//   - no space before closing punctuation , . ! ? ; : ) ] } % … and closing
//     quotes ” » ›, and none after opening brackets and quotes ( [ { “ « ‹ „
//     ‘ ¿ ¡;
//   - apostrophes (' ’) and hyphens (-) are joined on both sides:
//     "l ' heure" → "l'heure", "peut - être" → "peut-être", "I ' m" → "I'm";
//   - a straight double quote " opens and closes alternately;
//   - numbers are rejoined: "10 : 30" → "10:30", "3 . 5" → "3.5",
//     "10 , 000" → "10,000" (see inNumber);
//   - no space next to a character of a script written without spaces
//     (Chinese, Japanese, Thai, ...) or next to full-width punctuation;
//   - lang "fr" (or "fr-…"): French spacing, a narrow no-break space U+202F
//     before ! ? ; : (one for a cluster such as "?!"), as the reference's
//     recasing does; « and » keep ordinary spaces inside them, as in the
//     Tatoeba sentences.
//
// With capitalize, the first letter of the first word is upper-cased (the
// reference's recasing: only the sentence start is restored; proper nouns
// stay as the model wrote them).
//
// Detokenize(TokenizeMulti(s)) == s for ordinarily written text; see
// TestDetokenizeEngFraRoundTrip for how often that holds on real sentences.
func Detokenize(tokens []string, lang string, capitalize bool) string {
	french := lang == "fr" || strings.HasPrefix(lang, "fr-") || strings.HasPrefix(lang, "fr_")
	var b strings.Builder
	quoteOpen := false // inside a straight double quote
	glueNext := false  // the previous token asked for no space after it
	for i, tok := range tokens {
		if tok == "" {
			continue
		}
		sep := " "
		switch {
		case b.Len() == 0 || glueNext:
			sep = ""
		case tok == `"`:
			if quoteOpen {
				sep = ""
			}
		case isJoiner(tok):
			sep = ""
		case inNumber(tokens, i):
			sep = ""
		case french && isFrenchHighPunct(tok):
			sep = "\u202f"
			if prev := tokens[i-1]; isFrenchHighPunct(prev) {
				sep = "" // "?!" gets one space, before the cluster
			}
		case isClosing(tok) && !(french && tok == "»"):
			sep = ""
		case noSpaceBoundary(lastRune(tokens[i-1]), firstRune(tok)):
			sep = ""
		}
		b.WriteString(sep)
		b.WriteString(tok)

		glueNext = false
		switch {
		case tok == `"`:
			quoteOpen = !quoteOpen
			glueNext = quoteOpen
		case isJoiner(tok):
			glueNext = true
		case isOpening(tok) && !(french && tok == "«"):
			glueNext = true
		case inNumber(tokens, i):
			glueNext = true
		}
	}
	s := b.String()
	if capitalize {
		s = capitalizeFirstWord(s)
	}
	return s
}

// isJoiner: tokens joined to both neighbours.
func isJoiner(tok string) bool { return tok == "'" || tok == "’" || tok == "-" }

func isClosing(tok string) bool {
	switch tok {
	case ",", ".", "!", "?", ";", ":", ")", "]", "}", "%", "…", "”", "»", "›",
		"。", "、", "，", "！", "？", "；", "：", "）", "」", "』", "】", "〉", "》":
		return true
	}
	return false
}

func isOpening(tok string) bool {
	switch tok {
	case "(", "[", "{", "“", "«", "‹", "„", "‘", "¿", "¡", "（", "「", "『", "【", "〈", "《":
		return true
	}
	return false
}

// isFrenchHighPunct: the punctuation French sets off with a (narrow) space.
func isFrenchHighPunct(tok string) bool {
	return tok == "!" || tok == "?" || tok == ";" || tok == ":"
}

// inNumber reports whether tokens[i] is a separator inside a number:
// digits, then "." and any digits (3.5), "," and exactly three digits
// (10,000: a thousands separator, so "at 10:30, 3 km" keeps its space) or
// ":" and exactly two digits (10:30).
func inNumber(tokens []string, i int) bool {
	if i == 0 || i+1 >= len(tokens) || !isDigits(tokens[i-1]) || !isDigits(tokens[i+1]) {
		return false
	}
	n := utf8.RuneCountInString(tokens[i+1])
	switch tokens[i] {
	case ".":
		return true
	case ",":
		return n == 3
	case ":":
		return n == 2
	}
	return false
}

func isDigits(tok string) bool {
	if tok == "" {
		return false
	}
	for _, r := range tok {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// noSpaceBoundary: no space between a and b when either is a character of
// a script without spaces or CJK/full-width punctuation.
func noSpaceBoundary(a, b rune) bool {
	return isNoSpaceScript(a) || isNoSpaceScript(b) || isCJKPunct(a) || isCJKPunct(b)
}

// isCJKPunct: CJK symbols and punctuation (U+3000..U+303F), full-width
// forms (U+FF00..U+FF60) and half-width CJK punctuation (U+FF61..U+FF65).
func isCJKPunct(r rune) bool {
	return 0x3000 <= r && r <= 0x303F || 0xFF00 <= r && r <= 0xFF65
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// capitalizeFirstWord upper-cases the first letter of s if s starts, after
// any punctuation, with a letter ("« bonjour" → "« Bonjour", but "3 chats"
// stays as it is).
func capitalizeFirstWord(s string) string {
	for i, r := range s {
		switch {
		case unicode.IsLetter(r):
			u := unicode.ToTitle(r)
			if u == r {
				return s
			}
			return s[:i] + string(u) + s[i+utf8.RuneLen(r):]
		case isWordRune(r):
			return s // a number or other word character comes first
		}
	}
	return s
}
