package datasets

import (
	"fmt"
	"sort"

	"github.com/recur-dev/recur/tokenizers"
)

// SeqBatch is one padded batch of sentence pairs for an encoder-decoder,
// time-major: the entry for time step t and row b is at index t*B+b, so the
// B entries of one step are contiguous (what a recurrent cell reads per
// step).
//
// Padding must never reach the loss or the encoder's final state:
//
//   - SrcLens[b] is the true length of row b's source; an encoder must take
//     row b's final state at step SrcLens[b]-1 (or freeze the state after
//     it), and attention must ignore steps where SrcMask is 0;
//   - TgtOut is IgnoreTarget (-1) at padded positions, so a cross-entropy
//     that skips IgnoreTarget sums exactly over the real targets (the
//     sentence's tokens and its </s>).
type SeqBatch struct {
	B      int // rows (sentence pairs)
	SrcLen int // steps of the source: the longest source in the batch
	TgtLen int // steps of the target: the longest target + 1
	// Src [SrcLen*B]: source ids, PadID after each row's end.
	Src []int
	// SrcLens [B]: true source lengths, each >= 1.
	SrcLens []int
	// SrcMask [SrcLen*B]: 1 at real source positions, 0 at padding.
	SrcMask []float32
	// TgtIn [TgtLen*B]: decoder inputs, BOSID then the target (teacher
	// forcing: the target shifted right by one), PadID after.
	TgtIn []int
	// TgtOut [TgtLen*B]: decoder targets, the target then EOSID,
	// IgnoreTarget after.
	TgtOut []int
	// TgtLens [B]: true target lengths including </s> (len(target)+1).
	TgtLens []int
	// Idx [B]: the index of each row's pair in the batcher's input, e.g. to
	// find the raw reference sentence when scoring.
	Idx []int
}

// Tokens is the number of real target positions, the denominator of a
// per-token loss.
func (s *SeqBatch) Tokens() int {
	n := 0
	for _, l := range s.TgtLens {
		n += l
	}
	return n
}

// MakeSeqBatch pads the pairs src[i], tgt[i] into one batch (rows in the
// given order; Idx is 0..B-1). tgt may be nil for a source-only batch (to
// translate new sentences): TgtLen is then 0 and the target fields nil.
func MakeSeqBatch(src, tgt [][]int) (*SeqBatch, error) {
	if err := checkSeqPairs(src, tgt); err != nil {
		return nil, err
	}
	idx := make([]int, len(src))
	for i := range idx {
		idx[i] = i
	}
	return makeSeqBatch(src, tgt, idx), nil
}

// makeSeqBatch builds the batch of rows src[idx[b]], tgt[idx[b]].
func makeSeqBatch(src, tgt [][]int, idx []int) *SeqBatch {
	B := len(idx)
	s := &SeqBatch{B: B, SrcLens: make([]int, B), Idx: append([]int(nil), idx...)}
	for b, i := range idx {
		s.SrcLens[b] = len(src[i])
		s.SrcLen = max(s.SrcLen, len(src[i]))
	}
	s.Src = make([]int, s.SrcLen*B)
	s.SrcMask = make([]float32, s.SrcLen*B)
	for b, i := range idx {
		for t := range s.SrcLen {
			if t < len(src[i]) {
				s.Src[t*B+b] = src[i][t]
				s.SrcMask[t*B+b] = 1
			} else {
				s.Src[t*B+b] = tokenizers.PadID
			}
		}
	}
	if tgt == nil {
		return s
	}
	s.TgtLens = make([]int, B)
	for b, i := range idx {
		s.TgtLens[b] = len(tgt[i]) + 1
		s.TgtLen = max(s.TgtLen, len(tgt[i])+1)
	}
	s.TgtIn = make([]int, s.TgtLen*B)
	s.TgtOut = make([]int, s.TgtLen*B)
	for b, i := range idx {
		y := tgt[i]
		for t := range s.TgtLen {
			in, out := tokenizers.PadID, tokenizers.IgnoreTarget
			switch {
			case t < len(y):
				out = y[t]
			case t == len(y):
				out = tokenizers.EOSID
			}
			switch {
			case t == 0:
				in = tokenizers.BOSID
			case t <= len(y):
				in = y[t-1]
			}
			s.TgtIn[t*B+b] = in
			s.TgtOut[t*B+b] = out
		}
	}
	return s
}

// checkSeqPairs validates a set of id sequences for batching.
func checkSeqPairs(src, tgt [][]int) error {
	if len(src) == 0 {
		return fmt.Errorf("batches: no sentence pairs")
	}
	if tgt != nil && len(tgt) != len(src) {
		return fmt.Errorf("batches: %d source sentences but %d target sentences; they must pair up", len(src), len(tgt))
	}
	for i, s := range src {
		if len(s) == 0 {
			return fmt.Errorf("batches: source sentence %d is empty: an encoder needs at least one token", i)
		}
		if err := checkIDs("source", i, s); err != nil {
			return err
		}
		if tgt != nil {
			if err := checkIDs("target", i, tgt[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkIDs(side string, i int, ids []int) error {
	for t, id := range ids {
		if id < 0 {
			return fmt.Errorf("batches: %s sentence %d has id %d at position %d (valid: 0 or more)", side, i, id, t)
		}
	}
	return nil
}

// DefaultBucketWindow is how many batches' worth of pairs PairBatcher sorts
// by length together.
const DefaultBucketWindow = 100

// PairBatcher serves training batches of sentence pairs, bucketed by
// length so that little of each batch is padding, in an order that is
// random but reproducible from the seed.
//
// Each epoch e: the pairs are shuffled (Mersenne Twister seeded from seed
// and e), the first BatchesPerEpoch()*batch of them are taken (like the
// reference, the remainder is left out of this epoch; it is a different
// remainder every epoch), cut into windows of window*batch pairs, each
// window is sorted by (source length, target length) and cut into batches,
// and the batches of the whole epoch are shuffled. Sorting only within a
// window keeps batches random while making lengths within a batch nearly
// equal; shuffling the batches afterwards stops the model from seeing
// short sentences first and long ones last.
//
// Because each epoch's order depends only on (seed, epoch), SetPos can jump
// to any position without replaying earlier epochs: a trainer stores Pos in
// its checkpoint and resumes with exactly the batches an uninterrupted run
// would have seen.
//
// The batcher keeps (does not copy) the id slices; the caller must not
// change them.
type PairBatcher struct {
	src, tgt [][]int
	batch    int
	window   int
	seed     uint64
	pos      int
	nb       int     // batches per epoch
	epoch    int     // epoch of the cached order, -1 for none
	order    [][]int // cached batches (pair indices) of epoch
}

// NewPairBatcher makes a batcher over srcIDs[i] → tgtIDs[i] (ids without
// <s> or </s>; the batches add them). It fails when the two lists differ in
// length, a source is empty, an id is negative, or there are fewer pairs
// than one batch.
func NewPairBatcher(srcIDs, tgtIDs [][]int, batch int, seed uint64) (*PairBatcher, error) {
	if batch < 1 {
		return nil, fmt.Errorf("batches: batch size %d is invalid (valid: 1 or more)", batch)
	}
	if tgtIDs == nil {
		tgtIDs = [][]int{} // training needs targets: reported as a count mismatch
	}
	if err := checkSeqPairs(srcIDs, tgtIDs); err != nil {
		return nil, err
	}
	if len(srcIDs) < batch {
		return nil, fmt.Errorf("batches: %d sentence pairs are fewer than one batch of %d; use a smaller batch or more data", len(srcIDs), batch)
	}
	return &PairBatcher{src: srcIDs, tgt: tgtIDs, batch: batch, window: DefaultBucketWindow, seed: seed,
		nb: len(srcIDs) / batch, epoch: -1}, nil
}

// SetBucketWindow sets how many batches' worth of pairs are sorted by
// length together (default DefaultBucketWindow). 1 turns bucketing off
// (each batch is a random sample); a window larger than the epoch sorts
// the whole epoch.
func (p *PairBatcher) SetBucketWindow(batches int) error {
	if batches < 1 {
		return fmt.Errorf("batches: bucket window %d is invalid (valid: 1 or more batches)", batches)
	}
	p.window = batches
	p.epoch = -1
	return nil
}

// Next returns the next training batch. After the last batch of an epoch
// it continues with the first batch of the next epoch, in a new order.
func (p *PairBatcher) Next() *SeqBatch {
	e, k := p.pos/p.nb, p.pos%p.nb
	if e != p.epoch {
		p.order = p.epochOrder(e)
		p.epoch = e
	}
	p.pos++
	return makeSeqBatch(p.src, p.tgt, p.order[k])
}

// epochOrder returns the batches (as pair indices) of epoch e.
func (p *PairBatcher) epochOrder(e int) [][]int {
	// The fixed last word keeps the key's length constant (CPython's seeding
	// drops trailing zero words).
	rng := newPyRand(uint32(p.seed), uint32(p.seed>>32), uint32(e), uint32(e>>32), 0x62617463)
	n := len(p.src)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	rng.shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	perm = perm[:p.nb*p.batch]
	w := p.window * p.batch
	for lo := 0; lo < len(perm); lo += w {
		win := perm[lo:min(lo+w, len(perm))]
		sort.SliceStable(win, func(a, b int) bool {
			sa, sb := len(p.src[win[a]]), len(p.src[win[b]])
			if sa != sb {
				return sa < sb
			}
			return len(p.tgt[win[a]]) < len(p.tgt[win[b]])
		})
	}
	order := make([][]int, p.nb)
	for k := range order {
		order[k] = perm[k*p.batch : (k+1)*p.batch : (k+1)*p.batch]
	}
	rng.shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	return order
}

// Pos is the number of batches returned so far, over all epochs.
func (p *PairBatcher) Pos() int { return p.pos }

// SetPos sets the number of batches already consumed (from a checkpoint);
// the next batch is batch pos % BatchesPerEpoch() of epoch
// pos / BatchesPerEpoch().
func (p *PairBatcher) SetPos(pos int) error {
	if pos < 0 {
		return fmt.Errorf("batches: position %d is invalid (valid: 0 or more batches)", pos)
	}
	p.pos = pos
	return nil
}

// BatchesPerEpoch is the number of full batches in one epoch.
func (p *PairBatcher) BatchesPerEpoch() int { return p.nb }

// Epoch is the number of complete epochs so far.
func (p *PairBatcher) Epoch() int { return p.pos / p.nb }

// All returns every pair once, in input order, in batches of the
// batcher's size (see EvalBatches).
func (p *PairBatcher) All() []*SeqBatch { return evalBatches(p.src, p.tgt, p.batch) }

// EvalBatches cuts pairs into batches in input order, every pair once (the
// last batch may be smaller): for validation and test sets, where every
// sentence must be scored and the order must match the references. tgt may
// be nil for source-only batches.
func EvalBatches(src, tgt [][]int, batch int) ([]*SeqBatch, error) {
	if batch < 1 {
		return nil, fmt.Errorf("batches: batch size %d is invalid (valid: 1 or more)", batch)
	}
	if err := checkSeqPairs(src, tgt); err != nil {
		return nil, err
	}
	return evalBatches(src, tgt, batch), nil
}

func evalBatches(src, tgt [][]int, batch int) []*SeqBatch {
	var out []*SeqBatch
	idx := make([]int, 0, batch)
	for lo := 0; lo < len(src); lo += batch {
		idx = idx[:0]
		for i := lo; i < min(lo+batch, len(src)); i++ {
			idx = append(idx, i)
		}
		out = append(out, makeSeqBatch(src, tgt, idx))
	}
	return out
}
