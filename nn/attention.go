package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/recur-dev/recur/internal/kernels"
)

// Attention kinds.
const (
	Additive       = "additive"       // Bahdanau: e = vᵀ tanh(W_q q + W_k m + b)
	Multiplicative = "multiplicative" // Luong "general": e = qᵀ W m
)

// Attention scores every memory position (an encoder output m_j, or a cell
// of an image's feature grid) against a query q (a decoder state), takes a
// softmax over the real positions of each row (padding masked to −∞), and
// returns the context Σ_j a_j m_j.
type Attention struct {
	Kind               string
	Query, Memory, Dim int
	Wq, Wk, B, V, W    *Param // additive: Wq [Dim, Query], Wk [Dim, Memory], B [Dim], V [Dim]; multiplicative: W [Query, Memory]
}

// NewAttention initialises an attention layer named prefix (prefix.wq,
// prefix.wk, ...), weights from U(-1/√fan_in, 1/√fan_in).
func NewAttention(prefix, kind string, query, memory, dim int, rng *rand.Rand) (*Attention, error) {
	a := &Attention{Kind: kind, Query: query, Memory: memory, Dim: dim}
	switch kind {
	case Additive:
		if dim < 1 {
			return nil, fmt.Errorf("attention size must be >= 1 (got %d)", dim)
		}
		a.Wq = NewParam(prefix+".wq.weight", dim, query)
		a.Wk = NewParam(prefix+".wk.weight", dim, memory)
		a.B = NewParam(prefix+".bias", dim)
		a.V = NewParam(prefix+".v.weight", dim)
	case Multiplicative:
		a.W = NewParam(prefix+".w.weight", query, memory)
	default:
		return nil, fmt.Errorf("unknown attention %q (valid: additive, multiplicative)", kind)
	}
	if rng != nil {
		for _, p := range a.Params() {
			p.Uniform(rng, 1/math.Sqrt(float64(p.Shape[len(p.Shape)-1])))
		}
	}
	return a, nil
}

// Params lists the weights.
func (a *Attention) Params() Params {
	if a.Kind == Additive {
		return Params{a.Wq, a.Wk, a.B, a.V}
	}
	return Params{a.W}
}

// Keys precomputes what the scores need from the memory, once per source:
// additive W_k m_j [rows, Dim]; multiplicative W m_j [rows, Query].
func (a *Attention) Keys(mem []float32, rows int, keys []float32) {
	if a.Kind == Additive {
		clear(keys[:rows*a.Dim])
		gemm(false, true, rows, a.Dim, a.Memory, 1, mem, a.Memory, a.Wk.Data, a.Memory, 0, keys, a.Dim)
		return
	}
	gemm(false, true, rows, a.Query, a.Memory, 1, mem, a.Memory, a.W.Data, a.Memory, 0, keys, a.Query)
}

// KeySize is the width of one precomputed key.
func (a *Attention) KeySize() int {
	if a.Kind == Additive {
		return a.Dim
	}
	return a.Query
}

// AttendWork is scratch space for Attend.
type AttendWork struct{ qp, th, e []float32 }

// Attend computes one query's context over n memory rows (mem [n, Memory],
// keys from Keys), writing the attention weights into weights[:n] and the
// context into ctx [Memory]. Plain Go for inference; the same arithmetic as
// the graph kernel.
func (a *Attention) Attend(w *AttendWork, q, mem, keys []float32, n int, weights, ctx []float32) {
	w.e = grow(w.e, n)
	if a.Kind == Additive {
		w.qp = grow(w.qp, a.Dim)
		w.th = grow(w.th, a.Dim)
		copy(w.qp, a.B.Data)
		gemv(false, a.Dim, a.Query, 1, a.Wq.Data, a.Query, q, 1, w.qp)
		for j := 0; j < n; j++ {
			k := keys[j*a.Dim : (j+1)*a.Dim]
			for i := range w.th {
				w.th[i] = w.qp[i] + k[i]
			}
			tanh(w.th, w.th)
			w.e[j] = dot(a.V.Data, w.th)
		}
	} else {
		for j := 0; j < n; j++ {
			w.e[j] = dot(q, keys[j*a.Query:(j+1)*a.Query])
		}
	}
	softmaxInto(weights[:n], w.e[:n])
	clear(ctx[:a.Memory])
	for j := 0; j < n; j++ {
		axpy(weights[j], mem[j*a.Memory:(j+1)*a.Memory], ctx[:a.Memory])
	}
}

// attentionKernel: Q [T·B, Query], M [S·B, Memory] (both time-major), then
// the layer's weights → context [T·B, Memory]. Row b attends to its first
// lengths[b] memory steps only.
type attentionKernel struct {
	att     *Attention
	batch   int
	lengths *[]int

	T, S         int
	qp, keys, aw []float32 // projected queries [T·B, Dim], keys [S·B, ·], weights [T·B, S]
	th           []float32 // one score's tanh(W_q q + W_k m + b) [Dim], recomputed in backward rather than stored T·B·S times
	out, e       []float32
	// backward scratch
	dK, dQp, da, dth []float32
}

func (k *attentionKernel) name() string { return "Attention" + k.att.Kind }
func (k *attentionKernel) signature() []hm.Type {
	if k.att.Kind == Additive {
		return []hm.Type{tF32Mat, tF32Mat, tF32Mat, tF32Mat, tF32Vec, tF32Vec, tF32Mat}
	}
	return []hm.Type{tF32Mat, tF32Mat, tF32Mat, tF32Mat}
}
func (k *attentionKernel) differentiable() []bool {
	d := make([]bool, len(k.signature())-1)
	for i := range d {
		d[i] = true
	}
	return d
}
func (k *attentionKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	if in[0][0]%k.batch != 0 || in[1][0]%k.batch != 0 || in[0][1] != k.att.Query || in[1][1] != k.att.Memory {
		return nil, fmt.Errorf("attention: queries %v and memory %v do not fit batch %d, query %d, memory %d",
			in[0], in[1], k.batch, k.att.Query, k.att.Memory)
	}
	return tensor.Shape{in[0][0], k.att.Memory}, nil
}

// Weights returns the last run's attention weights, [T·B, S] (row t·B+b),
// zero beyond each row's length.
func (k *attentionKernel) Weights() (w []float32, T, S int) { return k.aw, k.T, k.S }

func (k *attentionKernel) forward(in []G.Value) (G.Value, error) {
	a := k.att
	B := k.batch
	q, m := f32(in[0]), f32(in[1])
	k.T, k.S = in[0].Shape()[0]/B, in[1].Shape()[0]/B
	T, S := k.T, k.S
	lens := *k.lengths
	if len(lens) != B {
		return nil, fmt.Errorf("attention: %d source lengths for a batch of %d", len(lens), B)
	}
	ks := a.KeySize()
	k.keys = grow(k.keys, S*B*ks)
	a.Keys(m, S*B, k.keys)
	k.aw = grow(k.aw, T*B*S)
	clear(k.aw)
	k.out = grow(k.out, T*B*a.Memory)
	clear(k.out)
	k.e = grow(k.e, S)
	e := k.e
	if a.Kind == Additive {
		A := a.Dim
		k.qp = grow(k.qp, T*B*A)
		for r := 0; r < T*B; r++ {
			copy(k.qp[r*A:(r+1)*A], a.B.Data)
		}
		gemm(false, true, T*B, A, a.Query, 1, q, a.Query, a.Wq.Data, a.Query, 1, k.qp, A)
		k.th = grow(k.th, A)
	}
	for t := 0; t < T; t++ {
		for b := 0; b < B; b++ {
			L := lens[b]
			if L < 0 || L > S {
				return nil, fmt.Errorf("attention: source length %d of row %d outside [0, %d]", L, b, S)
			}
			if L == 0 {
				continue
			}
			r := t*B + b
			for j := 0; j < L; j++ {
				key := k.keys[(j*B+b)*ks : (j*B+b+1)*ks]
				if a.Kind == Additive {
					e[j] = dot(a.V.Data, k.score(r, key))
				} else {
					e[j] = dot(q[r*a.Query:(r+1)*a.Query], key)
				}
			}
			w := k.aw[r*S : r*S+L]
			softmaxInto(w, e[:L])
			ctx := k.out[r*a.Memory : (r+1)*a.Memory]
			for j := 0; j < L; j++ {
				axpy(w[j], m[(j*B+b)*a.Memory:(j*B+b+1)*a.Memory], ctx)
			}
		}
	}
	return dense(k.out, T*B, a.Memory), nil
}

// score returns tanh(W_q q_r + b + key) in the kernel's scratch.
func (k *attentionKernel) score(r int, key []float32) []float32 {
	qp := k.qp[r*len(key) : (r+1)*len(key)]
	for i := range k.th {
		k.th[i] = qp[i] + key[i]
	}
	tanh(k.th, k.th)
	return k.th
}

// backward: with a = softmax(e) and ctx = Σ a_j m_j,
//
//	∂L/∂a_j = dctx·m_j,  ∂L/∂m_j += a_j dctx,  ∂L/∂e_j = a_j (∂L/∂a_j − Σ_k a_k ∂L/∂a_k)
//
// additive: ∂L/∂(W_q q + b) and ∂L/∂(W_k m_j) both receive ∂L/∂e_j · v ⊙ (1 − tanh²),
// and ∂L/∂v = Σ ∂L/∂e_j tanh(·); multiplicative: ∂L/∂q += ∂L/∂e_j K_j and
// ∂L/∂K_j += ∂L/∂e_j q. The projections' gradients are then single products.
func (k *attentionKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	a := k.att
	B, T, S := k.batch, k.T, k.S
	q, m := f32(in[0]), f32(in[1])
	d := f32(dOut)
	lens := *k.lengths
	ks := a.KeySize()
	dQ, dM := grads[0], grads[1]
	k.dK = grow(k.dK, S*B*ks)
	dK := k.dK
	clear(dK)
	var dQp []float32
	if a.Kind == Additive {
		k.dQp = grow(k.dQp, T*B*ks)
		dQp = k.dQp
		clear(dQp)
	}
	k.da = grow(k.da, S)
	k.dth = grow(k.dth, ks)
	da, dth := k.da, k.dth
	for t := 0; t < T; t++ {
		for b := 0; b < B; b++ {
			L := lens[b]
			if L == 0 {
				continue
			}
			r := t*B + b
			dctx := d[r*a.Memory : (r+1)*a.Memory]
			w := k.aw[r*S : r*S+L]
			var s float32
			for j := 0; j < L; j++ {
				mj := m[(j*B+b)*a.Memory : (j*B+b+1)*a.Memory]
				da[j] = dot(dctx, mj)
				s += w[j] * da[j]
				axpy(w[j], dctx, dM[(j*B+b)*a.Memory:(j*B+b+1)*a.Memory])
			}
			for j := 0; j < L; j++ {
				de := w[j] * (da[j] - s)
				if de == 0 {
					continue
				}
				dk := dK[(j*B+b)*ks : (j*B+b+1)*ks]
				if a.Kind == Additive {
					th := k.score(r, k.keys[(j*B+b)*ks:(j*B+b+1)*ks])
					for i, x := range th {
						dth[i] = de * a.V.Data[i] * (1 - x*x)
					}
					axpy(de, th, grads[5]) // dv
					axpy(1, dth, dQp[r*ks:(r+1)*ks])
					axpy(1, dth, dk)
				} else {
					key := k.keys[(j*B+b)*ks : (j*B+b+1)*ks]
					axpy(de, key, dQ[r*a.Query:(r+1)*a.Query])
					axpy(de, q[r*a.Query:(r+1)*a.Query], dk)
				}
			}
		}
	}
	if a.Kind == Additive {
		A := a.Dim
		gemm(false, false, T*B, a.Query, A, 1, dQp, A, a.Wq.Data, a.Query, 1, dQ, a.Query)
		gemm(true, false, A, a.Query, T*B, 1, dQp, A, q, a.Query, 0, grads[2], a.Query)
		colSum(grads[4], dQp, T*B)
		gemm(false, false, S*B, a.Memory, A, 1, dK, A, a.Wk.Data, a.Memory, 1, dM, a.Memory)
		gemm(true, false, A, a.Memory, S*B, 1, dK, A, m, a.Memory, 0, grads[3], a.Memory)
		return nil
	}
	gemm(false, false, S*B, a.Memory, a.Query, 1, dK, a.Query, a.W.Data, a.Memory, 1, dM, a.Memory)
	gemm(true, false, a.Query, a.Memory, S*B, 1, dK, a.Query, m, a.Memory, 0, grads[2], a.Memory)
	return nil
}

// AttentionNode exposes the attention weights of a graph's attention layer.
type AttentionNode struct{ k *attentionKernel }

// Weights returns the last run's weights [T·B, S] and T, S.
func (n AttentionNode) Weights() ([]float32, int, int) { return n.k.Weights() }

// Attend adds attention of queries q [T·B, Query] over memory m [S·B, Memory]
// (row b limited to lengths[b] steps) → contexts [T·B, Memory].
func (g *Graph) Attend(a *Attention, q, m *G.Node, batch int, lengths *[]int) (*G.Node, AttentionNode) {
	k := &attentionKernel{att: a, batch: batch, lengths: lengths}
	in := []*G.Node{q, m}
	for _, p := range a.Params() {
		in = append(in, g.Param(p))
	}
	return g.apply(k, in...), AttentionNode{k}
}

func dot(x, y []float32) float32 { return kernels.Dot(x, y) }

func axpy(alpha float32, x, y []float32) { kernels.Axpy(alpha, x, y) }
