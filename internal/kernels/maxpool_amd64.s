//go:build amd64 && !purego

#include "textflag.h"

// func reluMaxPoolAVX2(n int, top, bot, out *float32, arg *int32, base, w int32)
// n must be a multiple of 8. For output j (2×2 window at columns 2j, 2j+1
// of rows top and bot): out[j] = max(0, the four values) and arg[j] the
// winner's position (base + 2j [+1] [+w]), −1 when the maximum is 0. Works
// on int32 bit patterns after ReLU (x &^ (x>>31)): for floats ≥ 0 the
// integer order is the float order. Ties go to the earlier of top-left,
// top-right, bottom-left, bottom-right, as in the scalar code.
TEXT ·reluMaxPoolAVX2(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ top+8(FP), SI
	MOVQ bot+16(FP), DX
	MOVQ out+24(FP), DI
	MOVQ arg+32(FP), R8
	MOVL base+40(FP), AX
	VMOVD AX, X15
	VPBROADCASTD X15, Y15
	VPADDD poolc<>+0(SB), Y15, Y15 // position of each lane's top-left value
	MOVL w+44(FP), AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13
	VMOVDQU poolc<>+32(SB), Y12 // 1
	VMOVDQU poolc<>+64(SB), Y14 // 16: the next 8 windows
	VPXOR Y11, Y11, Y11
	SHRQ $3, CX
	JZ pool_done
pool_loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VSHUFPS $0x88, Y1, Y0, Y2 // even columns: t0 t2 t8 t10 | t4 t6 t12 t14
	VPERMPD $0xD8, Y2, Y2     // t0 t2 t4 … t14
	VSHUFPS $0xDD, Y1, Y0, Y3 // odd columns
	VPERMPD $0xD8, Y3, Y3
	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VSHUFPS $0x88, Y1, Y0, Y4
	VPERMPD $0xD8, Y4, Y4
	VSHUFPS $0xDD, Y1, Y0, Y5
	VPERMPD $0xD8, Y5, Y5
	VPSRAD $31, Y2, Y6 // ReLU on the bit patterns: x &^ (x >> 31)
	VPANDN Y2, Y6, Y2
	VPSRAD $31, Y3, Y6
	VPANDN Y3, Y6, Y3
	VPSRAD $31, Y4, Y6
	VPANDN Y4, Y6, Y4
	VPSRAD $31, Y5, Y6
	VPANDN Y5, Y6, Y5
	VMOVDQU Y15, Y9 // winner so far: top-left
	VPCMPGTD Y2, Y3, Y7 // top-right > best
	VPMAXSD Y3, Y2, Y2
	VPADDD Y12, Y15, Y8
	VPBLENDVB Y7, Y8, Y9, Y9
	VPCMPGTD Y2, Y4, Y7 // bottom-left > best
	VPMAXSD Y4, Y2, Y2
	VPADDD Y13, Y15, Y8
	VPBLENDVB Y7, Y8, Y9, Y9
	VPCMPGTD Y2, Y5, Y7 // bottom-right > best
	VPMAXSD Y5, Y2, Y2
	VPADDD Y12, Y8, Y8
	VPBLENDVB Y7, Y8, Y9, Y9
	VPCMPEQD Y11, Y2, Y7 // maximum 0: no winner
	VPOR Y7, Y9, Y9
	VMOVDQU Y2, (DI)
	VMOVDQU Y9, (R8)
	VPADDD Y14, Y15, Y15
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $32, DI
	ADDQ $32, R8
	DECQ CX
	JNZ pool_loop
pool_done:
	VZEROUPPER
	RET

// 0: lane offsets 0, 2, …, 14; 32: eight 1s; 64: eight 16s (int32).
DATA poolc<>+0(SB)/4, $0
DATA poolc<>+4(SB)/4, $2
DATA poolc<>+8(SB)/4, $4
DATA poolc<>+12(SB)/4, $6
DATA poolc<>+16(SB)/4, $8
DATA poolc<>+20(SB)/4, $10
DATA poolc<>+24(SB)/4, $12
DATA poolc<>+28(SB)/4, $14
DATA poolc<>+32(SB)/4, $1
DATA poolc<>+36(SB)/4, $1
DATA poolc<>+40(SB)/4, $1
DATA poolc<>+44(SB)/4, $1
DATA poolc<>+48(SB)/4, $1
DATA poolc<>+52(SB)/4, $1
DATA poolc<>+56(SB)/4, $1
DATA poolc<>+60(SB)/4, $1
DATA poolc<>+64(SB)/4, $16
DATA poolc<>+68(SB)/4, $16
DATA poolc<>+72(SB)/4, $16
DATA poolc<>+76(SB)/4, $16
DATA poolc<>+80(SB)/4, $16
DATA poolc<>+84(SB)/4, $16
DATA poolc<>+88(SB)/4, $16
DATA poolc<>+92(SB)/4, $16
GLOBL poolc<>(SB), RODATA|NOPTR, $96
