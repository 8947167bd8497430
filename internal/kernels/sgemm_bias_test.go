package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// SgemmBias equals Sgemm onto a C filled with the bias (the float64
// reference with beta = 1), on every path: few rows, the 32-row NT
// kernel, the blocked kernel with ragged tiles, several k slices, split
// over threads; C's old contents (NaN here) are never read.
func TestSgemmBias(t *testing.T) {
	shapes := []struct{ m, n, k int }{
		{1, 7, 5}, {5, 33, 9}, {20, 45, 17}, {64, 100, 300}, {70, 33, 40},
		{129, 70, 300}, {300, 129, 65}, {1200, 40, 50}, {40, 1200, 50},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, s := range shapes {
				for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
					transA, transB := tr[0], tr[1]
					ar, ac := s.m, s.k
					if transA {
						ar, ac = s.k, s.m
					}
					br, bc := s.k, s.n
					if transB {
						br, bc = s.n, s.k
					}
					lda, ldb, ldc := ac+3, bc+1, s.n+2
					_, a := randMatrix(rng, ar, ac, lda)
					_, b := randMatrix(rng, br, bc, ldb)
					biasAll := make([]float32, s.n+1)
					for i := range biasAll {
						biasAll[i] = float32(rng.NormFloat64())
					}
					bias := biasAll[1:] // an unaligned start
					for _, alpha := range []float32{1, -0.5} {
						name := fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v/alpha=%v", s.m, s.n, s.k, transA, transB, alpha)
						c := make([]float32, (s.m-1)*ldc+s.n)
						filled := make([]float32, len(c))
						for i := range c {
							c[i] = float32(math.NaN())
						}
						fillRows(s.m, s.n, bias, filled, ldc)
						want, scale := refGemm(transA, transB, s.m, s.n, s.k, alpha, a, lda, b, ldb, 1, filled, ldc)
						SgemmBias(transA, transB, s.m, s.n, s.k, alpha, a, lda, b, ldb, bias, c, ldc)
						for i := 0; i < s.m; i++ {
							for j := 0; j < s.n; j++ {
								got, w := float64(c[i*ldc+j]), want[i*s.n+j]
								if !(math.Abs(got-w) <= 1e-5*scale[i*s.n+j]+1e-6) {
									t.Fatalf("%s: C[%d][%d] = %v, want %v", name, i, j, got, w)
								}
							}
						}
					}
				}
			}
		})
	}
}

func TestSgemmBiasShortBiasPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("SgemmBias with a short bias did not panic")
		}
	}()
	SgemmBias(false, true, 2, 3, 1, 1, make([]float32, 2), 1, make([]float32, 3), 1, make([]float32, 2), make([]float32, 6), 3)
}
