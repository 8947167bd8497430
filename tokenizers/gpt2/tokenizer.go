package gpt2

import (
	"fmt"
	"strings"
	"sync"
)

// EndOfText is GPT-2's special token, id 50256 in its vocabulary: the
// separator between documents during training.
const EndOfText = "<|endoftext|>"

// Level names this tokenizer in model files and on the command line
// ("--level bpe"): byte-level BPE.
const Level = "bpe"

// Limits on untrusted vocabularies. GPT-2 has 50,257 tokens and 50,000
// merges; the largest public byte-level BPEs have a few hundred thousand.
const (
	MaxTokens = 1 << 20
	MaxMerges = 1 << 20
)

// Tokenizer is a byte-level BPE tokenizer with GPT-2's algorithm: it turns
// any byte string into token ids and back without loss. It is immutable
// (apart from an internal cache) and safe for concurrent use.
type Tokenizer struct {
	tokens []string       // id → token as spelled in vocab.json
	raw    [][]byte       // id → the bytes it stands for
	index  map[string]int // token → id
	byteID [256]int32     // byte → id of its one-byte token
	merges [][2]string    // in rank order, as in merges.txt
	ranks  map[uint64]mergeInfo
	eot    int // id of EndOfText, or -1

	mu    sync.Mutex
	cache map[string][]int32 // piece → ids, bounded by cacheEntries
}

type mergeInfo struct {
	rank, id int32
}

// cacheEntries bounds the piece cache; it is emptied when full. Pieces are
// words, so a few tens of thousands cover most text.
const (
	cacheEntries  = 1 << 15
	cachePieceLen = 64
)

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// New builds a tokenizer from its vocabulary, listed in id order (token i
// has id i, spelled as in vocab.json), and its merges in rank order (as in
// merges.txt, without the "#version" line). Every one-byte token must be
// present, and both sides of each merge and their concatenation must be
// tokens.
func New(tokens []string, merges [][2]string) (*Tokenizer, error) {
	return build(tokens, merges, "vocabulary", func(i int) string { return fmt.Sprintf("merge %d", i) })
}

// build checks and indexes a vocabulary. vocabName names the vocabulary in
// errors; mergeWhere(i) names merge i (file and line when loaded).
func build(tokens []string, merges [][2]string, vocabName string, mergeWhere func(int) string) (*Tokenizer, error) {
	if len(tokens) < 256 || len(tokens) > MaxTokens {
		return nil, fmt.Errorf("%s has %d tokens (valid: 256 to %d; byte-level BPE needs the 256 one-byte tokens)", vocabName, len(tokens), MaxTokens)
	}
	if len(merges) > MaxMerges {
		return nil, fmt.Errorf("%s: %d merges (valid: at most %d)", vocabName, len(merges), MaxMerges)
	}
	t := &Tokenizer{
		tokens: append([]string(nil), tokens...),
		raw:    make([][]byte, len(tokens)),
		index:  make(map[string]int, len(tokens)),
		merges: append([][2]string(nil), merges...),
		ranks:  make(map[uint64]mergeInfo, len(merges)),
		eot:    -1,
		cache:  make(map[string][]int32),
	}
	for id, tok := range tokens {
		if tok == "" {
			return nil, fmt.Errorf("%s: id %d is the empty string (tokens must be non-empty)", vocabName, id)
		}
		if prev, dup := t.index[tok]; dup {
			return nil, fmt.Errorf("%s: token %q has two ids, %d and %d", vocabName, tok, prev, id)
		}
		t.index[tok] = id
		if b, ok := unbyteString(tok); ok {
			t.raw[id] = b
		} else {
			// Not spelled in the byte table (an added token): it stands
			// for its own UTF-8 text. BPE can never produce it.
			t.raw[id] = []byte(tok)
		}
	}
	for b := 0; b < 256; b++ {
		s := string(byteToRune[b])
		id, ok := t.index[s]
		if !ok {
			return nil, fmt.Errorf("%s lacks the one-byte token %q for byte 0x%02x (byte-level BPE needs all 256)", vocabName, s, b)
		}
		t.byteID[b] = int32(id)
	}
	if id, ok := t.index[EndOfText]; ok {
		t.eot = id
	}
	for i, m := range merges {
		l, lok := t.index[m[0]]
		r, rok := t.index[m[1]]
		switch {
		case !lok:
			return nil, fmt.Errorf("%s: %q is not a token of %s", mergeWhere(i), m[0], vocabName)
		case !rok:
			return nil, fmt.Errorf("%s: %q is not a token of %s", mergeWhere(i), m[1], vocabName)
		}
		res, ok := t.index[m[0]+m[1]]
		if !ok {
			return nil, fmt.Errorf("%s: the merged token %q is not in %s", mergeWhere(i), m[0]+m[1], vocabName)
		}
		k := pairKey(int32(l), int32(r))
		if prev, dup := t.ranks[k]; dup {
			return nil, fmt.Errorf("%s: merge %q %q repeats merge %d", mergeWhere(i), m[0], m[1], prev.rank)
		}
		t.ranks[k] = mergeInfo{rank: int32(i), id: int32(res)}
	}
	return t, nil
}

// Level returns Level ("bpe").
func (t *Tokenizer) Level() string { return Level }

// Size is the number of token ids: valid ids are 0..Size()-1.
func (t *Tokenizer) Size() int { return len(t.tokens) }

// Token returns the vocab.json spelling of id ("Ġthe"), or "" when id is
// out of range.
func (t *Tokenizer) Token(id int) string {
	if id < 0 || id >= len(t.tokens) {
		return ""
	}
	return t.tokens[id]
}

// TokenBytes returns the bytes id stands for (" the"), or nil when id is out
// of range. The slice must not be modified.
func (t *Tokenizer) TokenBytes(id int) []byte {
	if id < 0 || id >= len(t.raw) {
		return nil
	}
	return t.raw[id]
}

// ID returns the id of a token spelled as in vocab.json.
func (t *Tokenizer) ID(token string) (int, bool) {
	id, ok := t.index[token]
	return id, ok
}

// EndOfTextID returns the id of "<|endoftext|>" (50256 for GPT-2), and
// false when the vocabulary has no such token.
func (t *Tokenizer) EndOfTextID() (int, bool) { return t.eot, t.eot >= 0 }

// Tokens returns a copy of the vocabulary in id order.
func (t *Tokenizer) Tokens() []string { return append([]string(nil), t.tokens...) }

// Merges returns a copy of the merges in rank order.
func (t *Tokenizer) Merges() [][2]string { return append([][2]string(nil), t.merges...) }

// Split returns the pre-tokenized pieces of text (see the package Split).
func (t *Tokenizer) Split(text string) []string { return Split(text) }

// Encode maps text (any bytes, UTF-8 or not) to token ids, treating
// "<|endoftext|>" as ordinary text. Byte-level BPE has no unknown tokens:
// unknown is always nil. (This is the method set of recur's text
// tokenizers.)
func (t *Tokenizer) Encode(text string) (ids []int, unknown []string) {
	return t.EncodeIDs(text, false), nil
}

// EncodeIDs maps text to token ids. With allowSpecial, each occurrence of
// "<|endoftext|>" in text becomes the special token's id (when the
// vocabulary has it) and the text between occurrences is encoded
// separately; without it, the marker is encoded as the characters it is
// made of, as tiktoken's encode_ordinary does.
func (t *Tokenizer) EncodeIDs(text string, allowSpecial bool) []int {
	ids := make([]int, 0, len(text)/3+1)
	if !allowSpecial || t.eot < 0 {
		return t.appendOrdinary(ids, text)
	}
	for {
		k := strings.Index(text, EndOfText)
		if k < 0 {
			return t.appendOrdinary(ids, text)
		}
		ids = t.appendOrdinary(ids, text[:k])
		ids = append(ids, t.eot)
		text = text[k+len(EndOfText):]
	}
}

func (t *Tokenizer) appendOrdinary(ids []int, text string) []int {
	var w bpeWork
	for i := 0; i < len(text); {
		j := pieceEnd(text, i)
		ids = t.appendPiece(ids, text[i:j], &w)
		i = j
	}
	return ids
}

func (t *Tokenizer) appendPiece(ids []int, piece string, w *bpeWork) []int {
	if len(piece) == 1 {
		return append(ids, int(t.byteID[piece[0]]))
	}
	if len(piece) <= cachePieceLen {
		t.mu.Lock()
		c, ok := t.cache[piece]
		t.mu.Unlock()
		if ok {
			for _, id := range c {
				ids = append(ids, int(id))
			}
			return ids
		}
	}
	c := t.bpe(piece, w)
	if len(piece) <= cachePieceLen {
		own := append([]int32(nil), c...)
		t.mu.Lock()
		if len(t.cache) >= cacheEntries {
			clear(t.cache)
		}
		t.cache[strings.Clone(piece)] = own
		t.mu.Unlock()
	}
	for _, id := range c {
		ids = append(ids, int(id))
	}
	return ids
}
