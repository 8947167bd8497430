package kernels

import (
	"fmt"
	"math"
)

// Softmax writes softmax(src) into dst and returns log Σ exp(src), the
// log-partition a cross-entropy needs. It subtracts the maximum first, so
// no exponent overflows; exp itself is the gate nonlinearities' polynomial
// (relative error below 2e-7), eight lanes at a time on AVX2. dst and src
// must have the same, non-zero length and may be the same slice.
func Softmax(dst, src []float32) float64 {
	checkSame("Softmax", dst, src)
	if len(src) == 0 {
		panic("kernels: Softmax of an empty row")
	}
	m := Max(src)
	s := expShiftSum(dst, src, m)
	Scal(1/s, dst)
	return float64(m) + math.Log(float64(s))
}

// LogSoftmax writes log softmax(src) into dst, dst_i = src_i − log Σ_j
// exp(src_j), when every value is finite or −Inf, and reports whether it
// could: with a NaN or +Inf present it returns false (callers keep their
// own rules for those). dst and src must have the same, non-zero length.
func LogSoftmax(dst, src []float32) bool {
	checkSame("LogSoftmax", dst, src)
	m := Max(src)
	if math.IsInf(float64(m), 0) || m != m {
		return false
	}
	// exp(src − m) goes through dst; a NaN anywhere makes the sum +Inf
	// (the exponential clamps NaN to its upper bound).
	s := expShiftSum(dst, src, m)
	if math.IsInf(float64(s), 0) || !(s > 0) {
		return false
	}
	// (src − m) − log s, in two steps: m + log s rounded to float32 would
	// lose the low bits of every result when the logits are large (1000:
	// steps of 6e-5).
	addScalar(-m, src, dst)
	addScalar(-float32(math.Log(float64(s))), dst, dst)
	return true
}

// addScalar sets y[i] = x[i] + c.
func addScalar(c float32, x, y []float32) {
	n := 0
	if current().vec {
		n = len(x) &^ 7
		if n > 0 {
			addScalarAVX2(n, c, &x[0], &y[0])
		}
	}
	for i := n; i < len(x); i++ {
		y[i] = x[i] + c
	}
}

// expShiftSum sets dst[i] = exp(src[i] − shift) and returns their sum.
func expShiftSum(dst, src []float32, shift float32) float32 {
	if !current().vec {
		var s float32
		for i, x := range src {
			dst[i] = expClamped(x - shift)
			s += dst[i]
		}
		return s
	}
	var s float32
	n := len(src) &^ 7
	if n > 0 {
		s = expShiftSumAVX2(n, &dst[0], &src[0], shift)
	}
	if n < len(src) {
		// The tail goes through a block padded with values whose exponent
		// clamps to exactly 0, so it adds nothing to the sum.
		var tmp [8]float32
		for i := range tmp {
			tmp[i] = shift - 1000
		}
		copy(tmp[:], src[n:])
		s += expShiftSumAVX2(8, &tmp[0], &tmp[0], shift)
		copy(dst[n:], tmp[:])
	}
	return s
}

// Max returns the largest value of x, which must not be empty.
func Max(x []float32) float32 {
	if len(x) == 0 {
		panic("kernels: Max of an empty slice")
	}
	m := x[0]
	n := 0
	if current().vec && len(x) >= 8 {
		n = len(x) &^ 7
		m = maxAVX2(n, &x[0])
	}
	for _, v := range x[n:] {
		if v > m {
			m = v
		}
	}
	return m
}

// Scal computes x *= alpha.
func Scal(alpha float32, x []float32) { ScaleTo(x, x, alpha) }

// ScaleTo sets dst[i] = alpha*src[i]; dst and src must have the same length
// and may be the same slice.
func ScaleTo(dst, src []float32, alpha float32) {
	checkSame("ScaleTo", dst, src)
	n := 0
	if current().vec {
		n = len(src) &^ 7
		if n > 0 {
			scalAVX2(n, alpha, &src[0], &dst[0])
		}
	}
	for i := n; i < len(src); i++ {
		dst[i] = alpha * src[i]
	}
}

// AdamCoeffs are one Adam step's scalars.
type AdamCoeffs struct {
	Scale        float32 // gradient scale (global-norm clipping)
	Beta1, Beta2 float32
	StepSize     float32 // lr / (1 − β₁ᵗ)
	InvSqrtC2    float32 // 1 / √(1 − β₂ᵗ)
	Eps          float32
}

// AdamStep applies one Adam update in place, element by element:
//
//	ĝ = scale·g,  m ← β₁m + (1−β₁)ĝ,  v ← β₂v + (1−β₂)ĝ²,
//	p ← p − step · m / (√v/√(1−β₂ᵗ) + ε)
//
// One pass over four arrays: the update is memory-bound, so it is done
// where each value is loaded once.
func AdamStep(p, g, m, v []float32, c AdamCoeffs) {
	if len(g) != len(p) || len(m) != len(p) || len(v) != len(p) {
		panic(fmt.Sprintf("kernels: AdamStep: lengths p %d, g %d, m %d, v %d differ", len(p), len(g), len(m), len(v)))
	}
	n := 0
	if current().vec {
		n = len(p) &^ 7
		if n > 0 {
			k := [8]float32{c.Scale, c.Beta1, 1 - c.Beta1, c.Beta2, 1 - c.Beta2, c.StepSize, c.InvSqrtC2, c.Eps}
			adamAVX2(n, &p[0], &g[0], &m[0], &v[0], &k)
		}
	}
	b1, b2 := c.Beta1, c.Beta2
	for j := n; j < len(p); j++ {
		gj := g[j] * c.Scale
		m[j] = b1*m[j] + (1-b1)*gj
		v[j] = b2*v[j] + (1-b2)*gj*gj
		p[j] -= c.StepSize * m[j] / (float32(math.Sqrt(float64(v[j])))*c.InvSqrtC2 + c.Eps)
	}
}
