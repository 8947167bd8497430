package nn

import (
	"math/rand/v2"
	"testing"
)

// TestBahdanauGradients checks every weight of the input-feeding attention
// decoder by central differences; memory and initial state come from
// embeddings so their gradients are checked too, with padded memory rows.
func TestBahdanauGradients(t *testing.T) {
	const V, E, H, M, A, T, S, B = 7, 3, 4, 5, 3, 3, 4, 3
	rng := rand.New(rand.NewPCG(31, 32))
	memE := NewEmbedding("mem", V, M, rng)
	s0E := NewEmbedding("s0", V, H, rng)
	tgt := NewEmbedding("tgt", V, E, rng)
	att, _ := NewAttention("att", Additive, H, M, A, rng)
	gr, _ := NewRNN("dec", RNNConfig{Cell: GRU, Input: E + M, Hidden: H, Layers: 1}, rng)
	out := NewLinear("out", H+M, V, rng)
	params := Params{memE.W, s0E.W, tgt.W}
	params = append(params, att.Params()...)
	params = append(params, gr.Params()...)
	params = append(params, out.Params()...)
	for _, p := range params {
		for i := range p.Data {
			p.Data[i] *= 2
		}
	}
	mids, sids, xids, targets := make([]int, S*B), make([]int, B), make([]int, T*B), make([]int, T*B)
	for i := range mids {
		mids[i] = rng.IntN(V)
	}
	for i := range sids {
		sids[i] = rng.IntN(V)
	}
	for i := range xids {
		xids[i], targets[i] = rng.IntN(V), rng.IntN(V)
	}
	targets[T*B-1] = IgnoreTarget
	lengths := []int{4, 2, 3}
	g := NewGraph(false, 1)
	y := g.BahdanauGRU(att, gr.Layers[0], g.Embed(tgt, g.Ints("x", xids)), g.Embed(memE, g.Ints("m", mids)), g.Embed(s0E, g.Ints("s", sids)), B, &lengths)
	m, err := g.Compile(g.CrossEntropy(g.Linear(out, y), g.Ints("t", targets), 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(); err != nil {
		t.Fatal(err)
	}
	checkFiniteDifferences(t, m, params, 1e-2, 1e-3, 1e-2)
	before, _ := m.Forward()
	mids[3*B+1] = (mids[3*B+1] + 1) % V // row 1 has length 2: padding
	after, _ := m.Forward()
	if before != after {
		t.Fatalf("padded memory changed the loss: %v → %v", before, after)
	}
}
