package nn

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BatchNorm normalises each channel of a feature map [B, C, H, W] (Ioffe
// and Szegedy 2015), with PyTorch's BatchNorm2d conventions and names:
//
//	y = γ (x − μ) / √(σ² + ε) + β
//
// In a training graph μ and σ² are the batch's (over B, H and W, σ² the
// biased variance) and the running estimates move towards them,
// r ← (1 − momentum) r + momentum·batch, the variance's unbiased (N/(N−1)).
// An inference graph uses the running estimates.
//
// The running estimates are stored like parameters (model file, checkpoint)
// but are buffers: the forward pass writes them and their gradient is always
// zero, so Adam leaves them exactly as they are (m = v = 0 ⇒ no step).
type BatchNorm struct {
	Weight, Bias            *Param // γ, β [C]
	RunningMean, RunningVar *Param // [C]
	Momentum, Eps           float64
}

// NewBatchNorm makes a layer for C channels: γ = 1, β = 0, running mean 0
// and variance 1, momentum 0.1, ε = 1e-5 (PyTorch's defaults).
func NewBatchNorm(name string, C int) *BatchNorm {
	bn := &BatchNorm{
		Weight: NewParam(name+".weight", C), Bias: NewParam(name+".bias", C),
		RunningMean: NewParam(name+".running_mean", C), RunningVar: NewParam(name+".running_var", C),
		Momentum: 0.1, Eps: 1e-5,
	}
	for i := range bn.Weight.Data {
		bn.Weight.Data[i], bn.RunningVar.Data[i] = 1, 1
	}
	return bn
}

// Params lists γ, β and the two running estimates.
func (bn *BatchNorm) Params() Params {
	return Params{bn.Weight, bn.Bias, bn.RunningMean, bn.RunningVar}
}

// BatchNorm adds the normalisation of x [B, C, H, W] (training statistics in
// a training graph, running ones otherwise).
func (g *Graph) BatchNorm(bn *BatchNorm, x *G.Node) *G.Node {
	return g.apply(&batchNormKernel{bn: bn, train: g.Train}, x, g.Param(bn.Weight), g.Param(bn.Bias))
}

type batchNormKernel struct {
	bn     *BatchNorm
	train  bool
	xhat   []float32 // normalised input, for the backward pass
	invStd []float32 // 1/√(σ² + ε) per channel
	out    []float32
}

func (k *batchNormKernel) name() string { return "BatchNorm2d" }
func (k *batchNormKernel) signature() []hm.Type {
	return []hm.Type{tF32x4, tF32Vec, tF32Vec, tF32x4}
}
func (k *batchNormKernel) differentiable() []bool { return []bool{true, true, true} }
func (k *batchNormKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in[0]) != 4 {
		return nil, fmt.Errorf("batch norm: input shape %v is not [B, C, H, W]", in[0])
	}
	if C := in[0][1]; in[1].TotalSize() != C || in[2].TotalSize() != C {
		return nil, fmt.Errorf("batch norm: %d channels but γ has %d and β %d", C, in[1].TotalSize(), in[2].TotalSize())
	}
	return in[0].Clone(), nil
}

func (k *batchNormKernel) forward(in []G.Value) (G.Value, error) {
	s := in[0].Shape()
	B, C, HW := s[0], s[1], s[2]*s[3]
	x, gamma, beta := f32(in[0]), f32(in[1]), f32(in[2])
	N := B * HW
	k.out = grow(k.out, len(x))
	k.xhat = grow(k.xhat, len(x))
	k.invStd = grow(k.invStd, C)
	bn := k.bn
	for c := 0; c < C; c++ {
		var mean, variance float64
		if k.train {
			for b := 0; b < B; b++ {
				for _, v := range x[(b*C+c)*HW : (b*C+c+1)*HW] {
					mean += float64(v)
				}
			}
			mean /= float64(N)
			for b := 0; b < B; b++ {
				for _, v := range x[(b*C+c)*HW : (b*C+c+1)*HW] {
					d := float64(v) - mean
					variance += d * d
				}
			}
			variance /= float64(N)
			m := bn.Momentum
			unbiased := variance
			if N > 1 {
				unbiased *= float64(N) / float64(N-1)
			}
			bn.RunningMean.Data[c] = float32((1-m)*float64(bn.RunningMean.Data[c]) + m*mean)
			bn.RunningVar.Data[c] = float32((1-m)*float64(bn.RunningVar.Data[c]) + m*unbiased)
		} else {
			mean, variance = float64(bn.RunningMean.Data[c]), float64(bn.RunningVar.Data[c])
		}
		inv := 1 / math.Sqrt(variance+bn.Eps)
		k.invStd[c] = float32(inv)
		mu, is, ga, be := float32(mean), float32(inv), gamma[c], beta[c]
		for b := 0; b < B; b++ {
			lo, hi := (b*C+c)*HW, (b*C+c+1)*HW
			xh, o := k.xhat[lo:hi], k.out[lo:hi]
			for i, v := range x[lo:hi] {
				xh[i] = (v - mu) * is
				o[i] = ga*xh[i] + be
			}
		}
	}
	return tensor.New(tensor.WithShape(s.Clone()...), tensor.WithBacking(k.out)), nil
}

// backward: with g = dL/dy, dβ = Σ g and dγ = Σ g·x̂ over each channel's N
// values. In training μ and σ depend on x, which gives
// dx = γ/(N σ̂) · (N g − dβ − x̂ dγ); with running statistics dx = γ g / σ̂.
func (k *batchNormKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	s := in[0].Shape()
	B, C, HW := s[0], s[1], s[2]*s[3]
	gamma := f32(in[1])
	d := f32(dOut)
	N := float32(B * HW)
	for c := 0; c < C; c++ {
		var dBeta, dGamma float64
		for b := 0; b < B; b++ {
			lo, hi := (b*C+c)*HW, (b*C+c+1)*HW
			xh := k.xhat[lo:hi]
			for i, g := range d[lo:hi] {
				dBeta += float64(g)
				dGamma += float64(g * xh[i])
			}
		}
		if grads[1] != nil {
			grads[1][c] += float32(dGamma)
		}
		if grads[2] != nil {
			grads[2][c] += float32(dBeta)
		}
		if grads[0] == nil {
			continue
		}
		scale := gamma[c] * k.invStd[c]
		db, dg := float32(dBeta), float32(dGamma)
		for b := 0; b < B; b++ {
			lo, hi := (b*C+c)*HW, (b*C+c+1)*HW
			xh, dx := k.xhat[lo:hi], grads[0][lo:hi]
			for i, g := range d[lo:hi] {
				if k.train {
					dx[i] += scale / N * (N*g - db - xh[i]*dg)
				} else {
					dx[i] += scale * g
				}
			}
		}
	}
	return nil
}

func (k *batchNormKernel) lastOutput() []float32 { return k.out }
