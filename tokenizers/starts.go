package tokenizers

import "fmt"

// TokenStarts returns the byte offset where each token of text starts, as
// the tokenizer of the given level ("char" or "word", lowercase being the
// word tokenizer's setting) would cut it. Splitting text at one of these
// offsets gives two texts whose tokens are exactly the tokens before and
// after it (datasets.SplitTextTrainVal relies on this).
func TokenStarts(text, level string, lowercase bool) ([]int, error) {
	var starts []int
	switch level {
	case LevelChar:
		for i := 0; i < len(text); i += charLen(text[i:]) {
			starts = append(starts, i)
		}
	case LevelWord:
		sc := wordScanner{text: text, lower: lowercase}
		for {
			start, _, _, ok := sc.next()
			if !ok {
				break
			}
			starts = append(starts, start)
		}
	default:
		return nil, fmt.Errorf("unknown tokenizer level %q (valid: %s, %s)", level, LevelChar, LevelWord)
	}
	return starts, nil
}

// IsSpace reports whether r is white space as Normalize sees it: Python's
// str.isspace() plus the Unicode Zs category.
func IsSpace(r rune) bool { return isUnicodeSpace(r) }
