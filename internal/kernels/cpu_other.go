//go:build !amd64 || purego

package kernels

// Without amd64 assembly every entry point runs the portable Go code; the
// stubs below are never called (arch.vec is false, the kernel is generic).
func detectArch() *arch {
	return &arch{name: "generic", mr: genMR, nr: genNR, kernel: sgemmKernelGeneric}
}

func dotAVX2(n int, x, y *float32) float32                            { panic("kernels: no assembly") }
func axpyAVX2(n int, alpha float32, x, y *float32)                    { panic("kernels: no assembly") }
func dot4AVX2(n int, a *float32, lda int, x *float32, out *float32)   { panic("kernels: no assembly") }
func axpy4AVX2(n int, s *float32, a *float32, lda int, y *float32)    { panic("kernels: no assembly") }
func sigmoidAVX2(n int, dst, src *float32)                            { panic("kernels: no assembly") }
func tanhAVX2(n int, dst, src *float32)                               { panic("kernels: no assembly") }
func expShiftSumAVX2(n int, dst, src *float32, shift float32) float32 { panic("kernels: no assembly") }
func maxAVX2(n int, x *float32) float32                               { panic("kernels: no assembly") }
func scalAVX2(n int, alpha float32, x, y *float32)                    { panic("kernels: no assembly") }
func adamAVX2(n int, p, grad, m, v *float32, c *[8]float32)           { panic("kernels: no assembly") }
func reluMaxPoolAVX2(n int, top, bot, out *float32, arg *int32, base, w int32) {
	panic("kernels: no assembly")
}
func addScalarAVX2(n int, c float32, x, y *float32) { panic("kernels: no assembly") }
func packA8AVX2(kb int, src *float32, lda int, dst *float32, stride int) {
	panic("kernels: no assembly")
}
func packAT8AVX2(kc int, src *float32, lda int, dst *float32, panels, pstride int) {
	panic("kernels: no assembly")
}

func sumAVX512(n int, x *float32) float32                             { panic("kernels: no assembly") }
func dotAVX512(n int, x, y *float32) float32                          { panic("kernels: no assembly") }
func dot4AVX512(n int, a *float32, lda int, x *float32, out *float32) { panic("kernels: no assembly") }
