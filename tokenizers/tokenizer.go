package tokenizers

import (
	"fmt"
	"strings"
)

// Tokenizer levels, as stored in model files.
const (
	LevelChar = "char"
	LevelWord = "word"
)

// Tokenizer turns text into token ids and back.
type Tokenizer interface {
	// Level is "char" or "word".
	Level() string
	// Vocab is the vocabulary the ids refer to.
	Vocab() *Vocab
	// Encode maps text to ids. Tokens missing from the vocabulary become
	// id 0 ("<unk>") and are also returned, deduplicated in first-seen
	// order, so that callers can show them to the user instead of dropping
	// them silently.
	Encode(text string) (ids []int, unknown []string)
	// Decode joins tokens back into text. Char level: plain concatenation.
	// Word level: a space between words, none before punctuation such as
	// , . ; : ! ? ' and none around "\n". Out-of-range ids decode as "<unk>".
	Decode(ids []int) string
	// Split returns the raw tokens of text, before vocabulary lookup.
	Split(text string) []string
}

// NewTokenizer rebuilds a tokenizer from a stored vocabulary. level is
// "char" or "word"; lowercase only matters for "word" and must be the value
// the vocabulary was built with.
func NewTokenizer(level string, v *Vocab, lowercase bool) (Tokenizer, error) {
	switch level {
	case LevelChar:
		return NewCharTokenizer(v), nil
	case LevelWord:
		return NewWordTokenizer(v, lowercase), nil
	}
	return nil, fmt.Errorf("unknown tokenizer level %q (valid: %s, %s)", level, LevelChar, LevelWord)
}

// unknownSet collects unknown tokens, deduplicated in first-seen order. The
// zero value is ready to use and allocates nothing until a token is added.
type unknownSet struct {
	seen map[string]struct{}
	list []string
}

func (u *unknownSet) add(tok string) {
	if _, ok := u.seen[tok]; ok {
		return
	}
	if u.seen == nil {
		u.seen = make(map[string]struct{})
	}
	tok = strings.Clone(tok) // own copy: tok may be a slice of a large text or a reused buffer
	u.seen[tok] = struct{}{}
	u.list = append(u.list, tok)
}

// checkMinCount validates a MinCount field, naming the level.
func checkMinCount(level string, minCount int) error {
	if minCount < 1 {
		return fmt.Errorf("%s tokenizer: MinCount %d is invalid (valid: 1 or more)", level, minCount)
	}
	return nil
}
