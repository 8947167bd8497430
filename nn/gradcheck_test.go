package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// tinyModel is embedding → stacked RNN → linear → cross-entropy, the shape of
// every recur decoder, small enough for finite differences.
type tinyModel struct {
	emb *Embedding
	rnn *RNN
	out *Linear
}

func newTiny(t *testing.T, cell Cell, layers, V, E, H int) *tinyModel {
	rng := rand.New(rand.NewPCG(1, 2))
	r, err := NewRNN("rnn", RNNConfig{Cell: cell, Input: E, Hidden: H, Layers: layers}, rng)
	if err != nil {
		t.Fatal(err)
	}
	return &tinyModel{emb: NewEmbedding("embed", V, E, rng), rnn: r, out: NewLinear("out", H, V, rng)}
}

func (m *tinyModel) params() Params {
	return append(append(Params{m.emb.W}, m.rnn.Params()...), m.out.Params()...)
}

// build returns a machine computing the loss of predicting targets from ids.
func (m *tinyModel) build(t *testing.T, ids, targets []int, B int, h0 []float32, smoothing float64) (*Machine, *RNNRun) {
	g := NewGraph(false, 1)
	x := g.Embed(m.emb, g.Ints("ids", ids))
	y, run := g.RNN(m.rnn, x, B, "rnn")
	logits := g.Linear(m.out, y)
	loss := g.CrossEntropy(logits, g.Ints("targets", targets), smoothing)
	mach, err := g.Compile(loss)
	if err != nil {
		t.Fatal(err)
	}
	if h0 != nil {
		for l := range run.H0 {
			copy(run.H0[l], h0)
			if run.C0 != nil {
				copy(run.C0[l], h0)
			}
		}
	}
	return mach, run
}

// TestGradientsFiniteDifferences checks every weight's analytic gradient
// (through gorgonia.Grad and the fused kernels' hand-written backward passes)
// against central differences of the loss, element by element for a sample
// of each tensor and along a random direction over all of them. Float32
// forward passes limit agreement to about 1e-3 relative.
func TestGradientsFiniteDifferences(t *testing.T) {
	cases := []struct {
		cell      Cell
		layers    int
		smoothing float64
		pad       bool
	}{
		{LSTM, 1, 0, false}, {LSTM, 2, 0, true}, {GRU, 1, 0, false}, {GRU, 2, 0.1, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-%dlayer-ls%g-pad%v", c.cell, c.layers, c.smoothing, c.pad), func(t *testing.T) {
			const V, E, H, T, B = 7, 5, 6, 4, 3
			m := newTiny(t, c.cell, c.layers, V, E, H)
			rng := rand.New(rand.NewPCG(3, 4))
			ids := make([]int, T*B)
			targets := make([]int, T*B)
			for i := range ids {
				ids[i], targets[i] = rng.IntN(V), rng.IntN(V)
			}
			ids[0], ids[5] = 2, 2 // repeated ids accumulate in the embedding gradient
			if c.pad {
				targets[T*B-1], targets[T*B-2] = IgnoreTarget, IgnoreTarget
			}
			h0 := make([]float32, B*H)
			for i := range h0 {
				h0[i] = float32(rng.NormFloat64() * 0.5)
			}
			mach, _ := m.build(t, ids, targets, B, h0, c.smoothing)
			if _, err := mach.Run(); err != nil {
				t.Fatal(err)
			}
			analytic := map[*Param][]float32{}
			for _, p := range m.params() {
				analytic[p] = append([]float32(nil), p.Grad...)
			}
			lossAt := func() float64 {
				l, err := mach.Forward()
				if err != nil {
					t.Fatal(err)
				}
				return float64(l)
			}
			const eps = 1e-2
			for _, p := range m.params() {
				for s := 0; s < 12; s++ {
					i := rng.IntN(p.Size())
					old := p.Data[i]
					p.Data[i] = old + eps
					up := lossAt()
					p.Data[i] = old - eps
					down := lossAt()
					p.Data[i] = old
					num := (up - down) / (2 * eps)
					ana := float64(analytic[p][i])
					if math.Abs(num-ana) > 2e-3+2e-2*math.Abs(ana) {
						t.Errorf("%s[%d]: analytic %.6g, finite difference %.6g", p.Name, i, ana, num)
					}
				}
			}
			// Directional derivative over all parameters at once.
			dir := map[*Param][]float32{}
			var predicted float64
			for _, p := range m.params() {
				d := make([]float32, p.Size())
				for i := range d {
					d[i] = float32(rng.NormFloat64())
					predicted += float64(d[i]) * float64(analytic[p][i])
				}
				dir[p] = d
			}
			shift := func(sign float32) {
				for _, p := range m.params() {
					for i, d := range dir[p] {
						p.Data[i] += sign * 1e-3 * d
					}
				}
			}
			shift(1)
			up := lossAt()
			shift(-2)
			down := lossAt()
			shift(1)
			num := (up - down) / 2e-3
			if math.Abs(num-predicted) > 1e-2*math.Max(1, math.Abs(predicted)) {
				t.Errorf("directional derivative: analytic %.6g, finite difference %.6g", predicted, num)
			}
		})
	}
}

// TestDropoutGradient checks the dropout kernel's backward pass against
// finite differences at p = 0.2, where gorgonia's own G.Dropout is wrong.
func TestDropoutGradient(t *testing.T) {
	m := newTiny(t, LSTM, 2, 5, 4, 8)
	m.rnn.Config.Dropout = 0.2
	ids := []int{1, 2, 3, 4, 0, 1}
	targets := []int{2, 3, 4, 0, 1, 2}
	g := NewGraph(true, 9)
	x := g.Embed(m.emb, g.Ints("ids", ids))
	y, _ := g.RNN(m.rnn, x, 2, "rnn")
	loss := g.CrossEntropy(g.Linear(m.out, g.Dropout(y, 0.2)), g.Ints("targets", targets), 0)
	mach, err := g.Compile(loss)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mach.Run(); err != nil {
		t.Fatal(err)
	}
	p := m.rnn.Layers[1].Wih
	ana := append([]float32(nil), p.Grad...)
	var nonzero int
	for i := 0; i < p.Size(); i += 7 {
		old := p.Data[i]
		p.Data[i] = old + 1e-2
		up, _ := mach.Forward()
		p.Data[i] = old - 1e-2
		down, _ := mach.Forward()
		p.Data[i] = old
		num := float64(up-down) / 2e-2
		if math.Abs(num-float64(ana[i])) > 2e-3+2e-2*math.Abs(float64(ana[i])) {
			t.Errorf("%s[%d]: analytic %.6g, finite difference %.6g", p.Name, i, ana[i], num)
		}
		if ana[i] != 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Fatal("all sampled gradients are zero: dropout dropped everything")
	}
}
