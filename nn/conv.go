package nn

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/recur-dev/recur/internal/kernels"
)

var tF32x4 = G.TensorType{Dims: 4, Of: G.Float32}

// convBlockKernel is one CNN block fused into a single op: a 3×3
// convolution with padding 1 and no bias, ReLU, and 2×2 max-pooling with
// stride 2. x [B, C, H, W], w [K, C, 3, 3] (PyTorch's layout) →
// [B, K, H/2, W/2].
//
// Per image the convolution is one product W [K, 9C] · cols [9C, H·W], cols
// being the image unfolded (im2col). In a training graph the forward pass
// keeps every image's cols for the backward pass (9·C·H·W floats an image,
// 2.5 MB for the benchmark CNN: unfolding again cost 4% of a training
// step); an inference graph reuses one buffer per worker. The backward
// pass gives dW += dY·colsᵀ and, when the input needs a gradient, dcols = Wᵀ·dY folded back (col2im). Pooling remembers
// which of its four inputs won (argmax) and, since ReLU outputs are ≥ 0 and
// max(relu) = relu(max), the gradient reaches the winner only when its
// pre-activation was positive.
type convBlockKernel struct {
	inputGrad bool
	keepCols  bool      // training: forward keeps cols for backward
	cols      []float32 // [B, 9C, H·W] with keepCols
	arg       []int32   // [B, K, H/2·W/2]: index in the image's H·W plane of each pooled value's winner, -1 when ≤ 0
	out       []float32
	work      []convWork // one per worker goroutine
}

// convWork is one worker's scratch: images are split over workers.
type convWork struct {
	cols  []float32 // [9C, H·W] one image unfolded
	pre   []float32 // [K, H·W] one image's convolution
	dpre  []float32
	dcols []float32
	dw    []float32 // this worker's share of the filter gradient
}

// workers splits images [0, B) over up to Threads() goroutines, each with
// its own scratch; one worker runs inline.
func (k *convBlockKernel) workers(B int, f func(w *convWork, lo, hi int)) {
	t := min(kernels.Threads(), B)
	if t < 1 {
		t = 1
	}
	for len(k.work) < t {
		k.work = append(k.work, convWork{})
	}
	if t == 1 {
		f(&k.work[0], 0, B)
		return
	}
	kernels.Parallel(t, func(i int) { f(&k.work[i], i*B/t, (i+1)*B/t) })
}

func (k *convBlockKernel) name() string           { return "ConvReLUMaxPool" }
func (k *convBlockKernel) signature() []hm.Type   { return []hm.Type{tF32x4, tF32x4, tF32x4} }
func (k *convBlockKernel) differentiable() []bool { return []bool{k.inputGrad, true} }
func (k *convBlockKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	x, w := in[0], in[1]
	if len(x) != 4 || len(w) != 4 || w[1] != x[1] || w[2] != 3 || w[3] != 3 || x[2]%2 != 0 || x[3]%2 != 0 {
		return nil, fmt.Errorf("conv block: input %v and filters %v do not fit (want [B,C,H,W] with even H, W and [K,C,3,3])", x, w)
	}
	return tensor.Shape{x[0], w[0], x[2] / 2, x[3] / 2}, nil
}

// im2col unfolds one image x [C, H, W] into cols [9C, H·W]: row (c, dy, dx)
// holds x[c, i+dy−1, j+dx−1] (0 outside) for every output pixel (i, j).
func im2col(x []float32, C, H, W int, cols []float32) {
	HW := H * W
	for c := 0; c < C; c++ {
		plane := x[c*HW : (c+1)*HW]
		for dy := 0; dy < 3; dy++ {
			for dx := 0; dx < 3; dx++ {
				row := cols[((c*3+dy)*3+dx)*HW : ((c*3+dy)*3+dx+1)*HW]
				for i := 0; i < H; i++ {
					si := i + dy - 1
					dst := row[i*W : (i+1)*W]
					if si < 0 || si >= H {
						clear(dst)
						continue
					}
					src := plane[si*W : (si+1)*W]
					switch dx {
					case 0:
						dst[0] = 0
						copy(dst[1:], src[:W-1])
					case 1:
						copy(dst, src)
					case 2:
						copy(dst[:W-1], src[1:])
						dst[W-1] = 0
					}
				}
			}
		}
	}
}

// col2im adds cols [9C, H·W] back into dx [C, H, W] (the transpose of im2col).
func col2im(cols []float32, C, H, W int, dx []float32) {
	HW := H * W
	for c := 0; c < C; c++ {
		plane := dx[c*HW : (c+1)*HW]
		for dy := 0; dy < 3; dy++ {
			for ddx := 0; ddx < 3; ddx++ {
				row := cols[((c*3+dy)*3+ddx)*HW : ((c*3+dy)*3+ddx+1)*HW]
				for i := 0; i < H; i++ {
					si := i + dy - 1
					if si < 0 || si >= H {
						continue
					}
					src := row[i*W : (i+1)*W]
					dst := plane[si*W : (si+1)*W]
					switch ddx { // dst[j+ddx-1] += src[j] where both exist
					case 0:
						kernels.Axpy(1, src[1:], dst[:W-1])
					case 1:
						kernels.Axpy(1, src, dst)
					case 2:
						kernels.Axpy(1, src[:W-1], dst[1:])
					}
				}
			}
		}
	}
}

func (k *convBlockKernel) forward(in []G.Value) (G.Value, error) {
	s := in[0].Shape()
	B, C, H, W := s[0], s[1], s[2], s[3]
	K := in[1].Shape()[0]
	x, w := f32(in[0]), f32(in[1])
	HW, h2, w2 := H*W, H/2, W/2
	P := h2 * w2
	k.out = grow(k.out, B*K*P)
	if cap(k.arg) < B*K*P {
		k.arg = make([]int32, B*K*P)
	}
	k.arg = k.arg[:B*K*P]
	if k.keepCols {
		k.cols = grow(k.cols, B*9*C*HW)
	}
	k.workers(B, func(wk *convWork, lo, hi int) {
		wk.cols = grow(wk.cols, 9*C*HW)
		wk.pre = grow(wk.pre, K*HW)
		for b := lo; b < hi; b++ {
			cols := wk.cols
			if k.keepCols {
				cols = k.cols[b*9*C*HW : (b+1)*9*C*HW]
			}
			im2col(x[b*C*HW:(b+1)*C*HW], C, H, W, cols)
			gemm(false, false, K, HW, 9*C, 1, w, 9*C, cols, HW, 0, wk.pre, HW)
			pool(wk.pre, K, W, h2, w2, k.out[b*K*P:(b+1)*K*P], k.arg[b*K*P:(b+1)*K*P])
		}
	})
	return tensor.New(tensor.WithShape(B, K, h2, w2), tensor.WithBacking(k.out)), nil
}

// pool applies ReLU and 2×2 max-pooling to pre [K, H·W] (rows W wide),
// writing out and the winners' positions (−1 where the maximum is ≤ 0),
// one output row at a time (see kernels.ReLUMaxPool2).
func pool(pre []float32, K, W, h2, w2 int, out []float32, arg []int32) {
	HW, P := 4*h2*w2, h2*w2
	for ch := 0; ch < K; ch++ {
		plane := pre[ch*HW : (ch+1)*HW]
		for i := 0; i < h2; i++ {
			kernels.ReLUMaxPool2(plane[2*i*W:(2*i+1)*W], plane[(2*i+1)*W:(2*i+2)*W],
				out[ch*P+i*w2:ch*P+(i+1)*w2], arg[ch*P+i*w2:ch*P+(i+1)*w2], 2*i*W, W)
		}
	}
}

func (k *convBlockKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	s := in[0].Shape()
	B, C, H, W := s[0], s[1], s[2], s[3]
	K := in[1].Shape()[0]
	x, w := f32(in[0]), f32(in[1])
	d := f32(dOut)
	HW := H * W
	P := (H / 2) * (W / 2)
	used := min(max(kernels.Threads(), 1), B)
	k.workers(B, func(wk *convWork, lo, hi int) {
		wk.cols = grow(wk.cols, 9*C*HW)
		wk.dpre = grow(wk.dpre, K*HW)
		wk.dw = grow(wk.dw, K*9*C)
		clear(wk.dw)
		if grads[0] != nil {
			wk.dcols = grow(wk.dcols, 9*C*HW)
		}
		for b := lo; b < hi; b++ {
			clear(wk.dpre)
			arg := k.arg[b*K*P : (b+1)*K*P]
			db := d[b*K*P : (b+1)*K*P]
			for ch := 0; ch < K; ch++ {
				for p := 0; p < P; p++ {
					if a := arg[ch*P+p]; a >= 0 {
						wk.dpre[ch*HW+int(a)] += db[ch*P+p]
					}
				}
			}
			cols := wk.cols
			if k.keepCols && len(k.cols) == B*9*C*HW {
				cols = k.cols[b*9*C*HW : (b+1)*9*C*HW]
			} else {
				im2col(x[b*C*HW:(b+1)*C*HW], C, H, W, cols)
			}
			gemm(false, true, K, 9*C, HW, 1, wk.dpre, HW, cols, HW, 1, wk.dw, 9*C)
			if grads[0] != nil {
				gemm(true, false, 9*C, HW, K, 1, w, 9*C, wk.dpre, HW, 0, wk.dcols, HW)
				col2im(wk.dcols, C, H, W, grads[0][b*C*HW:(b+1)*C*HW])
			}
		}
	})
	for i := 0; i < used; i++ {
		kernels.Axpy(1, k.work[i].dw, grads[1])
	}
	return nil
}

// cellsKernel turns a feature map [B, C, h, w] into S = h·w memory vectors
// per image, time-major: row s·B+b holds cell s (raster order) of image b
// → [S·B, C].
type cellsKernel struct{ out []float32 }

func (k *cellsKernel) name() string           { return "Cells" }
func (k *cellsKernel) signature() []hm.Type   { return []hm.Type{tF32x4, tF32Mat} }
func (k *cellsKernel) differentiable() []bool { return []bool{true} }
func (k *cellsKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	x := in[0]
	if len(x) != 4 {
		return nil, fmt.Errorf("cells: input %v is not [B, C, h, w]", x)
	}
	return tensor.Shape{x[2] * x[3] * x[0], x[1]}, nil
}
func (k *cellsKernel) forward(in []G.Value) (G.Value, error) {
	s := in[0].Shape()
	B, C, S := s[0], s[1], s[2]*s[3]
	x := f32(in[0])
	k.out = grow(k.out, S*B*C)
	for b := 0; b < B; b++ {
		for c := 0; c < C; c++ {
			plane := x[(b*C+c)*S : (b*C+c+1)*S]
			for cell, v := range plane {
				k.out[(cell*B+b)*C+c] = v
			}
		}
	}
	return dense(k.out, S*B, C), nil
}
func (k *cellsKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	s := in[0].Shape()
	B, C, S := s[0], s[1], s[2]*s[3]
	d := f32(dOut)
	for b := 0; b < B; b++ {
		for c := 0; c < C; c++ {
			plane := grads[0][(b*C+c)*S : (b*C+c+1)*S]
			for cell := range plane {
				plane[cell] = d[(cell*B+b)*C+c]
			}
		}
	}
	return nil
}

// ConvBlock adds conv 3×3 (padding 1) → ReLU → max-pool 2×2 over x
// [B, C, H, W] with filters [K, C, 3, 3]; inputGrad says whether x needs a
// gradient (false for the images themselves).
func (g *Graph) ConvBlock(x *G.Node, filters *Param, inputGrad bool) *G.Node {
	return g.apply(&convBlockKernel{inputGrad: inputGrad, keepCols: g.Train}, x, g.Param(filters))
}

// Cells reshapes a feature map [B, C, h, w] into time-major cells [h·w·B, C].
func (g *Graph) Cells(x *G.Node) *G.Node { return g.apply(&cellsKernel{}, x) }

func (k *convBlockKernel) lastOutput() []float32 { return k.out }
