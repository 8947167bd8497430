package nn

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

var impl gonum.Implementation

func tr(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// gemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, with
// op(A) m×k and op(B) k×n; it is the one place nn reaches the matrix kernels.
func gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	impl.Sgemm(tr(transA), tr(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemv computes y = alpha·op(A)·x + beta·y for row-major A [m, n].
func gemv(transA bool, m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	impl.Sgemv(tr(transA), m, n, alpha, a, lda, x, 1, beta, y, 1)
}

// addRowVec adds v to every row of the rows×len(v) matrix m.
func addRowVec(m []float32, rows int, v []float32) {
	n := len(v)
	for r := 0; r < rows; r++ {
		row := m[r*n : (r+1)*n]
		for j, x := range v {
			row[j] += x
		}
	}
}

// colSum adds the column sums of the rows×len(dst) matrix m into dst.
func colSum(dst []float32, m []float32, rows int) {
	n := len(dst)
	for r := 0; r < rows; r++ {
		row := m[r*n : (r+1)*n]
		for j, x := range row {
			dst[j] += x
		}
	}
}

func sigmoid(dst, src []float32) {
	for i, x := range src {
		dst[i] = float32(1 / (1 + math.Exp(-float64(x))))
	}
}
func tanh(dst, src []float32) {
	for i, x := range src {
		dst[i] = float32(math.Tanh(float64(x)))
	}
}
