package nn

import (
	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/recur-dev/recur/internal/kernels"
)

// GELU with the tanh approximation GPT-2 was trained with (the math is
// in kernels.GELU, which computes it in one vectorised pass):
//
//	gelu(x) = ½ x (1 + tanh(u)),  u = √(2/π) (x + 0.044715 x³)

// GELUInPlace applies GELU to every element of x (inference).
func GELUInPlace(x []float32) { kernels.GELU(x, nil, x) }

// GELU applies tanh-approximated GELU elementwise to x (any 2-D shape).
func (g *Graph) GELU(x *G.Node) *G.Node { return g.apply(&geluKernel{}, x) }

// geluKernel keeps t = tanh(u) from forward for backward.
type geluKernel struct{ t, out []float32 }

func (k *geluKernel) name() string           { return "GELU" }
func (k *geluKernel) signature() []hm.Type   { return []hm.Type{tF32Mat, tF32Mat} }
func (k *geluKernel) differentiable() []bool { return []bool{true} }
func (k *geluKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	return in[0].Clone(), nil
}
func (k *geluKernel) forward(in []G.Value) (G.Value, error) {
	x := f32(in[0])
	k.t = grow(k.t, len(x))
	k.out = grow(k.out, len(x))
	splitRows(len(x), len(x), func(_, lo, hi int) {
		kernels.GELU(k.out[lo:hi], k.t[lo:hi], x[lo:hi])
	})
	return dense(k.out, in[0].Shape()...), nil
}
func (k *geluKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	x, d := f32(in[0]), f32(dOut)
	splitRows(len(x), len(x), func(_, lo, hi int) {
		kernels.GELUBackward(grads[0][lo:hi], d[lo:hi], x[lo:hi], k.t[lo:hi])
	})
	return nil
}

func (k *geluKernel) lastOutput() []float32 { return k.out }
