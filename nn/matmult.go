package nn

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// MatMulT returns x·Wᵀ for x [N, In] and a weight W [Out, In]: a linear
// layer without bias, and the output head a GPT ties to its token embedding
// (the same W node used twice collects both gradients).
func (g *Graph) MatMulT(x *G.Node, w *Param) *G.Node {
	return g.apply(&matMulTKernel{}, x, g.Param(w))
}

// matMulTKernel: y = x Wᵀ; dx = dy W, dW = dyᵀ x.
type matMulTKernel struct{ out []float32 }

func (k *matMulTKernel) name() string           { return "MatMulT" }
func (k *matMulTKernel) signature() []hm.Type   { return []hm.Type{tF32Mat, tF32Mat, tF32Mat} }
func (k *matMulTKernel) differentiable() []bool { return []bool{true, true} }
func (k *matMulTKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in[0]) != 2 || len(in[1]) != 2 || in[0][1] != in[1][1] {
		return nil, fmt.Errorf("matmulT: x %v and W %v do not share the inner dimension", in[0], in[1])
	}
	return tensor.Shape{in[0][0], in[1][0]}, nil
}
func (k *matMulTKernel) forward(in []G.Value) (G.Value, error) {
	x, w := f32(in[0]), f32(in[1])
	N, K, M := in[0].Shape()[0], in[0].Shape()[1], in[1].Shape()[0]
	k.out = grow(k.out, N*M)
	gemm(false, true, N, M, K, 1, x, K, w, K, 0, k.out, M)
	return dense(k.out, N, M), nil
}
func (k *matMulTKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	x, w, dy := f32(in[0]), f32(in[1]), f32(dOut)
	N, K, M := in[0].Shape()[0], in[0].Shape()[1], in[1].Shape()[0]
	gemm(false, false, N, K, M, 1, dy, M, w, K, 0, grads[0], K)
	gemm(true, false, M, K, N, 1, dy, M, x, K, 0, grads[1], K)
	return nil
}

func (k *matMulTKernel) lastOutput() []float32 { return k.out }
