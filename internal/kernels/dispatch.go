package kernels

//go:generate go run asmgen.go

import (
	"runtime"
	"sync/atomic"
)

// kernelFunc is the shape of every SGEMM micro-kernel: it computes one full
// mr×nr tile C = alpha*(Apanel·Bpanel) + beta*C over k steps. a is a packed
// panel (k groups of mr floats), b points at k rows of nr floats bstride bytes
// apart, c at the tile's top-left element with rows ldc bytes apart. beta == 0
// must not read C.
type kernelFunc func(k int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32)

// arch describes one implementation of the hot loops.
type arch struct {
	name   string
	mr, nr int        // register tile of the SGEMM micro-kernel
	kernel kernelFunc // the micro-kernel
	// packBT packs one nr-wide panel of op(B) = Bᵀ (kc rows), or is nil when
	// the Go packing loop is used.
	packBT func(kc int, src *float32, ldb int, dst *float32)
	// kernelNT, when non-nil, is the 32×8 column-vector kernel for
	// A·Bᵀ with few rows in A (see gemmNT).
	kernelNT func(k int, at, b *float32, ldb int, out *float32)
	vec      bool // AVX2 level-1/2 and activation kernels are available
	// v512 selects the AVX-512 streaming kernels (sum, dot, the row
	// kernel of Sgemv) over their AVX2 versions.
	v512 bool
}

var (
	// bestArch is what the CPU supports; genericArch is the portable code.
	bestArch    = detectArch()
	genericArch = &arch{name: "generic", mr: genMR, nr: genNR, kernel: sgemmKernelGeneric}

	// forceGeneric makes every entry point use the portable Go code. Tests
	// flip it to check the fallback on machines that have the assembly.
	forceGeneric bool

	threads atomic.Int64
)

func init() { threads.Store(int64(runtime.GOMAXPROCS(0))) }

func current() *arch {
	if forceGeneric {
		return genericArch
	}
	return bestArch
}

// Features reports which kernels were picked at run time: "avx512",
// "avx2+fma" or "generic". Useful in benchmark logs.
func Features() string { return current().name }

// SetThreads sets how many goroutines a large Sgemm or Sgemv may split into.
// n < 1 means 1. The default is runtime.GOMAXPROCS(0) at start-up.
func SetThreads(n int) {
	if n < 1 {
		n = 1
	}
	threads.Store(int64(n))
}

// Threads reports the current SetThreads value.
func Threads() int { return int(threads.Load()) }
