package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/recur-dev/recur/internal/kernels"
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

// LayerNorm and GELU split big inputs over threads: the values and x's
// gradient match one thread exactly, γ's and β's to rounding (their
// partial sums are added per part).
func TestLayerNormGELUThreads(t *testing.T) {
	const N, C, V = 300, 256, 3
	run := func(threads int) (out []float32, grads [][]float32) {
		old := kernels.Threads()
		kernels.SetThreads(threads)
		defer kernels.SetThreads(old)
		rng := rand.New(rand.NewPCG(17, 18))
		x := NewParam("x", N, C)
		x.Normal(rng, 1)
		ln := NewLayerNorm("ln", C, 1e-5, true)
		ln.W.Normal(rng, 1)
		ln.B.Normal(rng, 1)
		head := NewParam("head", V, C)
		head.Normal(rng, 0.1)
		targets := make([]int, N)
		for i := range targets {
			targets[i] = rng.IntN(V)
		}
		g := NewGraph(true, 1)
		y := g.GELU(g.LayerNorm(ln, g.Param(x)))
		m, err := g.Compile(g.CrossEntropy(g.MatMulT(y, head), g.Ints("t", targets), 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Run(); err != nil {
			t.Fatal(err)
		}
		return append([]float32(nil), g.Output(y)...), [][]float32{x.Grad, ln.W.Grad, ln.B.Grad}
	}
	o1, g1 := run(1)
	o2, g2 := run(2)
	for i := range o1 {
		if o1[i] != o2[i] {
			t.Fatalf("out[%d]: %v on one thread, %v on two", i, o1[i], o2[i])
		}
	}
	for k, tol := range []float64{0, 1e-6, 1e-6} {
		for i := range g1[k] {
			if math.Abs(float64(g1[k][i]-g2[k][i])) > tol*(1+math.Abs(float64(g1[k][i]))) {
				t.Fatalf("gradient %d [%d]: %v on one thread, %v on two", k, i, g1[k][i], g2[k][i])
			}
		}
	}
}
