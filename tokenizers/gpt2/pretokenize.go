package gpt2

import (
	"unicode"
	"unicode/utf8"
)

// GPT-2 splits text into pieces with this regular expression before BPE,
// and BPE never merges across pieces:
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// Go's regexp has no lookahead, so pieceEnd implements the same leftmost,
// first-alternative-wins matching by hand. The alternatives, tried in
// order at each position:
//
//  1. a contraction, case-sensitive: 's 't 're 've 'm 'll 'd;
//  2. an optional space and a run of letters;
//  3. an optional space and a run of numbers;
//  4. an optional space and a run of characters that are none of
//     whitespace, letter or number (punctuation, symbols, marks, emoji);
//  5. \s+(?!\S): a run of whitespace not followed by a non-space. Before a
//     word the run gives back its last character, so "   hello" splits as
//     "  " and " hello": the word keeps one space, as in mid-sentence;
//  6. \s+: a lone whitespace character before a non-space (say "\n"
//     before a letter), which 5 cannot match.
//
// Character classes follow Python's regex module: \s is Unicode White_Space
// (Go's unicode.IsSpace), \p{L} is unicode.IsLetter, \p{N} unicode.IsNumber.
// A byte that is not valid UTF-8 counts as class 4 (as U+FFFD would), so
// any byte string splits and round-trips.

type charClass uint8

const (
	classOther charClass = iota
	classLetter
	classNumber
	classSpace
)

func classOf(r rune) charClass {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
			return classLetter
		case '0' <= r && r <= '9':
			return classNumber
		case r == ' ', '\t' <= r && r <= '\r':
			return classSpace
		}
		return classOther
	case unicode.IsLetter(r):
		return classLetter
	case unicode.IsNumber(r):
		return classNumber
	case unicode.IsSpace(r):
		return classSpace
	}
	return classOther
}

// runeAt decodes the character at s[i]; an invalid byte is (RuneError, 1).
func runeAt(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// contraction returns the length of the contraction suffix ("s", "re", ...)
// at the start of s, or 0.
func contraction(s string) int {
	if len(s) >= 2 {
		switch s[:2] {
		case "re", "ve", "ll":
			return 2
		}
	}
	if len(s) >= 1 {
		switch s[0] {
		case 's', 't', 'm', 'd':
			return 1
		}
	}
	return 0
}

// pieceEnd returns the end of the piece that starts at s[i] (i < len(s)).
func pieceEnd(s string, i int) int {
	r, w := runeAt(s, i)
	if r == '\'' {
		if n := contraction(s[i+1:]); n > 0 {
			return i + 1 + n
		}
	}
	c := classOf(r)
	start := i
	if r == ' ' && i+1 < len(s) {
		r2, w2 := runeAt(s, i+1)
		if c2 := classOf(r2); c2 != classSpace {
			// alternatives 2-4 take the space as their optional prefix
			i, c, w = i+1, c2, w2
		}
	}
	if c != classSpace {
		j := i + w
		for j < len(s) {
			r, w := runeAt(s, j)
			if classOf(r) != c {
				break
			}
			j += w
		}
		return j
	}
	j, last := start, start
	for j < len(s) {
		r, w := runeAt(s, j)
		if classOf(r) != classSpace {
			break
		}
		last = j
		j += w
	}
	if j == len(s) || last == start {
		return j // end of text (5) or a single character (6)
	}
	return last // 5: leave the last whitespace character to the next piece
}

// Split returns GPT-2's pre-tokenization of text: the pieces that BPE then
// encodes independently. Their concatenation is text.
func Split(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		j := pieceEnd(text, i)
		out = append(out, text[i:j])
		i = j
	}
	return out
}
