package kernels

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// BLAS is a gonum blas.Float32/Float64/Complex64/Complex128 implementation
// whose Sgemm and Sgemv run on this package's kernels; every other routine is
// gonum's pure-Go one. Like gonum's, it is row-major. gorgonia.Use(BLAS{})
// routes gorgonia's float32 matmul and convolutions through it.
type BLAS struct{ gonum.Implementation }

var (
	_ blas.Float32    = BLAS{}
	_ blas.Float64    = BLAS{}
	_ blas.Complex64  = BLAS{}
	_ blas.Complex128 = BLAS{}
)

// isTrans maps a blas.Transpose to "op(X) = Xᵀ" (ConjTrans is Trans for
// real matrices), panicking with gonum's message on an invalid value.
func isTrans(t blas.Transpose) bool {
	switch t {
	case blas.NoTrans:
		return false
	case blas.Trans, blas.ConjTrans:
		return true
	}
	panic("blas: illegal transpose")
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C with Sgemm.
func (BLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	Sgemm(isTrans(tA), isTrans(tB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Sgemv computes y = alpha*op(A)*x + beta*y. Unit strides use Sgemv; other
// strides (rare in gorgonia) fall back to gonum.
func (impl BLAS) Sgemv(tA blas.Transpose, m, n int, alpha float32, a []float32, lda int, x []float32, incX int, beta float32, y []float32, incY int) {
	if incX != 1 || incY != 1 {
		impl.Implementation.Sgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	tr := isTrans(tA)
	lx, ly := n, m
	if tr {
		lx, ly = m, n
	}
	// gonum accepts x and y longer than needed; Sgemv does too.
	if len(x) < lx || len(y) < ly {
		impl.Implementation.Sgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY) // panics with gonum's message
		return
	}
	Sgemv(tr, m, n, alpha, a, lda, x, beta, y)
}
