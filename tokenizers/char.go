package tokenizers

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// CharConfig configures a character-level vocabulary.
type CharConfig struct {
	// MinCount is how many times a character must occur in the training
	// text to get its own id; rarer characters map to "<unk>".
	MinCount int
}

// DefaultCharConfig keeps every character seen in training (MinCount 1).
func DefaultCharConfig() CharConfig { return CharConfig{MinCount: 1} }

// charTokenizer: every rune is a token, '\n' included. A byte that is not
// valid UTF-8 is its own one-byte token, so the tokens of any string
// concatenate back to exactly that string.
type charTokenizer struct {
	v *Vocab
	// ascii caches the ids of ASCII characters (-1: not in the vocabulary),
	// which are nearly all of a typical English corpus.
	ascii [utf8.RuneSelf]int32
}

var _ Tokenizer = (*charTokenizer)(nil)

// NewCharTokenizer rebuilds a character tokenizer from a stored vocabulary.
// A nil vocabulary is treated as {"<unk>"}.
func NewCharTokenizer(v *Vocab) Tokenizer {
	if v == nil {
		v = BuildVocab(nil, 1)
	}
	t := &charTokenizer{v: v}
	for c := range t.ascii {
		t.ascii[c] = -1
		if id, ok := v.ID(string(rune(c))); ok {
			t.ascii[c] = int32(id)
		}
	}
	return t
}

// BuildChar builds a character vocabulary from the training text (the
// caller passes only the training part, so validation characters that never
// occur in training stay unknown, as they would for a real user).
func BuildChar(train string, cfg CharConfig) (Tokenizer, error) {
	if err := checkMinCount(LevelChar, cfg.MinCount); err != nil {
		return nil, err
	}
	if train == "" {
		return nil, fmt.Errorf("char tokenizer: training text is empty")
	}
	var ascii [utf8.RuneSelf]int
	counts := make(map[string]int)
	for i := 0; i < len(train); {
		if c := train[i]; c < utf8.RuneSelf {
			ascii[c]++
			i++
			continue
		}
		n := charLen(train[i:])
		counts[train[i:i+n]]++
		i += n
	}
	for c, n := range ascii {
		if n > 0 {
			counts[string(rune(c))] = n
		}
	}
	v := BuildVocab(counts, cfg.MinCount)
	if v.Size() == 1 {
		return nil, fmt.Errorf("char tokenizer: no character occurs at least %d times in the training text (%d distinct); lower MinCount or use more text",
			cfg.MinCount, len(counts))
	}
	return NewCharTokenizer(v), nil
}

// charLen is the byte length of the character token at the start of s
// (s non-empty): a whole rune, or 1 for a byte that is not valid UTF-8.
func charLen(s string) int {
	if s[0] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s)
	return n
}

func (t *charTokenizer) Level() string { return LevelChar }
func (t *charTokenizer) Vocab() *Vocab { return t.v }

func (t *charTokenizer) Encode(text string) ([]int, []string) {
	ids := make([]int, 0, len(text))
	var unk unknownSet
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			id := int(t.ascii[c])
			if id < 0 {
				id = 0
				unk.add(text[i : i+1])
			}
			ids = append(ids, id)
			i++
			continue
		}
		n := charLen(text[i:])
		id, ok := t.v.ID(text[i : i+n])
		if !ok {
			unk.add(text[i : i+n])
		}
		ids = append(ids, id)
		i += n
	}
	return ids, unk.list
}

func (t *charTokenizer) Decode(ids []int) string {
	var b strings.Builder
	b.Grow(len(ids))
	for _, id := range ids {
		b.WriteString(t.v.Token(id))
	}
	return b.String()
}

func (t *charTokenizer) Split(text string) []string {
	toks := make([]string, 0, utf8.RuneCountInString(text))
	for i := 0; i < len(text); {
		n := charLen(text[i:])
		toks = append(toks, text[i:i+n])
		i += n
	}
	return toks
}
