package nn

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/recur-dev/recur/internal/kernels"
)

// LayerNorm normalises each row of x [N, Dim] over its Dim features:
//
//	y = (x − μ) / √(σ² + ε) · γ + β
//
// with μ and σ² the row's mean and biased variance, γ = W (named
// prefix.weight, initialised to 1) and β = B (prefix.bias, 0; nil when the
// layer has no bias). The layout and names are PyTorch's nn.LayerNorm.
type LayerNorm struct {
	Dim  int
	Eps  float64
	W, B *Param
}

// NewLayerNorm returns an identity-initialised LayerNorm (γ = 1, β = 0).
func NewLayerNorm(prefix string, dim int, eps float64, bias bool) *LayerNorm {
	ln := &LayerNorm{Dim: dim, Eps: eps, W: NewParam(prefix+".weight", dim)}
	for i := range ln.W.Data {
		ln.W.Data[i] = 1
	}
	if bias {
		ln.B = NewParam(prefix+".bias", dim)
	}
	return ln
}

// Params lists γ then β (if any).
func (ln *LayerNorm) Params() Params {
	if ln.B == nil {
		return Params{ln.W}
	}
	return Params{ln.W, ln.B}
}

// Forward normalises rows rows of x into y (y may be x): plain Go for
// inference, the same arithmetic as the graph kernel.
func (ln *LayerNorm) Forward(rows int, x, y []float32) {
	C := ln.Dim
	for r := 0; r < rows; r++ {
		ln.row(x[r*C:(r+1)*C], y[r*C:(r+1)*C], nil)
	}
}

// row normalises one row; it returns 1/√(σ²+ε) and, when xhat is not nil,
// stores the normalised values there (kernels.LayerNormRow: vector passes
// over the row, mean and variance in two of them).
func (ln *LayerNorm) row(x, y, xhat []float32) float32 {
	var b []float32
	if ln.B != nil {
		b = ln.B.Data[:len(x)]
	}
	return kernels.LayerNormRow(y, xhat, x, ln.W.Data[:len(x)], b, float32(ln.Eps))
}

// LayerNorm applies ln to x [N, Dim] → [N, Dim].
func (g *Graph) LayerNorm(ln *LayerNorm, x *G.Node) *G.Node {
	if ln.B == nil {
		return g.apply(&layerNormKernel{ln: ln}, x, g.Param(ln.W))
	}
	return g.apply(&layerNormKernel{ln: ln}, x, g.Param(ln.W), g.Param(ln.B))
}

// layerNormKernel: x [N, C], γ [C] (, β [C]) → y [N, C]. Forward keeps the
// normalised rows x̂ and each row's r = 1/√(σ²+ε). Backward, with
// g = dy·γ per element:
//
//	dx = r · (g − mean(g) − x̂ · mean(g · x̂))
//	dγ = Σ_rows dy · x̂,  dβ = Σ_rows dy
type layerNormKernel struct {
	ln        *LayerNorm
	xhat, out []float32
	rstd      []float32
	scratch   [][]float32 // per part of the rows: g, dγ, dβ [C] each
}

func (k *layerNormKernel) name() string { return "LayerNorm" }
func (k *layerNormKernel) signature() []hm.Type {
	if k.ln.B == nil {
		return []hm.Type{tF32Mat, tF32Vec, tF32Mat}
	}
	return []hm.Type{tF32Mat, tF32Vec, tF32Vec, tF32Mat}
}
func (k *layerNormKernel) differentiable() []bool {
	if k.ln.B == nil {
		return []bool{true, true}
	}
	return []bool{true, true, true}
}
func (k *layerNormKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in[0]) != 2 || in[0][1] != k.ln.Dim {
		return nil, fmt.Errorf("layer norm: input %v is not [N, %d]", in[0], k.ln.Dim)
	}
	return in[0].Clone(), nil
}
func (k *layerNormKernel) forward(in []G.Value) (G.Value, error) {
	x := f32(in[0])
	N, C := in[0].Shape()[0], k.ln.Dim
	k.xhat = grow(k.xhat, N*C)
	k.out = grow(k.out, N*C)
	k.rstd = grow(k.rstd, N)
	splitRows(N, N*C, func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			k.rstd[r] = k.ln.row(x[r*C:(r+1)*C], k.out[r*C:(r+1)*C], k.xhat[r*C:(r+1)*C])
		}
	})
	return dense(k.out, N, C), nil
}
func (k *layerNormKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	dy := f32(dOut)
	N, C := in[0].Shape()[0], k.ln.Dim
	w := k.ln.W.Data
	bias := len(grads) > 2 && grads[2] != nil
	// Each part of the rows gets its own partial dγ, dβ (scratch [3C]),
	// added up afterwards in part order.
	parts := rowParts(N * C)
	if len(k.scratch) < parts {
		k.scratch = make([][]float32, parts)
	}
	for i := range parts {
		k.scratch[i] = grow(k.scratch[i], 3*C)
		clear(k.scratch[i])
	}
	splitRows(N, N*C, func(part, lo, hi int) {
		buf := k.scratch[part]
		dw, db := buf[C:2*C], buf[2*C:3*C]
		if !bias {
			db = nil
		}
		for r := lo; r < hi; r++ {
			kernels.LayerNormRowBackward(grads[0][r*C:(r+1)*C], dy[r*C:(r+1)*C], k.xhat[r*C:(r+1)*C], w, k.rstd[r], dw, db)
		}
	})
	for _, buf := range k.scratch[:parts] {
		axpy(1, buf[C:2*C], grads[1])
		if bias {
			axpy(1, buf[2*C:3*C], grads[2])
		}
	}
	return nil
}

func (k *layerNormKernel) lastOutput() []float32 { return k.out }

// parallelElems is the least work (elements) a row-wise or elementwise
// kernel splits over threads: below it, waking the other threads costs
// more than it saves.
const parallelElems = 1 << 16

// rowParts is how many parts splitRows uses for work elements.
func rowParts(work int) int {
	if work < parallelElems {
		return 1
	}
	return kernels.Threads()
}

// splitRows runs f over [0, n) in rowParts(work) contiguous ranges, part
// numbers 0…, concurrently.
func splitRows(n, work int, f func(part, lo, hi int)) {
	parts := min(rowParts(work), max(n, 1))
	if parts == 1 {
		f(0, 0, n)
		return
	}
	kernels.Parallel(parts, func(part int) {
		f(part, part*n/parts, (part+1)*n/parts)
	})
}
