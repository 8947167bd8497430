package nn

import (
	"errors"
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Graph builds a gorgonia expression graph out of the fused kernels. Weight
// nodes are backed by their Param's Data (no copy), input nodes by Go slices
// the caller refills before each Run. The first error is kept and returned
// by Compile, so model code can build without checking every call.
//
// Graph guards against gorgonia v0.9.18's hazards: node names are checked for
// uniqueness (gorgonia silently merges same-name inputs), and nothing here
// uses G.Slice or G.Dropout.
type Graph struct {
	G      *G.ExprGraph
	Train  bool   // dropout on
	Seed   uint64 // dropout masks
	Step   uint64 // set by the trainer before each Run: dropout masks depend on it
	nodes  map[*Param]*G.Node
	params Params
	names  map[string]bool
	salt   uint64
	err    error
	rnns   []*RNNRun
}

// NewGraph starts an empty graph.
func NewGraph(train bool, seed uint64) *Graph {
	return &Graph{G: G.NewGraph(), Train: train, Seed: seed, nodes: map[*Param]*G.Node{}, names: map[string]bool{}}
}

// Err is the first error met while building.
func (g *Graph) Err() error { return g.err }

func (g *Graph) fail(err error) *G.Node {
	if g.err == nil && err != nil {
		g.err = err
	}
	return nil
}

func (g *Graph) claim(name string) bool {
	if g.names[name] {
		g.fail(fmt.Errorf("graph: two nodes named %q (gorgonia would merge them)", name))
		return false
	}
	g.names[name] = true
	return true
}

// Param returns the node of a weight, creating it on first use.
func (g *Graph) Param(p *Param) *G.Node {
	if n, ok := g.nodes[p]; ok {
		return n
	}
	if !g.claim(p.Name) {
		return nil
	}
	n := G.NewTensor(g.G, G.Float32, len(p.Shape), G.WithShape(p.Shape...), G.WithName(p.Name),
		G.WithValue(tensor.New(tensor.WithShape(p.Shape...), tensor.WithBacking(p.Data))))
	g.nodes[p] = n
	g.params = append(g.params, p)
	return n
}

// Floats adds an input node backed by data (refill data before each Run).
func (g *Graph) Floats(name string, data []float32, shape ...int) *G.Node {
	if !g.claim(name) {
		return nil
	}
	return G.NewTensor(g.G, G.Float32, len(shape), G.WithShape(shape...), G.WithName(name),
		G.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))))
}

// Ints adds a vector input of token ids backed by data.
func (g *Graph) Ints(name string, data []int) *G.Node {
	if !g.claim(name) {
		return nil
	}
	return G.NewVector(g.G, G.Int, G.WithShape(len(data)), G.WithName(name),
		G.WithValue(tensor.New(tensor.WithShape(len(data)), tensor.WithBacking(data))))
}

func (g *Graph) apply(k kernel, in ...*G.Node) *G.Node {
	if g.err != nil {
		return nil
	}
	for _, n := range in {
		if n == nil {
			return g.fail(errors.New("graph: nil input node"))
		}
	}
	n, err := apply(k, in...)
	if err != nil {
		return g.fail(err)
	}
	return n
}

// Embed looks up ids [N] in e → [N, Dim].
func (g *Graph) Embed(e *Embedding, ids *G.Node) *G.Node {
	return g.apply(&embedKernel{}, ids, g.Param(e.W))
}

// Linear applies l to x [N, In] → [N, Out].
func (g *Graph) Linear(l *Linear, x *G.Node) *G.Node {
	return g.apply(&linearKernel{}, x, g.Param(l.W), g.Param(l.B))
}

// Dropout applies inverted dropout in training graphs; identity otherwise.
func (g *Graph) Dropout(x *G.Node, p float64) *G.Node {
	if !g.Train || p == 0 || x == nil {
		return x
	}
	g.salt++
	return g.apply(&dropoutKernel{p: p, seed: g.Seed, salt: g.salt, step: &g.Step}, x)
}

// CrossEntropy is the mean softmax cross-entropy of logits [N, V] against
// targets [N] (IgnoreTarget rows skipped), with optional label smoothing.
func (g *Graph) CrossEntropy(logits, targets *G.Node, smoothing float64) *G.Node {
	return g.apply(&crossEntropyKernel{smoothing: smoothing}, logits, targets)
}

// Machine runs a compiled graph: forward, loss, gradients of every weight.
type Machine struct {
	g     *Graph
	vm    G.VM
	loss  *G.Node
	grads G.Nodes
	// Params are the weights the loss depends on, in first-use order.
	Params Params
}

// Compile differentiates loss with respect to every weight in the graph.
func (g *Graph) Compile(loss *G.Node) (*Machine, error) {
	if g.err != nil {
		return nil, g.err
	}
	if loss == nil {
		return nil, errors.New("graph: no loss node")
	}
	wrt := make(G.Nodes, len(g.params))
	for i, p := range g.params {
		wrt[i] = g.nodes[p]
	}
	grads, err := G.Grad(loss, wrt...)
	if err != nil {
		return nil, fmt.Errorf("graph: differentiating the loss: %w", err)
	}
	vm := G.NewTapeMachine(g.G)
	return &Machine{g: g, vm: vm, loss: loss, grads: grads, Params: g.params}, nil
}

// Run executes forward and backward, stores each weight's gradient in its
// Param.Grad (overwriting) and returns the loss.
func (m *Machine) Run() (float32, error) {
	defer m.vm.Reset() // without Reset a second RunAll silently does nothing
	if err := m.vm.RunAll(); err != nil {
		return 0, err
	}
	loss := scalarOf(m.loss.Value())
	for i, p := range m.Params {
		copy(p.Grad, m.grads[i].Value().Data().([]float32))
	}
	return loss, nil
}

// CompileForward prepares a graph that only evaluates the loss (no
// backward pass), for validation.
func (g *Graph) CompileForward(loss *G.Node) (*Machine, error) {
	if g.err != nil {
		return nil, g.err
	}
	if loss == nil {
		return nil, errors.New("graph: no loss node")
	}
	return &Machine{g: g, vm: G.NewTapeMachine(g.G), loss: loss}, nil
}

// Forward executes the graph and returns the loss without touching Grad.
func (m *Machine) Forward() (float32, error) {
	defer m.vm.Reset()
	if err := m.vm.RunAll(); err != nil {
		return 0, err
	}
	return scalarOf(m.loss.Value()), nil
}

// Close releases the machine.
func (m *Machine) Close() error { return m.vm.Close() }

// outputKeeper is a kernel whose last output stays readable after a run.
type outputKeeper interface{ lastOutput() []float32 }

// Output returns the values node n held in the last run, for nodes made by
// the fused kernels that keep their output buffer (Linear, Tanh, Concat);
// nil otherwise. The slice is overwritten by the next run.
func (g *Graph) Output(n *G.Node) []float32 {
	if n == nil {
		return nil
	}
	if op, ok := n.Op().(*fusedOp); ok {
		if k, ok := op.k.(outputKeeper); ok {
			return k.lastOutput()
		}
	}
	return nil
}
