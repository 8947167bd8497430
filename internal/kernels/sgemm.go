package kernels

import (
	"fmt"
	"sync"
	"unsafe"
)

// Cache blocking, in the usual Goto/BLIS arrangement:
//
//	for each nc-wide column block of C        (B block kc×nc packed, L2/L3)
//	  for each kc-deep slice of k
//	    for each mc-tall row block of C       (A block mc×kc packed, L2)
//	      for each mr-tall panel of A         (mr×kc micro-panel, 8 KiB, L1)
//	        for each nr-wide panel of B       → micro-kernel on one mr×nr tile
//
// When all of m fits one row block the two inner loops swap and each B panel
// is packed right before use (or not at all for a row-major B); see
// gemmSerial. Tuned by benchmark on the AMD EPYC (Zen 4) this was written
// on: 32 KiB L1d and 1 MiB L2 per core. Re-swept on Zen 5 (48 KiB L1d,
// 1 MiB L2, the 8×32 kernel at its FMA peak in L1): kc 192-384, mc 96-256
// and nc 512-2048 were all within the machine's noise on the square and
// GPT-shaped products, so the values stayed. They are variables only so
// the tests can shrink them to exercise every blocking loop on small inputs.
var (
	blockK = 256
	blockM = 128
	blockN = 2048
)

// parallelFlops is the smallest 2*m*n*k worth splitting across goroutines:
// about 40 µs of single-core work, well above the cost of starting and
// joining a goroutine and of packing the shared operand twice.
const parallelFlops = 4 << 20

// Sgemm computes C = alpha*op(A)*op(B) + beta*C where op(A) is m×k, op(B) is
// k×n and C is m×n, all row-major with leading dimensions lda, ldb, ldc.
// transA means A is stored k×m, transB means B is stored n×k. beta == 0
// overwrites C without reading it, so NaNs in C do not propagate.
//
// Invalid dimensions or too-short slices are programmer errors and panic with
// a message naming the argument, as gonum's BLAS does.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleMatrix(m, n, beta, c, ldc)
		return
	}
	if m <= smallRows && transB && !transA {
		// A few rows times Wᵀ (beam hypotheses, a small batch): W is
		// streamed once, each of its rows dotted with all of A's rows
		// (which stay in L1), instead of being packed.
		vec := current().vec
		if t := min(Threads(), n); t > 1 && n*k >= parallelGemv {
			// W is big enough to be worth streaming from both cores (the
			// output layer under beam search): each streams its own rows.
			j := smallRowsJobs.Get().(*smallRowsJob)
			*j = smallRowsJob{vec: vec, m: m, n: n, k: k, alpha: alpha, beta: beta, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc}
			RunParallel(t, j)
			*j = smallRowsJob{}
			smallRowsJobs.Put(j)
			return
		}
		smallRowsNT(vec, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m == 1 && (!transA || lda == 1) {
		// A single row (batch-1 recurrent steps, reading a prompt) is a
		// matrix-vector product: packing all of B for one row of output would
		// cost as much as the arithmetic.
		if transB { // B is n×k: c = B·a
			Sgemv(false, n, k, alpha, b, ldb, a[:k], beta, c[:n])
		} else { // B is k×n: c = Bᵀ·a
			Sgemv(true, k, n, alpha, b, ldb, a[:k], beta, c[:n])
		}
		return
	}
	gemmBlocked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, nil, c, ldc)
}

// SgemmBias computes C = alpha*op(A)*op(B) + bias, bias (n values) added
// to every row of C: a linear layer's x·Wᵀ + b. C is not read. The bias
// is added to each tile of C right after the tile's first micro-kernel
// call, while the tile is in L1, instead of a separate pass that fills
// all of C first (a large C leaves the cache in between).
func SgemmBias(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, bias, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if len(bias) < n {
		panic(fmt.Sprintf("kernels: SgemmBias: len(bias)=%d, want >= n=%d", len(bias), n))
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 || m <= smallRows || m == 1 {
		// No product, or a few rows (matrix-vector style, C is small):
		// fill C with the bias and accumulate onto it.
		fillRows(m, n, bias, c, ldc)
		Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, 1, c, ldc)
		return
	}
	gemmBlocked(transA, transB, m, n, k, alpha, a, lda, b, ldb, 0, bias[:n], c, ldc)
}

// fillRows sets every row of the m×n matrix C to v[:n].
func fillRows(m, n int, v, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		copy(c[i*ldc:i*ldc+n], v[:n])
	}
}

// gemmBlocked is Sgemm's packed path, split over threads when large; a
// non-nil bias (with beta 0) initialises C (see SgemmBias).
func gemmBlocked(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, bias, c []float32, ldc int) {
	ar := current()
	t := Threads()
	if t > 1 && 2*m*n*k >= parallelFlops {
		// Split the larger of m and n: each part packs its own copy of the
		// other operand, so the duplicated packing is of the smaller one.
		splitN := n >= m
		panels := (m + ar.mr - 1) / ar.mr
		if splitN {
			panels = (n + ar.nr - 1) / ar.nr
		}
		t = min(t, panels)
		if t > 1 {
			gemmParallel(ar, t, splitN, panels, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, bias, c, ldc)
			return
		}
	}
	buf := getBuf()
	gemmSerial(ar, buf, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, bias, c, ldc)
	bufPool.Put(buf)
}

// gemmParallel runs t independent gemmSerial calls on disjoint panel-aligned
// slices of C's columns (splitN) or rows; the calling goroutine does part 0.
func gemmParallel(ar *arch, t int, splitN bool, panels int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, bias, c []float32, ldc int) {
	part := func(i int) {
		buf := getBuf()
		defer bufPool.Put(buf)
		if splitN {
			j0, j1 := panels*i/t*ar.nr, min(n, panels*(i+1)/t*ar.nr)
			var bj []float32
			if transB { // B is n×k: the part starts at row j0
				bj = b[j0*ldb:]
			} else { // B is k×n: the part starts at column j0
				bj = b[j0:]
			}
			var bb []float32
			if bias != nil {
				bb = bias[j0:j1]
			}
			gemmSerial(ar, buf, transA, transB, m, j1-j0, k, alpha, a, lda, bj, ldb, beta, bb, c[j0:], ldc)
			return
		}
		i0, i1 := panels*i/t*ar.mr, min(m, panels*(i+1)/t*ar.mr)
		var ai []float32
		if transA { // A is k×m: the part starts at column i0
			ai = a[i0:]
		} else { // A is m×k: the part starts at row i0
			ai = a[i0*lda:]
		}
		gemmSerial(ar, buf, transA, transB, i1-i0, n, k, alpha, ai, lda, b, ldb, beta, bias, c[i0*ldc:], ldc)
	}
	Parallel(t, part)
}

// gemmBuf holds one goroutine's packing buffers; they are pooled so a steady
// stream of calls does not allocate.
type gemmBuf struct {
	a, b, t []float32
}

var bufPool = sync.Pool{New: func() any { return new(gemmBuf) }}

func getBuf() *gemmBuf { return bufPool.Get().(*gemmBuf) }

// aligned returns a slice of n floats starting on a 64-byte boundary (one
// cache line, one zmm register), reusing s when it is big enough.
func aligned(s []float32, n int) []float32 {
	if cap(s) >= n && uintptr(unsafe.Pointer(unsafe.SliceData(s)))%64 == 0 {
		return s[:n]
	}
	s = make([]float32, n+16)
	off := int(uintptr(unsafe.Pointer(&s[0]))%64) / 4
	if off != 0 {
		off = 16 - off
	}
	return s[off : off+n : off+n]
}

// gemmSerial is the single-goroutine blocked algorithm described at blockK.
func gemmSerial(ar *arch, buf *gemmBuf, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, bias, c []float32, ldc int) {
	if transB && ar.kernelNT != nil && m >= ntMinM && m <= ntMaxM && k <= ntMaxK {
		if bias != nil { // few rows: C is small, fill it first
			fillRows(m, n, bias, c, ldc)
			beta = 1
		}
		gemmNT(ar, buf, transA, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	mr, nr := ar.mr, ar.nr
	mcBlock := max(mr, blockM/mr*mr)
	ncBlock := max(nr, blockN/nr*nr)
	kcMax := min(k, blockK)
	buf.a = aligned(buf.a, roundUp(min(m, mcBlock), mr)*kcMax)
	buf.b = aligned(buf.b, roundUp(min(n, ncBlock), nr)*kcMax)
	buf.t = aligned(buf.t, mr*nr)
	// With a single row block (small m) each B panel is used by only
	// mc/mr micro-kernel calls, so it is packed just before use, while it
	// is hot in L1, and a row-major B is not packed at all: the kernel reads
	// it in place (bstride = ldb) and only a ragged last panel is packed.
	single := m <= mcBlock
	direct := !transB && single
	for jc := 0; jc < n; jc += ncBlock {
		nc := min(ncBlock, n-jc)
		for pc := 0; pc < k; pc += blockK {
			kc := min(blockK, k-pc)
			bet, bs := beta, bias
			if pc > 0 {
				bet, bs = 1, nil // later k slices accumulate onto the first one's result
			}
			if !single {
				packB(ar, transB, kc, nc, b, ldb, pc, jc, buf.b)
			}
			for ic := 0; ic < m; ic += mcBlock {
				mc := min(mcBlock, m-ic)
				packA(ar.vec, mr, transA, mc, kc, a, lda, ic, pc, buf.a)
				if single {
					for jr := 0; jr < nc; jr += nr {
						nrr := min(nr, nc-jr)
						bp, bstride := &buf.b[jr*kc], nr*4
						if direct && nrr == nr {
							bp, bstride = &b[pc*ldb+jc+jr], ldb*4
						} else {
							packBPanel(ar, transB, kc, nrr, b, ldb, pc, jc+jr, buf.b[jr*kc:(jr+nr)*kc])
						}
						for ir := 0; ir < mc; ir += mr {
							tile(ar, buf, kc, ir, jr, min(mr, mc-ir), nrr, bp, bstride, alpha, bet, biasAt(bs, jc+jr), c[(ic+ir)*ldc+jc+jr:], ldc)
						}
					}
					continue
				}
				// Several row blocks: B is packed once per (jc, pc) block and
				// stays in L2 while each A micro-panel (8·kc floats) sits in L1.
				for ir := 0; ir < mc; ir += mr {
					mrr := min(mr, mc-ir)
					for jr := 0; jr < nc; jr += nr {
						tile(ar, buf, kc, ir, jr, mrr, min(nr, nc-jr), &buf.b[jr*kc], nr*4, alpha, bet, biasAt(bs, jc+jr), c[(ic+ir)*ldc+jc+jr:], ldc)
					}
				}
			}
		}
	}
}

// tile runs the micro-kernel on one mr×nr tile of C (c starts at its top-left
// element): A panel at row ir of the packed block, B panel at bp.
// A non-nil bias is added to the tile's rows right after the kernel has
// written them, while they are in L1 (filling C first instead stalled on
// the cache misses of a large C before any arithmetic).
func tile(ar *arch, buf *gemmBuf, kc, ir, jr, mrr, nrr int, bp *float32, bstride int, alpha, beta float32, bias, c []float32, ldc int) {
	ap := &buf.a[ir*kc]
	if mrr == ar.mr && nrr == ar.nr {
		_ = c[(mrr-1)*ldc+nrr-1]
		ar.kernel(kc, ap, bp, bstride, &c[0], ldc*4, alpha, beta)
	} else {
		// Ragged tile: compute the full tile into a scratch buffer, then
		// merge only the valid part into C.
		ar.kernel(kc, ap, bp, bstride, &buf.t[0], ar.nr*4, 1, 0)
		mergeTile(buf.t, ar.nr, mrr, nrr, alpha, beta, c, ldc)
	}
	if bias != nil {
		for i := 0; i < mrr; i++ {
			axpy(ar.vec, 1, bias[:nrr], c[i*ldc:i*ldc+nrr])
		}
	}
}

// smallRows is the most rows of A·Bᵀ computed as one matrix-vector product
// per row rather than by packing B.
const smallRows = 8

// Limits of the gemmNT path. Below ntMinM rows most of the 32-row vector
// would be zero padding; above ntMaxM packing B pays for itself; ntMaxK keeps
// the packed Aᵀ (32·k floats) inside L2.
const (
	ntMinM = 17
	ntMaxM = 64
	ntMaxK = 4096
)

// gemmNT computes C = alpha*op(A)·Bᵀ + beta*C for small m (an RNN step
// x·Wᵀ with batch-sized m) without packing B: the packing of the large
// operand could not be amortised over so few rows, and transposing it would
// cost about as much as the product itself. Instead 32 rows of op(A) are
// packed transposed (cheap: A is small) and sgemmKernelNT32x8 runs down
// columns of C, broadcasting B's elements from its rows in place. Each call
// yields a 32×8 block of C column-major, merged here with alpha and beta.
func gemmNT(ar *arch, buf *gemmBuf, transA bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	const rows, cols = 32, 8
	buf.a = aligned(buf.a, rows*k)
	buf.t = aligned(buf.t, rows*cols)
	out := buf.t
	for i0 := 0; i0 < m; i0 += rows {
		mc := min(rows, m-i0)
		packA(ar.vec, rows, transA, mc, k, a, lda, i0, 0, buf.a)
		j := 0
		for ; j+cols <= n; j += cols {
			_ = b[(j+cols-1)*ldb+k-1]
			ar.kernelNT(k, &buf.a[0], &b[j*ldb], ldb*4, &out[0])
			mergeNT(out, mc, alpha, beta, c[i0*ldc+j:], ldc)
		}
		// Fewer than 8 columns left: plain dot products.
		for ; j < n; j++ {
			brow := b[j*ldb:][:k]
			for i := 0; i < mc; i++ {
				var s float32
				if transA {
					for p, v := range brow {
						s += a[p*lda+i0+i] * v
					}
				} else {
					s = dot(ar.vec, a[(i0+i)*lda:][:k], brow)
				}
				ci := (i0+i)*ldc + j
				c[ci] = combine(alpha*s, beta, c[ci])
			}
		}
	}
}

// mergeNT writes the column-major 32×8 block out (out[q*32+i]) into the
// first mc rows of C: C[i][q] = alpha*out + beta*C, not reading C when
// beta == 0. Unrolled over the 8 columns so it compiles without bounds checks.
func mergeNT(out []float32, mc int, alpha, beta float32, c []float32, ldc int) {
	for i := 0; i < mc; i++ {
		o := out[i : i+7*32+1]
		cr := c[i*ldc : i*ldc+8 : i*ldc+8]
		if beta == 0 {
			cr[0], cr[1], cr[2], cr[3] = alpha*o[0], alpha*o[32], alpha*o[64], alpha*o[96]
			cr[4], cr[5], cr[6], cr[7] = alpha*o[128], alpha*o[160], alpha*o[192], alpha*o[224]
			continue
		}
		cr[0], cr[1], cr[2], cr[3] = alpha*o[0]+beta*cr[0], alpha*o[32]+beta*cr[1], alpha*o[64]+beta*cr[2], alpha*o[96]+beta*cr[3]
		cr[4], cr[5], cr[6], cr[7] = alpha*o[128]+beta*cr[4], alpha*o[160]+beta*cr[5], alpha*o[192]+beta*cr[6], alpha*o[224]+beta*cr[7]
	}
}

// mergeTile sets C[i][j] = alpha*T[i][j] + beta*C[i][j] for the mrr×nrr valid
// corner of a scratch tile T (row stride nr); beta == 0 does not read C.
func mergeTile(t []float32, nr, mrr, nrr int, alpha, beta float32, c []float32, ldc int) {
	for i := 0; i < mrr; i++ {
		crow := c[i*ldc:][:nrr]
		trow := t[i*nr:][:nrr]
		if beta == 0 {
			for j, v := range trow {
				crow[j] = alpha * v
			}
			continue
		}
		for j, v := range trow {
			crow[j] = alpha*v + beta*crow[j]
		}
	}
}

// scaleMatrix sets C = beta*C (C = 0 when beta == 0, without reading C).
func scaleMatrix(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc:][:n]
		if beta == 0 {
			clear(row)
			continue
		}
		if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// biasAt is bias from column j on, or nil.
func biasAt(bias []float32, j int) []float32 {
	if bias == nil {
		return nil
	}
	return bias[j:]
}

func roundUp(x, q int) int { return (x + q - 1) / q * q }

// checkGemm panics, naming the offending argument, when the dimensions or
// slices cannot describe the product (the same rules as reference BLAS).
func checkGemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernels: Sgemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k // rows and columns of A as stored
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("Sgemm", "a", "lda", ar, ac, a, lda)
	checkMatrix("Sgemm", "b", "ldb", br, bc, b, ldb)
	checkMatrix("Sgemm", "c", "ldc", m, n, c, ldc)
}

// checkMatrix checks that s holds a rows×cols row-major matrix with leading
// dimension ld: ld >= max(1, cols) and len(s) >= (rows-1)*ld + cols.
func checkMatrix(fn, name, ldName string, rows, cols int, s []float32, ld int) {
	if ld < max(1, cols) {
		panic(fmt.Sprintf("kernels: %s: %s=%d, want >= max(1, %d) (the row width of %s)", fn, ldName, ld, cols, name))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if need := (rows-1)*ld + cols; len(s) < need {
		panic(fmt.Sprintf("kernels: %s: len(%s)=%d, want >= %d for a %d×%d matrix with %s=%d", fn, name, len(s), need, rows, cols, ldName, ld))
	}
}

// smallRowsNT computes C = alpha·A·Bᵀ + beta·C for m <= smallRows rows of A
// by reading each row of B once and dotting it with every row of A.
// smallRowsJob is smallRowsNT split over B's rows (C's columns), pooled
// so that a split call allocates nothing.
type smallRowsJob struct {
	vec               bool
	m, n, k, lda, ldb int
	ldc               int
	alpha, beta       float32
	a, b, c           []float32
}

var smallRowsJobs = sync.Pool{New: func() any { return new(smallRowsJob) }}

func (j *smallRowsJob) RunPart(i, t int) {
	j0, j1 := j.n*i/t, j.n*(i+1)/t
	smallRowsNT(j.vec, j.m, j1-j0, j.k, j.alpha, j.a, j.lda, j.b[j0*j.ldb:], j.ldb, j.beta, j.c[j0:], j.ldc)
}

func smallRowsNT(vec bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	var d [4]float32
	put := func(i, j int, v float32) {
		if beta == 0 {
			c[i*ldc+j] = alpha * v
		} else {
			c[i*ldc+j] = alpha*v + beta*c[i*ldc+j]
		}
	}
	for j := 0; j < n; j++ {
		w := b[j*ldb : j*ldb+k]
		i := 0
		if vec {
			for ; i+4 <= m; i += 4 {
				_ = a[(i+3)*lda+k-1]
				dot4AVX2(k, &a[i*lda], lda, &w[0], &d[0])
				for r, v := range d {
					put(i+r, j, v)
				}
			}
		}
		for ; i < m; i++ {
			put(i, j, Dot(a[i*lda:i*lda+k], w))
		}
	}
}
