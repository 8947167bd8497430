package nn

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Small fused kernels that sequence-to-sequence and captioning models
// compose: elementwise add and tanh, concatenation along features, row
// ranges, and reversal of each row's real part. Each replaces what would
// otherwise need G.Slice or a chain of primitives.

// addKernel: a + b (same shape).
type addKernel struct{ out []float32 }

func (k *addKernel) name() string           { return "Add" }
func (k *addKernel) signature() []hm.Type   { return []hm.Type{tF32Mat, tF32Mat, tF32Mat} }
func (k *addKernel) differentiable() []bool { return []bool{true, true} }
func (k *addKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	if !in[0].Eq(in[1]) {
		return nil, fmt.Errorf("add: shapes %v and %v differ", in[0], in[1])
	}
	return in[0].Clone(), nil
}
func (k *addKernel) forward(in []G.Value) (G.Value, error) {
	a, b := f32(in[0]), f32(in[1])
	k.out = grow(k.out, len(a))
	for i := range a {
		k.out[i] = a[i] + b[i]
	}
	return dense(k.out, in[0].Shape()...), nil
}
func (k *addKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	d := f32(dOut)
	copy(grads[0], d)
	copy(grads[1], d)
	return nil
}

// tanhKernel: tanh(x); backward (1 − y²)·dy.
type tanhKernel struct{ out []float32 }

func (k *tanhKernel) name() string           { return "Tanh" }
func (k *tanhKernel) signature() []hm.Type   { return []hm.Type{tF32Mat, tF32Mat} }
func (k *tanhKernel) differentiable() []bool { return []bool{true} }
func (k *tanhKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	return in[0].Clone(), nil
}
func (k *tanhKernel) forward(in []G.Value) (G.Value, error) {
	x := f32(in[0])
	k.out = grow(k.out, len(x))
	tanh(k.out, x)
	return dense(k.out, in[0].Shape()...), nil
}
func (k *tanhKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	d := f32(dOut)
	for i, y := range k.out {
		grads[0][i] = d[i] * (1 - y*y)
	}
	return nil
}

// concatKernel: [a b] along features: a [N, Da], b [N, Db] → [N, Da+Db].
type concatKernel struct{ out []float32 }

func (k *concatKernel) name() string           { return "Concat" }
func (k *concatKernel) signature() []hm.Type   { return []hm.Type{tF32Mat, tF32Mat, tF32Mat} }
func (k *concatKernel) differentiable() []bool { return []bool{true, true} }
func (k *concatKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	if in[0][0] != in[1][0] {
		return nil, fmt.Errorf("concat: %d rows and %d rows", in[0][0], in[1][0])
	}
	return tensor.Shape{in[0][0], in[0][1] + in[1][1]}, nil
}
func (k *concatKernel) forward(in []G.Value) (G.Value, error) {
	a, b := f32(in[0]), f32(in[1])
	N, Da, Db := in[0].Shape()[0], in[0].Shape()[1], in[1].Shape()[1]
	k.out = grow(k.out, N*(Da+Db))
	for r := 0; r < N; r++ {
		copy(k.out[r*(Da+Db):], a[r*Da:(r+1)*Da])
		copy(k.out[r*(Da+Db)+Da:], b[r*Db:(r+1)*Db])
	}
	return dense(k.out, N, Da+Db), nil
}
func (k *concatKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	d := f32(dOut)
	N, Da, Db := in[0].Shape()[0], in[0].Shape()[1], in[1].Shape()[1]
	for r := 0; r < N; r++ {
		copy(grads[0][r*Da:(r+1)*Da], d[r*(Da+Db):])
		copy(grads[1][r*Db:(r+1)*Db], d[r*(Da+Db)+Da:])
	}
	return nil
}

// rowsKernel: rows [start, start+count) of x [N, D].
type rowsKernel struct {
	start, count int
	out          []float32
}

func (k *rowsKernel) name() string           { return fmt.Sprintf("Rows%d:%d", k.start, k.start+k.count) }
func (k *rowsKernel) signature() []hm.Type   { return []hm.Type{tF32Mat, tF32Mat} }
func (k *rowsKernel) differentiable() []bool { return []bool{true} }
func (k *rowsKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	if k.start < 0 || k.count < 1 || k.start+k.count > in[0][0] {
		return nil, fmt.Errorf("rows [%d, %d) outside a %d-row matrix", k.start, k.start+k.count, in[0][0])
	}
	return tensor.Shape{k.count, in[0][1]}, nil
}
func (k *rowsKernel) forward(in []G.Value) (G.Value, error) {
	D := in[0].Shape()[1]
	k.out = grow(k.out, k.count*D)
	copy(k.out, f32(in[0])[k.start*D:(k.start+k.count)*D])
	return dense(k.out, k.count, D), nil
}
func (k *rowsKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	D := in[0].Shape()[1]
	copy(grads[0][k.start*D:], f32(dOut))
	return nil
}

// reverseKernel reverses the real part of every row of a time-major
// sequence x [T·B, D]: y[t, b] = x[len_b−1−t, b] for t < len_b, padding rows
// left in place. It is its own inverse, so the backward pass applies the
// same permutation to the gradient. A backward-direction RNN reads the
// reversed sequence and so starts at each row's last real token.
type reverseKernel struct {
	batch   int
	lengths *[]int
	out     []float32
}

func (k *reverseKernel) name() string           { return "ReverseByLength" }
func (k *reverseKernel) signature() []hm.Type   { return []hm.Type{tF32Mat, tF32Mat} }
func (k *reverseKernel) differentiable() []bool { return []bool{true} }
func (k *reverseKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	if in[0][0]%k.batch != 0 {
		return nil, fmt.Errorf("reverse: %d rows is not a multiple of batch %d", in[0][0], k.batch)
	}
	return in[0].Clone(), nil
}
func (k *reverseKernel) permute(dst, src []float32, N, D int) error {
	B := k.batch
	T := N / B
	lens := *k.lengths
	if len(lens) != B {
		return fmt.Errorf("reverse: %d lengths for a batch of %d", len(lens), B)
	}
	for b := 0; b < B; b++ {
		L := lens[b]
		if L < 0 || L > T {
			return fmt.Errorf("reverse: length %d of row %d outside [0, %d]", L, b, T)
		}
		for t := 0; t < T; t++ {
			s := t
			if t < L {
				s = L - 1 - t
			}
			copy(dst[(t*B+b)*D:(t*B+b+1)*D], src[(s*B+b)*D:(s*B+b+1)*D])
		}
	}
	return nil
}
func (k *reverseKernel) forward(in []G.Value) (G.Value, error) {
	N, D := in[0].Shape()[0], in[0].Shape()[1]
	k.out = grow(k.out, N*D)
	if err := k.permute(k.out, f32(in[0]), N, D); err != nil {
		return nil, err
	}
	return dense(k.out, N, D), nil
}
func (k *reverseKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	N, D := in[0].Shape()[0], in[0].Shape()[1]
	return k.permute(grads[0], f32(dOut), N, D)
}

// Add returns a + b.
func (g *Graph) Add(a, b *G.Node) *G.Node { return g.apply(&addKernel{}, a, b) }

// Tanh returns tanh(x).
func (g *Graph) Tanh(x *G.Node) *G.Node { return g.apply(&tanhKernel{}, x) }

// Concat joins a [N, Da] and b [N, Db] into [N, Da+Db].
func (g *Graph) Concat(a, b *G.Node) *G.Node { return g.apply(&concatKernel{}, a, b) }

// Rows returns rows [start, start+count) of x.
func (g *Graph) Rows(x *G.Node, start, count int) *G.Node {
	return g.apply(&rowsKernel{start: start, count: count}, x)
}

// Reverse reverses each row's first lengths[b] steps of a time-major x.
func (g *Graph) Reverse(x *G.Node, batch int, lengths *[]int) *G.Node {
	return g.apply(&reverseKernel{batch: batch, lengths: lengths}, x)
}

func (k *tanhKernel) lastOutput() []float32   { return k.out }
func (k *concatKernel) lastOutput() []float32 { return k.out }
