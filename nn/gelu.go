package nn

import (
	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/recur-dev/recur/internal/kernels"
)

// GELU with the tanh approximation GPT-2 was trained with:
//
//	gelu(x) = ½ x (1 + tanh(u)),  u = √(2/π) (x + 0.044715 x³)
//	gelu'(x) = ½ (1 + t) + ½ x (1 − t²) √(2/π) (1 + 3·0.044715 x²),  t = tanh(u)
const (
	geluK = 0.7978845608028654 // √(2/π)
	geluA = 0.044715
)

// geluChunk is how many values GELUInPlace hands to the vectorised tanh at once.
const geluChunk = 256

// GELUInPlace applies GELU to every element of x (inference).
func GELUInPlace(x []float32) {
	var buf [geluChunk]float32
	for len(x) > 0 {
		n := min(len(x), geluChunk)
		t := buf[:n]
		for i, v := range x[:n] {
			t[i] = geluK * (v + geluA*v*v*v)
		}
		kernels.Tanh(t, t)
		for i, v := range x[:n] {
			x[i] = 0.5 * v * (1 + t[i])
		}
		x = x[n:]
	}
}

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
		t := k.t[lo:hi]
		for i, v := range x[lo:hi] {
			t[i] = geluK * (v + geluA*v*v*v)
		}
		tanh(t, t)
		for i, v := range x[lo:hi] {
			k.out[lo+i] = 0.5 * v * (1 + t[i])
		}
	})
	return dense(k.out, in[0].Shape()...), nil
}
func (k *geluKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	x, d := f32(in[0]), f32(dOut)
	splitRows(len(x), len(x), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			v, t := x[i], k.t[i]
			dydx := 0.5*(1+t) + 0.5*v*(1-t*t)*geluK*(1+3*geluA*v*v)
			grads[0][i] = d[i] * dydx
		}
	})
	return nil
}

func (k *geluKernel) lastOutput() []float32 { return k.out }
