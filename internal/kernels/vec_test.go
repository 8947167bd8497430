package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestDotAxpy(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, n := range []int{0, 1, 3, 7, 8, 17, 31, 32, 33, 100, 1000} {
				_, x := randMatrix(rng, 1, n, n) // offset 1: unaligned
				_, y := randMatrix(rng, 1, n, n)
				var want, scale float64
				for i := range x {
					want += float64(x[i]) * float64(y[i])
					scale += math.Abs(float64(x[i]) * float64(y[i]))
				}
				tol := float64(n+1) * scale / (1 << 23)
				if got := Dot(x, y); math.Abs(float64(got)-want) > tol {
					t.Errorf("Dot n=%d = %v, want %v", n, got, want)
				}
				for _, alpha := range []float32{0, 1, -2.5} {
					yw := append([]float32(nil), y...)
					ow, yc := randMatrix(rng, 1, n, n)
					copy(yc, y)
					Axpy(alpha, x, yc)
					for i := range yc {
						w := float64(yw[i]) + float64(alpha)*float64(x[i])
						if math.Abs(float64(yc[i])-w) > 2e-7*(math.Abs(w)+math.Abs(float64(yw[i]))) {
							t.Errorf("Axpy n=%d alpha=%v: y[%d] = %v, want %v", n, alpha, i, yc[i], w)
							break
						}
					}
					if ow[0] != 1e30 || ow[len(ow)-1] != 1e30 {
						t.Errorf("Axpy n=%d wrote outside y", n)
					}
				}
			}
		})
	}
}

func TestDotLengthMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("Dot with mismatched lengths did not panic")
		}
	}()
	Dot(make([]float32, 3), make([]float32, 4))
}

func BenchmarkDot(b *testing.B) {
	x, y := make([]float32, 4096), make([]float32, 4096)
	for i := 0; i < b.N; i++ {
		Dot(x, y)
	}
	b.ReportMetric(2*4096*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
