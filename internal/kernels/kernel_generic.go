package kernels

import "unsafe"

// Register tile of the portable micro-kernel: 4×4 = 16 scalar accumulators
// fit the 16 floating-point registers of amd64 (and half of arm64's).
const genMR, genNR = 4, 4

// sgemmKernelGeneric is the portable kernelFunc (see kernelFunc for the
// contract). The caller guarantees the pointers cover the panel and tile.
func sgemmKernelGeneric(k int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	if k > 0 {
		bs := bstride / 4
		ap := unsafe.Slice(a, k*genMR)
		bp := unsafe.Slice(b, (k-1)*bs+genNR)
		for p := 0; p < k; p++ {
			av := ap[p*genMR : p*genMR+4 : p*genMR+4]
			bv := bp[p*bs : p*bs+4 : p*bs+4]
			a0, a1, a2, a3 := av[0], av[1], av[2], av[3]
			b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
			c00 += a0 * b0
			c01 += a0 * b1
			c02 += a0 * b2
			c03 += a0 * b3
			c10 += a1 * b0
			c11 += a1 * b1
			c12 += a1 * b2
			c13 += a1 * b3
			c20 += a2 * b0
			c21 += a2 * b1
			c22 += a2 * b2
			c23 += a2 * b3
			c30 += a3 * b0
			c31 += a3 * b1
			c32 += a3 * b2
			c33 += a3 * b3
		}
	}
	ls := ldc / 4
	cs := unsafe.Slice(c, 3*ls+genNR)
	acc := [genMR][genNR]float32{
		{c00, c01, c02, c03},
		{c10, c11, c12, c13},
		{c20, c21, c22, c23},
		{c30, c31, c32, c33},
	}
	for i := range acc {
		row := cs[i*ls : i*ls+genNR : i*ls+genNR]
		for j, v := range acc[i] {
			if beta == 0 {
				row[j] = alpha * v
			} else {
				row[j] = alpha*v + beta*row[j]
			}
		}
	}
}
