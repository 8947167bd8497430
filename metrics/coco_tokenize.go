package metrics

import (
	"strings"
	"unicode"
)

// CocoTokenize tokenizes a caption the way coco-caption prepares captions
// for BLEU and CIDEr-D, approximately: coco-caption runs Stanford's
// PTBTokenizer (lowercasing, one line per caption) and then deletes the
// tokens that are punctuation. This is a re-implementation of the rules
// that matter for captions, not of the whole PTB tokenizer. Exactly:
//
//  1. Unicode lowercasing; the typographic apostrophes ’ and ‘ count as '.
//  2. Word characters are letters, digits and combining marks. A word is a
//     maximal run of them, which may also contain
//     - a hyphen between two word characters ("t-shirt", "black-and-white"
//     stay one token, as in PTB);
//     - a period or comma between two digits ("3.5", "1,000");
//     - an apostrophe between two word characters ("o'clock").
//  3. A word ending in "n't" is split before it ("don't" → "do n't",
//     "can't" → "ca n't", as in PTB); one ending in 's, 're, 've, 'll, 'd
//     or 'm is split before the apostrophe ("dog's" → "dog 's"). The
//     clitics are kept: coco-caption does not delete them.
//  4. Every other non-space character is a token of its own; those in
//     coco-caption's punctuation list are deleted: . , ? ! : ; - ' " ` ( )
//     and the brackets [ ] { } (which PTB turns into -LRB- and the like),
//     plus the Unicode dashes – — and quotes “ ” « » and the ellipsis ….
//     Other symbols (& $ % # / + = @ * …) stay as one-character tokens.
//
// Known differences from PTBTokenizer: PTB keeps some abbreviations with
// their period ("mr.", "u.s."), splits "cannot" into "can not", and keeps
// a slash inside a word ("and/or"); here the period is deleted, "cannot"
// stays whole and the slash is a token of its own. Captions rarely hit
// these cases.
func CocoTokenize(s string) []string {
	rs := []rune(strings.ToLower(s))
	for i, r := range rs {
		if r == '’' || r == '‘' {
			rs[i] = '\''
		}
	}
	word := func(i int) bool {
		if i < 0 || i >= len(rs) {
			return false
		}
		r := rs[i]
		return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
	}
	digit := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsDigit(rs[i]) }
	var out []string
	start := -1 // start of the current word, -1 if none
	flush := func(end int) {
		if start >= 0 {
			out = appendWord(out, string(rs[start:end]))
			start = -1
		}
	}
	for i, r := range rs {
		switch {
		case word(i):
			if start < 0 {
				start = i
			}
		case start >= 0 && (r == '-' || r == '\'') && word(i-1) && word(i+1):
		case start >= 0 && (r == '.' || r == ',') && digit(i-1) && digit(i+1):
		default:
			flush(i)
			if unicode.IsSpace(r) || cocoPunct(r) || unicode.IsControl(r) {
				continue
			}
			out = append(out, string(r))
		}
	}
	flush(len(rs))
	return out
}

// cocoPunct reports whether a one-character token is deleted (step 4).
func cocoPunct(r rune) bool {
	return strings.ContainsRune(".,?!:;-'\"`()[]{}–—“”«»…", r)
}

// appendWord appends w, split before a PTB clitic (step 3).
func appendWord(out []string, w string) []string {
	if len(w) > 3 && strings.HasSuffix(w, "n't") {
		return append(out, w[:len(w)-3], "n't")
	}
	for _, c := range []string{"'s", "'re", "'ve", "'ll", "'d", "'m"} {
		if len(w) > len(c) && strings.HasSuffix(w, c) {
			return append(out, w[:len(w)-len(c)], c)
		}
	}
	return append(out, w)
}
