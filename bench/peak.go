package bench

import (
	"fmt"
	"math/rand/v2"

	"github.com/recur-dev/recur/internal/kernels"
)

// The peak/* workloads time recur's matrix kernels alone: the GEMM ceiling
// every model is measured against and the GEMV (batch-1, memory-bound)
// ceiling for sampling.
func init() {
	for _, p := range []struct {
		name    string
		m, k, n int
	}{
		{"peak/sgemm-1024", 1024, 1024, 1024},
		{"peak/sgemm-4096", 4096, 4096, 4096},
		{"peak/sgemm-32x512x2048", 32, 512, 2048},
		{"peak/sgemv-4096x1024", 1, 1024, 4096}, // m = 1: y = A·x, A is n×k
	} {
		m, k, n := p.m, p.k, p.n
		mustRegister(Workload{Spec: spec(p.name), Setup: func(o Options) (*Case, error) {
			return setupPeak(m, k, n, o.Seed)
		}})
	}
}

// peakReps batches small products so one timed iteration is about 0.2
// GFLOP and the timer's overhead is negligible; torch_ref.py uses the same
// rule, max(1, 2e8 // flops).
func peakReps(m, k, n int) int {
	flops := 2 * float64(m) * float64(k) * float64(n)
	return max(1, int(2e8/flops))
}

// setupPeak builds C[m,n] = A[m,k]·B[k,n] (row-major, no transposes, like
// torch.mm(a, w)), or for m = 1 y[n] = A[n,k]·x[k] (torch.mv). Operands
// are standard normal; timings do not depend on the values.
func setupPeak(m, k, n int, seed uint64) (*Case, error) {
	if m < 1 || k < 1 || n < 1 {
		return nil, fmt.Errorf("peak: bad shape %dx%dx%d", m, k, n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	randn := func(size int) []float32 {
		s := make([]float32, size)
		for i := range s {
			s[i] = float32(rng.NormFloat64())
		}
		return s
	}
	reps := peakReps(m, k, n)
	gflop := 2 * float64(m) * float64(k) * float64(n) * float64(reps) / 1e9
	extra := map[string]any{"m": m, "k": k, "n": n, "reps_per_iter": reps, "kernels": kernels.Features()}
	if m == 1 {
		a, x, y := randn(n*k), randn(k), make([]float32, n)
		return &Case{Units: gflop, Extra: extra, Step: func() error {
			for range reps {
				kernels.Sgemv(false, n, k, 1, a, k, x, 0, y)
			}
			return nil
		}}, nil
	}
	a, b, c := randn(m*k), randn(k*n), make([]float32, m*n)
	return &Case{Units: gflop, Extra: extra, Step: func() error {
		for range reps {
			kernels.Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
		}
		return nil
	}}, nil
}
