//go:build amd64 && !purego

#include "textflag.h"

// Streaming kernels in AVX-512 (zmm). A single core reading from DRAM is
// limited by how many cache lines it has in flight: each zmm load is one
// whole 64-byte line, and these loops issue eight of them per iteration
// into independent accumulators, so the core's fill buffers stay full
// instead of waiting on a dependent add chain. Ragged ends use a
// zero-masking load (masked lanes read nothing and cannot fault).

// func sumAVX512(n int, x *float32) float32
// Returns Σ x[i], one read of x.
TEXT ·sumAVX512(SB), NOSPLIT, $0-20
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	CMPQ CX, $128
	JLT sum_tail16
sum_loop128:
	VADDPS (SI), Z0, Z0
	VADDPS 64(SI), Z1, Z1
	VADDPS 128(SI), Z2, Z2
	VADDPS 192(SI), Z3, Z3
	VADDPS 256(SI), Z4, Z4
	VADDPS 320(SI), Z5, Z5
	VADDPS 384(SI), Z6, Z6
	VADDPS 448(SI), Z7, Z7
	ADDQ $512, SI
	SUBQ $128, CX
	CMPQ CX, $128
	JGE sum_loop128
sum_tail16:
	CMPQ CX, $16
	JLT sum_mask
	VADDPS (SI), Z0, Z0
	ADDQ $64, SI
	SUBQ $16, CX
	JMP sum_tail16
sum_mask:
	TESTQ CX, CX
	JZ sum_reduce
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	VMOVUPS.Z (SI), K1, Z8
	VADDPS Z8, Z1, Z1
sum_reduce:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z5, Z4, Z4
	VADDPS Z7, Z6, Z6
	VADDPS Z2, Z0, Z0
	VADDPS Z6, Z4, Z4
	VADDPS Z4, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VMOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// func dotAVX512(n int, x, y *float32) float32
// Returns Σ x[i]*y[i]: four zmm of each operand per iteration.
TEXT ·dotAVX512(SB), NOSPLIT, $0-28
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	CMPQ CX, $64
	JLT dot5_tail16
dot5_loop64:
	VMOVUPS (SI), Z4
	VMOVUPS 64(SI), Z5
	VMOVUPS 128(SI), Z6
	VMOVUPS 192(SI), Z7
	VFMADD231PS (DI), Z4, Z0
	VFMADD231PS 64(DI), Z5, Z1
	VFMADD231PS 128(DI), Z6, Z2
	VFMADD231PS 192(DI), Z7, Z3
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	CMPQ CX, $64
	JGE dot5_loop64
dot5_tail16:
	CMPQ CX, $16
	JLT dot5_mask
	VMOVUPS (SI), Z4
	VFMADD231PS (DI), Z4, Z0
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP dot5_tail16
dot5_mask:
	TESTQ CX, CX
	JZ dot5_reduce
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	VMOVUPS.Z (SI), K1, Z4
	VMOVUPS.Z (DI), K1, Z5
	VFMADD231PS Z5, Z4, Z1
dot5_reduce:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dot4AVX512(n int, a *float32, lda int, x *float32, out *float32)
// out[r] = Σ_j a[r*lda+j]*x[j] for r = 0..3. Each main iteration reads 64
// columns: four zmm loads of every row (sixteen 64-byte lines of A into
// sixteen accumulators), each load of x feeding four FMAs. It also
// prefetches the same sixteen lines of the next four rows, the block the
// caller (gemvN) asks for next: a row is only a few KiB, too short for
// the hardware stream prefetcher to run far ahead of four interleaved
// streams that end and restart every block. The prefetch is
// non-temporal: each weight is used once per product and a model's
// weights do not fit in the caches, so there is nothing to keep. On
// Zen 5 (one core, GPT-2 shaped rows, 256 MiB of A) the wider body and
// PREFETCHT0 took 768-column rows from 28 to 30-32 GB/s, PREFETCHNTA to
// 33; GPT-2 batch-1 decoding went from 44 to ~52 tokens/s with
// PREFETCHT0 and ~55 with PREFETCHNTA (interleaved runs). The
// cache-resident 4096×1024 benchmark lost a little with NTA.
TEXT ·dot4AVX512(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), AX
	SHLQ $2, AX
	MOVQ x+24(FP), DI
	LEAQ (SI)(AX*1), R8
	LEAQ (R8)(AX*1), R9
	LEAQ (R9)(AX*1), R10
	LEAQ (AX*4), R11 // bytes to the same column four rows down
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	CMPQ CX, $64
	JLT d4z_tail16
d4z_loop64:
	PREFETCHNTA (SI)(R11*1)
	PREFETCHNTA 64(SI)(R11*1)
	PREFETCHNTA 128(SI)(R11*1)
	PREFETCHNTA 192(SI)(R11*1)
	PREFETCHNTA (R8)(R11*1)
	PREFETCHNTA 64(R8)(R11*1)
	PREFETCHNTA 128(R8)(R11*1)
	PREFETCHNTA 192(R8)(R11*1)
	PREFETCHNTA (R9)(R11*1)
	PREFETCHNTA 64(R9)(R11*1)
	PREFETCHNTA 128(R9)(R11*1)
	PREFETCHNTA 192(R9)(R11*1)
	PREFETCHNTA (R10)(R11*1)
	PREFETCHNTA 64(R10)(R11*1)
	PREFETCHNTA 128(R10)(R11*1)
	PREFETCHNTA 192(R10)(R11*1)
	VMOVUPS (DI), Z8
	VMOVUPS 64(DI), Z9
	VMOVUPS 128(DI), Z10
	VMOVUPS 192(DI), Z11
	VFMADD231PS (SI), Z8, Z0
	VFMADD231PS 64(SI), Z9, Z4
	VFMADD231PS 128(SI), Z10, Z12
	VFMADD231PS 192(SI), Z11, Z16
	VFMADD231PS (R8), Z8, Z1
	VFMADD231PS 64(R8), Z9, Z5
	VFMADD231PS 128(R8), Z10, Z13
	VFMADD231PS 192(R8), Z11, Z17
	VFMADD231PS (R9), Z8, Z2
	VFMADD231PS 64(R9), Z9, Z6
	VFMADD231PS 128(R9), Z10, Z14
	VFMADD231PS 192(R9), Z11, Z18
	VFMADD231PS (R10), Z8, Z3
	VFMADD231PS 64(R10), Z9, Z7
	VFMADD231PS 128(R10), Z10, Z15
	VFMADD231PS 192(R10), Z11, Z19
	ADDQ $256, SI
	ADDQ $256, R8
	ADDQ $256, R9
	ADDQ $256, R10
	ADDQ $256, DI
	SUBQ $64, CX
	CMPQ CX, $64
	JGE d4z_loop64
d4z_tail16:
	CMPQ CX, $16
	JLT d4z_mask
	VMOVUPS (DI), Z8
	VFMADD231PS (SI), Z8, Z0
	VFMADD231PS (R8), Z8, Z1
	VFMADD231PS (R9), Z8, Z2
	VFMADD231PS (R10), Z8, Z3
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, R10
	ADDQ $64, DI
	SUBQ $16, CX
	JMP d4z_tail16
d4z_mask:
	TESTQ CX, CX
	JZ d4z_reduce
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	// x is zero in the masked lanes and so are the masked loads of A.
	VMOVUPS.Z (DI), K1, Z8
	VMOVUPS.Z (SI), K1, Z10
	VMOVUPS.Z (R8), K1, Z11
	VMOVUPS.Z (R9), K1, Z20
	VMOVUPS.Z (R10), K1, Z21
	VFMADD231PS Z10, Z8, Z4
	VFMADD231PS Z11, Z8, Z5
	VFMADD231PS Z20, Z8, Z6
	VFMADD231PS Z21, Z8, Z7
d4z_reduce:
	VADDPS Z12, Z0, Z0
	VADDPS Z13, Z1, Z1
	VADDPS Z14, Z2, Z2
	VADDPS Z15, Z3, Z3
	VADDPS Z16, Z4, Z4
	VADDPS Z17, Z5, Z5
	VADDPS Z18, Z6, Z6
	VADDPS Z19, Z7, Z7
	VADDPS Z4, Z0, Z0
	VADDPS Z5, Z1, Z1
	VADDPS Z6, Z2, Z2
	VADDPS Z7, Z3, Z3
	// Fold each zmm to a ymm, then horizontal sums as in dot4AVX2: after
	// two VHADDPS rounds each 128-bit half holds the four row partials.
	VEXTRACTF64X4 $1, Z0, Y4
	VADDPS Y4, Y0, Y0
	VEXTRACTF64X4 $1, Z1, Y5
	VADDPS Y5, Y1, Y1
	VEXTRACTF64X4 $1, Z2, Y6
	VADDPS Y6, Y2, Y2
	VEXTRACTF64X4 $1, Z3, Y7
	VADDPS Y7, Y3, Y3
	VHADDPS Y1, Y0, Y0
	VHADDPS Y3, Y2, Y2
	VHADDPS Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	MOVQ out+32(FP), DX
	VMOVUPS X0, (DX)
	VZEROUPPER
	RET
