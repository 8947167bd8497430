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

// SelfAttention is fused causal multi-head self-attention over whole
// sequences. qkv [B·T, 3C] holds, for row b·T+t (batch-major, as PyTorch's
// x.view(B·T, ·)), the query, key and value of position t of sequence b, in
// that order, each C = heads·d wide with the heads contiguous (head h is
// columns h·d … h·d+d−1). For every sequence and head:
//
//	S = Q Kᵀ / √d,  P = softmax(S) row-wise over the positions j ≤ i,
//	P̃ = P ⊙ M / (1−p),  O = P̃ V
//
// where M is a dropout mask on the attention probabilities (training only,
// drawn here, never with G.Dropout). The output [B·T, C] puts head h's O in
// columns h·d….
func (g *Graph) SelfAttention(qkv *G.Node, B, T, heads int, dropout float64) *G.Node {
	k := &selfAttentionKernel{B: B, T: T, heads: heads}
	if g.Train && dropout > 0 {
		g.salt++
		k.p, k.seed, k.salt, k.step = dropout, g.Seed, g.salt, &g.Step
	}
	return g.apply(k, qkv)
}

// selfAttentionKernel keeps P (before dropout) and the mask for backward.
// Backward, per sequence and head, with dO the output gradient:
//
//	dP̃ = dO Vᵀ,  dV = P̃ᵀ dO,  dP = dP̃ ⊙ M/(1−p)
//	dS = P ⊙ (dP − rowsum(dP ⊙ P)),  dQ = dS K / √d,  dK = dSᵀ Q / √d
type selfAttentionKernel struct {
	B, T, heads int
	p           float64
	seed, salt  uint64
	step        *uint64

	probs []float32 // [B, heads, T, T], P before dropout (0 above the diagonal)
	mask  []float32 // same shape, 0 or 1/(1−p); nil without dropout
	out   []float32
	// scratch[part] holds one head's P̃ and dP, [T, T] each, per thread.
	scratch [][]float32
}

func (k *selfAttentionKernel) name() string           { return "SelfAttention" }
func (k *selfAttentionKernel) signature() []hm.Type   { return []hm.Type{tF32Mat, tF32Mat} }
func (k *selfAttentionKernel) differentiable() []bool { return []bool{true} }
func (k *selfAttentionKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	if k.B < 1 || k.T < 1 || k.heads < 1 || len(in[0]) != 2 || in[0][0] != k.B*k.T || in[0][1]%(3*k.heads) != 0 {
		return nil, fmt.Errorf("self-attention: input %v does not fit batch %d, length %d, %d heads ([B·T, 3·C] with C a multiple of the heads)",
			in[0], k.B, k.T, k.heads)
	}
	return tensor.Shape{k.B * k.T, in[0][1] / 3}, nil
}

func (k *selfAttentionKernel) dims(in []G.Value) (C, d int, scale float32) {
	C = in[0].Shape()[1] / 3
	d = C / k.heads
	return C, d, float32(1 / math.Sqrt(float64(d)))
}

func (k *selfAttentionKernel) forward(in []G.Value) (G.Value, error) {
	qkv := f32(in[0])
	B, T, H := k.B, k.T, k.heads
	C, d, scale := k.dims(in)
	k.probs = grow(k.probs, B*H*T*T)
	k.out = grow(k.out, B*T*C)
	if k.p > 0 {
		k.mask = grow(k.mask, B*H*T*T)
	}
	k.each(T, d, func(pair int, pd, _ []float32) {
		if k.p > 0 {
			k.drawMask(pair)
		}
		k.forwardHead(pair, qkv, C, d, scale, pd)
	})
	return dense(k.out, B*T, C), nil
}

// each runs f for every (sequence, head) pair, pair = b·heads + h, with
// scratch pd and dp of T·T each. When one head's products are too small
// for the matrix kernels to split over threads (2·T·T·d below a few
// million flops: short sequences), the pairs are split instead, if there
// is enough work in all of them to pay for waking the other threads.
func (k *selfAttentionKernel) each(T, d int, f func(pair int, pd, dp []float32)) {
	pairs := k.B * k.heads
	parts := 1
	if 2*T*T*d < 4<<20 && pairs*T*T*d >= 1<<16 {
		parts = min(kernels.Threads(), pairs)
	}
	if len(k.scratch) < parts {
		k.scratch = make([][]float32, parts)
	}
	for i := range parts {
		k.scratch[i] = grow(k.scratch[i], 2*T*T)
	}
	kernels.Parallel(parts, func(part int) {
		buf := k.scratch[part]
		for pair := part; pair < pairs; pair += parts {
			f(pair, buf[:T*T], buf[T*T:2*T*T])
		}
	})
}

// drawMask draws one head's dropout mask on the probabilities a query can
// see (j ≤ i; the rest stay unused), from a stream of its own seeded by
// the graph's seed, the training step, the op and the pair, so the mask is
// the same however the pairs are split over threads.
func (k *selfAttentionKernel) drawMask(pair int) {
	T := k.T
	M := k.mask[pair*T*T : (pair+1)*T*T]
	rng := rand.New(rand.NewPCG(k.seed^uint64(pair)*0x9e3779b97f4a7c15, *k.step*1_000_003+k.salt))
	keep := float32(1 / (1 - k.p))
	// Drop when a uniform 53-bit integer falls below p·2⁵³.
	cut := uint64(k.p * (1 << 53))
	for i := 0; i < T; i++ {
		row := M[i*T : (i+1)*T]
		for j := 0; j <= i; j++ {
			if rng.Uint64()>>11 < cut {
				row[j] = 0
			} else {
				row[j] = keep
			}
		}
		clear(row[i+1:])
	}
}

// causalBlock is how many queries attend at once: a block of queries
// i0…i1−1 sees only keys 0…i1−1, so the products skip the masked upper
// triangle of the T×T scores beyond each block (a quarter of the
// attention's work at T = 256) while staying large enough for the packed
// matrix kernel (at 64 rows the products went to the few-row kernel and
// its merges cost more than the saving). A variable so tests can use
// several blocks on short sequences.
var causalBlock = 128

// forwardHead computes one sequence's one head; pd is scratch for P̃.
func (k *selfAttentionKernel) forwardHead(pair int, qkv []float32, C, d int, scale float32, pd []float32) {
	T := k.T
	b, h := pair/k.heads, pair%k.heads
	base := b * T * 3 * C
	q, kk, v := qkv[base+h*d:], qkv[base+C+h*d:], qkv[base+2*C+h*d:]
	P := k.probs[pair*T*T : (pair+1)*T*T]
	var M []float32
	if k.p > 0 {
		M = k.mask[pair*T*T : (pair+1)*T*T]
	}
	for i0 := 0; i0 < T; i0 += causalBlock {
		i1 := min(T, i0+causalBlock)
		gemm(false, true, i1-i0, i1, d, scale, q[i0*3*C:], 3*C, kk, 3*C, 0, P[i0*T:], T)
		for i := i0; i < i1; i++ {
			row := P[i*T : (i+1)*T]
			softmaxInto(row[:i+1], row[:i+1])
			clear(row[i+1:])
		}
		use := P
		if M != nil {
			for i := i0 * T; i < i1*T; i++ {
				pd[i] = P[i] * M[i]
			}
			use = pd
		}
		gemm(false, false, i1-i0, d, i1, 1, use[i0*T:], T, v, 3*C, 0, k.out[(b*T+i0)*C+h*d:], C)
	}
}

func (k *selfAttentionKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	qkv, dO, dqkv := f32(in[0]), f32(dOut), grads[0]
	C, d, scale := k.dims(in)
	k.each(k.T, d, func(pair int, pd, dp []float32) {
		k.backwardHead(pair, qkv, dO, dqkv, C, d, scale, pd, dp)
	})
	return nil
}

// backwardHead writes one sequence's one head's dQ, dK, dV (disjoint
// columns of dqkv for every pair, so pairs run concurrently).
func (k *selfAttentionKernel) backwardHead(pair int, qkv, dO, dqkv []float32, C, d int, scale float32, pd, dp []float32) {
	T := k.T
	b, h := pair/k.heads, pair%k.heads
	base := b * T * 3 * C
	q, kk, v := qkv[base+h*d:], qkv[base+C+h*d:], qkv[base+2*C+h*d:]
	dq, dk, dv := dqkv[base+h*d:], dqkv[base+C+h*d:], dqkv[base+2*C+h*d:]
	o := dO[b*T*C+h*d:]
	P := k.probs[pair*T*T : (pair+1)*T*T]
	var M []float32
	use := P
	if k.p > 0 {
		M = k.mask[pair*T*T : (pair+1)*T*T]
		for i := range pd {
			pd[i] = P[i] * M[i]
		}
		use = pd
	}
	// Query blocks as in forwardHead, last first: the last block's
	// dV = P̃ᵀ dO and dK = dSᵀ Q/√d cover every key and overwrite, the
	// earlier (shorter) blocks add onto keys 0…i1−1.
	last := (T - 1) / causalBlock * causalBlock
	for i0 := last; i0 >= 0; i0 -= causalBlock {
		i1 := min(T, i0+causalBlock)
		rows := i1 - i0
		var beta float32
		if i0 != last {
			beta = 1
		}
		gemm(true, false, i1, d, rows, 1, use[i0*T:], T, o[i0*C:], C, beta, dv, 3*C)
		// dP̃ = dO Vᵀ, then through the dropout mask and the softmax.
		gemm(false, true, rows, i1, d, 1, o[i0*C:], C, v, 3*C, 0, dp[i0*T:], T)
		for i := i0; i < i1; i++ {
			row, pr := dp[i*T:(i+1)*T], P[i*T:(i+1)*T]
			if M != nil {
				mr := M[i*T : (i+1)*T]
				for j := 0; j <= i; j++ {
					row[j] *= mr[j]
				}
			}
			var s float32
			for j := 0; j <= i; j++ {
				s += row[j] * pr[j]
			}
			for j := 0; j <= i; j++ {
				row[j] = pr[j] * (row[j] - s)
			}
			clear(row[i+1:])
		}
		// dQ = dS K/√d; dK = dSᵀ Q/√d.
		gemm(false, false, rows, d, i1, scale, dp[i0*T:], T, kk, 3*C, 0, dq[i0*3*C:], 3*C)
		gemm(true, false, i1, d, rows, scale, dp[i0*T:], T, q[i0*3*C:], 3*C, beta, dk, 3*C)
	}
}

func (k *selfAttentionKernel) lastOutput() []float32 { return k.out }
