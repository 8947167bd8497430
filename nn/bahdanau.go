package nn

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// bahdanauKernel is a GRU decoder with additive attention before each step
// and input feeding (Bahdanau et al. 2015), over a whole target sequence as
// one op. With memory m_j [S·B, M] (masked past each row's length), target
// embeddings x_t [T·B, E] and initial state s₀ [B, H]:
//
//	e_tj = vᵀ tanh(W_q s_{t-1} + b + W_k m_j),  a_t = softmax(e_t),  c_t = Σ_j a_tj m_j
//	s_t  = GRU([x_t; c_t], s_{t-1})
//	y_t  = [s_t; c_t]                                       → [T·B, H+M]
//
// The attention query depends on the previous step, so unlike Luong
// placement the whole recurrence, attention included, is unrolled here,
// with a hand-written backward pass through time.
type bahdanauKernel struct {
	att     *Attention
	gru     *RNNLayer // In = E + M
	batch   int
	lengths *[]int

	T, S                 int
	keys, qp, aw, th     []float32
	xc                   []float32 // [T·B, E+M]: each step's GRU input [x_t; c_t]
	hs                   []float32 // [(T+1)·B, H]
	act, hn, hg          []float32
	out                  []float32
	dxc, dG, dHG, dh, dk []float32
	dqp, da, dth         []float32
}

func (k *bahdanauKernel) name() string { return "BahdanauGRU" }
func (k *bahdanauKernel) signature() []hm.Type {
	// x, memory, s0, Wq, Wk, b, v, Wih, Whh, bih, bhh → y
	return []hm.Type{tF32Mat, tF32Mat, tF32Mat, tF32Mat, tF32Mat, tF32Vec, tF32Vec, tF32Mat, tF32Mat, tF32Vec, tF32Vec, tF32Mat}
}
func (k *bahdanauKernel) differentiable() []bool {
	return []bool{true, true, true, true, true, true, true, true, true, true, true}
}
func (k *bahdanauKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	B, H, M := k.batch, k.gru.Hidden, k.att.Memory
	if in[0][0]%B != 0 || in[1][0]%B != 0 || in[2][0] != B || in[2][1] != H || in[1][1] != M || in[0][1]+M != k.gru.In {
		return nil, fmt.Errorf("bahdanau decoder: inputs %v, memory %v, state %v do not fit", in[0], in[1], in[2])
	}
	return tensor.Shape{in[0][0], H + M}, nil
}

func (k *bahdanauKernel) forward(in []G.Value) (G.Value, error) {
	a, l := k.att, k.gru
	B, H, M, A := k.batch, l.Hidden, a.Memory, a.Dim
	x, m, s0 := f32(in[0]), f32(in[1]), f32(in[2])
	E := l.In - M
	T, S := in[0].Shape()[0]/B, in[1].Shape()[0]/B
	k.T, k.S = T, S
	lens := *k.lengths
	if len(lens) != B {
		return nil, fmt.Errorf("bahdanau decoder: %d lengths for a batch of %d", len(lens), B)
	}
	G3 := 3 * H
	k.keys = grow(k.keys, S*B*A)
	a.Keys(m, S*B, k.keys)
	k.qp = grow(k.qp, T*B*A)
	k.aw = grow(k.aw, T*B*S)
	clear(k.aw)
	k.th = grow(k.th, A)
	k.xc = grow(k.xc, T*B*l.In)
	k.hs = grow(k.hs, (T+1)*B*H)
	copy(k.hs[:B*H], s0)
	k.act = grow(k.act, T*B*G3)
	k.hn = grow(k.hn, T*B*H)
	k.hg = grow(k.hg, B*G3)
	k.out = grow(k.out, T*B*(H+M))
	e := make([]float32, S)
	for t := 0; t < T; t++ {
		sp := k.hs[t*B*H : (t+1)*B*H]
		qp := k.qp[t*B*A : (t+1)*B*A]
		for b := 0; b < B; b++ {
			copy(qp[b*A:(b+1)*A], a.B.Data)
		}
		gemm(false, true, B, A, H, 1, sp, H, a.Wq.Data, H, 1, qp, A)
		for b := 0; b < B; b++ {
			r := t*B + b
			xc := k.xc[r*l.In : (r+1)*l.In]
			copy(xc[:E], x[r*E:(r+1)*E])
			ctx := xc[E:]
			clear(ctx)
			L := lens[b]
			if L < 1 || L > S {
				return nil, fmt.Errorf("bahdanau decoder: length %d of row %d outside [1, %d]", L, b, S)
			}
			for j := 0; j < L; j++ {
				th := k.th
				key := k.keys[(j*B+b)*A : (j*B+b+1)*A]
				q := qp[b*A : (b+1)*A]
				for i := range th {
					th[i] = q[i] + key[i]
				}
				tanh(th, th)
				e[j] = dot(a.V.Data, th)
			}
			w := k.aw[r*S : r*S+L]
			softmaxInto(w, e[:L])
			for j := 0; j < L; j++ {
				axpy(w[j], m[(j*B+b)*M:(j*B+b+1)*M], ctx)
			}
		}
		// GRU step on [x_t; c_t].
		gt := k.act[t*B*G3 : (t+1)*B*G3]
		xt := k.xc[t*B*l.In : (t+1)*B*l.In]
		for b := 0; b < B; b++ {
			copy(gt[b*G3:(b+1)*G3], l.Bih.Data)
			copy(k.hg[b*G3:(b+1)*G3], l.Bhh.Data)
		}
		gemm(false, true, B, G3, l.In, 1, xt, l.In, l.Wih.Data, l.In, 1, gt, G3)
		gemm(false, true, B, G3, H, 1, sp, H, l.Whh.Data, H, 1, k.hg, G3)
		for b := 0; b < B; b++ {
			hnew := k.hs[((t+1)*B+b)*H : ((t+1)*B+b+1)*H]
			gruCell(gt[b*G3:(b+1)*G3], k.hg[b*G3:(b+1)*G3], k.hn[(t*B+b)*H:(t*B+b+1)*H], sp[b*H:(b+1)*H], hnew)
			o := k.out[(t*B+b)*(H+M) : (t*B+b+1)*(H+M)]
			copy(o[:H], hnew)
			copy(o[H:], k.xc[(t*B+b)*l.In+E:(t*B+b+1)*l.In])
		}
	}
	return dense(k.out, T*B, H+M), nil
}

func (k *bahdanauKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	a, l := k.att, k.gru
	B, H, M, A := k.batch, l.Hidden, a.Memory, a.Dim
	T, S := k.T, k.S
	E := l.In - M
	G3 := 3 * H
	m := f32(in[1])
	d := f32(dOut)
	lens := *k.lengths
	k.dG = grow(k.dG, T*B*G3)
	k.dHG = grow(k.dHG, T*B*G3)
	k.dxc = grow(k.dxc, T*B*l.In)
	k.dk = grow(k.dk, S*B*A)
	clear(k.dk)
	k.dqp = grow(k.dqp, T*B*A)
	clear(k.dqp)
	k.da = grow(k.da, S)
	k.dth = grow(k.dth, A)
	k.dh = grow(k.dh, 2*B*H)
	ds, dsPrev := k.dh[:B*H], k.dh[B*H:]
	clear(ds)
	for t := T - 1; t >= 0; t-- {
		for b := 0; b < B; b++ {
			r := t*B + b
			gruCellBackward(k.act[r*G3:(r+1)*G3], k.hn[r*H:(r+1)*H], k.hs[r*H:(r+1)*H], ds[b*H:(b+1)*H],
				d[r*(H+M):r*(H+M)+H], k.dG[r*G3:(r+1)*G3], k.dHG[r*G3:(r+1)*G3], dsPrev[b*H:(b+1)*H])
		}
		gemm(false, false, B, H, G3, 1, k.dHG[t*B*G3:(t+1)*B*G3], G3, l.Whh.Data, H, 1, dsPrev, H)
		dxc := k.dxc[t*B*l.In : (t+1)*B*l.In]
		gemm(false, false, B, l.In, G3, 1, k.dG[t*B*G3:(t+1)*B*G3], G3, l.Wih.Data, l.In, 0, dxc, l.In)
		// Attention: the context got gradient from the output and the GRU input.
		for b := 0; b < B; b++ {
			r := t*B + b
			dc := dxc[b*l.In+E : (b+1)*l.In]
			for i, v := range d[r*(H+M)+H : (r+1)*(H+M)] {
				dc[i] += v
			}
			L := lens[b]
			w := k.aw[r*S : r*S+L]
			var sum float32
			for j := 0; j < L; j++ {
				mj := m[(j*B+b)*M : (j*B+b+1)*M]
				k.da[j] = dot(dc, mj)
				sum += w[j] * k.da[j]
				axpy(w[j], dc, grads[1][(j*B+b)*M:(j*B+b+1)*M])
			}
			q := k.qp[r*A : (r+1)*A]
			dq := k.dqp[r*A : (r+1)*A]
			for j := 0; j < L; j++ {
				de := w[j] * (k.da[j] - sum)
				if de == 0 {
					continue
				}
				key := k.keys[(j*B+b)*A : (j*B+b+1)*A]
				th := k.th
				for i := range th {
					th[i] = q[i] + key[i]
				}
				tanh(th, th)
				for i, x := range th {
					k.dth[i] = de * a.V.Data[i] * (1 - x*x)
				}
				axpy(de, th, grads[6])
				axpy(1, k.dth, dq)
				axpy(1, k.dth, k.dk[(j*B+b)*A:(j*B+b+1)*A])
			}
		}
		gemm(false, false, B, H, A, 1, k.dqp[t*B*A:(t+1)*B*A], A, a.Wq.Data, H, 1, dsPrev, H)
		ds, dsPrev = dsPrev, ds
	}
	copy(grads[2], ds)
	N := T * B
	gemm(true, false, A, H, N, 1, k.dqp, A, k.hs[:N*H], H, 0, grads[3], H)
	colSum(grads[5], k.dqp, N)
	gemm(true, false, A, M, S*B, 1, k.dk, A, m, M, 0, grads[4], M)
	gemm(false, false, S*B, M, A, 1, k.dk, A, a.Wk.Data, M, 1, grads[1], M)
	gemm(true, false, G3, l.In, N, 1, k.dG, G3, k.xc, l.In, 0, grads[7], l.In)
	colSum(grads[9], k.dG, N)
	gemm(true, false, G3, H, N, 1, k.dHG, G3, k.hs[:N*H], H, 0, grads[8], H)
	colSum(grads[10], k.dHG, N)
	for r := 0; r < N; r++ {
		copy(grads[0][r*E:(r+1)*E], k.dxc[r*l.In:r*l.In+E])
	}
	return nil
}

// BahdanauGRU adds a GRU decoder with additive attention before each step
// and input feeding: x [T·B, E] target embeddings, memory [S·B, M] (row b
// limited to lengths[b] steps), s0 [B, H] → [s_t; c_t] for every step
// [T·B, H+M]. gru must be a GRU layer reading E+M inputs and att an
// additive attention with Query = H and Memory = M.
func (g *Graph) BahdanauGRU(att *Attention, gru *RNNLayer, x, memory, s0 *G.Node, batch int, lengths *[]int) *G.Node {
	if att.Kind != Additive || gru.Cell != GRU || att.Query != gru.Hidden {
		return g.fail(fmt.Errorf("bahdanau decoder needs additive attention over a GRU of the same width"))
	}
	k := &bahdanauKernel{att: att, gru: gru, batch: batch, lengths: lengths}
	return g.apply(k, x, memory, s0, g.Param(att.Wq), g.Param(att.Wk), g.Param(att.B), g.Param(att.V),
		g.Param(gru.Wih), g.Param(gru.Whh), g.Param(gru.Bih), g.Param(gru.Bhh))
}
