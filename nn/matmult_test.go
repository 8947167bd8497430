package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// MatMulT: x·Wᵀ against a loop, gradients of both by finite differences.
func TestMatMulT(t *testing.T) {
	const N, K, M = 3, 4, 5
	rng := rand.New(rand.NewPCG(13, 14))
	x, w := NewParam("x", N, K), NewParam("w", M, K)
	x.Normal(rng, 1)
	w.Normal(rng, 1)
	g := NewGraph(false, 1)
	y := g.MatMulT(g.Param(x), w)
	m, err := g.Compile(g.CrossEntropy(y, g.Ints("t", []int{1, 4, 0}), 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(); err != nil {
		t.Fatal(err)
	}
	out := g.Output(y)
	for i := 0; i < N; i++ {
		for j := 0; j < M; j++ {
			var s float64
			for e := 0; e < K; e++ {
				s += float64(x.Data[i*K+e]) * float64(w.Data[j*K+e])
			}
			if math.Abs(float64(out[i*M+j])-s) > 1e-5 {
				t.Fatalf("y[%d,%d] = %v, want %v", i, j, out[i*M+j], s)
			}
		}
	}
	checkFiniteDifferences(t, m, Params{x, w}, 1e-2, 1e-3, 1e-2)
}
