package datasets

import "fmt"

// Streams serves training windows the way char-rnn and the PyTorch reference
// do. The ids are laid out as `batch` contiguous streams of L =
// (len(ids)-1)/batch positions each: stream b reads inputs ids[b*L : (b+1)*L]
// and, one position ahead, targets ids[b*L+1 : (b+1)*L+1] (so the last target
// of a stream is the first input of the next, exactly as the reference's
// ys = train[1:batch*L+1].view(batch, L)).
//
// Window k holds positions [k*seq, (k+1)*seq) of every stream. Consecutive
// windows continue each stream where the previous one stopped, which is what
// lets the trainer carry the recurrent state from one window to the next
// (truncated backpropagation through time). There are
// WindowsPerEpoch() = L/seq windows; the tail of each stream shorter than a
// window is skipped. After the last window, Next starts over at window 0 and
// reports wrapped = true, the signal to reset the carried state.
//
// Streams does not copy ids; the caller must not change them.
type Streams struct {
	ids     []int
	batch   int
	seq     int
	length  int // L: positions per stream
	windows int // L / seq
	pos     int // windows returned so far
}

// NewStreams lays ids out as batch streams read seq steps at a time. It fails
// when batch or seq is below 1 or ids are too short for one window, which
// needs batch*seq+1 ids.
func NewStreams(ids []int, batch, seq int) (*Streams, error) {
	if batch < 1 {
		return nil, fmt.Errorf("streams: batch %d is invalid (valid: 1 or more)", batch)
	}
	if seq < 1 {
		return nil, fmt.Errorf("streams: sequence length %d is invalid (valid: 1 or more)", seq)
	}
	need := batch*seq + 1
	if len(ids) < need || batch*seq/seq != batch {
		return nil, fmt.Errorf("streams: %d tokens are too few for batch %d × sequence length %d: one window needs batch*seq+1 = %d tokens; use a smaller batch or seq, or more text",
			len(ids), batch, seq, need)
	}
	l := (len(ids) - 1) / batch
	return &Streams{ids: ids, batch: batch, seq: seq, length: l, windows: l / seq}, nil
}

// Next fills the next window, time-major: for step t and stream b,
// x[t*batch+b] is the input and y[t*batch+b] its target (the token that
// follows it). x and y must hold at least batch*seq ids; Next panics
// otherwise, as this is a programming error rather than bad data.
//
// wrapped is true when this window starts a new pass over the streams
// (every WindowsPerEpoch() windows, not on the very first call): the
// caller should reset any carried hidden state before using it.
func (s *Streams) Next(x, y []int) (wrapped bool) {
	n := s.batch * s.seq
	if len(x) < n || len(y) < n {
		panic(fmt.Sprintf("datasets: Streams.Next needs x and y of length batch*seq = %d, got %d and %d", n, len(x), len(y)))
	}
	w := s.pos % s.windows
	wrapped = s.pos > 0 && w == 0
	off := w * s.seq
	for b := 0; b < s.batch; b++ {
		src := s.ids[b*s.length+off : b*s.length+off+s.seq+1]
		for t := 0; t < s.seq; t++ {
			x[t*s.batch+b] = src[t]
			y[t*s.batch+b] = src[t+1]
		}
	}
	s.pos++
	return wrapped
}

// Pos is the number of windows returned so far (over all epochs). A trainer
// that stores Pos in its checkpoint and calls SetPos on resume gets the same
// windows, and the same wrapped signals, as an uninterrupted run.
func (s *Streams) Pos() int { return s.pos }

// SetPos sets the number of windows already consumed; the next window is
// window p % WindowsPerEpoch() of epoch p / WindowsPerEpoch().
func (s *Streams) SetPos(p int) error {
	if p < 0 {
		return fmt.Errorf("streams: position %d is invalid (valid: 0 or more windows)", p)
	}
	s.pos = p
	return nil
}

// WindowsPerEpoch is the number of windows in one pass over the streams.
func (s *Streams) WindowsPerEpoch() int { return s.windows }

// Epoch is the number of complete passes made so far.
func (s *Streams) Epoch() int { return s.pos / s.windows }

// Batch is the number of streams.
func (s *Streams) Batch() int { return s.batch }

// Seq is the number of time steps per window.
func (s *Streams) Seq() int { return s.seq }

// StreamLen is L, the number of input positions in each stream.
func (s *Streams) StreamLen() int { return s.length }

// EvalChunks cuts ids for evaluation the way the reference does: every
// target ids[1:] is scored exactly once, its input being the token before
// it. The len(ids)-1 input/target pairs are cut into chunks of
// ceil((len(ids)-1)/n) consecutive pairs (the last chunk may be shorter, and
// chunks that would be empty are left out, so there can be fewer than n).
// Each chunk is meant to be run from a zero state, all chunks in parallel as
// one batch; the mean NLL over all targets is then the validation loss.
//
// inputs[k] and targets[k] have equal length and alias ids. With fewer than
// two ids there is nothing to score and both are nil; n < 1 is treated as 1.
func EvalChunks(ids []int, n int) (inputs, targets [][]int) {
	pairs := len(ids) - 1
	if pairs < 1 {
		return nil, nil
	}
	n = max(n, 1)
	size := (pairs + n - 1) / n // ceil(pairs / n), as the reference's math.ceil(n / streams)
	for start := 0; start < pairs; start += size {
		end := min(start+size, pairs)
		inputs = append(inputs, ids[start:end:end])
		targets = append(targets, ids[start+1:end+1:end+1])
	}
	return inputs, targets
}
