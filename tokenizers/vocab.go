package tokenizers

import (
	"fmt"
	"sort"
	"strings"
)

// UnknownToken is the token with id 0 in every vocabulary. Tokens that are
// not in the vocabulary are encoded as id 0, and ids that are out of range
// decode to it.
const UnknownToken = "<unk>"

// Vocab maps tokens to ids and back. Id 0 is always UnknownToken. A Vocab is
// immutable after construction and safe for concurrent use.
//
// A nil *Vocab behaves like the smallest valid vocabulary, {"<unk>"}, so
// that methods never panic.
type Vocab struct {
	tokens []string       // id → token
	index  map[string]int // token → id
}

// NewVocab builds a vocabulary from tokens listed in id order, as stored in
// a model file. tokens[0] must be "<unk>"; tokens must be non-empty strings
// and distinct.
func NewVocab(tokens []string) (*Vocab, error) {
	if len(tokens) == 0 {
		return nil, fmt.Errorf("vocabulary is empty: it needs at least %q as id 0", UnknownToken)
	}
	if tokens[0] != UnknownToken {
		return nil, fmt.Errorf("vocabulary id 0 is %q: it must be %q", tokens[0], UnknownToken)
	}
	return indexTokens(tokens)
}

// BuildVocab makes the vocabulary "<unk>" + every token whose count is at
// least minCount, sorted by token string in byte order (for UTF-8 this is
// code-point order, the same as Python's sorted()). The order does not
// depend on map iteration, so the same counts always give the same ids.
// The token "<unk>" itself and the empty string are ignored. minCount < 1
// is treated as 1. Token strings are cloned, so the vocabulary does not keep
// the text they were cut from alive.
func BuildVocab(counts map[string]int, minCount int) *Vocab {
	minCount = max(minCount, 1)
	kept := make([]string, 0, len(counts))
	for tok, c := range counts {
		if c >= minCount && tok != UnknownToken && tok != "" {
			kept = append(kept, strings.Clone(tok))
		}
	}
	sort.Strings(kept)
	v := &Vocab{tokens: make([]string, 0, len(kept)+1), index: make(map[string]int, len(kept)+1)}
	v.tokens = append(v.tokens, UnknownToken)
	v.tokens = append(v.tokens, kept...)
	for id, tok := range v.tokens {
		v.index[tok] = id
	}
	return v
}

// Size returns the number of tokens, "<unk>" included.
func (v *Vocab) Size() int {
	if v == nil {
		return 1
	}
	return len(v.tokens)
}

// ID returns the id of tok, or (0, false) when tok is not in the vocabulary.
// ID("<unk>") is (0, true).
func (v *Vocab) ID(tok string) (int, bool) {
	if v == nil {
		return 0, tok == UnknownToken
	}
	id, ok := v.index[tok]
	return id, ok
}

// Token returns the token with the given id, or "<unk>" when id is out of
// range.
func (v *Vocab) Token(id int) string {
	if v == nil || id < 0 || id >= len(v.tokens) {
		return UnknownToken
	}
	return v.tokens[id]
}

// Tokens returns a copy of the tokens in id order. This is what a model file
// stores; NewVocab(v.Tokens()) rebuilds an identical vocabulary.
func (v *Vocab) Tokens() []string {
	if v == nil {
		return []string{UnknownToken}
	}
	return append([]string(nil), v.tokens...)
}

// NewVocabNoUnknown builds a vocabulary whose id 0 is an ordinary token:
// for byte-level BPE (tokenizers/gpt2), which can spell any text and so
// has no unknown token. Tokens must be non-empty and distinct; ID and
// Token work as for NewVocab's vocabularies.
func NewVocabNoUnknown(tokens []string) (*Vocab, error) {
	if len(tokens) == 0 {
		return nil, fmt.Errorf("vocabulary is empty")
	}
	return indexTokens(tokens)
}

// indexTokens builds the vocabulary of tokens in id order, checking that
// each is non-empty and none repeats.
func indexTokens(tokens []string) (*Vocab, error) {
	v := &Vocab{tokens: make([]string, len(tokens)), index: make(map[string]int, len(tokens))}
	for id, tok := range tokens {
		if tok == "" {
			return nil, fmt.Errorf("vocabulary id %d is the empty string: tokens must be non-empty", id)
		}
		if prev, dup := v.index[tok]; dup {
			return nil, fmt.Errorf("vocabulary has token %q twice (ids %d and %d)", tok, prev, id)
		}
		v.tokens[id] = tok
		v.index[tok] = id
	}
	return v, nil
}
