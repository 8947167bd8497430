package nn

import (
	"fmt"
	"hash"
	"hash/fnv"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// kernel is a fused computation with a hand-written backward pass. The
// gorgonia Ops below wrap any kernel: fusedOp runs forward, and its SymDiff
// adds one backOp (computing the gradients of all differentiable inputs into
// one packed vector, since a gorgonia Op has a single output) followed by an
// unpackOp per input that exposes its slice of the packed vector as a node.
//
// A kernel may keep activations from forward for backward: every fusedOp
// carries a unique id in its hash so gorgonia never merges two instances.
type kernel interface {
	name() string
	// signature gives the input types followed by the output type.
	signature() []hm.Type
	shape(in []tensor.Shape) (tensor.Shape, error)
	forward(in []G.Value) (G.Value, error)
	// backward writes dLoss/dInput into grads[i] for each differentiable
	// input i (grads[i] is zeroed and sized like input i; nil otherwise).
	backward(in []G.Value, dOut G.Value, grads [][]float32) error
	differentiable() []bool
}

var opIDs atomic.Uint64

func newID() uint64 { return opIDs.Add(1) }

func hashOf(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// apply adds a fused kernel to the graph.
func apply(k kernel, inputs ...*G.Node) (*G.Node, error) {
	op := &fusedOp{k: k, id: newID()}
	n, err := G.ApplyOp(op, inputs...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k.name(), err)
	}
	return n, nil
}

type fusedOp struct {
	k  kernel
	id uint64
}

func (op *fusedOp) Arity() int    { return len(op.k.signature()) - 1 }
func (op *fusedOp) Type() hm.Type { return hm.NewFnType(op.k.signature()...) }
func (op *fusedOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return op.k.shape(toShapes(in))
}
func (op *fusedOp) Do(in ...G.Value) (G.Value, error) { return op.k.forward(in) }
func (op *fusedOp) ReturnsPtr() bool                  { return false }
func (op *fusedOp) CallsExtern() bool                 { return false }
func (op *fusedOp) OverwritesInput() int              { return -1 }
func (op *fusedOp) WriteHash(h hash.Hash)             { fmt.Fprintf(h, "%s#%d", op.k.name(), op.id) }
func (op *fusedOp) Hashcode() uint32                  { return hashOf(op.String()) }
func (op *fusedOp) String() string                    { return fmt.Sprintf("%s#%d", op.k.name(), op.id) }
func (op *fusedOp) DiffWRT(n int) []bool              { return op.k.differentiable() }

func (op *fusedOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	diff := op.k.differentiable()
	back := &backOp{k: op.k, id: op.id}
	for i, d := range diff {
		if d {
			back.offsets = append(back.offsets, back.total)
			back.total += inputs[i].Shape().TotalSize()
		} else {
			back.offsets = append(back.offsets, -1)
		}
	}
	args := append(append(G.Nodes{}, inputs...), grad)
	packed, err := G.ApplyOp(back, args...)
	if err != nil {
		return nil, fmt.Errorf("%s backward: %w", op.k.name(), err)
	}
	out := make(G.Nodes, len(inputs))
	for i, d := range diff {
		if !d {
			continue
		}
		u := &unpackOp{id: op.id, input: i, offset: back.offsets[i], shape: inputs[i].Shape().Clone(), name: op.k.name()}
		if out[i], err = G.ApplyOp(u, packed); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func toShapes(in []G.DimSizer) []tensor.Shape {
	s := make([]tensor.Shape, len(in))
	for i, d := range in {
		if sh, ok := d.(tensor.Shape); ok {
			s[i] = sh
		}
	}
	return s
}

// backOp computes the packed gradients of a fusedOp's differentiable inputs.
type backOp struct {
	k       kernel
	id      uint64
	offsets []int
	total   int
	packed  []float32 // reused every run: the unpacked gradients are views into it
}

func (op *backOp) Arity() int { return len(op.k.signature()) }
func (op *backOp) Type() hm.Type {
	sig := op.k.signature()
	ts := append([]hm.Type{}, sig...) // inputs, then dOut (same type as the output)
	ts = append(ts, G.TensorType{Dims: 1, Of: G.Float32})
	return hm.NewFnType(ts...)
}
func (op *backOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return tensor.Shape{op.total}, nil }
func (op *backOp) Do(in ...G.Value) (G.Value, error) {
	n := len(in) - 1
	if op.packed == nil {
		op.packed = make([]float32, op.total)
	} else {
		clear(op.packed)
	}
	packed := op.packed
	grads := make([][]float32, n)
	for i, off := range op.offsets {
		if off >= 0 {
			grads[i] = packed[off : off+in[i].Shape().TotalSize()]
		}
	}
	if err := op.k.backward(in[:n], in[n], grads); err != nil {
		return nil, err
	}
	return tensor.New(tensor.WithShape(op.total), tensor.WithBacking(packed)), nil
}
func (op *backOp) ReturnsPtr() bool      { return false }
func (op *backOp) CallsExtern() bool     { return false }
func (op *backOp) OverwritesInput() int  { return -1 }
func (op *backOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op *backOp) Hashcode() uint32      { return hashOf(op.String()) }
func (op *backOp) String() string        { return fmt.Sprintf("%sBack#%d", op.k.name(), op.id) }

// unpackOp exposes one input's gradient, a slice of the packed vector.
type unpackOp struct {
	id            uint64
	input, offset int
	shape         tensor.Shape
	name          string
}

func (op *unpackOp) Arity() int { return 1 }
func (op *unpackOp) Type() hm.Type {
	return hm.NewFnType(G.TensorType{Dims: 1, Of: G.Float32}, G.TensorType{Dims: op.shape.Dims(), Of: G.Float32})
}
func (op *unpackOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.shape.Clone(), nil }
func (op *unpackOp) Do(in ...G.Value) (G.Value, error) {
	packed := in[0].Data().([]float32)
	n := op.shape.TotalSize()
	// A view, not a copy: the packed vector lives until the next run, and
	// every consumer (a gradient sum, Machine.Run's copy into Param.Grad)
	// reads it before then.
	return tensor.New(tensor.WithShape(op.shape.Clone()...), tensor.WithBacking(packed[op.offset:op.offset+n:op.offset+n])), nil
}
func (op *unpackOp) ReturnsPtr() bool      { return false }
func (op *unpackOp) CallsExtern() bool     { return false }
func (op *unpackOp) OverwritesInput() int  { return -1 }
func (op *unpackOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op *unpackOp) Hashcode() uint32      { return hashOf(op.String()) }
func (op *unpackOp) String() string {
	return fmt.Sprintf("%sGrad%d#%d", op.name, op.input, op.id)
}

// Type helpers for kernel signatures.
var (
	tF32Vec = G.TensorType{Dims: 1, Of: G.Float32}
	tF32Mat = G.TensorType{Dims: 2, Of: G.Float32}
	tIntVec = G.TensorType{Dims: 1, Of: G.Int}
)

func f32(v G.Value) []float32 { return v.Data().([]float32) }

func dense(data []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}
