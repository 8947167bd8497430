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

func sigmoid(dst, src []float32) { kernels.Sigmoid(dst, src) }
func tanh(dst, src []float32)    { kernels.Tanh(dst, src) }

// gorgonia's own ops (matrix products, the im2col convolution) go through
// the BLAS it is given: give it recur's kernels instead of gonum's.
func init() { G.Use(kernels.BLAS{}) }
