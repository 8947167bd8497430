package nn

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// rnnKernel runs one recurrent layer over the whole sequence:
// x [T·B, In], h0 [B, H], (c0 [B, H] for LSTM), W_ih, W_hh, b_ih, b_hh → [T·B, H].
// The final state stays readable through cache.Final after the run, so a
// trainer can carry it (detached) into the next batch.
type rnnKernel struct {
	layer    *RNNLayer
	cache    seqCache
	lengths  *[]int // per-row real lengths, read at each run; nil = all T
	initGrad bool   // the initial state is a differentiable node (an encoder's output)
}

func (k *rnnKernel) lstm() bool   { return k.layer.Cell == LSTM }
func (k *rnnKernel) name() string { return "RNN" + string(k.layer.Cell) }
func (k *rnnKernel) signature() []hm.Type {
	s := []hm.Type{tF32Mat, tF32Mat}
	if k.lstm() {
		s = append(s, tF32Mat)
	}
	return append(s, tF32Mat, tF32Mat, tF32Vec, tF32Vec, tF32Mat)
}
func (k *rnnKernel) differentiable() []bool {
	d := []bool{true, k.initGrad}
	if k.lstm() {
		d = append(d, k.initGrad)
	}
	return append(d, true, true, true, true)
}
func (k *rnnKernel) shape(in []tensor.Shape) (tensor.Shape, error) {
	B := in[1][0]
	if B == 0 || in[0][0]%B != 0 || in[0][1] != k.layer.In {
		return nil, fmt.Errorf("%s: input %v does not fit batch %d and input size %d", k.name(), in[0], B, k.layer.In)
	}
	return tensor.Shape{in[0][0], k.layer.Hidden}, nil
}
func (k *rnnKernel) forward(in []G.Value) (G.Value, error) {
	B := in[1].Shape()[0]
	N := in[0].Shape()[0]
	var c0 []float32
	if k.lstm() {
		c0 = f32(in[2])
	}
	k.cache.lengths = nil
	if k.lengths != nil {
		if len(*k.lengths) != B {
			return nil, fmt.Errorf("%s: %d lengths for a batch of %d", k.name(), len(*k.lengths), B)
		}
		k.cache.lengths = *k.lengths
	}
	k.layer.Forward(&k.cache, N/B, B, f32(in[0]), f32(in[1]), c0)
	H := k.layer.Hidden
	return dense(k.cache.hs[B*H:(N+B)*H], N, H), nil
}
func (k *rnnKernel) backward(in []G.Value, dOut G.Value, grads [][]float32) error {
	w := 2
	var dc0 []float32
	if k.lstm() {
		w = 3
		dc0 = grads[2]
	}
	k.layer.Backward(&k.cache, f32(dOut), nil, nil, RNNGrads{
		X: grads[0], H0: grads[1], C0: dc0, Wih: grads[w], Whh: grads[w+1], Bih: grads[w+2], Bhh: grads[w+3],
	})
	return nil
}

// RNNRun gives access to a stacked RNN's initial and final states in a
// graph: H0/C0 are the Go slices behind each layer's initial-state inputs
// ([B, H], zero unless filled), Final reads each layer's last state after Run.
type RNNRun struct {
	H0, C0  [][]float32
	Outputs []*G.Node // every layer's output node [T·B, H]
	kernels []*rnnKernel
}

// Final returns views of layer l's final hidden and cell state after Run.
func (r *RNNRun) Final(l int) (h, c []float32) { return r.kernels[l].cache.Final() }

// CarryState copies the final states into the initial ones (the next batch
// continues the streams; gradients do not flow across batches).
func (r *RNNRun) CarryState() {
	for l := range r.H0 {
		h, c := r.Final(l)
		copy(r.H0[l], h)
		if c != nil {
			copy(r.C0[l], c)
		}
	}
}

// ResetState zeroes the initial states.
func (r *RNNRun) ResetState() {
	for l := range r.H0 {
		clear(r.H0[l])
		if r.C0 != nil {
			clear(r.C0[l])
		}
	}
}

// RNNOptions adjust Graph.RNNWith.
type RNNOptions struct {
	Name    string
	Lengths *[]int    // per-row real lengths (refilled before each Run); nil = all full
	H0, C0  []*G.Node // per-layer initial states as graph nodes (differentiable); nil = zero-or-carried inputs
}

// RNN runs the stack over x [T·B, In] with batch B → outputs [T·B, H] of the
// last layer, with dropout between layers in training graphs. Initial states
// are plain inputs (zero, or carried by the caller through RNNRun).
func (g *Graph) RNN(r *RNN, x *G.Node, B int, name string) (*G.Node, *RNNRun) {
	return g.RNNWith(r, x, B, RNNOptions{Name: name})
}

// RNNWith is RNN with per-row lengths and initial states computed by the
// graph (an encoder's final state feeding a decoder).
func (g *Graph) RNNWith(r *RNN, x *G.Node, B int, o RNNOptions) (*G.Node, *RNNRun) {
	run := &RNNRun{}
	H := r.Config.Hidden
	for l, layer := range r.Layers {
		if l > 0 {
			x = g.Dropout(x, r.Config.Dropout)
		}
		k := &rnnKernel{layer: layer, lengths: o.Lengths, initGrad: o.H0 != nil}
		in := []*G.Node{x, g.initState(o.H0, l, &run.H0, o.Name, "h0", B, H)}
		if layer.Cell == LSTM {
			in = append(in, g.initState(o.C0, l, &run.C0, o.Name, "c0", B, H))
		}
		run.kernels = append(run.kernels, k)
		in = append(in, g.Param(layer.Wih), g.Param(layer.Whh), g.Param(layer.Bih), g.Param(layer.Bhh))
		x = g.apply(k, in...)
		run.Outputs = append(run.Outputs, x)
	}
	g.rnns = append(g.rnns, run)
	return x, run
}

// initState returns layer l's initial state (h0 or c0, by what) as a graph
// node: the caller's node when given, else an input node named
// "<name>.<what>_l<l>" backed by a new zero [B, H] buffer, appended to bufs
// (RNNRun's H0 or C0) so the caller can fill or carry it.
func (g *Graph) initState(given []*G.Node, l int, bufs *[][]float32, name, what string, B, H int) *G.Node {
	if given != nil {
		return given[l]
	}
	buf := make([]float32, B*H)
	*bufs = append(*bufs, buf)
	return g.Floats(fmt.Sprintf("%s.%s_l%d", name, what, l), buf, B, H)
}
