package tokenizers

import (
	"container/heap"
	"fmt"
	"strings"
	"unicode/utf8"
)

// EndOfWord marks the last symbol of a word in byte-pair encoding, so that
// "st" at the end of "best" (st</w>) and inside "stop" are different
// symbols and subwords can be joined back into words unambiguously.
const EndOfWord = "</w>"

// BPE is a byte-pair-encoding subword model (Sennrich, Haddow & Birch 2016,
// over characters rather than bytes): a word starts as its characters, the
// last one carrying EndOfWord, and the learned merges, applied in the order
// they were learned, join adjacent symbols into longer ones. Frequent words
// end up as one symbol; rare words split into a few frequent pieces
// instead of becoming "<unk>", which is what keeps the target vocabulary of
// a translation model small without losing words.
//
// A BPE is immutable and safe for concurrent use.
type BPE struct {
	merges [][2]string
	rank   map[[2]string]int
}

// NewBPE rebuilds a model from its merges (as stored in a model file, in
// learning order).
func NewBPE(merges [][2]string) (*BPE, error) {
	b := &BPE{merges: make([][2]string, len(merges)), rank: make(map[[2]string]int, len(merges))}
	for i, m := range merges {
		if m[0] == "" || m[1] == "" {
			return nil, fmt.Errorf("bpe: merge %d (%q %q) has an empty side", i, m[0], m[1])
		}
		if j, dup := b.rank[m]; dup {
			return nil, fmt.Errorf("bpe: merge %d (%q %q) repeats merge %d", i, m[0], m[1], j)
		}
		b.merges[i] = m
		b.rank[m] = i
	}
	return b, nil
}

// Merges returns a copy of the merges in learning order.
func (b *BPE) Merges() [][2]string { return append([][2]string(nil), b.merges...) }

// LearnBPE learns merges from word counts (e.g. the counts of the training
// tokens). The symbol inventory starts as the distinct characters of the
// words (word-final characters with EndOfWord being separate symbols); each
// merge adds one symbol, the concatenation of the most frequent adjacent
// pair, counted over all word occurrences. Learning stops when
// initial symbols + merges reaches vocabSize, or when no pair occurs twice
// (a merge for a single occurrence would only memorise that word). Ties are
// broken by the pair's strings, so the result does not depend on map order.
//
// Each merge only touches the words containing the merged pair: pair
// counts and an index pair → words are updated incrementally, and a heap
// with lazy deletion finds the most frequent pair, so learning is fast
// enough for real vocabularies (see BenchmarkLearnBPE).
func LearnBPE(wordCounts map[string]int, vocabSize int) (*BPE, error) {
	if vocabSize < 1 {
		return nil, fmt.Errorf("bpe: vocabulary size %d is invalid (valid: 1 or more)", vocabSize)
	}
	type word struct {
		syms  []string
		count int
	}
	var words []word
	alphabet := make(map[string]struct{})
	for w, c := range wordCounts {
		if w == "" || c <= 0 {
			continue
		}
		syms := initialSymbols(w)
		for _, s := range syms {
			alphabet[s] = struct{}{}
		}
		words = append(words, word{syms, c})
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("bpe: no words to learn from")
	}
	nMerges := vocabSize - len(alphabet)

	counts := make(map[[2]string]int)
	where := make(map[[2]string]map[int]struct{})
	h := &pairHeap{}
	update := func(wi int, sign int) {
		w := words[wi]
		for k := 0; k+1 < len(w.syms); k++ {
			p := [2]string{w.syms[k], w.syms[k+1]}
			counts[p] += sign * w.count
			if sign > 0 {
				if where[p] == nil {
					where[p] = make(map[int]struct{})
				}
				where[p][wi] = struct{}{}
			}
		}
	}
	for wi := range words {
		update(wi, +1)
	}
	for p, c := range counts {
		heap.Push(h, pairCount{p, c})
	}

	b := &BPE{rank: make(map[[2]string]int)}
	for len(b.merges) < nMerges && h.Len() > 0 {
		top := heap.Pop(h).(pairCount)
		if counts[top.p] != top.n {
			continue // stale entry: the count changed since it was pushed
		}
		if top.n < 2 {
			break
		}
		p, merged := top.p, top.p[0]+top.p[1]
		b.rank[p] = len(b.merges)
		b.merges = append(b.merges, p)
		touched := make(map[[2]string]struct{})
		for wi := range where[p] {
			w := &words[wi]
			// Remove the word's old pairs, merge, add the new pairs.
			for k := 0; k+1 < len(w.syms); k++ {
				touched[[2]string{w.syms[k], w.syms[k+1]}] = struct{}{}
			}
			update(wi, -1)
			w.syms = mergePair(w.syms, p, merged)
			update(wi, +1)
			for k := 0; k+1 < len(w.syms); k++ {
				touched[[2]string{w.syms[k], w.syms[k+1]}] = struct{}{}
			}
		}
		delete(where, p)
		delete(counts, p)
		for q := range touched {
			if q == p {
				continue
			}
			if c := counts[q]; c > 0 {
				heap.Push(h, pairCount{q, c})
			} else {
				delete(counts, q)
				delete(where, q)
			}
		}
	}
	return b, nil
}

// initialSymbols: the characters of w, EndOfWord appended to the last. A
// byte that is not valid UTF-8 is a symbol of its own.
func initialSymbols(w string) []string {
	syms := make([]string, 0, len(w))
	for i := 0; i < len(w); {
		_, n := utf8.DecodeRuneInString(w[i:])
		syms = append(syms, w[i:i+n])
		i += n
	}
	if len(syms) > 0 {
		syms[len(syms)-1] += EndOfWord
	}
	return syms
}

// mergePair replaces every non-overlapping occurrence of p (left to right)
// in syms by merged, in place.
func mergePair(syms []string, p [2]string, merged string) []string {
	out := syms[:0]
	for k := 0; k < len(syms); k++ {
		if k+1 < len(syms) && syms[k] == p[0] && syms[k+1] == p[1] {
			out = append(out, merged)
			k++
			continue
		}
		out = append(out, syms[k])
	}
	return out
}

// EncodeWord splits one word into subword symbols: starting from its
// characters, it repeatedly merges the adjacent pair with the earliest
// learned merge until none applies. The last symbol ends with EndOfWord.
// Characters never seen in training stay single symbols (the vocabulary
// maps them to "<unk>").
func (b *BPE) EncodeWord(w string) []string {
	syms := initialSymbols(w)
	for len(syms) > 1 {
		best, bestRank := [2]string{}, -1
		for k := 0; k+1 < len(syms); k++ {
			p := [2]string{syms[k], syms[k+1]}
			if r, ok := b.rank[p]; ok && (bestRank < 0 || r < bestRank) {
				best, bestRank = p, r
			}
		}
		if bestRank < 0 {
			break
		}
		syms = mergePair(syms, best, best[0]+best[1])
	}
	return syms
}

// Encode splits every token into subwords.
func (b *BPE) Encode(tokens []string) []string {
	out := make([]string, 0, len(tokens)*2)
	for _, t := range tokens {
		out = append(out, b.EncodeWord(t)...)
	}
	return out
}

// DecodeBPE joins subwords back into tokens: a token ends at each symbol
// ending with EndOfWord. A trailing incomplete word (a decoder stopped
// mid-word) is kept as a token. Special tokens such as "<unk>" that do not
// end with EndOfWord are passed through as tokens of their own.
func DecodeBPE(subwords []string) []string {
	var toks []string
	var cur strings.Builder
	for _, s := range subwords {
		if isSpecial(s) {
			if cur.Len() > 0 {
				toks = append(toks, cur.String())
				cur.Reset()
			}
			toks = append(toks, s)
			continue
		}
		if w, ok := strings.CutSuffix(s, EndOfWord); ok {
			cur.WriteString(w)
			toks = append(toks, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteString(s)
	}
	if cur.Len() > 0 {
		toks = append(toks, cur.String())
	}
	return toks
}

// pairCount is a heap entry: pair p had count n when pushed.
type pairCount struct {
	p [2]string
	n int
}

// pairHeap is a max-heap by count, ties by the smaller pair.
type pairHeap []pairCount

func (h pairHeap) Len() int { return len(h) }
func (h pairHeap) Less(i, j int) bool {
	if h[i].n != h[j].n {
		return h[i].n > h[j].n
	}
	if h[i].p[0] != h[j].p[0] {
		return h[i].p[0] < h[j].p[0]
	}
	return h[i].p[1] < h[j].p[1]
}
func (h pairHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)   { *h = append(*h, x.(pairCount)) }
func (h *pairHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
