package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// lnRef is LayerNorm of one row and its backward pass in float64, written
// from the formulas: y = (x−μ)/√(σ²+ε)·w + b, and the gradients of
// L = Σ dy·y by the chain rule through μ and σ².
func lnRef(x, w, b, dy []float64, eps float64) (y, dx, dw, db []float64) {
	n := float64(len(x))
	var mu, v float64
	for _, e := range x {
		mu += e
	}
	mu /= n
	for _, e := range x {
		v += (e - mu) * (e - mu)
	}
	v /= n
	r := 1 / math.Sqrt(v+eps)
	y, dx, dw, db = make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
	var sg, sgx float64
	for i, e := range x {
		h := (e - mu) * r
		y[i] = h*w[i] + b[i]
		dw[i], db[i] = dy[i]*h, dy[i]
		sg += dy[i] * w[i]
		sgx += dy[i] * w[i] * h
	}
	for i, e := range x {
		h := (e - mu) * r
		dx[i] = r * (dy[i]*w[i] - sg/n - h*sgx/n)
	}
	return y, dx, dw, db
}

// Against the float64 reference at odd widths (the 8-lane tails), at
// unaligned starts, with an offset mean (the two-pass variance), with and
// without the bias and the vector code.
func TestLayerNormRowMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, mode := range modes[:2] {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, n := range []int{1, 2, 7, 8, 9, 15, 16, 17, 33, 128, 383, 768} {
				for _, off := range []int{0, 1, 3} {
					for _, bias := range []bool{true, false} {
						mk := func(shift float64) ([]float32, []float64) {
							s := make([]float32, n+off)[off:]
							d := make([]float64, n)
							for i := range s {
								s[i] = float32(rng.NormFloat64() + shift)
								d[i] = float64(s[i])
							}
							return s, d
						}
						x, x64 := mk(20)
						w, w64 := mk(1)
						b, b64 := mk(0)
						dy, dy64 := mk(0)
						if !bias {
							b = nil
							b64 = make([]float64, n)
						}
						const eps = 1e-5
						y, xhat := make([]float32, n), make([]float32, n)
						r := LayerNormRow(y, xhat, x, w, b, eps)
						dx, dw := make([]float32, n), make([]float32, n)
						var db []float32
						if bias {
							db = make([]float32, n)
						}
						LayerNormRowBackward(dx, dy, xhat, w, r, dw, db)
						wy, wdx, wdw, wdb := lnRef(x64, w64, b64, dy64, eps)
						near := func(what string, got []float32, want []float64, tol float64) {
							for i := range want {
								if math.Abs(float64(got[i])-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
									t.Fatalf("n=%d off=%d bias=%v: %s[%d] = %v, want %v", n, off, bias, what, i, got[i], want[i])
								}
							}
						}
						if n == 1 { // x − μ is 0: y = b, dx = 0
							tolOne := 1e-6
							near("y", y, wy, tolOne)
							continue
						}
						near("y", y, wy, 2e-4)
						near("dx", dx, wdx, 2e-3)
						near("dw", dw, wdw, 2e-4)
						if bias {
							near("db", db, wdb, 1e-6)
						}
						// In place (y = x, no xhat) gives the same y.
						xc := append([]float32(nil), x...)
						LayerNormRow(xc, nil, xc, w, b, eps)
						for i := range xc {
							if xc[i] != y[i] {
								t.Fatalf("n=%d: in place %v at %d, want %v", n, xc[i], i, y[i])
							}
						}
					}
				}
			}
		})
	}
}
