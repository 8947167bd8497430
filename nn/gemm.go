package nn

import (
	G "gorgonia.org/gorgonia"

	"github.com/recur-dev/recur/internal/kernels"
)

// gemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, with
// op(A) m×k and op(B) k×n; it is the one place nn reaches the matrix kernels.
func gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	kernels.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemv computes y = alpha·op(A)·x + beta·y for row-major A [m, n].
func gemv(transA bool, m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	kernels.Sgemv(transA, m, n, alpha, a, lda, x, beta, y)
}

// addRowVec adds v to every row of the rows×len(v) matrix m.
func addRowVec(m []float32, rows int, v []float32) {
	for r := 0; r < rows; r++ {
		kernels.Axpy(1, v, m[r*len(v):(r+1)*len(v)])
	}
}

// colSum adds the column sums of the rows×len(dst) matrix m into dst.
func colSum(dst []float32, m []float32, rows int) {
	for r := 0; r < rows; r++ {
		kernels.Axpy(1, m[r*len(dst):(r+1)*len(dst)], dst)
	}
}

// matmulT adds x·Wᵀ into out: x [rows, in], W [cols, in], out [rows, cols].
// One row is a matrix-vector product, which the kernels do faster than a
// one-row GEMM.
func matmulT(rows, cols, in int, x, w, out []float32) {
	if rows == 1 {
		gemv(false, cols, in, 1, w, in, x, 1, out)
		return
	}
	gemm(false, true, rows, cols, in, 1, x, in, w, in, 1, out, cols)
}

// grow returns s resized to n elements, reallocating only when its
// capacity is short: the kernels' buffers are reused across runs.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// copyOrZero copies src into dst, or zeroes dst when src is nil (an
// initial state that was not given).
func copyOrZero(dst, src []float32) {
	if src == nil {
		clear(dst)
		return
	}
	copy(dst, src)
}

func sigmoid(dst, src []float32) { kernels.Sigmoid(dst, src) }
func tanh(dst, src []float32)    { kernels.Tanh(dst, src) }

// gorgonia's own ops (matrix products) go through the BLAS it is given:
// give it recur's kernels instead of gonum's.
func init() { G.Use(kernels.BLAS{}) }
