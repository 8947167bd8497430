package gpt2

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// TrainConfig configures Train.
type TrainConfig struct {
	// VocabSize is the size of the vocabulary to learn, counting the 256
	// one-byte tokens and "<|endoftext|>": 257 + the number of new tokens.
	VocabSize int
	// MinPairCount is the least number of occurrences a pair needs to be
	// merged (default 2: a merge seen once would only memorise one word).
	// Training stops early, with a smaller vocabulary, when no pair
	// occurs this often.
	MinPairCount int
}

// Train learns a byte-level BPE on corpus, the way GPT-2's was learned:
// the corpus is pre-tokenized with the same rules as Encode (occurrences
// of "<|endoftext|>" separate documents and are not learned from), the
// vocabulary starts with the 256 one-byte tokens in GPT-2's order (so they
// have GPT-2's ids 0..255), and each step merges the adjacent pair of
// tokens that occurs most often in the corpus into a new token; ties go
// to the pair whose bytes sort first (left token, then right token), so
// the result depends only on the corpus. "<|endoftext|>" is the last id.
//
// Pair counts are kept over the distinct pieces with their counts and
// updated incrementally: a merge only revisits the pieces that contain its
// pair, and a heap with lazy deletion finds the most frequent pair.
func Train(corpus []byte, cfg TrainConfig) (*Tokenizer, error) {
	minCount, err := cfg.minCount()
	if err != nil {
		return nil, err
	}
	t := newBPETrainer(countPieces(corpus), cfg.VocabSize)
	for step := int32(1); len(t.tokens)+1 < cfg.VocabSize && t.heap.len() > 0; {
		e := t.heap.pop()
		if t.pairCount[e.key] != e.count {
			continue // stale
		}
		if e.count < minCount {
			break
		}
		t.merge(e.key, step)
		step++
	}
	if _, ok := t.index[EndOfText]; !ok {
		t.tokens = append(t.tokens, EndOfText)
	}
	return New(t.tokens, t.merges)
}

// minCount checks cfg and returns the merge threshold, with its default.
func (cfg TrainConfig) minCount() (int, error) {
	if cfg.VocabSize < 257 || cfg.VocabSize > MaxTokens {
		return 0, fmt.Errorf("TrainConfig.VocabSize %d is invalid (valid: 257 to %d: 256 byte tokens, %q, and the merges)", cfg.VocabSize, MaxTokens, EndOfText)
	}
	minCount := cfg.MinPairCount
	if minCount == 0 {
		minCount = 2
	}
	if minCount < 1 {
		return 0, fmt.Errorf("TrainConfig.MinPairCount %d is invalid (valid: 1 or more, or 0 for the default 2)", cfg.MinPairCount)
	}
	return minCount, nil
}

// countPieces pre-tokenizes corpus like Encode and counts each distinct
// piece of two or more bytes (one-byte pieces have no pair to merge).
// "<|endoftext|>" separates documents and is not counted.
func countPieces(corpus []byte) map[string]int {
	counts := make(map[string]int)
	text := string(corpus)
	for len(text) > 0 {
		doc := text
		if k := strings.Index(text, EndOfText); k >= 0 {
			doc, text = text[:k], text[k+len(EndOfText):]
		} else {
			text = ""
		}
		for i := 0; i < len(doc); {
			j := pieceEnd(doc, i)
			if j-i > 1 {
				counts[doc[i:j]]++
			}
			i = j
		}
	}
	return counts
}

// trainWord is a distinct piece as token ids, with how often it occurs.
type trainWord struct {
	syms  []int32
	count int
}

// bpeTrainer holds the state of Train: the vocabulary so far, the pieces
// as token ids, the pair counts and the heap that orders them.
type bpeTrainer struct {
	tokens    []string
	raw       [][]byte // raw[id] is the bytes token id stands for
	index     map[string]int32
	merges    [][2]string
	words     []trainWord
	pairCount map[uint64]int
	where     map[uint64][]int32 // pair → words that had it (may repeat or be stale)
	heap      *trainHeap
	seen      []int32 // stamp: last merge that visited a word
	changed   map[uint64]struct{}
}

// newBPETrainer starts from the 256 one-byte tokens in GPT-2's order,
// spells every piece with them and counts every adjacent pair.
func newBPETrainer(counts map[string]int, vocabSize int) *bpeTrainer {
	t := &bpeTrainer{
		tokens:    make([]string, 0, vocabSize),
		raw:       make([][]byte, 0, vocabSize),
		index:     make(map[string]int32, vocabSize),
		pairCount: make(map[uint64]int),
		where:     make(map[uint64][]int32),
		changed:   make(map[uint64]struct{}),
	}
	var byteID [256]int32
	for _, b := range byteOrder {
		byteID[b] = int32(len(t.tokens))
		t.index[string(byteToRune[b])] = int32(len(t.tokens))
		t.tokens = append(t.tokens, string(byteToRune[b]))
		t.raw = append(t.raw, []byte{b})
	}
	t.words = make([]trainWord, 0, len(counts))
	for piece, c := range counts {
		syms := make([]int32, len(piece))
		for i := 0; i < len(piece); i++ {
			syms[i] = byteID[piece[i]]
		}
		t.words = append(t.words, trainWord{syms, c})
	}
	// Map order is random: sort so that the word lists below, and hence
	// everything else, are deterministic.
	sortWords(t.words, func(w trainWord) []int32 { return w.syms })
	for wi, w := range t.words {
		for i := 0; i+1 < len(w.syms); i++ {
			k := pairKey(w.syms[i], w.syms[i+1])
			t.pairCount[k] += w.count
			t.noteWhere(k, int32(wi))
		}
	}
	t.seen = make([]int32, len(t.words))
	t.heap = &trainHeap{raw: &t.raw}
	t.heap.less = t.heap.before
	for k, c := range t.pairCount {
		t.heap.push(trainEntry{count: c, key: k})
	}
	return t
}

// noteWhere records that word wi has pair k, unless it was the last noted.
func (t *bpeTrainer) noteWhere(k uint64, wi int32) {
	if l := t.where[k]; len(l) == 0 || l[len(l)-1] != wi {
		t.where[k] = append(l, wi)
	}
}

// merge makes pair key one token (a new id unless its bytes already have
// one), rewrites the words that contain it, and pushes the pairs whose
// counts changed. step stamps the words visited so each is done once.
func (t *bpeTrainer) merge(key uint64, step int32) {
	left, right := int32(key>>32), int32(uint32(key))
	mergedBytes := append(append([]byte(nil), t.raw[left]...), t.raw[right]...)
	spelled := ByteString(mergedBytes)
	newID, exists := t.index[spelled]
	if !exists {
		newID = int32(len(t.tokens))
		t.index[spelled] = newID
		t.tokens = append(t.tokens, spelled)
		t.raw = append(t.raw, mergedBytes)
	}
	t.merges = append(t.merges, [2]string{t.tokens[left], t.tokens[right]})
	clear(t.changed)
	for _, wi := range t.where[key] {
		if t.seen[wi] == step {
			continue
		}
		t.seen[wi] = step
		if hasPair(t.words[wi].syms, left, right) {
			t.rewrite(wi, left, right, newID)
		}
	}
	delete(t.where, key)
	for k := range t.changed {
		if c := t.pairCount[k]; c > 0 {
			t.heap.push(trainEntry{count: c, key: k})
		} else {
			delete(t.pairCount, k)
		}
	}
}

// rewrite replaces each (left, right) in word wi by newID: the word's old
// pairs are uncounted, its new ones counted, and both marked changed.
func (t *bpeTrainer) rewrite(wi, left, right, newID int32) {
	w := &t.words[wi]
	for i := 0; i+1 < len(w.syms); i++ {
		k := pairKey(w.syms[i], w.syms[i+1])
		t.pairCount[k] -= w.count
		t.changed[k] = struct{}{}
	}
	out := w.syms[:0]
	for i := 0; i < len(w.syms); i++ {
		if i+1 < len(w.syms) && w.syms[i] == left && w.syms[i+1] == right {
			out = append(out, newID)
			i++
		} else {
			out = append(out, w.syms[i])
		}
	}
	w.syms = out
	for i := 0; i+1 < len(w.syms); i++ {
		k := pairKey(w.syms[i], w.syms[i+1])
		t.pairCount[k] += w.count
		t.changed[k] = struct{}{}
		if w.syms[i] == newID || w.syms[i+1] == newID {
			t.noteWhere(k, wi)
		}
	}
}

func hasPair(s []int32, a, b int32) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == a && s[i+1] == b {
			return true
		}
	}
	return false
}

// sortWords sorts words by their symbols (lexicographically).
func sortWords[W any](ws []W, syms func(W) []int32) {
	less := func(a, b []int32) int {
		for i := 0; i < len(a) && i < len(b); i++ {
			if a[i] != b[i] {
				if a[i] < b[i] {
					return -1
				}
				return 1
			}
		}
		return len(a) - len(b)
	}
	slices.SortFunc(ws, func(a, b W) int { return less(syms(a), syms(b)) })
}

type trainEntry struct {
	count int
	key   uint64
}

// trainHeap is a max-heap on count; ties go to the pair whose bytes sort
// first (left token's bytes, then right token's).
type trainHeap struct {
	e    []trainEntry
	raw  *[][]byte
	less func(a, b trainEntry) bool // before, bound once
}

func (h *trainHeap) len() int { return len(h.e) }

func (h *trainHeap) before(a, b trainEntry) bool {
	if a.count != b.count {
		return a.count > b.count
	}
	raw := *h.raw
	if c := bytes.Compare(raw[a.key>>32], raw[b.key>>32]); c != 0 {
		return c < 0
	}
	return bytes.Compare(raw[uint32(a.key)], raw[uint32(b.key)]) < 0
}

func (h *trainHeap) push(x trainEntry) { h.e = heapPush(h.e, x, h.less) }

func (h *trainHeap) pop() trainEntry {
	top, e := heapPop(h.e, h.less)
	h.e = e
	return top
}
