//go:build amd64 && !purego

#include "textflag.h"

// Row kernels of LayerNorm (see layernorm.go). n is a multiple of 8 in
// every function; rows are short (a model width), so one accumulator per
// sum is enough.

// HSUM leaves the sum of the 8 lanes of Y(r) in lane 0 of X(r); it
// clobbers X1.
#define HSUM(yr, xr) \
	VEXTRACTF128 $1, yr, X1; \
	VADDPS X1, xr, xr; \
	VMOVHLPS xr, X1, X1; \
	VADDPS X1, xr, xr; \
	VMOVSHDUP xr, X1; \
	VADDSS X1, xr, xr

// func sumAVX2(n int, x *float32) float32
TEXT ·sumAVX2(SB), NOSPLIT, $0-20
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	VXORPS Y0, Y0, Y0
	SHRQ $3, CX
	JZ sum_done
sum_loop:
	VADDPS (SI), Y0, Y0
	ADDQ $32, SI
	DECQ CX
	JNZ sum_loop
sum_done:
	HSUM(Y0, X0)
	VMOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// func sqDevSumAVX2(n int, x *float32, mu float32) float32
// Σ (x[i] − mu)².
TEXT ·sqDevSumAVX2(SB), NOSPLIT, $0-28
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	VBROADCASTSS mu+16(FP), Y2
	VXORPS Y0, Y0, Y0
	SHRQ $3, CX
	JZ sqd_done
sqd_loop:
	VMOVUPS (SI), Y3
	VSUBPS Y2, Y3, Y3
	VFMADD231PS Y3, Y3, Y0
	ADDQ $32, SI
	DECQ CX
	JNZ sqd_loop
sqd_done:
	HSUM(Y0, X0)
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func lnApplyAVX2(n int, y, xhat, x, w, b *float32, c *[2]float32)
// c = {μ, r}: h = (x − μ)·r; xhat = h; y = h·w + b (b nil: no bias).
// y is stored after xhat, so y may be xhat.
TEXT ·lnApplyAVX2(SB), NOSPLIT, $0-56
	MOVQ n+0(FP), CX
	MOVQ y+8(FP), DI
	MOVQ xhat+16(FP), DX
	MOVQ x+24(FP), SI
	MOVQ w+32(FP), R8
	MOVQ b+40(FP), R9
	MOVQ c+48(FP), AX
	VBROADCASTSS 0(AX), Y8
	VBROADCASTSS 4(AX), Y9
	SHRQ $3, CX
	JZ lna_done
	TESTQ R9, R9
	JZ lna_nob
lna_loop:
	VMOVUPS (SI), Y0
	VSUBPS Y8, Y0, Y0
	VMULPS Y9, Y0, Y0
	VMOVUPS (R9), Y1
	VFMADD231PS (R8), Y0, Y1
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNZ lna_loop
	JMP lna_done
lna_nob:
	VMOVUPS (SI), Y0
	VSUBPS Y8, Y0, Y0
	VMULPS Y9, Y0, Y0
	VMULPS (R8), Y0, Y1
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	ADDQ $32, R8
	DECQ CX
	JNZ lna_nob
lna_done:
	VZEROUPPER
	RET

// func lnGradSumsAVX2(n int, dy, xhat, w, dw, db *float32, out *[2]float32)
// With g = dy·w: out = {Σ g, Σ g·xhat}; dw += dy·xhat; db += dy (db nil:
// skipped).
TEXT ·lnGradSumsAVX2(SB), NOSPLIT, $0-56
	MOVQ n+0(FP), CX
	MOVQ dy+8(FP), SI
	MOVQ xhat+16(FP), DX
	MOVQ w+24(FP), R8
	MOVQ dw+32(FP), R9
	MOVQ db+40(FP), R10
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	SHRQ $3, CX
	JZ lngs_done
lngs_loop:
	VMOVUPS (SI), Y0
	VMOVUPS (DX), Y2
	VMULPS (R8), Y0, Y3
	VADDPS Y3, Y10, Y10
	VFMADD231PS Y2, Y3, Y11
	VMOVUPS (R9), Y4
	VFMADD231PS Y2, Y0, Y4
	VMOVUPS Y4, (R9)
	TESTQ R10, R10
	JZ lngs_next
	VADDPS (R10), Y0, Y5
	VMOVUPS Y5, (R10)
	ADDQ $32, R10
lngs_next:
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNZ lngs_loop
lngs_done:
	HSUM(Y10, X10)
	HSUM(Y11, X11)
	MOVQ out+48(FP), AX
	VMOVSS X10, 0(AX)
	VMOVSS X11, 4(AX)
	VZEROUPPER
	RET

// func lnGradApplyAVX2(n int, dx, dy, xhat, w *float32, c *[3]float32)
// c = {r, r·a, r·b}: dx = r·dy·w − r·a − r·b·xhat.
TEXT ·lnGradApplyAVX2(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ dx+8(FP), DI
	MOVQ dy+16(FP), SI
	MOVQ xhat+24(FP), DX
	MOVQ w+32(FP), R8
	MOVQ c+40(FP), AX
	VBROADCASTSS 0(AX), Y8
	VBROADCASTSS 4(AX), Y9
	VBROADCASTSS 8(AX), Y10
	SHRQ $3, CX
	JZ lnga_done
lnga_loop:
	VMOVUPS (SI), Y0
	VMULPS (R8), Y0, Y0
	VMULPS Y8, Y0, Y0
	VSUBPS Y9, Y0, Y0
	VMOVUPS (DX), Y1
	VFNMADD231PS Y10, Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	ADDQ $32, R8
	DECQ CX
	JNZ lnga_loop
lnga_done:
	VZEROUPPER
	RET
