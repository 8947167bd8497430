package markov

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"math/bits"
	"slices"
	"sync"
)

// Model is a trained n-gram model. It is read-only after Train or
// FromTensors and safe for concurrent use.
type Model struct {
	cfg       Config
	vocab     int
	bits      uint // bits per id in packed keys
	numTokens int  // length of the training ids
	levels    []level

	scratch sync.Pool // *[]float64 of length vocab, for LogProbs
}

// level holds the n-grams of one order k (1 ≤ k ≤ Order).
//
// The k-grams are sorted lexicographically, so all grams sharing the same
// (k-1)-id prefix (their context) are contiguous, and within a context they
// are sorted by their last id: the followers of a context are one slice of
// the arrays, searchable by binary search.
type level struct {
	k     int
	grams []int32 // row-major, k ids per gram
	raw   []int32 // raw count c(h w) of each gram
	// cont is the continuation count N1+(• h w): the number of distinct ids
	// seen just before h w. Kneser-Ney uses it on every level below the
	// top; nil on the top level.
	cont []int32

	// Context c (a distinct prefix) owns grams [start[c], start[c+1]).
	start     []int32
	rawTotal  []int32 // Σ_w c(h w)
	contTotal []int32 // Σ_w N1+(• h w)
	contTypes []int32 // #{w : N1+(• h w) > 0}
	index     keyIndex
}

func (lv *level) numGrams() int { return len(lv.raw) }

func (lv *level) row(i int) []int32 { return lv.grams[i*lv.k : (i+1)*lv.k] }

// keyIndex maps a context (k-1 ids) to its context number. Contexts whose
// ids fit in 64 bits are packed into a uint64, id by id, ceil(log2 V) bits
// each; longer ones (big vocabularies at high orders) use the ids as 4-byte
// big-endian strings.
type keyIndex struct {
	bits   uint
	packed bool
	u      map[uint64]int32
	s      map[string]int32
}

// packedBits is the widest packed key; tests lower it to exercise the
// string-key fallback on small vocabularies.
var packedBits uint = 64

func newKeyIndex(ctxLen int, idBits uint, size int) keyIndex {
	ki := keyIndex{bits: idBits, packed: uint(ctxLen)*idBits <= packedBits}
	if ki.packed {
		ki.u = make(map[uint64]int32, size)
	} else {
		ki.s = make(map[string]int32, size)
	}
	return ki
}

func packKey[T int | int32](h []T, idBits uint) uint64 {
	var key uint64
	for _, id := range h {
		key = key<<idBits | uint64(id)
	}
	return key
}

// appendStringKey appends h as 4-byte big-endian ids; byte order then
// agrees with id order.
func appendStringKey[T int | int32](b []byte, h []T) []byte {
	for _, id := range h {
		b = append(b, byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
	}
	return b
}

func (ki *keyIndex) put(h []int32, c int32) {
	if ki.packed {
		ki.u[packKey(h, ki.bits)] = c
		return
	}
	ki.s[string(appendStringKey(nil, h))] = c
}

func get[T int | int32](ki *keyIndex, h []T) (int32, bool) {
	if ki.packed {
		c, ok := ki.u[packKey(h, ki.bits)]
		return c, ok
	}
	var buf [4 * MaxOrder]byte
	c, ok := ki.s[string(appendStringKey(buf[:0], h))] // no allocation
	return c, ok
}

// find returns the context number of h (len(h) == k-1).
func findCtx[T int | int32](lv *level, h []T) (int32, bool) {
	if len(lv.start) < 2 {
		return 0, false // no grams at this order
	}
	if lv.k == 1 {
		return 0, true // the empty context
	}
	return get(&lv.index, h)
}

// findGram returns the index of the gram (h, w) in context c, or -1.
func (lv *level) findGram(c int32, w int32) int {
	lo, hi := int(lv.start[c]), int(lv.start[c+1])
	k := lv.k
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch last := lv.grams[mid*k+k-1]; {
		case last < w:
			lo = mid + 1
		case last > w:
			hi = mid
		default:
			return mid
		}
	}
	return -1
}

// idBits is the number of bits a packed id takes: enough for V-1.
func idBits(vocab int) uint {
	return uint(max(1, bits.Len(uint(vocab-1))))
}

// Train counts the n-grams of ids (every id in [0, vocabSize)) up to
// cfg.Order. The ids are one stream: an n-gram may span what were line or
// document boundaries, exactly as the recurrent models see the data.
func Train(ids []int, vocabSize int, cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if vocabSize < 1 || vocabSize > math.MaxInt32 {
		return nil, fmt.Errorf("vocabulary size must be in [1, %d] (got %d)", math.MaxInt32, vocabSize)
	}
	if len(ids) == 0 {
		return nil, errors.New("no training ids: the training text is empty")
	}
	if len(ids) > math.MaxInt32 {
		return nil, fmt.Errorf("training data has %d ids; at most %d fit in the I32 counts", len(ids), math.MaxInt32)
	}
	for i, id := range ids {
		if id < 0 || id >= vocabSize {
			return nil, fmt.Errorf("training id %d at position %d is outside the vocabulary [0, %d)", id, i, vocabSize)
		}
	}
	m := newModel(cfg, vocabSize, len(ids))
	n := cfg.Order
	m.levels[n-1] = countTop(ids, n, m.bits)
	// Every occurrence of a k-gram except one at the very end of the data
	// is the prefix of a (k+1)-gram occurrence, so the k-gram counts are the
	// (k+1)-gram counts summed by prefix, plus the final k ids.
	for k := n - 1; k >= 1; k-- {
		m.levels[k-1] = shrink(&m.levels[k], ids)
	}
	if err := m.finish(); err != nil {
		return nil, err // cannot happen for counted data; kept for safety
	}
	return m, nil
}

func newModel(cfg Config, vocab, numTokens int) *Model {
	m := &Model{cfg: cfg, vocab: vocab, bits: idBits(vocab), numTokens: numTokens}
	m.levels = make([]level, cfg.Order)
	for k := range m.levels {
		m.levels[k].k = k + 1
	}
	m.scratch.New = func() any {
		b := make([]float64, vocab)
		return &b
	}
	return m
}

// countTop counts the n-grams of ids by sorting: the packed keys of all
// positions (or the positions themselves when n ids do not fit in 64 bits)
// are sorted and run-length encoded, which is faster and leaner than a hash
// map for a million positions.
func countTop(ids []int, n int, idBits uint) level {
	lv := level{k: n}
	L := len(ids) - n + 1
	if L <= 0 {
		return lv
	}
	if uint(n)*idBits <= packedBits {
		mask := ^uint64(0)
		if uint(n)*idBits < 64 {
			mask = 1<<(uint(n)*idBits) - 1
		}
		keys := make([]uint64, L)
		var key uint64
		for i, id := range ids {
			key = (key<<idBits | uint64(id)) & mask
			if i >= n-1 {
				keys[i-n+1] = key
			}
		}
		slices.Sort(keys)
		idMask := uint64(1)<<idBits - 1
		for i, key := range keys {
			if i > 0 && key == keys[i-1] {
				lv.raw[len(lv.raw)-1]++
				continue
			}
			for j := n - 1; j >= 0; j-- {
				lv.grams = append(lv.grams, int32(key>>(uint(j)*idBits)&idMask))
			}
			lv.raw = append(lv.raw, 1)
		}
		return lv
	}
	pos := make([]int32, L)
	for i := range pos {
		pos[i] = int32(i)
	}
	slices.SortFunc(pos, func(a, b int32) int {
		return slices.Compare(ids[a:int(a)+n], ids[b:int(b)+n])
	})
	for i, p := range pos {
		g := ids[p : int(p)+n]
		if i > 0 && slices.Equal(g, ids[pos[i-1]:int(pos[i-1])+n]) {
			lv.raw[len(lv.raw)-1]++
			continue
		}
		for _, id := range g {
			lv.grams = append(lv.grams, int32(id))
		}
		lv.raw = append(lv.raw, 1)
	}
	return lv
}

// shrink derives the (k)-gram counts from the sorted (k+1)-grams in up.
func shrink(up *level, ids []int) level {
	k := up.k - 1
	lv := level{k: k}
	for i := range up.numGrams() {
		p := up.row(i)[:k]
		if n := lv.numGrams(); n > 0 && slices.Equal(lv.row(n-1), p) {
			lv.raw[n-1] += up.raw[i]
			continue
		}
		lv.grams = append(lv.grams, p...)
		lv.raw = append(lv.raw, up.raw[i])
	}
	if len(ids) < k {
		return lv
	}
	last := make([]int32, k)
	for j, id := range ids[len(ids)-k:] {
		last[j] = int32(id)
	}
	// Binary search over the sorted rows for the final k ids.
	lo, hi := 0, lv.numGrams()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if slices.Compare(lv.row(mid), last) < 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	i := lo
	if i < lv.numGrams() && slices.Equal(lv.row(i), last) {
		lv.raw[i]++
		return lv
	}
	lv.grams = slices.Insert(lv.grams, i*k, last...)
	lv.raw = slices.Insert(lv.raw, i, 1)
	return lv
}

// finish builds the context tables of every level and the continuation
// counts. It fails if some (k+1)-gram's suffix is missing from order k,
// which only corrupt stored counts can cause.
func (m *Model) finish() error {
	for k := 1; k <= len(m.levels); k++ {
		lv := &m.levels[k-1]
		lv.start = lv.start[:0]
		lv.rawTotal = lv.rawTotal[:0]
		lv.index = newKeyIndex(k-1, m.bits, 0)
		for i := range lv.numGrams() {
			p := lv.row(i)[:k-1]
			if i == 0 || !slices.Equal(p, lv.row(i - 1)[:k-1]) {
				c := int32(len(lv.start))
				lv.start = append(lv.start, int32(i))
				lv.rawTotal = append(lv.rawTotal, 0)
				if k > 1 {
					lv.index.put(p, c)
				}
			}
			lv.rawTotal[len(lv.rawTotal)-1] += lv.raw[i]
		}
		lv.start = append(lv.start, int32(lv.numGrams()))
	}
	// N1+(• g) for every gram g of order k < n: one per distinct (k+1)-gram
	// ending in g.
	for k := 1; k < len(m.levels); k++ {
		lv, up := &m.levels[k-1], &m.levels[k]
		lv.cont = make([]int32, lv.numGrams())
		for i := range up.numGrams() {
			suffix := up.row(i)[1:]
			c, ok := findCtx(lv, suffix[:k-1])
			j := -1
			if ok {
				j = lv.findGram(c, suffix[k-1])
			}
			if j < 0 {
				return fmt.Errorf("%d-gram %v has no %d-gram suffix %v: the counts are inconsistent", k+1, up.row(i), k, suffix)
			}
			lv.cont[j]++
		}
		nctx := len(lv.start) - 1
		lv.contTotal = make([]int32, nctx)
		lv.contTypes = make([]int32, nctx)
		for c := range nctx {
			for _, x := range lv.cont[lv.start[c]:lv.start[c+1]] {
				lv.contTotal[c] += x
				if x > 0 {
					lv.contTypes[c]++
				}
			}
		}
	}
	return nil
}

// Order returns n, the length of the longest n-gram.
func (m *Model) Order() int { return m.cfg.Order }

// VocabSize returns V: ids are in [0, V).
func (m *Model) VocabSize() int { return m.vocab }

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// NumNGrams returns the number of distinct k-grams counted, k in [1, Order]
// (0 for other k).
func (m *Model) NumNGrams(k int) int {
	if k < 1 || k > len(m.levels) {
		return 0
	}
	return m.levels[k-1].numGrams()
}

// context copies the last Order-1 ids of ctx into buf, mapping ids outside
// the vocabulary to 0 (<unk>).
func (m *Model) context(ctx []int, buf *[MaxOrder]int) []int {
	ctx = ctx[max(0, len(ctx)-(m.cfg.Order-1)):]
	h := buf[:len(ctx)]
	for i, id := range ctx {
		if id < 0 || id >= m.vocab {
			id = 0
		}
		h[i] = id
	}
	return h
}

// levelParams returns, for context c of level lv, the counts the smoothing
// uses and the interpolation terms: p(w) = counts'(w)·scale + gamma·p_lower(w),
// where counts'(w) is max(count-D, 0) for Kneser-Ney and the count itself
// for Witten-Bell. ok is false when the context has no mass (skip level).
func (m *Model) levelParams(lv *level, c int32) (counts []int32, scale, gamma, d float64, ok bool) {
	types := float64(lv.start[c+1] - lv.start[c])
	if m.cfg.Smoothing == WittenBell {
		// Witten-Bell: p = (c(h w) + N·p_lower) / (T + N) with T the raw
		// total and N the number of distinct followers of h.
		t := float64(lv.rawTotal[c])
		return lv.raw, 1 / (t + types), types / (t + types), 0, t > 0
	}
	// Interpolated Kneser-Ney: p = max(C(h w) - D, 0)/T + D·N/T · p_lower,
	// with C the raw count on the top level and the continuation count
	// below it, T = Σ_w C(h w) and N = #{w : C(h w) > 0}. Because every
	// C ≥ 1 and D ≤ 1 the discounted mass is exactly D·N, so the result
	// sums to 1 whenever p_lower does.
	d = m.cfg.Discount
	counts = lv.raw
	t := float64(lv.rawTotal[c])
	if lv.k < m.cfg.Order {
		counts = lv.cont
		t = float64(lv.contTotal[c])
		types = float64(lv.contTypes[c])
	}
	if t == 0 {
		return nil, 0, 0, 0, false
	}
	return counts, 1 / t, d * types / t, d, true
}

// interpolation is one level's term of the smoothed distribution:
// p(w) = max(counts[i]-d, 0)·scale + gamma·p_lower(w) for the gram i = (h, w)
// of context c (counts'(w) = 0 when the gram is unseen).
type interpolation struct {
	lv              *level
	c               int32
	counts          []int32
	scale, gamma, d float64
}

// interpolations yields the levels that shape p(· | h) for a sanitised
// context h, from the unigram up: each level whose context was seen and
// has mass. It stops at the first unseen context: an unseen context has no
// seen extensions either, since the data (and FromTensors' suffix check)
// guarantee every seen context of order k+1 ends in a seen context of
// order k.
func (m *Model) interpolations(h []int) iter.Seq[interpolation] {
	return func(yield func(interpolation) bool) {
		for k := 1; k <= len(h)+1; k++ {
			lv := &m.levels[k-1]
			c, ok := findCtx(lv, h[len(h)-(k-1):])
			if !ok {
				return
			}
			counts, scale, gamma, d, ok := m.levelParams(lv, c)
			if !ok {
				continue
			}
			if !yield(interpolation{lv, c, counts, scale, gamma, d}) {
				return
			}
		}
	}
}

// prob returns p(w | h) for a sanitised context h.
func (m *Model) prob(h []int, w int) float64 {
	p := 1 / float64(m.vocab) // the uniform floor
	for in := range m.interpolations(h) {
		cw := 0.0
		if i := in.lv.findGram(in.c, int32(w)); i >= 0 {
			cw = max(float64(in.counts[i])-in.d, 0)
		}
		p = cw*in.scale + in.gamma*p
	}
	return p
}

// LogProbs writes ln p(w | context) for every id w into dst, which should
// have VocabSize entries (extra entries get -Inf, missing ones are not
// written). Only the last Order-1 ids of context matter; shorter contexts
// (the start of a text) use the lower orders. Context ids outside the
// vocabulary count as 0 (<unk>). Every entry is finite: the smoothing
// reaches down to the uniform distribution 1/V.
func (m *Model) LogProbs(context []int, dst []float32) {
	var buf [MaxOrder]int
	h := m.context(context, &buf)
	pp := m.scratch.Get().(*[]float64)
	defer m.scratch.Put(pp)
	p := *pp
	for i := range p {
		p[i] = 1 / float64(m.vocab)
	}
	for in := range m.interpolations(h) {
		for i := range p {
			p[i] *= in.gamma
		}
		lv := in.lv
		for i := lv.start[in.c]; i < lv.start[in.c+1]; i++ {
			w := lv.grams[int(i)*lv.k+lv.k-1]
			p[w] += max(float64(in.counts[i])-in.d, 0) * in.scale
		}
	}
	n := min(len(dst), len(p))
	for i := range n {
		dst[i] = float32(math.Log(p[i]))
	}
	for i := n; i < len(dst); i++ {
		dst[i] = float32(math.Inf(-1))
	}
}

// Eval returns the mean negative log-likelihood, in nats per token, of
// ids[1:], each id predicted from the ids before it (at most Order-1 of
// them, fewer at the start). exp(Eval) is the perplexity. Ids outside the
// vocabulary count as 0 (<unk>). With fewer than two ids there is nothing
// to predict and Eval returns NaN.
func (m *Model) Eval(ids []int) float64 {
	if len(ids) < 2 {
		return math.NaN()
	}
	var buf [MaxOrder]int
	nll := 0.0
	for i := 1; i < len(ids); i++ {
		h := m.context(ids[:i], &buf)
		w := ids[i]
		if w < 0 || w >= m.vocab {
			w = 0
		}
		nll -= math.Log(m.prob(h, w))
	}
	return nll / float64(len(ids)-1)
}
