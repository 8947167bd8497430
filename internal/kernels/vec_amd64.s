//go:build amd64 && !purego

#include "textflag.h"

// Level-1/2 helpers in AVX2+FMA (ymm). They are memory- or L1-bound, so the
// wider zmm registers would not buy much and ymm keeps them usable on every
// AVX2 machine. Each function handles any n: 32- or 16-wide unrolled bodies,
// then 8-wide steps, then a scalar tail.

// func dotAVX2(n int, x, y *float32) float32
TEXT ·dotAVX2(SB), NOSPLIT, $0-28
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	CMPQ CX, $32
	JLT dot_tail8
dot_loop32:
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMOVUPS 64(SI), Y6
	VMOVUPS 96(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	CMPQ CX, $32
	JGE dot_loop32
dot_tail8:
	CMPQ CX, $8
	JLT dot_reduce
	VMOVUPS (SI), Y4
	VFMADD231PS (DI), Y4, Y0
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP dot_tail8
dot_reduce:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	TESTQ CX, CX
	JZ dot_done
dot_loop1:
	VMOVSS (SI), X1
	VFMADD231SS (DI), X1, X0
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ CX
	JNZ dot_loop1
dot_done:
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func axpyAVX2(n int, alpha float32, x, y *float32)
TEXT ·axpyAVX2(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	VBROADCASTSS alpha+8(FP), Y0
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DI
	CMPQ CX, $32
	JLT axpy_tail8
axpy_loop32:
	VMOVUPS (DI), Y1
	VMOVUPS 32(DI), Y2
	VMOVUPS 64(DI), Y3
	VMOVUPS 96(DI), Y4
	VFMADD231PS (SI), Y0, Y1
	VFMADD231PS 32(SI), Y0, Y2
	VFMADD231PS 64(SI), Y0, Y3
	VFMADD231PS 96(SI), Y0, Y4
	VMOVUPS Y1, (DI)
	VMOVUPS Y2, 32(DI)
	VMOVUPS Y3, 64(DI)
	VMOVUPS Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	CMPQ CX, $32
	JGE axpy_loop32
axpy_tail8:
	CMPQ CX, $8
	JLT axpy_tail1
	VMOVUPS (DI), Y1
	VFMADD231PS (SI), Y0, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP axpy_tail8
axpy_tail1:
	TESTQ CX, CX
	JZ axpy_done
axpy_loop1:
	VMOVSS (DI), X1
	VFMADD231SS (SI), X0, X1
	VMOVSS X1, (DI)
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ CX
	JNZ axpy_loop1
axpy_done:
	VZEROUPPER
	RET

// func dot4AVX2(n int, a *float32, lda int, x *float32, out *float32)
// out[r] = sum_j a[r*lda+j]*x[j] for r = 0..3: four rows share each load of x.
TEXT ·dot4AVX2(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), AX
	SHLQ $2, AX
	MOVQ x+24(FP), DI
	LEAQ (SI)(AX*1), R8
	LEAQ (R8)(AX*1), R9
	LEAQ (R9)(AX*1), R10
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	CMPQ CX, $16
	JLT dot4_tail8
dot4_loop16:
	VMOVUPS (DI), Y8
	VMOVUPS 32(DI), Y9
	VFMADD231PS (SI), Y8, Y0
	VFMADD231PS 32(SI), Y9, Y4
	VFMADD231PS (R8), Y8, Y1
	VFMADD231PS 32(R8), Y9, Y5
	VFMADD231PS (R9), Y8, Y2
	VFMADD231PS 32(R9), Y9, Y6
	VFMADD231PS (R10), Y8, Y3
	VFMADD231PS 32(R10), Y9, Y7
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, R10
	ADDQ $64, DI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE dot4_loop16
dot4_tail8:
	CMPQ CX, $8
	JLT dot4_reduce
	VMOVUPS (DI), Y8
	VFMADD231PS (SI), Y8, Y0
	VFMADD231PS (R8), Y8, Y1
	VFMADD231PS (R9), Y8, Y2
	VFMADD231PS (R10), Y8, Y3
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, R10
	ADDQ $32, DI
	SUBQ $8, CX
dot4_reduce:
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y6, Y2, Y2
	VADDPS Y7, Y3, Y3
	// Horizontal sums: after two VHADDPS rounds lane 0 (and 4) of Y0 holds
	// the four partial sums of each 128-bit half.
	VHADDPS Y1, Y0, Y0
	VHADDPS Y3, Y2, Y2
	VHADDPS Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	// X0 = [s0, s1, s2, s3]; finish the scalar tail per row.
	TESTQ CX, CX
	JZ dot4_done
	VXORPS X4, X4, X4
	VXORPS X5, X5, X5
	VXORPS X6, X6, X6
	VXORPS X7, X7, X7
dot4_loop1:
	VMOVSS (DI), X8
	VFMADD231SS (SI), X8, X4
	VFMADD231SS (R8), X8, X5
	VFMADD231SS (R9), X8, X6
	VFMADD231SS (R10), X8, X7
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $4, R9
	ADDQ $4, R10
	ADDQ $4, DI
	DECQ CX
	JNZ dot4_loop1
	VINSERTPS $0x10, X5, X4, X4
	VINSERTPS $0x20, X6, X4, X4
	VINSERTPS $0x30, X7, X4, X4
	VADDPS X4, X0, X0
dot4_done:
	MOVQ out+32(FP), DX
	VMOVUPS X0, (DX)
	VZEROUPPER
	RET

// func axpy4AVX2(n int, s *float32, a *float32, lda int, y *float32)
// y[j] += s[0]*a[j] + s[1]*a[lda+j] + s[2]*a[2*lda+j] + s[3]*a[3*lda+j]:
// four rows of Aᵀx per pass over y.
TEXT ·axpy4AVX2(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ s+8(FP), DX
	VBROADCASTSS 0(DX), Y0
	VBROADCASTSS 4(DX), Y1
	VBROADCASTSS 8(DX), Y2
	VBROADCASTSS 12(DX), Y3
	MOVQ a+16(FP), SI
	MOVQ lda+24(FP), AX
	SHLQ $2, AX
	MOVQ y+32(FP), DI
	LEAQ (SI)(AX*1), R8
	LEAQ (R8)(AX*1), R9
	LEAQ (R9)(AX*1), R10
	CMPQ CX, $16
	JLT axpy4_tail8
axpy4_loop16:
	VMOVUPS (DI), Y4
	VMOVUPS 32(DI), Y5
	VFMADD231PS (SI), Y0, Y4
	VFMADD231PS 32(SI), Y0, Y5
	VFMADD231PS (R8), Y1, Y4
	VFMADD231PS 32(R8), Y1, Y5
	VFMADD231PS (R9), Y2, Y4
	VFMADD231PS 32(R9), Y2, Y5
	VFMADD231PS (R10), Y3, Y4
	VFMADD231PS 32(R10), Y3, Y5
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, R10
	ADDQ $64, DI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE axpy4_loop16
axpy4_tail8:
	CMPQ CX, $8
	JLT axpy4_tail1
	VMOVUPS (DI), Y4
	VFMADD231PS (SI), Y0, Y4
	VFMADD231PS (R8), Y1, Y4
	VFMADD231PS (R9), Y2, Y4
	VFMADD231PS (R10), Y3, Y4
	VMOVUPS Y4, (DI)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, R10
	ADDQ $32, DI
	SUBQ $8, CX
axpy4_tail1:
	TESTQ CX, CX
	JZ axpy4_done
axpy4_loop1:
	VMOVSS (DI), X4
	VFMADD231SS (SI), X0, X4
	VFMADD231SS (R8), X1, X4
	VFMADD231SS (R9), X2, X4
	VFMADD231SS (R10), X3, X4
	VMOVSS X4, (DI)
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $4, R9
	ADDQ $4, R10
	ADDQ $4, DI
	DECQ CX
	JNZ axpy4_loop1
axpy4_done:
	VZEROUPPER
	RET

// func maxAVX2(n int, x *float32) float32
// n must be a positive multiple of 8. Returns max x[i] (NaNs are skipped
// unless every value is NaN, as VMAXPS keeps its second operand).
TEXT ·maxAVX2(SB), NOSPLIT, $0-20
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	VMOVUPS (SI), Y0
	ADDQ $32, SI
	SHRQ $3, CX
	DECQ CX
	JZ max_reduce
max_loop:
	VMAXPS (SI), Y0, Y0
	ADDQ $32, SI
	DECQ CX
	JNZ max_loop
max_reduce:
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VMOVHLPS X0, X1, X1
	VMAXPS X1, X0, X0
	VMOVSHDUP X0, X1
	VMAXSS X1, X0, X0
	VMOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// func scalAVX2(n int, alpha float32, x, y *float32)
// n must be a multiple of 8. y[i] = alpha*x[i] (x and y may be the same).
TEXT ·scalAVX2(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	VBROADCASTSS alpha+8(FP), Y0
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DI
	SHRQ $3, CX
	JZ scal_done
scal_loop:
	VMULPS (SI), Y0, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ scal_loop
scal_done:
	VZEROUPPER
	RET

// func adamAVX2(n int, p, grad, m, v *float32, c *[8]float32)
// n must be a multiple of 8. With c = {scale, β₁, 1−β₁, β₂, 1−β₂,
// step size, 1/√(1−β₂ᵗ), ε} and ĝ = scale·g:
//   m = β₁m + (1−β₁)ĝ;  v = β₂v + (1−β₂)ĝ²;  p −= step·m / (√v/√(1−β₂ᵗ) + ε)
TEXT ·adamAVX2(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ p+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ m+24(FP), R8
	MOVQ v+32(FP), R9
	MOVQ c+40(FP), AX
	VBROADCASTSS 0(AX), Y8
	VBROADCASTSS 4(AX), Y9
	VBROADCASTSS 8(AX), Y10
	VBROADCASTSS 12(AX), Y11
	VBROADCASTSS 16(AX), Y12
	VBROADCASTSS 20(AX), Y13
	VBROADCASTSS 24(AX), Y14
	VBROADCASTSS 28(AX), Y15
	SHRQ $3, CX
	JZ adam_done
adam_loop:
	VMULPS (SI), Y8, Y0
	VMULPS (R8), Y9, Y1
	VFMADD231PS Y0, Y10, Y1
	VMOVUPS Y1, (R8)
	VMULPS Y0, Y0, Y0
	VMULPS (R9), Y11, Y2
	VFMADD231PS Y0, Y12, Y2
	VMOVUPS Y2, (R9)
	VSQRTPS Y2, Y2
	VFMADD213PS Y15, Y14, Y2
	VDIVPS Y2, Y1, Y1
	VMOVUPS (DI), Y3
	VFNMADD231PS Y1, Y13, Y3
	VMOVUPS Y3, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNZ adam_loop
adam_done:
	VZEROUPPER
	RET

// func addScalarAVX2(n int, c float32, x, y *float32)
// n must be a multiple of 8. y[i] = x[i] + c (x and y may be the same).
TEXT ·addScalarAVX2(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	VBROADCASTSS c+8(FP), Y0
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DI
	SHRQ $3, CX
	JZ adds_done
adds_loop:
	VADDPS (SI), Y0, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ adds_loop
adds_done:
	VZEROUPPER
	RET
