package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Embedding maps token ids to rows of W [Vocab, Dim].
type Embedding struct {
	Vocab, Dim int
	W          *Param
}

// NewEmbedding initialises W from N(0, 1), as PyTorch does.
func NewEmbedding(name string, vocab, dim int, rng *rand.Rand) *Embedding {
	e := &Embedding{Vocab: vocab, Dim: dim, W: NewParam(name+".weight", vocab, dim)}
	if rng != nil {
		e.W.Normal(rng, 1)
	}
	return e
}

// Row returns the embedding of one token.
func (e *Embedding) Row(id int) []float32 { return e.W.Data[id*e.Dim : (id+1)*e.Dim] }

// Lookup writes the embeddings of ids into out [len(ids), Dim]. An id outside
// [0, Vocab) is a caller bug reported as an error, never an index panic.
func (e *Embedding) Lookup(ids []int, out []float32) error {
	for i, id := range ids {
		if id < 0 || id >= e.Vocab {
			return fmt.Errorf("token id %d out of range [0, %d)", id, e.Vocab)
		}
		copy(out[i*e.Dim:(i+1)*e.Dim], e.Row(id))
	}
	return nil
}

// Linear is y = x·Wᵀ + b with W [Out, In] and b [Out].
type Linear struct {
	In, Out int
	W, B    *Param
}

// NewLinear initialises W and b from U(-1/√In, 1/√In), PyTorch's default.
func NewLinear(name string, in, out int, rng *rand.Rand) *Linear {
	l := &Linear{In: in, Out: out, W: NewParam(name+".weight", out, in), B: NewParam(name+".bias", out)}
	if rng != nil {
		bound := 1 / math.Sqrt(float64(in))
		l.W.Uniform(rng, bound)
		l.B.Uniform(rng, bound)
	}
	return l
}

// Params lists W then b.
func (l *Linear) Params() Params { return Params{l.W, l.B} }

// MatMulT computes out = x·Wᵀ + b for x [rows, In] with a Linear's weights.
func (l *Linear) MatMulT(rows int, x, out []float32) {
	for r := 0; r < rows; r++ {
		copy(out[r*l.Out:(r+1)*l.Out], l.B.Data)
	}
	matmulT(rows, l.Out, l.In, x, l.W.Data, out)
}

// TanhInPlace applies tanh to every element of x.
func TanhInPlace(x []float32) { tanh(x, x) }
