//go:build ignore

// asmgen writes gemm_amd64.s: the register-tiled SGEMM micro-kernels and the
// in-register transposing pack of Bᵀ. The
// kernels are long runs of nearly identical FMA lines, so they are generated
// rather than typed: run `go generate` in this folder after editing.
package main

import (
	"bytes"
	"fmt"
	"os"
)

var out bytes.Buffer

func p(format string, args ...any) { fmt.Fprintf(&out, "\t"+format+"\n", args...) }
func label(l string)               { fmt.Fprintf(&out, "%s:\n", l) }

// Both kernels share one Go prototype:
//
//	func kern(k int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32)
//
// a is a packed MR×k panel (k groups of MR floats, one per row of the tile),
// b points at k rows of NR floats spaced bstride bytes apart (a packed panel
// has bstride = 4*NR, an unpacked row-major B has bstride = 4*ldb), c points
// at the top-left element of the MR×NR tile of C whose rows are ldc bytes
// apart. The kernel computes C = alpha*(A·B) + beta*C; beta == 0 (either sign)
// never reads C, so NaNs already in C cannot leak into the result.
const header = `	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ bstride+24(FP), R8
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R9
`

// avx512 emits an mr×32 kernel: 2·mr zmm accumulators (two per row of C),
// two zmm registers holding the current row of B (double-buffered across
// unrolled steps when registers allow), and the rest as broadcast temps.
//
// regBcast chooses how the A element of a row reaches its two FMAs:
//   - true: one VBROADCASTSS into a register, reused by both FMAs of the
//     row, so a k step is 2 vector loads + mr broadcast loads + 2·mr FMAs.
//   - false: EVEX embedded broadcast inside each FMA, 2 + 2·mr loads.
//
// On Zen 4 (512-bit FMAs double-pumped, one zmm FMA per cycle) the two
// measured the same. On Zen 5 (two full-width FMA pipes, two zmm FMAs per
// cycle) the embedded form is load-bound: the bare 8×32 kernel on
// L1-resident panels ran at ~197 GFLOP/s against ~221 with register
// broadcasts, which is the FMA peak measured on the same core
// (BenchmarkKernel).
// The k loop is unrolled four times.
func avx512(name string, mr int, regBcast bool) {
	const unroll = 4
	nacc := 2 * mr
	// Registers after the accumulators: B's row (two pairs when they fit,
	// alternating between unrolled steps), then the broadcast temps.
	double := nacc+4 <= 30 // still leaves two broadcast temps
	bReg := func(u, j int) int {
		if double {
			return nacc + 2*(u%2) + j
		}
		return nacc + j
	}
	tmpBase := nacc + 2
	if double {
		tmpBase = nacc + 4
	}
	ntmp := 32 - tmpBase
	fmt.Fprintf(&out, "\n// func %s(k int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32)\n", name)
	fmt.Fprintf(&out, "TEXT ·%s(SB), NOSPLIT, $0-56\n", name)
	out.WriteString(header)
	for r := 0; r < nacc; r++ {
		p("VPXORD Z%d, Z%d, Z%d", r, r, r)
	}
	// Ask for the tile of C now (2·mr lines) so that its cache misses,
	// on a C too big to stay in cache, overlap the k loop instead of
	// stalling the stores or the beta·C loads at the end: +1-3% on the
	// GPT-sized products.
	p("MOVQ DX, BX")
	for r := 0; r < mr; r++ {
		p("PREFETCHT0 (BX)")
		p("PREFETCHT0 64(BX)")
		if r < mr-1 {
			p("ADDQ R9, BX")
		}
	}
	tmp := 0
	step := func(u, aoff int) {
		b0, b1 := bReg(u, 0), bReg(u, 1)
		p("VMOVUPS (DI), Z%d", b0)
		p("VMOVUPS 64(DI), Z%d", b1)
		p("ADDQ R8, DI")
		for r := 0; r < mr; r++ {
			off := aoff + r*4
			if regBcast {
				t := tmpBase + tmp%ntmp
				tmp++
				p("VBROADCASTSS %d(SI), Z%d", off, t)
				p("VFMADD231PS Z%d, Z%d, Z%d", b0, t, 2*r)
				p("VFMADD231PS Z%d, Z%d, Z%d", b1, t, 2*r+1)
				continue
			}
			p("VFMADD231PS.BCST %d(SI), Z%d, Z%d", off, b0, 2*r)
			p("VFMADD231PS.BCST %d(SI), Z%d, Z%d", off, b1, 2*r+1)
		}
	}
	p("CMPQ CX, $%d", unroll)
	p("JLT " + name + "_tail")
	label("" + name + "_loop4")
	for u := 0; u < unroll; u++ {
		step(u, u*mr*4)
	}
	p("ADDQ $%d, SI", unroll*mr*4)
	p("SUBQ $%d, CX", unroll)
	p("CMPQ CX, $%d", unroll)
	p("JGE " + name + "_loop4")
	label("" + name + "_tail")
	p("TESTQ CX, CX")
	p("JZ " + name + "_update")
	label("" + name + "_loop1")
	step(0, 0)
	p("ADDQ $%d, SI", mr*4)
	p("DECQ CX")
	p("JNZ " + name + "_loop1")
	label("" + name + "_update")
	al, be := bReg(0, 0), bReg(0, 1)
	p("VBROADCASTSS alpha+48(FP), Z%d", al)
	for r := 0; r < nacc; r++ {
		p("VMULPS Z%d, Z%d, Z%d", al, r, r)
	}
	p("MOVL beta+52(FP), AX")
	p("ANDL $0x7fffffff, AX")
	p("JZ " + name + "_store")
	p("VBROADCASTSS beta+52(FP), Z%d", be)
	p("MOVQ DX, BX")
	for r := 0; r < mr; r++ {
		p("VFMADD231PS (BX), Z%d, Z%d", be, 2*r)
		p("VFMADD231PS 64(BX), Z%d, Z%d", be, 2*r+1)
		if r < mr-1 {
			p("ADDQ R9, BX")
		}
	}
	label("" + name + "_store")
	for r := 0; r < mr; r++ {
		p("VMOVUPS Z%d, (DX)", 2*r)
		p("VMOVUPS Z%d, 64(DX)", 2*r+1)
		if r < mr-1 {
			p("ADDQ R9, DX")
		}
	}
	p("VZEROUPPER")
	p("RET")
}

// avx2 emits the 6×16 kernel for AVX2+FMA machines: 12 ymm accumulators, two
// for the row of B and one for the broadcast A element (VEX has no embedded
// broadcast).
func avx2() {
	const mr, unroll = 6, 4
	fmt.Fprintf(&out, "\n// func sgemmKernelAVX2(k int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32)\n")
	fmt.Fprintf(&out, "TEXT ·sgemmKernelAVX2(SB), NOSPLIT, $0-56\n")
	out.WriteString(header)
	for r := 0; r < 2*mr; r++ {
		p("VXORPS Y%d, Y%d, Y%d", r, r, r)
	}
	p("CMPQ CX, $%d", unroll)
	p("JLT avx2_tail")
	label("avx2_loop4")
	for u := 0; u < unroll; u++ {
		p("VMOVUPS (DI), Y12")
		p("VMOVUPS 32(DI), Y13")
		p("ADDQ R8, DI")
		for r := 0; r < mr; r++ {
			p("VBROADCASTSS %d(SI), Y14", (u*mr+r)*4)
			p("VFMADD231PS Y12, Y14, Y%d", 2*r)
			p("VFMADD231PS Y13, Y14, Y%d", 2*r+1)
		}
	}
	p("ADDQ $%d, SI", unroll*mr*4)
	p("SUBQ $%d, CX", unroll)
	p("CMPQ CX, $%d", unroll)
	p("JGE avx2_loop4")
	label("avx2_tail")
	p("TESTQ CX, CX")
	p("JZ avx2_update")
	label("avx2_loop1")
	p("VMOVUPS (DI), Y12")
	p("VMOVUPS 32(DI), Y13")
	p("ADDQ R8, DI")
	for r := 0; r < mr; r++ {
		p("VBROADCASTSS %d(SI), Y14", r*4)
		p("VFMADD231PS Y12, Y14, Y%d", 2*r)
		p("VFMADD231PS Y13, Y14, Y%d", 2*r+1)
	}
	p("ADDQ $%d, SI", mr*4)
	p("DECQ CX")
	p("JNZ avx2_loop1")
	label("avx2_update")
	p("VBROADCASTSS alpha+48(FP), Y14")
	for r := 0; r < 2*mr; r++ {
		p("VMULPS Y14, Y%d, Y%d", r, r)
	}
	p("MOVL beta+52(FP), AX")
	p("ANDL $0x7fffffff, AX")
	p("JZ avx2_store")
	p("VBROADCASTSS beta+52(FP), Y15")
	p("MOVQ DX, BX")
	for r := 0; r < mr; r++ {
		p("VFMADD231PS (BX), Y15, Y%d", 2*r)
		p("VFMADD231PS 32(BX), Y15, Y%d", 2*r+1)
		if r < mr-1 {
			p("ADDQ R9, BX")
		}
	}
	label("avx2_store")
	for r := 0; r < mr; r++ {
		p("VMOVUPS Y%d, (DX)", 2*r)
		p("VMOVUPS Y%d, 32(DX)", 2*r+1)
		if r < mr-1 {
			p("ADDQ R9, DX")
		}
	}
	p("VZEROUPPER")
	p("RET")
}

// packBT emits packBTransAVX512(kc int, src *float32, ldb int, dst *float32):
// dst[p*32+j] = src[j*ldb+p] for j < 32 and p < kc rounded down to a multiple
// of 16 (the caller packs the rest). That is one 32-wide panel of op(B) = Bᵀ.
// Each 16×16 block is transposed in registers: unpack floats, unpack pairs,
// then two rounds of 128-bit lane shuffles (64 shuffles per 256 floats,
// an order of magnitude cheaper than VGATHERDPS).
func packBT(prefetch int) {
	fmt.Fprintf(&out, "\n// func packBTransAVX512(kc int, src *float32, ldb int, dst *float32)\n")
	fmt.Fprintf(&out, "TEXT ·packBTransAVX512(SB), NOSPLIT, $0-32\n")
	p("MOVQ kc+0(FP), CX")
	p("SHRQ $4, CX")
	p("JZ packbt_done")
	p("MOVQ src+8(FP), SI")
	p("MOVQ ldb+16(FP), R9")
	p("SHLQ $2, R9")          // row stride in bytes
	p("LEAQ (R9)(R9*2), R10") // 3*stride
	p("MOVQ dst+24(FP), DI")
	label("packbt_loop")
	for half := 0; half < 2; half++ {
		// Row pointers: BX walks 4 rows at a time from SI + 16*half rows.
		if half == 0 {
			p("MOVQ SI, BX")
		} else {
			p("LEAQ (BX)(R9*4), BX")
		}
		for g := 0; g < 4; g++ {
			if g > 0 {
				p("LEAQ (BX)(R9*4), BX")
			}
			p("VMOVUPS (BX), Z%d", 4*g)
			p("VMOVUPS (BX)(R9*1), Z%d", 4*g+1)
			p("VMOVUPS (BX)(R9*2), Z%d", 4*g+2)
			p("VMOVUPS (BX)(R10*1), Z%d", 4*g+3)
			if prefetch > 0 {
				// 32 row streams are more than the hardware prefetcher
				// follows, so ask for the lines a few blocks ahead.
				p("PREFETCHT0 %d(BX)", prefetch)
				p("PREFETCHT0 %d(BX)(R9*1)", prefetch)
				p("PREFETCHT0 %d(BX)(R9*2)", prefetch)
				p("PREFETCHT0 %d(BX)(R10*1)", prefetch)
			}
		}
		// Stage 1: interleave floats of row pairs (2q, 2q+1).
		for q := 0; q < 8; q++ {
			p("VUNPCKLPS Z%d, Z%d, Z%d", 2*q+1, 2*q, 16+2*q)
			p("VUNPCKHPS Z%d, Z%d, Z%d", 2*q+1, 2*q, 17+2*q)
		}
		// Stage 2: interleave float pairs; Z(4g+c) lane L now holds column
		// 4L+c of rows 4g..4g+3.
		for g := 0; g < 4; g++ {
			lo0, hi0, lo1, hi1 := 16+4*g, 17+4*g, 18+4*g, 19+4*g
			p("VUNPCKLPD Z%d, Z%d, Z%d", lo1, lo0, 4*g+0)
			p("VUNPCKHPD Z%d, Z%d, Z%d", lo1, lo0, 4*g+1)
			p("VUNPCKLPD Z%d, Z%d, Z%d", hi1, hi0, 4*g+2)
			p("VUNPCKHPD Z%d, Z%d, Z%d", hi1, hi0, 4*g+3)
		}
		// Stages 3-4: transpose the 4×4 grid of 128-bit lanes for each c.
		for c := 0; c < 4; c++ {
			s0, s1, s2, s3 := c, 4+c, 8+c, 12+c
			u := 16 + 4*c
			p("VSHUFF32X4 $0x44, Z%d, Z%d, Z%d", s1, s0, u)
			p("VSHUFF32X4 $0xEE, Z%d, Z%d, Z%d", s1, s0, u+1)
			p("VSHUFF32X4 $0x44, Z%d, Z%d, Z%d", s3, s2, u+2)
			p("VSHUFF32X4 $0xEE, Z%d, Z%d, Z%d", s3, s2, u+3)
		}
		for c := 0; c < 4; c++ {
			u := 16 + 4*c
			// out column j = 4L+c
			p("VSHUFF32X4 $0x88, Z%d, Z%d, Z%d", u+2, u, c)
			p("VSHUFF32X4 $0xDD, Z%d, Z%d, Z%d", u+2, u, 4+c)
			p("VSHUFF32X4 $0x88, Z%d, Z%d, Z%d", u+3, u+1, 8+c)
			p("VSHUFF32X4 $0xDD, Z%d, Z%d, Z%d", u+3, u+1, 12+c)
		}
		for j := 0; j < 16; j++ {
			p("VMOVUPS Z%d, %d(DI)", j, j*128+half*64)
		}
	}
	p("ADDQ $64, SI")
	p("ADDQ $2048, DI")
	p("DECQ CX")
	p("JNZ packbt_loop")
	label("packbt_done")
	p("VZEROUPPER")
	p("RET")
}

// nt emits sgemmKernelNT32x8(k int, at, b *float32, ldb int, out *float32)
// for C = A·Bᵀ with few rows in A (an RNN step: batch × hidden times Wᵀ).
// Here the vector runs down a column of C: at is Aᵀ packed as k groups of 32
// floats (A[0..31][p]), and the 8 B values of step p are broadcast straight
// from 8 rows of B in place (rows ldb bytes apart), so B is never packed or
// transposed. out receives the raw 32×8 sums column by column
// (out[c*32+i] = Σ_p A[i][p]·B[c][p]); the caller scales and transposes
// them into C.
func nt() {
	const unroll = 4
	name := "sgemmKernelNT32x8"
	fmt.Fprintf(&out, "\n// func %s(k int, at, b *float32, ldb int, out *float32)\n", name)
	fmt.Fprintf(&out, "TEXT ·%s(SB), NOSPLIT, $0-40\n", name)
	p("MOVQ k+0(FP), CX")
	p("MOVQ at+8(FP), SI")
	p("MOVQ b+16(FP), BX")
	p("MOVQ ldb+24(FP), R9")
	p("LEAQ (R9)(R9*2), R10")
	p("LEAQ (BX)(R9*4), R11")
	for r := 0; r < 16; r++ {
		p("VPXORD Z%d, Z%d, Z%d", r, r, r)
	}
	// Address of B row c (0..7) at byte displacement d.
	row := func(c, d int) string {
		base := "BX"
		if c >= 4 {
			base = "R11"
		}
		switch c % 4 {
		case 0:
			return fmt.Sprintf("%d(%s)", d, base)
		case 1:
			return fmt.Sprintf("%d(%s)(R9*1)", d, base)
		case 2:
			return fmt.Sprintf("%d(%s)(R9*2)", d, base)
		}
		return fmt.Sprintf("%d(%s)(R10*1)", d, base)
	}
	step := func(u int) {
		a0, a1 := 16+2*(u%2), 17+2*(u%2)
		p("VMOVUPS %d(SI), Z%d", u*128, a0)
		p("VMOVUPS %d(SI), Z%d", u*128+64, a1)
		for c := 0; c < 8; c++ {
			// One broadcast register per B element, shared by its two
			// FMAs (see avx512 for why not embedded broadcasts).
			t := 20 + (8*u+c)%12
			p("VBROADCASTSS %s, Z%d", row(c, 4*u), t)
			p("VFMADD231PS Z%d, Z%d, Z%d", a0, t, 2*c)
			p("VFMADD231PS Z%d, Z%d, Z%d", a1, t, 2*c+1)
		}
	}
	p("CMPQ CX, $%d", unroll)
	p("JLT nt_tail")
	label("nt_loop4")
	for u := 0; u < unroll; u++ {
		step(u)
	}
	p("ADDQ $%d, SI", unroll*128)
	p("ADDQ $%d, BX", unroll*4)
	p("ADDQ $%d, R11", unroll*4)
	p("SUBQ $%d, CX", unroll)
	p("CMPQ CX, $%d", unroll)
	p("JGE nt_loop4")
	label("nt_tail")
	p("TESTQ CX, CX")
	p("JZ nt_store")
	label("nt_loop1")
	step(0)
	p("ADDQ $128, SI")
	p("ADDQ $4, BX")
	p("ADDQ $4, R11")
	p("DECQ CX")
	p("JNZ nt_loop1")
	label("nt_store")
	p("MOVQ out+32(FP), DI")
	for c := 0; c < 8; c++ {
		p("VMOVUPS Z%d, %d(DI)", 2*c, c*128)
		p("VMOVUPS Z%d, %d(DI)", 2*c+1, c*128+64)
	}
	p("VZEROUPPER")
	p("RET")
}

// packA8 emits packA8AVX2(kb int, src *float32, lda int, dst *float32, stride int):
// 8 rows of a row-major A (src, rows lda bytes apart) interleaved into dst,
// the 8 values of one k step together and consecutive k steps stride bytes
// apart, for kb blocks of 8 k steps. Each 8×8 block is transposed in
// registers (unpack floats, shuffle pairs, swap 128-bit halves: 24
// shuffles for 64 floats) instead of 64 scalar moves, which made packing
// 10-15% of a GPT-sized product.
func packA8() {
	fmt.Fprintf(&out, "\n// func packA8AVX2(kb int, src *float32, lda int, dst *float32, stride int)\n")
	fmt.Fprintf(&out, "TEXT ·packA8AVX2(SB), NOSPLIT, $0-40\n")
	p("MOVQ kb+0(FP), CX")
	p("TESTQ CX, CX")
	p("JZ packa8_done")
	p("MOVQ src+8(FP), SI")
	p("MOVQ lda+16(FP), R9")
	p("LEAQ (R9)(R9*2), R10") // 3*lda
	p("MOVQ dst+24(FP), DI")
	p("MOVQ stride+32(FP), R8")
	p("LEAQ (R8)(R8*2), R12") // 3*stride
	label("packa8_loop")
	p("LEAQ (SI)(R9*4), R11")
	p("VMOVUPS (SI), Y0")
	p("VMOVUPS (SI)(R9*1), Y1")
	p("VMOVUPS (SI)(R9*2), Y2")
	p("VMOVUPS (SI)(R10*1), Y3")
	p("VMOVUPS (R11), Y4")
	p("VMOVUPS (R11)(R9*1), Y5")
	p("VMOVUPS (R11)(R9*2), Y6")
	p("VMOVUPS (R11)(R10*1), Y7")
	// Y(8+2q) = rows 2q,2q+1 interleaved, columns 0,1 | 4,5; Y(9+2q) 2,3 | 6,7.
	for q := 0; q < 4; q++ {
		p("VUNPCKLPS Y%d, Y%d, Y%d", 2*q+1, 2*q, 8+2*q)
		p("VUNPCKHPS Y%d, Y%d, Y%d", 2*q+1, 2*q, 9+2*q)
	}
	// Y(c + 4h) = rows 4h..4h+3 of column c (low half) and c+4 (high half).
	for h := 0; h < 2; h++ {
		lo, hi, lo2, hi2 := 8+4*h, 9+4*h, 10+4*h, 11+4*h
		p("VSHUFPS $0x44, Y%d, Y%d, Y%d", lo2, lo, 4*h+0)
		p("VSHUFPS $0xEE, Y%d, Y%d, Y%d", lo2, lo, 4*h+1)
		p("VSHUFPS $0x44, Y%d, Y%d, Y%d", hi2, hi, 4*h+2)
		p("VSHUFPS $0xEE, Y%d, Y%d, Y%d", hi2, hi, 4*h+3)
	}
	// Column c (k step c) = low halves of Y(c) and Y(c+4); c+4 the high halves.
	for c := 0; c < 4; c++ {
		p("VPERM2F128 $0x20, Y%d, Y%d, Y%d", c+4, c, 8+c)
		p("VPERM2F128 $0x31, Y%d, Y%d, Y%d", c+4, c, 12+c)
	}
	p("LEAQ (DI)(R8*4), R13")
	p("VMOVUPS Y8, (DI)")
	p("VMOVUPS Y9, (DI)(R8*1)")
	p("VMOVUPS Y10, (DI)(R8*2)")
	p("VMOVUPS Y11, (DI)(R12*1)")
	p("VMOVUPS Y12, (R13)")
	p("VMOVUPS Y13, (R13)(R8*1)")
	p("VMOVUPS Y14, (R13)(R8*2)")
	p("VMOVUPS Y15, (R13)(R12*1)")
	p("ADDQ $32, SI")
	p("LEAQ (R13)(R8*4), DI")
	p("DECQ CX")
	p("JNZ packa8_loop")
	label("packa8_done")
	p("VZEROUPPER")
	p("RET")
}

// packAT8 emits packAT8AVX2(kc int, src *float32, lda int, dst *float32, panels, pstride int):
// a transposed A (stored k×m) dealt out to 8-row panels. For each of kc
// k steps (src rows lda bytes apart) the 8·panels contiguous values go
// 8 at a time to panel q at dst + q*pstride, k step p at +32p. One ymm load
// and store per 8 floats (the Go version's [8]float32 copies became
// runtime.memmove calls).
func packAT8() {
	fmt.Fprintf(&out, "\n// func packAT8AVX2(kc int, src *float32, lda int, dst *float32, panels, pstride int)\n")
	fmt.Fprintf(&out, "TEXT ·packAT8AVX2(SB), NOSPLIT, $0-48\n")
	p("MOVQ kc+0(FP), CX")
	p("MOVQ panels+32(FP), DX")
	p("TESTQ CX, CX")
	p("JZ packat8_done")
	p("TESTQ DX, DX")
	p("JZ packat8_done")
	p("MOVQ src+8(FP), SI")
	p("MOVQ lda+16(FP), R9")
	p("MOVQ dst+24(FP), DI")
	p("MOVQ pstride+40(FP), R8")
	label("packat8_row")
	p("MOVQ SI, AX")
	p("MOVQ DI, BX")
	p("MOVQ DX, R10")
	// Two panels per iteration while they last.
	p("CMPQ R10, $2")
	p("JLT packat8_one")
	label("packat8_two")
	p("VMOVUPS (AX), Y0")
	p("VMOVUPS 32(AX), Y1")
	p("VMOVUPS Y0, (BX)")
	p("VMOVUPS Y1, (BX)(R8*1)")
	p("ADDQ $64, AX")
	p("LEAQ (BX)(R8*2), BX")
	p("SUBQ $2, R10")
	p("CMPQ R10, $2")
	p("JGE packat8_two")
	label("packat8_one")
	p("TESTQ R10, R10")
	p("JZ packat8_next")
	p("VMOVUPS (AX), Y0")
	p("VMOVUPS Y0, (BX)")
	label("packat8_next")
	p("ADDQ R9, SI")
	p("ADDQ $32, DI")
	p("DECQ CX")
	p("JNZ packat8_row")
	label("packat8_done")
	p("VZEROUPPER")
	p("RET")
}

func main() {
	out.WriteString("// Code generated by asmgen.go; DO NOT EDIT.\n\n//go:build amd64 && !purego\n\n#include \"textflag.h\"\n")
	avx512("sgemmKernelAVX512", 8, true)
	avx2()
	packBT(256)
	nt()
	packA8()
	packAT8()
	if err := os.WriteFile("gemm_amd64.s", out.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "asmgen:", err)
		os.Exit(1)
	}
}
