package metrics

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tokenize13a tokenizes one segment the way sacrebleu's "13a" tokenizer does
// (itself a re-implementation of the tokenization inside mteval-v13a.pl, the
// WMT scoring script), and returns the tokens joined by single spaces.
//
// The steps, in order:
//
//  1. language-independent clean-up: remove "<skipped>", join words split by
//     "-\n", turn the remaining "\n" into spaces, and unescape the four SGML
//     entities &quot; &amp; &lt; &gt; (each replaced once, in that order,
//     so "&amp;quot;" becomes "&quot;" and stays so);
//  2. pad the line with one space on both sides;
//  3. put spaces around every ASCII punctuation or symbol character except
//     the apostrophe, hyphen, period and comma, i.e. the regex class
//     [{-~[-` -&(-+:-@/];
//  4. split a period or comma off a preceding non-digit ("a." -> "a . ");
//  5. split a period or comma off a following non-digit (".a" -> " . a");
//  6. split a hyphen off a preceding digit ("1-" -> "1 - ");
//  7. collapse runs of whitespace to one space and trim the ends.
//
// Steps 4-6 are regex substitutions of a two-character pattern; as with
// Python's re.sub, matches are found left to right and never overlap, so in
// "a.,b" step 4 splits "a." but not ".," (the "." was consumed). Steps 4-5
// together keep decimal numbers like "3.14" and "1,000" whole. "Whitespace"
// in step 7 is Python's str.isspace, which also includes the ASCII
// separators U+001C..U+001F.
//
// BLEU additionally lowercases (if asked) and right-strips the segment before
// calling this; see [CorpusBLEU].
func Tokenize13a(s string) string {
	var t tokenizer13a
	return t.run(clean13a(s))
}

// clean13a is step 1 of [Tokenize13a]. The replacements run one after the
// other, exactly as sacrebleu chains str.replace.
func clean13a(s string) string {
	s = strings.ReplaceAll(s, "<skipped>", "")
	s = strings.ReplaceAll(s, "-\n", "")
	s = strings.ReplaceAll(s, "\n", " ")
	if strings.IndexByte(s, '&') >= 0 {
		s = strings.ReplaceAll(s, "&quot;", `"`)
		s = strings.ReplaceAll(s, "&amp;", "&")
		s = strings.ReplaceAll(s, "&lt;", "<")
		s = strings.ReplaceAll(s, "&gt;", ">")
	}
	return s
}

// tokenizer13a holds scratch buffers so that scoring a corpus does not
// allocate per pass. The zero value is ready to use.
type tokenizer13a struct {
	a, b []rune
	out  strings.Builder
}

// is13aPunct reports whether r is in the character class of step 3,
// [\{-\~\[-\` -\&\(-\+\:-\@\/]: the ranges {|}~, [\]^_`, space!"#$%&,
// ()*+, :;<=>?@ and the slash.
func is13aPunct(r rune) bool {
	switch {
	case r >= '{' && r <= '~', r >= '[' && r <= '`', r >= ' ' && r <= '&',
		r >= '(' && r <= '+', r >= ':' && r <= '@', r == '/':
		return true
	}
	return false
}

func isASCIIDigit(r rune) bool  { return r >= '0' && r <= '9' }
func isPeriodComma(r rune) bool { return r == '.' || r == ',' }

// run applies steps 2-7 to an already cleaned-up line.
func (t *tokenizer13a) run(s string) string { return t.post(s, true) }

// post applies steps 3-7 (sacrebleu's TokenizerRegexp, shared by the 13a and
// zh tokenizers), after padding the line with a space on both sides (step 2)
// when pad is set; the zh tokenizer does not pad.
func (t *tokenizer13a) post(s string, pad bool) string {
	// Steps 2 and 3: pad, and space out the punctuation class.
	a := t.a[:0]
	if pad {
		a = append(a, ' ')
	}
	for _, r := range s {
		if is13aPunct(r) {
			a = append(a, ' ', r, ' ')
		} else {
			a = append(a, r)
		}
	}
	if pad {
		a = append(a, ' ')
	}

	// Step 4: ([^0-9])([\.,]) -> "\1 \2 ".
	b := t.b[:0]
	for i := 0; i < len(a); {
		if i+1 < len(a) && !isASCIIDigit(a[i]) && isPeriodComma(a[i+1]) {
			b = append(b, a[i], ' ', a[i+1], ' ')
			i += 2
			continue
		}
		b = append(b, a[i])
		i++
	}

	// Step 5: ([\.,])([^0-9]) -> " \1 \2".
	a = a[:0]
	for i := 0; i < len(b); {
		if i+1 < len(b) && isPeriodComma(b[i]) && !isASCIIDigit(b[i+1]) {
			a = append(a, ' ', b[i], ' ', b[i+1])
			i += 2
			continue
		}
		a = append(a, b[i])
		i++
	}

	// Step 6: ([0-9])(-) -> "\1 \2 ".
	b = b[:0]
	for i := 0; i < len(a); {
		if i+1 < len(a) && isASCIIDigit(a[i]) && a[i+1] == '-' {
			b = append(b, a[i], ' ', '-', ' ')
			i += 2
			continue
		}
		b = append(b, a[i])
		i++
	}
	t.a, t.b = a, b

	// Step 7: ' '.join(line.split()).
	t.out.Reset()
	t.out.Grow(len(b))
	inWord := false
	for _, r := range b {
		if isPySpace(r) {
			inWord = false
			continue
		}
		if !inWord && t.out.Len() > 0 {
			t.out.WriteByte(' ')
		}
		inWord = true
		t.out.WriteRune(r)
	}
	return t.out.String()
}

// isPySpace reports whether Python's str.isspace() is true for r: the
// characters of bidirectional class WS, B or S or general category Zs. This
// is Go's unicode.IsSpace plus the information separators U+001C..U+001F,
// which Python's str.split() also splits on.
func isPySpace(r rune) bool {
	if r >= 0x1C && r <= 0x1F {
		return true
	}
	return unicode.IsSpace(r)
}

// pyFields splits s like Python's str.split() with no argument: on runs of
// isPySpace characters, dropping empty fields.
func pyFields(s string) []string {
	return strings.FieldsFunc(s, isPySpace)
}

// pyRstrip removes trailing isPySpace characters, like Python's
// str.rstrip() with no argument.
func pyRstrip(s string) string {
	return strings.TrimRightFunc(s, isPySpace)
}

// pyLower lowercases s like Python's str.lower(), which differs from
// strings.ToLower in two places: U+0130 (İ) lowercases to "i" followed by a
// combining dot above (U+0307), and a capital sigma at the end of a word
// becomes the final form ς rather than σ. Everything else is the simple
// Unicode lowercase mapping, which both languages share.
func pyLower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	rs := []rune(s)
	var sb strings.Builder
	sb.Grow(len(s))
	for i, r := range rs {
		switch r {
		case 0x130:
			sb.WriteString("i\u0307")
		case 0x3A3:
			if finalSigma(rs, i) {
				sb.WriteRune(0x3C2)
			} else {
				sb.WriteRune(0x3C3)
			}
		default:
			sb.WriteRune(unicode.ToLower(r))
		}
	}
	return sb.String()
}

// finalSigma implements the Unicode Final_Sigma condition that Python
// applies: the sigma at rs[i] follows a cased letter (skipping
// case-ignorable characters) and is not followed by one.
func finalSigma(rs []rune, i int) bool {
	j := i - 1
	for j >= 0 && isCaseIgnorable(rs[j]) {
		j--
	}
	if j < 0 || !isCased(rs[j]) {
		return false
	}
	k := i + 1
	for k < len(rs) && isCaseIgnorable(rs[k]) {
		k++
	}
	return k == len(rs) || !isCased(rs[k])
}

// isCased approximates the Unicode Cased property.
func isCased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// isCaseIgnorable approximates the Unicode Case_Ignorable property: marks,
// format characters, modifier letters and symbols, and the word-internal
// punctuation of Word_Break MidLetter/MidNumLet/Single_Quote.
func isCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xB7, 0x387, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
