package tokenizers

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// WordConfig configures a word-level tokenizer and vocabulary.
type WordConfig struct {
	// Lowercase folds the text to lower case before splitting; the word
	// class is then [a-z']. Without it the word class is [A-Za-z'].
	Lowercase bool
	// MinCount is how many times a token must occur in the training text to
	// get its own id; rarer tokens map to "<unk>".
	MinCount int
}

// DefaultWordConfig is the reference setting: Lowercase true, MinCount 2.
func DefaultWordConfig() WordConfig { return WordConfig{Lowercase: true, MinCount: 2} }

// wordTokenizer splits text exactly like the PyTorch reference
//
//	re.findall(r"\n|[a-z']+|[^\sa-z']", text.lower())
//
// but with a hand-written scanner instead of a regexp (about 14× faster than
// Go's regexp on tiny Shakespeare, see BenchmarkWordSplitRegexp):
//
//   - every '\n' is a token;
//   - a maximal run of a-z and ' is a word (A-Za-z' when not lowercasing);
//   - any other character that is not white space is a token on its own;
//   - other white space is dropped.
//
// White space means Python's str.isspace(), which is what \s matches in a
// Python str pattern: Go's unicode.IsSpace plus U+001C..U+001F.
//
// Lowercasing is Go's per-rune unicode.ToLower. It agrees with Python's
// str.lower() everywhere except the two context/length-changing rules of
// Unicode SpecialCasing: U+0130 'İ' (Python gives "i̇", two runes) and
// word-final capital sigma (Python gives 'ς'), plus any letters added between
// the two languages' Unicode versions. None of these occur in English
// corpora.
//
// A byte that is not valid UTF-8 becomes a one-byte token of its own, as a
// regexp over the same string would match it.
type wordTokenizer struct {
	v     *Vocab
	lower bool
}

var _ Tokenizer = (*wordTokenizer)(nil)

// NewWordTokenizer rebuilds a word tokenizer from a stored vocabulary.
// lowercase must be the setting the vocabulary was built with. A nil
// vocabulary is treated as {"<unk>"}.
func NewWordTokenizer(v *Vocab, lowercase bool) Tokenizer {
	if v == nil {
		v = BuildVocab(nil, 1)
	}
	return &wordTokenizer{v: v, lower: lowercase}
}

// BuildWord builds a word vocabulary from the training text: "<unk>" plus
// every token seen at least cfg.MinCount times, sorted. The caller passes
// only the training part (see SplitTextTrainVal).
func BuildWord(train string, cfg WordConfig) (Tokenizer, error) {
	if err := checkMinCount(LevelWord, cfg.MinCount); err != nil {
		return nil, err
	}
	t := &wordTokenizer{lower: cfg.Lowercase}
	// Count through an index so that a folded token (held in a reused
	// buffer) is only converted to a string the first time it is seen.
	index := make(map[string]int)
	var counts []int
	var buf []byte
	total := 0
	sc := wordScanner{text: train, lower: cfg.Lowercase}
	for {
		start, end, fold, ok := sc.next()
		if !ok {
			break
		}
		total++
		var i int
		var seen bool
		if fold {
			buf = foldToken(buf[:0], train[start:end])
			if i, seen = index[string(buf)]; !seen { // lookup does not allocate
				index[string(buf)] = len(counts)
			}
		} else if i, seen = index[train[start:end]]; !seen {
			index[train[start:end]] = len(counts)
		}
		if seen {
			counts[i]++
		} else {
			counts = append(counts, 1)
		}
	}
	if total == 0 {
		return nil, fmt.Errorf("word tokenizer: training text has no tokens (it is empty or only white space)")
	}
	byToken := make(map[string]int, len(index))
	for tok, i := range index {
		byToken[tok] = counts[i]
	}
	v := BuildVocab(byToken, cfg.MinCount)
	if v.Size() == 1 {
		return nil, fmt.Errorf("word tokenizer: no token occurs at least %d times in the training text (%d tokens, %d distinct); lower MinCount or use more text",
			cfg.MinCount, total, len(index))
	}
	t.v = v
	return t, nil
}

func (t *wordTokenizer) Level() string { return LevelWord }
func (t *wordTokenizer) Vocab() *Vocab { return t.v }

func (t *wordTokenizer) Encode(text string) ([]int, []string) {
	ids := make([]int, 0, len(text)/4+1)
	var unk unknownSet
	var buf []byte
	sc := wordScanner{text: text, lower: t.lower}
	for {
		start, end, fold, ok := sc.next()
		if !ok {
			break
		}
		var id int
		var known bool
		if fold {
			buf = foldToken(buf[:0], text[start:end])
			id, known = t.v.index[string(buf)] // no allocation for the lookup
			if !known {
				unk.add(string(buf))
			}
		} else {
			id, known = t.v.index[text[start:end]]
			if !known {
				unk.add(text[start:end])
			}
		}
		ids = append(ids, id)
	}
	return ids, unk.list
}

func (t *wordTokenizer) Split(text string) []string {
	var toks []string
	sc := wordScanner{text: text, lower: t.lower}
	for {
		start, end, fold, ok := sc.next()
		if !ok {
			return toks
		}
		if fold {
			toks = append(toks, string(foldToken(nil, text[start:end])))
		} else {
			toks = append(toks, text[start:end])
		}
	}
}

// Decode joins tokens with single spaces, except: no space at the start,
// none before or after "\n", none before closing punctuation (, . ; : ! ? '
// ) ] }) and none after opening brackets (( [ {). For lowercase text made
// only of words and such punctuation, Decode(Encode(x)) == x when x is
// written that way ("i'll go, now.\nno!").
func (t *wordTokenizer) Decode(ids []int) string {
	var b strings.Builder
	prev := ""
	for i, id := range ids {
		tok := t.v.Token(id)
		if i > 0 && needSpace(prev, tok) {
			b.WriteByte(' ')
		}
		b.WriteString(tok)
		prev = tok
	}
	return b.String()
}

// needSpace reports whether Decode puts a space between tokens a and b.
func needSpace(a, b string) bool {
	if a == "\n" || b == "\n" {
		return false
	}
	switch b {
	case ",", ".", ";", ":", "!", "?", "'", ")", "]", "}":
		return false
	}
	switch a {
	case "(", "[", "{":
		return false
	}
	return true
}

// wordScanner yields the byte spans of the tokens of text, in order.
type wordScanner struct {
	text  string
	pos   int
	lower bool
}

// next returns the span [start, end) of the next token and whether the token
// must be case-folded (it contains upper-case letters and lower is set). ok
// is false at the end of the text.
func (s *wordScanner) next() (start, end int, fold, ok bool) {
	text := s.text
	for s.pos < len(text) {
		start = s.pos
		c := text[start]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n':
				s.pos++
				return start, s.pos, false, true
			case asciiWordByte(c):
				end, fold = s.wordRun(start)
				s.pos = end
				return start, end, fold, true
			case asciiSpace(c):
				s.pos++
				continue
			default:
				s.pos++
				return start, s.pos, false, true
			}
		}
		r, size := utf8.DecodeRuneInString(text[start:])
		switch {
		case r == utf8.RuneError && size == 1:
			s.pos++ // invalid byte: a token of its own
			return start, s.pos, false, true
		case isPySpace(r):
			s.pos += size
			continue
		case s.lower && isFoldedWordRune(r):
			end, _ = s.wordRun(start)
			s.pos = end
			return start, end, true, true
		default:
			s.pos += size
			return start, s.pos, s.lower && unicode.ToLower(r) != r, true
		}
	}
	return 0, 0, false, false
}

// wordRun returns the end of the word that starts at start and whether it
// needs folding. In case-sensitive mode the class is [A-Za-z'] (ASCII only).
// With lowercasing it is every rune whose lower case is in [a-z'], which
// includes A-Z and a few non-ASCII letters such as U+212A KELVIN SIGN.
func (s *wordScanner) wordRun(start int) (end int, fold bool) {
	text := s.text
	i := start
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			if !asciiWordByte(c) {
				break
			}
			if s.lower && 'A' <= c && c <= 'Z' {
				fold = true
			}
			i++
			continue
		}
		if !s.lower {
			break
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isFoldedWordRune(r) {
			break
		}
		fold = true
		i += size
	}
	return i, fold
}

// foldToken appends the lower case of tok to dst.
func foldToken(dst []byte, tok string) []byte {
	for i := 0; i < len(tok); {
		c := tok[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(tok[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, c) // keep invalid bytes as they are
		} else {
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
		i += size
	}
	return dst
}

// asciiWordByte: A-Z, a-z and the apostrophe. (A-Z lowercases into a-z, so
// it belongs to the word class in both modes.)
func asciiWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '\''
}

// isFoldedWordRune: a non-ASCII rune whose lower case is in [a-z'].
func isFoldedWordRune(r rune) bool {
	l := unicode.ToLower(r)
	return 'a' <= l && l <= 'z' || l == '\''
}

// asciiSpace is Python's \s restricted to ASCII, minus '\n' (which is a
// token): \t \v \f \r, space and the separators U+001C..U+001F.
func asciiSpace(c byte) bool {
	return c == ' ' || '\t' <= c && c <= '\r' || 0x1C <= c && c <= 0x1F
}

// isPySpace reports whether r is white space for Python's str.isspace().
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || 0x1C <= r && r <= 0x1F
}
