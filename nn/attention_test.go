package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAttentionGradients isolates the attention kernel: queries and memory
// are embedding rows (so their gradients land in parameters), the loss sees
// only the contexts. Every element is checked by central differences.
func TestAttentionGradients(t *testing.T) {
	for _, kind := range []string{Additive, Multiplicative} {
		t.Run(kind, func(t *testing.T) {
			const V, D, T, S, B = 9, 4, 2, 4, 3
			rng := rand.New(rand.NewPCG(11, 12))
			qe := NewEmbedding("q", V, D, rng)
			me := NewEmbedding("m", V, D, rng)
			att, _ := NewAttention("att", kind, D, D, 3, rng)
			out := NewLinear("out", D, V, rng)
			params := append(Params{qe.W, me.W}, append(att.Params(), out.Params()...)...)
			for _, p := range params {
				for i := range p.Data {
					p.Data[i] *= 2
				}
			}
			qids, mids, targets := make([]int, T*B), make([]int, S*B), make([]int, T*B)
			for i := range qids {
				qids[i], targets[i] = rng.IntN(V), rng.IntN(V)
			}
			for i := range mids {
				mids[i] = rng.IntN(V)
			}
			lengths := []int{4, 1, 2}
			g := NewGraph(false, 1)
			ctx, node := g.Attend(att, g.Embed(qe, g.Ints("qi", qids)), g.Embed(me, g.Ints("mi", mids)), B, &lengths)
			m, err := g.Compile(g.CrossEntropy(g.Linear(out, ctx), g.Ints("t", targets), 0))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Run(); err != nil {
				t.Fatal(err)
			}
			w, TT, SS := node.Weights()
			for r := 0; r < TT*B; r++ {
				var sum float32
				for j := 0; j < SS; j++ {
					if j >= lengths[r%B] && w[r*SS+j] != 0 {
						t.Fatalf("row %d attends to padded position %d", r, j)
					}
					sum += w[r*SS+j]
				}
				if math.Abs(float64(sum)-1) > 1e-5 {
					t.Fatalf("row %d weights sum to %v", r, sum)
				}
			}
			checkFiniteDifferences(t, m, params, 1e-2, 5e-4, 1e-2)
		})
	}
}
