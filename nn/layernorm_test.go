package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// LayerNorm with and without β: output against the definition (graph
// and the inference Forward), gradients of x, γ, β by finite differences.
func TestLayerNorm(t *testing.T) {
	for _, bias := range []bool{true, false} {
		const N, C, V = 4, 5, 3
		rng := rand.New(rand.NewPCG(7, 8))
		x := NewParam("x", N, C)
		x.Normal(rng, 2)
		ln := NewLayerNorm("ln", C, 1e-5, bias)
		ln.W.Normal(rng, 1)
		if bias {
			ln.B.Normal(rng, 1)
		}
		head := NewParam("head", V, C)
		head.Normal(rng, 1)
		targets := []int{0, 2, 1, 2}
		g := NewGraph(true, 1)
		y := g.LayerNorm(ln, g.Param(x))
		m, err := g.Compile(g.CrossEntropy(g.MatMulT(y, head), g.Ints("t", targets), 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Run(); err != nil {
			t.Fatal(err)
		}
		// Output against the definition, in float64; Forward (inference) too.
		plain := make([]float32, N*C)
		ln.Forward(N, x.Data, plain)
		out := g.Output(y)
		for r := 0; r < N; r++ {
			var mu, v float64
			for _, e := range x.Data[r*C : (r+1)*C] {
				mu += float64(e)
			}
			mu /= C
			for _, e := range x.Data[r*C : (r+1)*C] {
				v += (float64(e) - mu) * (float64(e) - mu)
			}
			v /= C
			for i := 0; i < C; i++ {
				want := (float64(x.Data[r*C+i]) - mu) / math.Sqrt(v+1e-5) * float64(ln.W.Data[i])
				if bias {
					want += float64(ln.B.Data[i])
				}
				if math.Abs(float64(out[r*C+i])-want) > 1e-5 || math.Abs(float64(plain[r*C+i])-want) > 1e-5 {
					t.Fatalf("bias %v: y[%d,%d] graph %v, Forward %v, definition %v", bias, r, i, out[r*C+i], plain[r*C+i], want)
				}
			}
		}
		checkFiniteDifferences(t, m, append(Params{x, head}, ln.Params()...), 1e-2, 1e-3, 1e-2)
	}
}
