package kernels

import (
	"fmt"
	"math"
)

// Sigmoid sets dst[i] = 1/(1+exp(-src[i])). dst and src must have the same
// length and may be the same slice. Absolute error is below 1e-6; ±Inf and
// large |x| saturate to exactly 0 or 1 without producing NaN.
func Sigmoid(dst, src []float32) {
	checkSame("Sigmoid", dst, src)
	if current().vec {
		vectorised(sigmoidKind, dst, src)
		return
	}
	for i, x := range src {
		dst[i] = 1 / (1 + expClamped(-x))
	}
}

// Tanh sets dst[i] = tanh(src[i]) = 1 - 2/(1+exp(2x)), with absolute error
// below 1e-6 and exact ±1 saturation. dst and src may be the same slice.
func Tanh(dst, src []float32) {
	checkSame("Tanh", dst, src)
	if current().vec {
		vectorised(tanhKind, dst, src)
		return
	}
	for i, x := range src {
		dst[i] = 1 - 2/(1+expClamped(2*x))
	}
}

func checkSame(fn string, dst, src []float32) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("kernels: %s: len(dst)=%d != len(src)=%d", fn, len(dst), len(src)))
	}
}

// The 8-wide assembly activations, named rather than passed as func values:
// a func value would make the tail's scratch block escape to the heap (one
// allocation per call), where a direct call to a //go:noescape function
// keeps it on the stack.
const (
	sigmoidKind = iota
	tanhKind
)

func activation8(kind, n int, dst, src *float32) {
	if kind == sigmoidKind {
		sigmoidAVX2(n, dst, src)
	} else {
		tanhAVX2(n, dst, src)
	}
}

// vectorised runs an 8-wide assembly kernel over src, passing the last
// len%8 values through a small scratch block so every element gets exactly
// the same arithmetic.
func vectorised(kind int, dst, src []float32) {
	n := len(src) &^ 7
	if n > 0 {
		activation8(kind, n, &dst[0], &src[0])
	}
	if n < len(src) {
		var tmp [8]float32
		copy(tmp[:], src[n:])
		activation8(kind, 8, &tmp[0], &tmp[0])
		copy(dst[n:], tmp[:])
	}
}

// Constants of expClamped, matching the table in act_amd64.s.
const (
	expMax = 89 // upper clamp: n = 128 makes 2^n (and so exp) +Inf
	expMin = -88
	log2e  = 1.44269504088896341
	ln2Hi  = 0.693359375    // ln 2 rounded to 10 significant bits: n*ln2Hi is exact
	ln2Lo  = -2.12194440e-4 // ln 2 - ln2Hi
)

// expClamped is the scalar twin of the EXPY assembly macro: exp(t) for t
// clamped to [-88, 89] (+Inf above about 88.4, so 1/(1+exp) saturates to
// exactly 0), via t = n*ln2 + r, |r| <= ln2/2, e^r by its degree-6
// Taylor polynomial (relative truncation error < 1.2e-7) and 2^n assembled
// from its exponent bits. exp(-88) comes out as 0, far below what sigmoid or
// tanh can resolve.
func expClamped(t float32) float32 {
	if t != t {
		t = expMax // NaN: match VMINPS, which returns its second operand
	}
	t = min(max(t, expMin), expMax)
	n := float32(math.RoundToEven(float64(t * log2e)))
	r := t - n*ln2Hi
	r -= n * ln2Lo
	p := float32(1.0 / 720)
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}
