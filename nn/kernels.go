package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/recur-dev/recur/internal/kernels"
)

// embedKernel: ids [N] (Int), W [V, E] → [N, E]. The backward pass
// scatter-adds rows, so repeated ids accumulate.
type embedKernel struct{ out []float32 }

func (k *embedKernel) name() string           { return "Embed" }
func (k *embedKernel) signature() []hm.Type   { return []hm.Type{tIntVec, tF32Mat, tF32Mat} }
func (k *embedKernel) differentiable() []bool { return []bool{false, true} }
func (k *embedKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	return tensor.Shape{in[0].TotalSize(), in[1][1]}, nil
}
func (k *embedKernel) forward(in []G.Value) (G.Value, error) {
	ids := in[0].Data().([]int)
	V, E := in[1].Shape()[0], in[1].Shape()[1]
	w := f32(in[1])
	k.out = grow(k.out, len(ids)*E)
	for i, id := range ids {
		if id < 0 || id >= V {
			return nil, fmt.Errorf("embedding: token id %d at position %d out of range [0, %d)", id, i, V)
		}
		copy(k.out[i*E:(i+1)*E], w[id*E:(id+1)*E])
	}
	return dense(k.out, len(ids), E), nil
}
func (k *embedKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	ids := in[0].Data().([]int)
	E := in[1].Shape()[1]
	d := f32(dOut)
	dw := grads[1]
	for i, id := range ids {
		row := dw[id*E : (id+1)*E]
		for j, v := range d[i*E : (i+1)*E] {
			row[j] += v
		}
	}
	return nil
}

// linearKernel: x [N, In], W [Out, In], b [Out] → x·Wᵀ + b [N, Out].
type linearKernel struct{ out []float32 }

func (k *linearKernel) name() string           { return "Linear" }
func (k *linearKernel) signature() []hm.Type   { return []hm.Type{tF32Mat, tF32Mat, tF32Vec, tF32Mat} }
func (k *linearKernel) differentiable() []bool { return []bool{true, true, true} }
func (k *linearKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	if in[0][1] != in[1][1] || in[1][0] != in[2][0] {
		return nil, fmt.Errorf("linear: input %v does not fit weight %v and bias %v", in[0], in[1], in[2])
	}
	return tensor.Shape{in[0][0], in[1][0]}, nil
}
func (k *linearKernel) forward(in []G.Value) (G.Value, error) {
	N, I := in[0].Shape()[0], in[0].Shape()[1]
	O := in[1].Shape()[0]
	k.out = grow(k.out, N*O)
	if N > 0 && O > 0 {
		// The bias goes into each tile of the output as the product
		// reaches it, not in a pass of its own over a large output.
		kernels.SgemmBias(false, true, N, O, I, 1, f32(in[0]), I, f32(in[1]), I, f32(in[2]), k.out, O)
	}
	return dense(k.out, N, O), nil
}
func (k *linearKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	N, I := in[0].Shape()[0], in[0].Shape()[1]
	O := in[1].Shape()[0]
	d := f32(dOut)
	if grads[0] != nil {
		gemm(false, false, N, I, O, 1, d, O, f32(in[1]), I, 0, grads[0], I)
	}
	if grads[1] != nil {
		gemm(true, false, O, I, N, 1, d, O, f32(in[0]), I, 0, grads[1], I)
	}
	if grads[2] != nil {
		colSum(grads[2], d, N)
	}
	return nil
}

// dropoutKernel zeroes each element with probability p and scales the rest
// by 1/(1-p) (inverted dropout), so inference needs no rescaling. The mask of
// a run is drawn from a PCG seeded by (seed, *step, salt): a resumed run
// draws the same masks without any RNG state in the checkpoint.
type dropoutKernel struct {
	p          float64
	seed, salt uint64
	step       *uint64
	mask, out  []float32
}

func (k *dropoutKernel) name() string           { return "Dropout" }
func (k *dropoutKernel) signature() []hm.Type   { return []hm.Type{tF32Mat, tF32Mat} }
func (k *dropoutKernel) differentiable() []bool { return []bool{true} }
func (k *dropoutKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	return in[0].Clone(), nil
}
func (k *dropoutKernel) forward(in []G.Value) (G.Value, error) {
	x := f32(in[0])
	k.mask = grow(k.mask, len(x))
	k.out = grow(k.out, len(x))
	rng := rand.New(rand.NewPCG(k.seed, *k.step*1_000_003+k.salt))
	keep := float32(1 / (1 - k.p))
	for i := range x {
		if rng.Float64() < k.p {
			k.mask[i] = 0
		} else {
			k.mask[i] = keep
		}
		k.out[i] = x[i] * k.mask[i]
	}
	return dense(k.out, in[0].Shape()...), nil
}
func (k *dropoutKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	d := f32(dOut)
	for i, m := range k.mask {
		grads[0][i] = d[i] * m
	}
	return nil
}

// IgnoreTarget marks a padded position that contributes nothing to the loss.
const IgnoreTarget = -1

// crossEntropyKernel: logits [N, V], targets [N] (Int; IgnoreTarget skips a
// row) → mean over counted rows of −log softmax(logits)[target], computed
// with the max subtracted so large logits cannot overflow. With label
// smoothing ε the target distribution is (1−ε)·onehot + ε/V.
// Backward: dlogits = (softmax − target distribution) · dLoss / count.
type crossEntropyKernel struct {
	smoothing float64
	probs     []float32
	count     int
}

func (k *crossEntropyKernel) name() string           { return "SoftmaxCrossEntropy" }
func (k *crossEntropyKernel) signature() []hm.Type   { return []hm.Type{tF32Mat, tIntVec, G.Float32} }
func (k *crossEntropyKernel) differentiable() []bool { return []bool{true, false} }
func (k *crossEntropyKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	if in[0][0] != in[1].TotalSize() {
		return nil, fmt.Errorf("cross-entropy: %d rows of logits but %d targets", in[0][0], in[1].TotalSize())
	}
	return tensor.ScalarShape(), nil
}
func (k *crossEntropyKernel) forward(in []G.Value) (G.Value, error) {
	logits := f32(in[0])
	targets := in[1].Data().([]int)
	N, V := in[0].Shape()[0], in[0].Shape()[1]
	k.probs = grow(k.probs, N*V)
	var total float64
	k.count = 0
	eps := k.smoothing
	for r := 0; r < N; r++ {
		t := targets[r]
		if t == IgnoreTarget {
			continue
		}
		if t < 0 || t >= V {
			return nil, fmt.Errorf("cross-entropy: target %d at row %d out of range [0, %d)", t, r, V)
		}
		row := logits[r*V : (r+1)*V]
		p := k.probs[r*V : (r+1)*V]
		logZ := softmaxInto(p, row)
		nll := logZ - float64(row[t])
		if eps > 0 {
			var mean float64
			for _, x := range row {
				mean += logZ - float64(x)
			}
			nll = (1-eps)*nll + eps*mean/float64(V)
		}
		total += nll
		k.count++
	}
	if k.count == 0 {
		return G.NewF32(0), nil
	}
	return G.NewF32(float32(total / float64(k.count))), nil
}
func (k *crossEntropyKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	targets := in[1].Data().([]int)
	V := in[0].Shape()[1]
	if k.count == 0 {
		return nil
	}
	scale := scalarOf(dOut) / float32(k.count)
	eps := float32(k.smoothing)
	d := grads[0]
	for r, t := range targets {
		if t == IgnoreTarget {
			continue
		}
		p := k.probs[r*V : (r+1)*V]
		g := d[r*V : (r+1)*V]
		kernels.ScaleTo(g, p, scale)
		if eps > 0 {
			c := eps / float32(V) * scale
			for j := range g {
				g[j] -= c
			}
		}
		g[t] -= (1 - eps) * scale
	}
	return nil
}

// softmaxInto writes softmax(row) into p and returns log Σ exp(row).
func softmaxInto(p, row []float32) float64 { return kernels.Softmax(p, row) }

func scalarOf(v G.Value) float32 {
	switch x := v.(type) {
	case *G.F32:
		return float32(*x)
	case *tensor.Dense:
		return x.Data().([]float32)[0]
	}
	return float32(v.Data().(float32))
}

func (k *linearKernel) lastOutput() []float32 { return k.out }
