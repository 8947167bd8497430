//go:build amd64 && !purego

#include "textflag.h"

// Vectorised exp for the gate nonlinearities (AVX2+FMA, 8 floats a step).
//
// exp(t) for t clamped to [-88, 89]: at the top, n = 128 gives the exponent
// field 255, i.e. +Inf, so sigmoid and tanh saturate to exactly 0 / ±1 from
// 1/(1+Inf) = 0; NaN never arises because the clamp maps even NaN to 89.
//   n = round(t*log2(e)), r = t - n*ln2 with ln2 split in a hi part exact in
//   float32 and a lo correction (Cody–Waite), so r is accurate and |r| <= ln2/2;
//   e^r by its Taylor polynomial to degree 6 (truncation error r^7/7! < 1.2e-7
//   relative on that interval); 2^n built directly as the float with biased
//   exponent n+127. At n = -127 that exponent field is 0, which reads as 0.0:
//   exp(-88) ~ 6e-39 is below what sigmoid/tanh can resolve anyway.
//
// EXPY computes Y0 = exp(Y0) and clobbers Y1..Y3.
#define EXPY \
	VMINPS expc<>+0(SB), Y0, Y0; \
	VMAXPS expc<>+32(SB), Y0, Y0; \
	VMULPS expc<>+64(SB), Y0, Y1; \
	VROUNDPS $0, Y1, Y1; \
	VFNMADD231PS expc<>+96(SB), Y1, Y0; \
	VFNMADD231PS expc<>+128(SB), Y1, Y0; \
	VMOVUPS expc<>+160(SB), Y2; \
	VFMADD213PS expc<>+192(SB), Y0, Y2; \
	VFMADD213PS expc<>+224(SB), Y0, Y2; \
	VFMADD213PS expc<>+256(SB), Y0, Y2; \
	VFMADD213PS expc<>+288(SB), Y0, Y2; \
	VFMADD213PS expc<>+320(SB), Y0, Y2; \
	VFMADD213PS expc<>+320(SB), Y0, Y2; \
	VCVTPS2DQ Y1, Y3; \
	VPADDD expc<>+384(SB), Y3, Y3; \
	VPSLLD $23, Y3, Y3; \
	VMULPS Y3, Y2, Y0

// func sigmoidAVX2(n int, dst, src *float32)
// n must be a multiple of 8. dst[i] = 1/(1+exp(-src[i])).
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	SHRQ $3, CX
	JZ sig_done
sig_loop:
	VMOVUPS (SI), Y0
	VXORPS expc<>+416(SB), Y0, Y0
	EXPY
	VADDPS expc<>+320(SB), Y0, Y0
	VMOVUPS expc<>+320(SB), Y1
	VDIVPS Y0, Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ sig_loop
sig_done:
	VZEROUPPER
	RET

// func tanhAVX2(n int, dst, src *float32)
// n must be a multiple of 8. dst[i] = 1 - 2/(1+exp(2*src[i])).
TEXT ·tanhAVX2(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	SHRQ $3, CX
	JZ tanh_done
tanh_loop:
	VMOVUPS (SI), Y0
	VADDPS Y0, Y0, Y0
	EXPY
	VADDPS expc<>+320(SB), Y0, Y0
	VMOVUPS expc<>+352(SB), Y1
	VDIVPS Y0, Y1, Y0
	VMOVUPS expc<>+320(SB), Y1
	VSUBPS Y0, Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ tanh_loop
tanh_done:
	VZEROUPPER
	RET

// func expShiftSumAVX2(n int, dst, src *float32, shift float32) float32
// n must be a multiple of 8. dst[i] = exp(src[i]-shift); returns Σ dst[i]
// (eight lane sums, added pairwise at the end).
TEXT ·expShiftSumAVX2(SB), NOSPLIT, $0-36
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	VBROADCASTSS shift+24(FP), Y5
	VXORPS Y4, Y4, Y4
	SHRQ $3, CX
	JZ exps_done
exps_loop:
	VMOVUPS (SI), Y0
	VSUBPS Y5, Y0, Y0
	EXPY
	VMOVUPS Y0, (DI)
	VADDPS Y0, Y4, Y4
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ exps_loop
exps_done:
	VEXTRACTF128 $1, Y4, X1
	VADDPS X1, X4, X4
	VMOVHLPS X4, X1, X1
	VADDPS X1, X4, X4
	VMOVSHDUP X4, X1
	VADDSS X1, X4, X4
	VMOVSS X4, ret+32(FP)
	VZEROUPPER
	RET

// func geluAVX2(n int, dst, t, src *float32, c *[4]float32)
// n must be a multiple of 8; c = {√(2/π), √(2/π)·0.044715, 0.5, unused}.
// u = x·(c0 + c1·x²), t = tanh(u) = 1 - 2/(1+exp(2u)), dst = 0.5·x·(1+t):
// one pass, everything in registers (EXPY uses Y0..Y3).
TEXT ·geluAVX2(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ t+16(FP), DX
	MOVQ src+24(FP), SI
	MOVQ c+32(FP), AX
	VBROADCASTSS 0(AX), Y8
	VBROADCASTSS 4(AX), Y9
	VBROADCASTSS 8(AX), Y10
	VMOVUPS expc<>+320(SB), Y11
	SHRQ $3, CX
	JZ gelu_done
gelu_loop:
	VMOVUPS (SI), Y4
	VMULPS Y4, Y4, Y5
	VMOVAPS Y9, Y6
	VFMADD213PS Y8, Y5, Y6
	VMULPS Y4, Y6, Y0
	VADDPS Y0, Y0, Y0
	EXPY
	VADDPS Y11, Y0, Y0
	VMOVUPS expc<>+352(SB), Y1
	VDIVPS Y0, Y1, Y0
	VSUBPS Y0, Y11, Y0
	VMOVUPS Y0, (DX)
	VADDPS Y11, Y0, Y0
	VMULPS Y4, Y0, Y0
	VMULPS Y10, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNZ gelu_loop
gelu_done:
	VZEROUPPER
	RET

// func geluGradAVX2(n int, dx, dy, x, t *float32, c *[4]float32)
// n must be a multiple of 8; c = {√(2/π), unused, 0.5, 3·√(2/π)·0.044715}.
// dx = dy · 0.5·[(1+t) + x(1−t²)(c0 + c3·x²)], the derivative of
// 0.5·x·(1+tanh(u)) with t = tanh(u) saved by the forward pass.
TEXT ·geluGradAVX2(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ dx+8(FP), DI
	MOVQ dy+16(FP), DX
	MOVQ x+24(FP), SI
	MOVQ t+32(FP), R8
	MOVQ c+40(FP), AX
	VBROADCASTSS 0(AX), Y8
	VBROADCASTSS 8(AX), Y10
	VBROADCASTSS 12(AX), Y12
	VMOVUPS expc<>+320(SB), Y11
	SHRQ $3, CX
	JZ gelug_done
gelug_loop:
	VMOVUPS (SI), Y4
	VMOVUPS (R8), Y5
	VMULPS Y4, Y4, Y7
	VMOVAPS Y12, Y0
	VFMADD213PS Y8, Y7, Y0
	VMULPS Y4, Y0, Y0
	VMULPS Y5, Y5, Y1
	VSUBPS Y1, Y11, Y1
	VMULPS Y1, Y0, Y0
	VADDPS Y5, Y0, Y0
	VADDPS Y11, Y0, Y0
	VMULPS Y10, Y0, Y0
	VMULPS (DX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, DX
	ADDQ $32, DI
	DECQ CX
	JNZ gelug_loop
gelug_done:
	VZEROUPPER
	RET

// Constant table: each entry is one value repeated in 8 lanes (32 bytes),
// because VEX instructions cannot broadcast a memory operand.
// 0: 89 (upper clamp: exp(89) rounds to +Inf, so 1/(1+exp) is exactly 0)
DATA expc<>+0(SB)/4, $0x42b20000
DATA expc<>+4(SB)/4, $0x42b20000
DATA expc<>+8(SB)/4, $0x42b20000
DATA expc<>+12(SB)/4, $0x42b20000
DATA expc<>+16(SB)/4, $0x42b20000
DATA expc<>+20(SB)/4, $0x42b20000
DATA expc<>+24(SB)/4, $0x42b20000
DATA expc<>+28(SB)/4, $0x42b20000
// 32: -88
DATA expc<>+32(SB)/4, $0xc2b00000
DATA expc<>+36(SB)/4, $0xc2b00000
DATA expc<>+40(SB)/4, $0xc2b00000
DATA expc<>+44(SB)/4, $0xc2b00000
DATA expc<>+48(SB)/4, $0xc2b00000
DATA expc<>+52(SB)/4, $0xc2b00000
DATA expc<>+56(SB)/4, $0xc2b00000
DATA expc<>+60(SB)/4, $0xc2b00000
// 64: log2(e)
DATA expc<>+64(SB)/4, $0x3fb8aa3b
DATA expc<>+68(SB)/4, $0x3fb8aa3b
DATA expc<>+72(SB)/4, $0x3fb8aa3b
DATA expc<>+76(SB)/4, $0x3fb8aa3b
DATA expc<>+80(SB)/4, $0x3fb8aa3b
DATA expc<>+84(SB)/4, $0x3fb8aa3b
DATA expc<>+88(SB)/4, $0x3fb8aa3b
DATA expc<>+92(SB)/4, $0x3fb8aa3b
// 96: ln2 hi
DATA expc<>+96(SB)/4, $0x3f318000
DATA expc<>+100(SB)/4, $0x3f318000
DATA expc<>+104(SB)/4, $0x3f318000
DATA expc<>+108(SB)/4, $0x3f318000
DATA expc<>+112(SB)/4, $0x3f318000
DATA expc<>+116(SB)/4, $0x3f318000
DATA expc<>+120(SB)/4, $0x3f318000
DATA expc<>+124(SB)/4, $0x3f318000
// 128: ln2 lo
DATA expc<>+128(SB)/4, $0xb95e8083
DATA expc<>+132(SB)/4, $0xb95e8083
DATA expc<>+136(SB)/4, $0xb95e8083
DATA expc<>+140(SB)/4, $0xb95e8083
DATA expc<>+144(SB)/4, $0xb95e8083
DATA expc<>+148(SB)/4, $0xb95e8083
DATA expc<>+152(SB)/4, $0xb95e8083
DATA expc<>+156(SB)/4, $0xb95e8083
// 160: 1/6!
DATA expc<>+160(SB)/4, $0x3ab60b61
DATA expc<>+164(SB)/4, $0x3ab60b61
DATA expc<>+168(SB)/4, $0x3ab60b61
DATA expc<>+172(SB)/4, $0x3ab60b61
DATA expc<>+176(SB)/4, $0x3ab60b61
DATA expc<>+180(SB)/4, $0x3ab60b61
DATA expc<>+184(SB)/4, $0x3ab60b61
DATA expc<>+188(SB)/4, $0x3ab60b61
// 192: 1/5!
DATA expc<>+192(SB)/4, $0x3c088889
DATA expc<>+196(SB)/4, $0x3c088889
DATA expc<>+200(SB)/4, $0x3c088889
DATA expc<>+204(SB)/4, $0x3c088889
DATA expc<>+208(SB)/4, $0x3c088889
DATA expc<>+212(SB)/4, $0x3c088889
DATA expc<>+216(SB)/4, $0x3c088889
DATA expc<>+220(SB)/4, $0x3c088889
// 224: 1/4!
DATA expc<>+224(SB)/4, $0x3d2aaaab
DATA expc<>+228(SB)/4, $0x3d2aaaab
DATA expc<>+232(SB)/4, $0x3d2aaaab
DATA expc<>+236(SB)/4, $0x3d2aaaab
DATA expc<>+240(SB)/4, $0x3d2aaaab
DATA expc<>+244(SB)/4, $0x3d2aaaab
DATA expc<>+248(SB)/4, $0x3d2aaaab
DATA expc<>+252(SB)/4, $0x3d2aaaab
// 256: 1/3!
DATA expc<>+256(SB)/4, $0x3e2aaaab
DATA expc<>+260(SB)/4, $0x3e2aaaab
DATA expc<>+264(SB)/4, $0x3e2aaaab
DATA expc<>+268(SB)/4, $0x3e2aaaab
DATA expc<>+272(SB)/4, $0x3e2aaaab
DATA expc<>+276(SB)/4, $0x3e2aaaab
DATA expc<>+280(SB)/4, $0x3e2aaaab
DATA expc<>+284(SB)/4, $0x3e2aaaab
// 288: 1/2!
DATA expc<>+288(SB)/4, $0x3f000000
DATA expc<>+292(SB)/4, $0x3f000000
DATA expc<>+296(SB)/4, $0x3f000000
DATA expc<>+300(SB)/4, $0x3f000000
DATA expc<>+304(SB)/4, $0x3f000000
DATA expc<>+308(SB)/4, $0x3f000000
DATA expc<>+312(SB)/4, $0x3f000000
DATA expc<>+316(SB)/4, $0x3f000000
// 320: 1
DATA expc<>+320(SB)/4, $0x3f800000
DATA expc<>+324(SB)/4, $0x3f800000
DATA expc<>+328(SB)/4, $0x3f800000
DATA expc<>+332(SB)/4, $0x3f800000
DATA expc<>+336(SB)/4, $0x3f800000
DATA expc<>+340(SB)/4, $0x3f800000
DATA expc<>+344(SB)/4, $0x3f800000
DATA expc<>+348(SB)/4, $0x3f800000
// 352: 2
DATA expc<>+352(SB)/4, $0x40000000
DATA expc<>+356(SB)/4, $0x40000000
DATA expc<>+360(SB)/4, $0x40000000
DATA expc<>+364(SB)/4, $0x40000000
DATA expc<>+368(SB)/4, $0x40000000
DATA expc<>+372(SB)/4, $0x40000000
DATA expc<>+376(SB)/4, $0x40000000
DATA expc<>+380(SB)/4, $0x40000000
// 384: exponent bias 127 (int32)
DATA expc<>+384(SB)/4, $0x0000007f
DATA expc<>+388(SB)/4, $0x0000007f
DATA expc<>+392(SB)/4, $0x0000007f
DATA expc<>+396(SB)/4, $0x0000007f
DATA expc<>+400(SB)/4, $0x0000007f
DATA expc<>+404(SB)/4, $0x0000007f
DATA expc<>+408(SB)/4, $0x0000007f
DATA expc<>+412(SB)/4, $0x0000007f
// 416: sign bit
DATA expc<>+416(SB)/4, $0x80000000
DATA expc<>+420(SB)/4, $0x80000000
DATA expc<>+424(SB)/4, $0x80000000
DATA expc<>+428(SB)/4, $0x80000000
DATA expc<>+432(SB)/4, $0x80000000
DATA expc<>+436(SB)/4, $0x80000000
DATA expc<>+440(SB)/4, $0x80000000
DATA expc<>+444(SB)/4, $0x80000000
GLOBL expc<>(SB), RODATA|NOPTR, $448
