package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
)

// TestSeq2SeqGradients checks, by central differences, every weight of a
// miniature attention translator built from the sequence kernels: masked
// bidirectional encoder (Reverse, RNNWith lengths, Add, Rows), a bridge
// (Linear, Tanh) into a decoder whose initial state is a graph node, and
// attention (both kinds), Concat and the output layers, with padded source
// and target rows.
func TestSeq2SeqGradients(t *testing.T) {
	for _, c := range []struct {
		cell Cell
		kind string
	}{{GRU, Additive}, {LSTM, Multiplicative}, {LSTM, Additive}} {
		t.Run(fmt.Sprintf("%s-%s", c.cell, c.kind), func(t *testing.T) {
			const V, E, H, S, T, B = 6, 4, 5, 4, 3, 3
			rng := rand.New(rand.NewPCG(7, 8))
			embS := NewEmbedding("src", V, E, rng)
			embT := NewEmbedding("tgt", V, E, rng)
			fwd, _ := NewRNN("enc_f", RNNConfig{Cell: c.cell, Input: E, Hidden: H, Layers: 1}, rng)
			bwd, _ := NewRNN("enc_b", RNNConfig{Cell: c.cell, Input: E, Hidden: H, Layers: 1}, rng)
			bridge := NewLinear("bridge", H, H, rng)
			dec, _ := NewRNN("dec", RNNConfig{Cell: c.cell, Input: E, Hidden: H, Layers: 1}, rng)
			att, err := NewAttention("att", c.kind, H, H, 3, rng)
			if err != nil {
				t.Fatal(err)
			}
			comb := NewLinear("comb", 2*H, H, rng)
			out := NewLinear("out", H, V, rng)
			params := Params{embS.W, embT.W}
			params = append(params, fwd.Params()...)
			params = append(params, bwd.Params()...)
			params = append(params, bridge.Params()...)
			params = append(params, dec.Params()...)
			params = append(params, att.Params()...)
			params = append(params, comb.Params()...)
			params = append(params, out.Params()...)

			// Larger weights than the default initialisation put the tanh and
			// sigmoid units away from their linear region, so a wrong
			// derivative term cannot hide under the tolerance.
			for _, p := range params {
				for i := range p.Data {
					p.Data[i] *= 2.5
				}
			}
			src := make([]int, S*B)
			tin := make([]int, T*B)
			tout := make([]int, T*B)
			for i := range src {
				src[i] = rng.IntN(V)
			}
			for i := range tin {
				tin[i], tout[i] = rng.IntN(V), rng.IntN(V)
			}
			lengths := []int{4, 2, 3}
			tout[2*B+1] = IgnoreTarget // row 1's target is a step shorter

			g := NewGraph(false, 1)
			x := g.Embed(embS, g.Ints("src", src))
			yf, _ := g.RNNWith(fwd, x, B, RNNOptions{Name: "f", Lengths: &lengths})
			ybr, _ := g.RNNWith(bwd, g.Reverse(x, B, &lengths), B, RNNOptions{Name: "b", Lengths: &lengths})
			mem := g.Add(yf, g.Reverse(ybr, B, &lengths))
			final := g.Add(g.Rows(yf, (S-1)*B, B), g.Rows(ybr, (S-1)*B, B))
			init := g.Tanh(g.Linear(bridge, final))
			opts := RNNOptions{Name: "d", H0: []*G.Node{init}}
			if c.cell == LSTM {
				opts.C0 = []*G.Node{init}
			}
			y, _ := g.RNNWith(dec, g.Embed(embT, g.Ints("tin", tin)), B, opts)
			ctx, _ := g.Attend(att, y, mem, B, &lengths)
			h := g.Tanh(g.Linear(comb, g.Concat(y, ctx)))
			loss := g.CrossEntropy(g.Linear(out, h), g.Ints("tout", tout), 0)
			m, err := g.Compile(loss)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Run(); err != nil {
				t.Fatal(err)
			}
			checkFiniteDifferences(t, m, params, 1e-2, 1e-3, 1e-2)
			// Padding must not matter: changing a padded source token leaves the loss unchanged.
			before, _ := m.Forward()
			src[3*B+1] = (src[3*B+1] + 1) % V // row 1 has length 2, step 3 is padding
			after, _ := m.Forward()
			if before != after {
				t.Fatalf("a padded source token changed the loss: %v → %v", before, after)
			}
		})
	}
}
