package kernels

import "fmt"

// Dot returns Σ x[i]*y[i]. x and y must have the same length.
func Dot(x, y []float32) float32 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("kernels: Dot: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	return dot(current().vec, x, y)
}

// Axpy computes y += alpha*x. x and y must have the same length.
func Axpy(alpha float32, x, y []float32) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("kernels: Axpy: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	if alpha == 0 {
		return
	}
	axpy(current().vec, alpha, x, y)
}

// Sum returns Σ x[i] in float32, reading x once (no second operand, so a
// pass over a large array streams only that array).
func Sum(x []float32) float32 {
	if len(x) == 0 {
		return 0
	}
	if a := current(); a.v512 {
		return sumAVX512(len(x), &x[0])
	}
	return rowSum(current().vec, x)
}

// dot assumes len(y) >= len(x).
func dot(vec bool, x, y []float32) float32 {
	if len(x) == 0 {
		return 0
	}
	if vec {
		_ = y[len(x)-1]
		if bestArch.v512 {
			return dotAVX512(len(x), &x[0], &y[0])
		}
		return dotAVX2(len(x), &x[0], &y[0])
	}
	// Four partial sums break the add dependency chain, as the vector code
	// does with its four accumulators.
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy assumes len(y) >= len(x).
func axpy(vec bool, alpha float32, x, y []float32) {
	if len(x) == 0 {
		return
	}
	if vec {
		_ = y[len(x)-1]
		axpyAVX2(len(x), alpha, &x[0], &y[0])
		return
	}
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}
