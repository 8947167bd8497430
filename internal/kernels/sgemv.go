package kernels

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// parallelGemv is the smallest matrix (in elements) worth splitting over
// the worker pool. A model-size product takes a fraction of a millisecond:
// with goroutines started per call, waking the other core's thread cost a
// good part of that and batch-1 sampling got slower, so only huge matrices
// were split. The pool's spinning workers (see Parallel) start within
// microseconds, and splitting the medium LSTM's 2048×512 matrices took
// two-thread sampling from about 3,000-4,000 to 5,000-8,700 tokens/s
// (alternating runs on the 2-core EPYC VM). From 2 MiB of weights a
// product streams from DRAM at about 20 GB/s per core, ~100 µs, against a
// few µs to hand half to a spinning worker: so GPT-2's 768×768 attention
// projections (2.25 MiB, one twelfth of a layer's weights) are split too,
// not left to one core while the rest of the token uses both.
var parallelGemv = 1 << 19 // a variable so tests can exercise the split

// Sgemv computes y = alpha*op(A)*x + beta*y where A is m×n row-major with
// leading dimension lda; op(A) = A (x has n entries, y has m) or Aᵀ when
// transA (x has m entries, y has n). beta == 0 overwrites y without reading
// it. Invalid sizes panic with a message naming the argument.
func Sgemv(transA bool, m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	if m < 0 || n < 0 {
		panic(fmt.Sprintf("kernels: Sgemv: negative dimension m=%d n=%d", m, n))
	}
	checkMatrix("Sgemv", "a", "lda", m, n, a, lda)
	lx, ly := n, m
	if transA {
		lx, ly = m, n
	}
	if len(x) < lx {
		panic(fmt.Sprintf("kernels: Sgemv: len(x)=%d, want >= %d", len(x), lx))
	}
	if len(y) < ly {
		panic(fmt.Sprintf("kernels: Sgemv: len(y)=%d, want >= %d", len(y), ly))
	}
	x, y = x[:lx], y[:ly]
	if ly == 0 {
		return
	}
	if lx == 0 || alpha == 0 {
		scaleVector(beta, y)
		return
	}
	vec := current().vec
	t := Threads()
	if t > 1 && m*n >= parallelGemv {
		// A pooled job, so that splitting (batch-1 sampling does it every
		// token) allocates nothing.
		j := gemvJobs.Get().(*gemvJob)
		*j = gemvJob{vec: vec, transA: transA, m: m, n: n, alpha: alpha, a: a, lda: lda, x: x, beta: beta, y: y}
		units := (m + 3) / 4 // rows in blocks of 4, the row kernel's width
		per := max(1, gemvChunk/(4*n))
		if transA {
			units = (n + 7) / 8 // columns in blocks of 8, one ymm register
			per = max(1, gemvChunk/(8*m))
		}
		j.units, j.per = units, per
		j.next.Store(0)
		RunParallel(min(t, units), j)
		*j = gemvJob{}
		gemvJobs.Put(j)
		return
	}
	if transA {
		gemvT(vec, m, n, alpha, a, lda, x, beta, y)
	} else {
		gemvN(vec, m, n, alpha, a, lda, x, beta, y)
	}
}

// gemvChunk is about how many matrix elements (256 KiB of float32) one
// claimed piece of a split matrix-vector product covers.
const gemvChunk = 64 << 10

// gemvJob is one split matrix-vector product. Its row blocks (or,
// transposed, column blocks) are dealt out in chunks of per blocks to
// whichever thread asks next, not in one fixed half per thread: on a
// machine shared with other processes, when one thread is taken off its
// core the other carries on with the chunks it has not reached instead of
// idling until it returns. Every output element is still computed whole
// by one chunk, so results do not depend on who ran what.
type gemvJob struct {
	vec, transA bool
	m, n, lda   int
	alpha, beta float32
	a, x, y     []float32
	units, per  int
	next        atomic.Int64 // next chunk to hand out
}

var gemvJobs = sync.Pool{New: func() any { return new(gemvJob) }}

func (j *gemvJob) RunPart(_, _ int) {
	for {
		u0 := int(j.next.Add(1)-1) * j.per
		if u0 >= j.units {
			return
		}
		u1 := min(j.units, u0+j.per)
		if !j.transA {
			r0, r1 := u0*4, min(j.m, u1*4)
			gemvN(j.vec, r1-r0, j.n, j.alpha, j.a[r0*j.lda:], j.lda, j.x, j.beta, j.y[r0:r1])
			continue
		}
		c0, c1 := u0*8, min(j.n, u1*8)
		gemvT(j.vec, j.m, c1-c0, j.alpha, j.a[c0:], j.lda, j.x, j.beta, j.y[c0:c1])
	}
}

// gemvN: y[i] = alpha*dot(A[i,:], x) + beta*y[i]. Rows go four at a time so
// each load of x feeds four FMAs.
func gemvN(vec bool, m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	var d [4]float32
	i := 0
	if vec {
		v512 := bestArch.v512
		for ; i+4 <= m; i += 4 {
			_ = a[(i+3)*lda+n-1]
			// Direct calls: through a func value d would escape to the heap.
			if v512 {
				dot4AVX512(n, &a[i*lda], lda, &x[0], &d[0])
			} else {
				dot4AVX2(n, &a[i*lda], lda, &x[0], &d[0])
			}
			for r, v := range d {
				y[i+r] = combine(alpha*v, beta, y[i+r])
			}
		}
	}
	for ; i < m; i++ {
		y[i] = combine(alpha*dot(vec, a[i*lda:i*lda+n], x), beta, y[i])
	}
}

// gemvT: y = alpha*Aᵀx + beta*y, as a sum of scaled rows of A added into y,
// four rows per pass over y.
func gemvT(vec bool, m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	scaleVector(beta, y)
	i := 0
	if vec {
		var s [4]float32
		for ; i+4 <= m; i += 4 {
			s = [4]float32{alpha * x[i], alpha * x[i+1], alpha * x[i+2], alpha * x[i+3]}
			_ = a[(i+3)*lda+n-1]
			axpy4AVX2(n, &s[0], &a[i*lda], lda, &y[0])
		}
	}
	for ; i < m; i++ {
		axpy(vec, alpha*x[i], a[i*lda:i*lda+n], y)
	}
}

// combine returns v + beta*old, not reading old when beta == 0.
func combine(v, beta, old float32) float32 {
	if beta == 0 {
		return v
	}
	return v + beta*old
}

// scaleVector sets y = beta*y (y = 0 when beta == 0, without reading y).
func scaleVector(beta float32, y []float32) {
	switch beta {
	case 0:
		clear(y)
	case 1:
	default:
		for i := range y {
			y[i] *= beta
		}
	}
}
