package kernels

// Packing copies the operands of one cache block into the order the
// micro-kernel streams them, zero-padding ragged panels so the kernel can
// always run full tiles. It is also where the four transpose combinations
// become one: after packing, op(A) and op(B) look the same whatever their
// storage order.

// packA packs the mc×kc block of op(A) at (ic, pc) into consecutive mr-row
// panels: panel q holds, for each of the kc steps p, the mr values
// op(A)[ic+q*mr+i][pc+p], i = 0..mr-1 (zero beyond mc).
//
// vec selects the AVX2 assembly for the 8-row cases.
func packA(vec bool, mr int, transA bool, mc, kc int, a []float32, lda, ic, pc int, dst []float32) {
	if transA && mr == 8 {
		packAT8(vec, mc, kc, a, lda, ic, pc, dst)
		return
	}
	for ir := 0; ir < mc; ir += mr {
		mrr := min(mr, mc-ir)
		d := dst[ir*kc : (ir+mr)*kc]
		if transA {
			// A is stored k×m: each k step is a contiguous run of mrr values.
			for p := 0; p < kc; p++ {
				row := d[p*mr : p*mr+mr]
				copy(row, a[(pc+p)*lda+ic+ir:][:mrr])
				clear(row[mrr:])
			}
			continue
		}
		if mrr == mr && mr%8 == 0 {
			for g := 0; g < mr; g += 8 {
				packA8(vec, kc, a, lda, (ic+ir+g)*lda+pc, d[g:], mr)
			}
			continue
		}
		// A is stored m×k: row i of the panel is contiguous, scatter it.
		for i := 0; i < mrr; i++ {
			for p, v := range a[(ic+ir+i)*lda+pc:][:kc] {
				d[p*mr+i] = v
			}
		}
		for i := mrr; i < mr; i++ {
			for p := 0; p < kc; p++ {
				d[p*mr+i] = 0
			}
		}
	}
}

// packAT8 is packA for a transposed A and 8-row panels: it walks each stored
// row of A once (mc contiguous values of one k step) and deals it out to the
// panels in 8-float moves, instead of calling copy for every 8 floats.
func packAT8(vec bool, mc, kc int, a []float32, lda, ic, pc int, dst []float32) {
	full := mc &^ 7
	done := 0 // rows already packed
	if vec && full > 0 && kc > 0 {
		// The whole panels in assembly; the Go loop below only does the
		// ragged one.
		_ = a[(pc+kc-1)*lda+ic+full-1]
		_ = dst[full*kc-1]
		packAT8AVX2(kc, &a[pc*lda+ic], lda*4, &dst[0], full/8, kc*8*4)
		done = full
	}
	if done == mc {
		return
	}
	for p := 0; p < kc; p++ {
		src := a[(pc+p)*lda+ic:][:mc]
		for ir := done; ir < full; ir += 8 {
			o := ir*kc + p*8
			*(*[8]float32)(dst[o : o+8]) = *(*[8]float32)(src[ir : ir+8])
		}
		if full < mc {
			o := full*kc + p*8
			row := dst[o : o+8]
			copy(row, src[full:])
			clear(row[mc-full:])
		}
	}
}

// packA8 interleaves 8 rows of a row-major A (starting at a[off], rows lda
// apart) into d, eight values per k step, consecutive steps stride apart.
// With vec the assembly does whole blocks of 8 k steps. Reading the eight
// rows side by side lets the compiler drop the bounds checks from the loop.
func packA8(vec bool, kc int, a []float32, lda, off int, d []float32, stride int) {
	r0 := a[off:][:kc]
	r1 := a[off+lda:][:kc]
	r2 := a[off+2*lda:][:kc]
	r3 := a[off+3*lda:][:kc]
	r4 := a[off+4*lda:][:kc]
	r5 := a[off+5*lda:][:kc]
	r6 := a[off+6*lda:][:kc]
	r7 := a[off+7*lda:][:kc]
	d = d[:(kc-1)*stride+8]
	p0 := 0
	if vec && kc >= 8 {
		// r0..r7 and d above are the bounds checks for the assembly.
		packA8AVX2(kc/8, &r0[0], lda*4, &d[0], stride*4)
		p0 = kc &^ 7
	}
	for p := p0; p < kc; p++ {
		o := d[p*stride : p*stride+8 : p*stride+8]
		o[0], o[1], o[2], o[3] = r0[p], r1[p], r2[p], r3[p]
		o[4], o[5], o[6], o[7] = r4[p], r5[p], r6[p], r7[p]
	}
}

// packB packs the kc×nc block of op(B) at (pc, jc) into consecutive nr-wide
// panels (see packBPanel).
func packB(ar *arch, transB bool, kc, nc int, b []float32, ldb, pc, jc int, dst []float32) {
	for jr := 0; jr < nc; jr += ar.nr {
		packBPanel(ar, transB, kc, min(ar.nr, nc-jr), b, ldb, pc, jc+jr, dst[jr*kc:(jr+ar.nr)*kc])
	}
}

// packBPanel packs one panel: kc rows of the nr values op(B)[pc+p][j0+j],
// zero for j >= nrr.
func packBPanel(ar *arch, transB bool, kc, nrr int, b []float32, ldb, pc, j0 int, d []float32) {
	nr := ar.nr
	if !transB {
		// B is stored k×n: each packed row is a contiguous run.
		for p := 0; p < kc; p++ {
			row := d[p*nr : p*nr+nr]
			copy(row, b[(pc+p)*ldb+j0:][:nrr])
			clear(row[nrr:])
		}
		return
	}
	// B is stored n×k: packing is a transpose.
	p0 := 0
	if nrr == nr && ar.packBT != nil && kc >= 16 {
		src := b[j0*ldb+pc:]
		_ = src[(nr-1)*ldb+kc-1]
		_ = d[kc*nr-1]
		ar.packBT(kc, &src[0], ldb, &d[0])
		p0 = kc &^ 15 // the assembly does whole 16-column blocks
	}
	for j := 0; j < nrr; j++ {
		for p, v := range b[(j0+j)*ldb+pc+p0 : (j0+j)*ldb+pc+kc] {
			d[(p0+p)*nr+j] = v
		}
	}
	for j := nrr; j < nr; j++ {
		for p := p0; p < kc; p++ {
			d[p*nr+j] = 0
		}
	}
}
