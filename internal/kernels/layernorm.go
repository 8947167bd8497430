package kernels

import (
	"fmt"
	"math"
)

// LayerNorm of one row, forward and backward, as a few vector passes over
// a row that sits in L1 (a model width is a few KiB): two for the mean and
// the variance (two passes, so a large mean does not cancel the variance
// away), one for the output; in backward one for the two sums and the
// weight gradients, one for the input gradient. Sums are accumulated in
// float32 lanes: over a row of a few thousand values the relative error
// stays near 1e-6.

// LayerNormRow sets xhat = (x − μ)·r and y = xhat·w + b, with μ and σ² the
// mean and biased variance of x and r = 1/√(σ² + eps), and returns r. b
// may be nil (no bias); xhat may be nil (not kept) or y; y may be x. All
// non-nil slices must have len(x) values.
func LayerNormRow(y, xhat, x, w, b []float32, eps float32) float32 {
	n := len(x)
	if len(y) != n || len(w) != n || (b != nil && len(b) != n) || (xhat != nil && len(xhat) != n) {
		panic(fmt.Sprintf("kernels: LayerNormRow: lengths y=%d xhat=%d x=%d w=%d b=%d differ", len(y), len(xhat), n, len(w), len(b)))
	}
	if n == 0 {
		return 0
	}
	if xhat == nil {
		xhat = y // stored first, then overwritten by y
	}
	vec := current().vec
	mu := rowSum(vec, x) / float32(n)
	r := float32(1 / math.Sqrt(float64(rowSqDev(vec, x, mu)/float32(n))+float64(eps)))
	v := 0
	if vec {
		v = n &^ 7
		if v > 0 {
			c := [2]float32{mu, r}
			var bp *float32
			if b != nil {
				bp = &b[0]
			}
			lnApplyAVX2(v, &y[0], &xhat[0], &x[0], &w[0], bp, &c)
		}
	}
	for i := v; i < n; i++ {
		h := (x[i] - mu) * r
		xhat[i] = h
		if b != nil {
			y[i] = h*w[i] + b[i]
		} else {
			y[i] = h * w[i]
		}
	}
	return r
}

// LayerNormRowBackward is LayerNormRow's backward pass for one row, from
// the forward's xhat and r and the output gradient dy. With g = dy·w:
//
//	dx = r·(g − mean(g) − xhat·mean(g·xhat)),  dw += dy·xhat,  db += dy
//
// db may be nil (no bias). dx may be dy. All slices must have len(dy)
// values.
func LayerNormRowBackward(dx, dy, xhat, w []float32, r float32, dw, db []float32) {
	n := len(dy)
	if len(dx) != n || len(xhat) != n || len(w) != n || len(dw) != n || (db != nil && len(db) != n) {
		panic(fmt.Sprintf("kernels: LayerNormRowBackward: lengths dx=%d dy=%d xhat=%d w=%d dw=%d db=%d differ",
			len(dx), n, len(xhat), len(w), len(dw), len(db)))
	}
	if n == 0 {
		return
	}
	v := 0
	var sg, sgx float32
	if current().vec {
		v = n &^ 7
		if v > 0 {
			var out [2]float32
			var dbp *float32
			if db != nil {
				dbp = &db[0]
			}
			lnGradSumsAVX2(v, &dy[0], &xhat[0], &w[0], &dw[0], dbp, &out)
			sg, sgx = out[0], out[1]
		}
	}
	for i := v; i < n; i++ {
		g := dy[i] * w[i]
		sg += g
		sgx += g * xhat[i]
		dw[i] += dy[i] * xhat[i]
		if db != nil {
			db[i] += dy[i]
		}
	}
	a, b := sg/float32(n), sgx/float32(n)
	ra, rb := r*a, r*b
	if v > 0 {
		c := [3]float32{r, ra, rb}
		lnGradApplyAVX2(v, &dx[0], &dy[0], &xhat[0], &w[0], &c)
	}
	for i := v; i < n; i++ {
		dx[i] = r*dy[i]*w[i] - ra - rb*xhat[i]
	}
}

// rowSum is Σ x.
func rowSum(vec bool, x []float32) float32 {
	v := 0
	var s float32
	if vec {
		v = len(x) &^ 7
		if v > 0 {
			s = sumAVX2(v, &x[0])
		}
	}
	for _, e := range x[v:] {
		s += e
	}
	return s
}

// rowSqDev is Σ (x − mu)².
func rowSqDev(vec bool, x []float32, mu float32) float32 {
	v := 0
	var s float32
	if vec {
		v = len(x) &^ 7
		if v > 0 {
			s = sqDevSumAVX2(v, &x[0], mu)
		}
	}
	for _, e := range x[v:] {
		d := e - mu
		s += d * d
	}
	return s
}
