package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestSgemv(t *testing.T) {
	shapes := []struct{ m, n int }{{1, 1}, {3, 17}, {17, 3}, {1000, 3}, {3, 1000}, {33, 65}, {8, 16}, {130, 257}, {600, 1000}}
	scalars := []float32{0, 1, 0.5, -2}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, s := range shapes {
				lda := s.n + 5
				_, a := randMatrix(rng, s.m, s.n, lda)
				for _, trans := range []bool{false, true} {
					lx, ly := s.n, s.m
					if trans {
						lx, ly = s.m, s.n
					}
					_, x := randMatrix(rng, 1, lx, lx)
					for _, alpha := range scalars {
						for _, beta := range scalars {
							name := fmt.Sprintf("%dx%d/trans=%v/alpha=%v/beta=%v", s.m, s.n, trans, alpha, beta)
							yw, y := randMatrix(rng, 1, ly, ly)
							if beta == 0 {
								for i := range y {
									y[i] = float32(math.NaN())
								}
							}
							// Reference: Sgemv is Sgemm with a one-column B
							// (x as a k×1 matrix) and a one-column C.
							var want, scale []float64
							if trans {
								want, scale = refGemm(true, false, s.n, 1, s.m, alpha, a, lda, x, 1, beta, y, 1)
							} else {
								want, scale = refGemm(false, false, s.m, 1, s.n, alpha, a, lda, x, 1, beta, y, 1)
							}
							Sgemv(trans, s.m, s.n, alpha, a, lda, x, beta, y)
							checkResult(t, name, ly, 1, lx, yw, y, 1, want, scale)
						}
					}
				}
			}
		})
	}
}

func TestSgemvPanics(t *testing.T) {
	a := make([]float32, 6)
	for name, f := range map[string]func(){
		"negative n": func() { Sgemv(false, 2, -3, 1, a, 3, a, 0, a) },
		"short x":    func() { Sgemv(false, 2, 3, 1, a, 3, a[:2], 0, a) },
		"short y":    func() { Sgemv(true, 2, 3, 1, a, 3, a, 0, a[:2]) },
		"small lda":  func() { Sgemv(false, 2, 3, 1, a, 2, a, 0, a) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			f()
		})
	}
}

func BenchmarkSgemv(b *testing.B) {
	for _, s := range []struct {
		m, n  int
		trans bool
	}{{4096, 1024, false}, {2048, 512, false}, {4096, 1024, true}, {2048, 512, true}} {
		b.Run(fmt.Sprintf("%dx%d/trans=%v", s.m, s.n, s.trans), func(b *testing.B) {
			a := make([]float32, s.m*s.n)
			for i := range a {
				a[i] = float32(i%7) - 3
			}
			x := make([]float32, max(s.m, s.n))
			y := make([]float32, max(s.m, s.n))
			for i := 0; i < b.N; i++ {
				Sgemv(s.trans, s.m, s.n, 1, a, s.n, x, 0, y)
			}
			b.ReportMetric(2*float64(s.m*s.n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
