//go:build ignore

// asmgen writes gemm_amd64.s, the register-tiled SGEMM micro-kernels. The
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

// avx512 emits the 8×32 kernel: 16 zmm accumulators (two per row of C), two
// zmm registers holding the current row of B, and the A element broadcast
// straight from memory inside the FMA (EVEX embedded broadcast), so one k step
// is 2 vector loads + 16 FMAs. The k loop is unrolled four times.
func avx512() {
	const mr, unroll = 8, 4
	fmt.Fprintf(&out, "\n// func sgemmKernelAVX512(k int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32)\n")
	fmt.Fprintf(&out, "TEXT ·sgemmKernelAVX512(SB), NOSPLIT, $0-56\n")
	out.WriteString(header)
	for r := 0; r < 2*mr; r++ {
		p("VPXORD Z%d, Z%d, Z%d", r, r, r)
	}
	p("CMPQ CX, $%d", unroll)
	p("JLT avx512_tail")
	label("avx512_loop4")
	for u := 0; u < unroll; u++ {
		b0, b1 := 16+2*(u%2), 17+2*(u%2)
		p("VMOVUPS (DI), Z%d", b0)
		p("VMOVUPS 64(DI), Z%d", b1)
		p("ADDQ R8, DI")
		for r := 0; r < mr; r++ {
			off := (u*mr + r) * 4
			p("VFMADD231PS.BCST %d(SI), Z%d, Z%d", off, b0, 2*r)
			p("VFMADD231PS.BCST %d(SI), Z%d, Z%d", off, b1, 2*r+1)
		}
	}
	p("ADDQ $%d, SI", unroll*mr*4)
	p("SUBQ $%d, CX", unroll)
	p("CMPQ CX, $%d", unroll)
	p("JGE avx512_loop4")
	label("avx512_tail")
	p("TESTQ CX, CX")
	p("JZ avx512_update")
	label("avx512_loop1")
	p("VMOVUPS (DI), Z16")
	p("VMOVUPS 64(DI), Z17")
	p("ADDQ R8, DI")
	for r := 0; r < mr; r++ {
		p("VFMADD231PS.BCST %d(SI), Z16, Z%d", r*4, 2*r)
		p("VFMADD231PS.BCST %d(SI), Z17, Z%d", r*4, 2*r+1)
	}
	p("ADDQ $%d, SI", mr*4)
	p("DECQ CX")
	p("JNZ avx512_loop1")
	label("avx512_update")
	p("VBROADCASTSS alpha+48(FP), Z16")
	for r := 0; r < 2*mr; r++ {
		p("VMULPS Z16, Z%d, Z%d", r, r)
	}
	p("MOVL beta+52(FP), AX")
	p("ANDL $0x7fffffff, AX")
	p("JZ avx512_store")
	p("VBROADCASTSS beta+52(FP), Z17")
	p("MOVQ DX, BX")
	for r := 0; r < mr; r++ {
		p("VFMADD231PS (BX), Z17, Z%d", 2*r)
		p("VFMADD231PS 64(BX), Z17, Z%d", 2*r+1)
		if r < mr-1 {
			p("ADDQ R9, BX")
		}
	}
	label("avx512_store")
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

func main() {
	out.WriteString("// Code generated by asmgen.go; DO NOT EDIT.\n\n//go:build amd64 && !purego\n\n#include \"textflag.h\"\n")
	avx512()
	avx2()
	if err := os.WriteFile("gemm_amd64.s", out.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "asmgen:", err)
		os.Exit(1)
	}
}
