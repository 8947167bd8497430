package kernels

import (
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestBLAS checks BLAS against gonum's own implementation through the
// blas.Float32 interface, for all transpose flags.
func TestBLAS(t *testing.T) {
	var impl, ref blas.Float32 = BLAS{}, gonum.Implementation{}
	m, n, k := 5, 7, 3
	a := make([]float32, 7*7)
	b := make([]float32, 7*7)
	for i := range a {
		a[i], b[i] = float32(i%5)-2, float32(i%3)-1.5
	}
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans, blas.ConjTrans} {
		for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			lda, ldb := k, n
			if tA != blas.NoTrans {
				lda = m
			}
			if tB != blas.NoTrans {
				ldb = k
			}
			got, want := make([]float32, m*n), make([]float32, m*n)
			for i := range got {
				got[i], want[i] = float32(i), float32(i)
			}
			impl.Sgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, got, n)
			ref.Sgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, want, n)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("Sgemm(%c,%c): c[%d] = %v, want %v", tA, tB, i, got[i], want[i])
				}
			}
		}
		// Sgemv, with unit and non-unit strides.
		for _, inc := range []int{1, 2} {
			x, y1, y2 := make([]float32, 2*n), make([]float32, 2*n), make([]float32, 2*n)
			for i := range x {
				x[i], y1[i], y2[i] = float32(i%4)-1, float32(i), float32(i)
			}
			impl.Sgemv(tA, m, n, 1.5, a, n, x, inc, -1, y1, inc)
			ref.Sgemv(tA, m, n, 1.5, a, n, x, inc, -1, y2, inc)
			for i := range y1 {
				if y1[i] != y2[i] {
					t.Fatalf("Sgemv(%c, inc=%d): y[%d] = %v, want %v", tA, inc, i, y1[i], y2[i])
				}
			}
		}
	}
	// Routines BLAS does not override are gonum's.
	if got := impl.Sdot(3, []float32{1, 2, 3}, 1, []float32{4, 5, 6}, 1); got != 32 {
		t.Errorf("Sdot = %v, want 32", got)
	}
}
