package kernels

import (
	"math"
	"testing"
)

// geluRef is the tanh-approximated GELU and its derivative in float64.
func geluRef(x float64) (y, dydx float64) {
	t := math.Tanh(geluK * (x + geluA*x*x*x))
	return 0.5 * x * (1 + t), 0.5*(1+t) + 0.5*x*(1-t*t)*geluK*(1+3*geluA*x*x)
}

// GELU and GELUBackward against float64 on a sweep, for every length from
// 0 to 19 (the 8-lane tail) and at every start offset 0..3 of a larger
// slice (unaligned starts), with and without the vector code.
func TestGELUMatchesReference(t *testing.T) {
	var xs []float32
	for x := -12.0; x <= 12; x += 0.0037 {
		xs = append(xs, float32(x))
	}
	xs = append(xs, 0, -30, 30, 1e-20, -1e-20)
	for _, mode := range modes[:2] {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			check := func(xs []float32) {
				n := len(xs)
				y, th, dy, dx := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
				GELU(y, th, xs)
				for i := range dy {
					dy[i] = float32(i%7) - 2.5
				}
				GELUBackward(dx, dy, xs, th)
				for i, x := range xs {
					wy, wd := geluRef(float64(x))
					wd *= float64(dy[i])
					if d := math.Abs(float64(y[i]) - wy); d > 2e-6*math.Max(1, math.Abs(wy)) {
						t.Fatalf("n=%d: gelu(%v) = %v, want %v", n, x, y[i], wy)
					}
					if d := math.Abs(float64(dx[i]) - wd); d > 1e-5*math.Max(1, math.Abs(wd)) {
						t.Fatalf("n=%d: dy·gelu'(%v) = %v, want %v", n, x, dx[i], wd)
					}
				}
				// Without t, and in place, the outputs are the same.
				y2 := append([]float32(nil), xs...)
				GELU(y2, nil, y2)
				for i := range y2 {
					if y2[i] != y[i] {
						t.Fatalf("n=%d: in place without t gives %v at %d, want %v", n, y2[i], i, y[i])
					}
				}
				// dx may be dy.
				GELUBackward(dy, dy, xs, th)
				for i := range dy {
					if dy[i] != dx[i] {
						t.Fatalf("n=%d: in-place backward %v at %d, want %v", n, dy[i], i, dx[i])
					}
				}
			}
			check(xs)
			for off := 0; off < 4; off++ {
				for n := 0; n < 20; n++ {
					check(xs[1000+off : 1000+off+n])
				}
			}
		})
	}
}

func TestGELUPanicsOnLengths(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("GELUBackward with mismatched lengths did not panic")
		}
	}()
	GELUBackward(make([]float32, 3), make([]float32, 3), make([]float32, 2), make([]float32, 3))
}

func BenchmarkGELU(b *testing.B) {
	x := make([]float32, 1<<16)
	for i := range x {
		x[i] = float32(i%200)/20 - 5
	}
	y, th := make([]float32, len(x)), make([]float32, len(x))
	b.SetBytes(int64(12 * len(x)))
	for i := 0; i < b.N; i++ {
		GELU(y, th, x)
	}
}
