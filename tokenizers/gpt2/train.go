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
	if cfg.VocabSize < 257 || cfg.VocabSize > MaxTokens {
		return nil, fmt.Errorf("TrainConfig.VocabSize %d is invalid (valid: 257 to %d: 256 byte tokens, %q, and the merges)", cfg.VocabSize, MaxTokens, EndOfText)
	}
	minCount := cfg.MinPairCount
	if minCount == 0 {
		minCount = 2
	}
	if minCount < 1 {
		return nil, fmt.Errorf("TrainConfig.MinPairCount %d is invalid (valid: 1 or more, or 0 for the default 2)", cfg.MinPairCount)
	}

	// Distinct pieces and their counts.
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

	tokens := make([]string, 0, cfg.VocabSize)
	raw := make([][]byte, 0, cfg.VocabSize)
	index := make(map[string]int32, cfg.VocabSize)
	var byteID [256]int32
	for _, b := range byteOrder {
		byteID[b] = int32(len(tokens))
		index[string(byteToRune[b])] = int32(len(tokens))
		tokens = append(tokens, string(byteToRune[b]))
		raw = append(raw, []byte{b})
	}

	type word struct {
		syms  []int32
		count int
	}
	words := make([]word, 0, len(counts))
	for piece, c := range counts {
		syms := make([]int32, len(piece))
		for i := 0; i < len(piece); i++ {
			syms[i] = byteID[piece[i]]
		}
		words = append(words, word{syms, c})
	}
	// Map order is random: sort so that the word lists below, and hence
	// everything else, are deterministic.
	sortWords(words, func(w word) []int32 { return w.syms })

	pairCount := make(map[uint64]int)
	where := make(map[uint64][]int32) // pair → words that had it (may repeat or be stale)
	for wi, w := range words {
		for i := 0; i+1 < len(w.syms); i++ {
			k := pairKey(w.syms[i], w.syms[i+1])
			pairCount[k] += w.count
			if l := where[k]; len(l) == 0 || l[len(l)-1] != int32(wi) {
				where[k] = append(l, int32(wi))
			}
		}
	}
	h := &trainHeap{raw: &raw}
	for k, c := range pairCount {
		h.push(trainEntry{count: c, key: k})
	}

	var merges [][2]string
	seen := make([]int32, len(words)) // stamp: last merge that visited a word
	changed := make(map[uint64]struct{})
	for step := int32(1); len(tokens)+1 < cfg.VocabSize && h.len() > 0; {
		e := h.pop()
		if pairCount[e.key] != e.count {
			continue // stale
		}
		if e.count < minCount {
			break
		}
		left, right := int32(e.key>>32), int32(uint32(e.key))
		mergedBytes := append(append([]byte(nil), raw[left]...), raw[right]...)
		spelled := ByteString(mergedBytes)
		newID, exists := index[spelled]
		if !exists {
			newID = int32(len(tokens))
			index[spelled] = newID
			tokens = append(tokens, spelled)
			raw = append(raw, mergedBytes)
		}
		merges = append(merges, [2]string{tokens[left], tokens[right]})
		clear(changed)
		for _, wi := range where[e.key] {
			if seen[wi] == step {
				continue
			}
			seen[wi] = step
			w := &words[wi]
			if !hasPair(w.syms, left, right) {
				continue
			}
			for i := 0; i+1 < len(w.syms); i++ {
				k := pairKey(w.syms[i], w.syms[i+1])
				pairCount[k] -= w.count
				changed[k] = struct{}{}
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
				pairCount[k] += w.count
				changed[k] = struct{}{}
				if w.syms[i] == newID || w.syms[i+1] == newID {
					if l := where[k]; len(l) == 0 || l[len(l)-1] != wi {
						where[k] = append(l, wi)
					}
				}
			}
		}
		delete(where, e.key)
		for k := range changed {
			if c := pairCount[k]; c > 0 {
				h.push(trainEntry{count: c, key: k})
			} else {
				delete(pairCount, k)
			}
		}
		step++
	}
	if _, ok := index[EndOfText]; !ok {
		tokens = append(tokens, EndOfText)
	}
	return New(tokens, merges)
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
	e   []trainEntry
	raw *[][]byte
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

func (h *trainHeap) push(x trainEntry) {
	h.e = append(h.e, x)
	i := len(h.e) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.before(h.e[i], h.e[p]) {
			break
		}
		h.e[i], h.e[p] = h.e[p], h.e[i]
		i = p
	}
}

func (h *trainHeap) pop() trainEntry {
	top := h.e[0]
	n := len(h.e) - 1
	h.e[0] = h.e[n]
	h.e = h.e[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h.before(h.e[r], h.e[l]) {
			m = r
		}
		if !h.before(h.e[m], h.e[i]) {
			break
		}
		h.e[i], h.e[m] = h.e[m], h.e[i]
		i = m
	}
	return top
}
