//go:build amd64 && !purego

package kernels

import "golang.org/x/sys/cpu"

// detectArch picks the widest micro-kernel the CPU and OS support.
// x/sys/cpu already checks that the OS saves the zmm/ymm state (XCR0).
func detectArch() *arch {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return &arch{name: "avx512", mr: 8, nr: 32, kernel: sgemmKernelAVX512, packBT: packBTransAVX512, kernelNT: sgemmKernelNT32x8, vec: true, v512: true}
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return &arch{name: "avx2+fma", mr: 6, nr: 16, kernel: sgemmKernelAVX2, vec: true}
	}
	return &arch{name: "generic", mr: genMR, nr: genNR, kernel: sgemmKernelGeneric}
}

//go:noescape
func sgemmKernelAVX512(k int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmKernelAVX2(k int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func packBTransAVX512(kc int, src *float32, ldb int, dst *float32)

//go:noescape
func dotAVX2(n int, x, y *float32) float32

//go:noescape
func axpyAVX2(n int, alpha float32, x, y *float32)

//go:noescape
func dot4AVX2(n int, a *float32, lda int, x *float32, out *float32)

//go:noescape
func axpy4AVX2(n int, s *float32, a *float32, lda int, y *float32)

//go:noescape
func sigmoidAVX2(n int, dst, src *float32)

//go:noescape
func tanhAVX2(n int, dst, src *float32)

//go:noescape
func sgemmKernelNT32x8(k int, at, b *float32, ldb int, out *float32)

//go:noescape
func expShiftSumAVX2(n int, dst, src *float32, shift float32) float32

//go:noescape
func maxAVX2(n int, x *float32) float32

//go:noescape
func scalAVX2(n int, alpha float32, x, y *float32)

//go:noescape
func adamAVX2(n int, p, grad, m, v *float32, c *[8]float32)

//go:noescape
func reluMaxPoolAVX2(n int, top, bot, out *float32, arg *int32, base, w int32)

//go:noescape
func addScalarAVX2(n int, c float32, x, y *float32)

//go:noescape
func packA8AVX2(kb int, src *float32, lda int, dst *float32, stride int)

//go:noescape
func packAT8AVX2(kc int, src *float32, lda int, dst *float32, panels, pstride int)

//go:noescape
func sumAVX512(n int, x *float32) float32

//go:noescape
func dotAVX512(n int, x, y *float32) float32

//go:noescape
func dot4AVX512(n int, a *float32, lda int, x *float32, out *float32)
