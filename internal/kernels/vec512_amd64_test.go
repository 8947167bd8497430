//go:build amd64 && !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestAVX512StreamKernels checks sumAVX512, dotAVX512 and dot4AVX512
// against float64 sums for every length up to a few unrolled bodies (so
// every path: the 8/4/2-zmm bodies, the one-zmm steps and each masked
// tail) and at every float offset within a cache line. The values just
// past each operand's end are NaN, so a tail that read beyond n would
// poison the result.
func TestAVX512StreamKernels(t *testing.T) {
	if !bestArch.v512 {
		t.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	lengths := []int{}
	for n := 0; n <= 300; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 511, 512, 513, 767, 768, 4096, 4097)
	nan := float32(math.NaN())
	fill := func(s []float32) {
		for i := range s {
			s[i] = float32(rng.NormFloat64())
		}
	}
	for _, n := range lengths {
		for _, off := range []int{0, 1, 3, 7, 15} {
			const pad = 32
			x := make([]float32, off+n+pad)
			y := make([]float32, off+n+pad)
			fill(x)
			fill(y)
			for i := off + n; i < len(x); i++ {
				x[i], y[i] = nan, nan
			}
			xs, ys := x[off:off+n], y[off:off+n]
			var wantSum, wantDot float64
			var absSum, absDot float64
			for i := range xs {
				wantSum += float64(xs[i])
				absSum += math.Abs(float64(xs[i]))
				wantDot += float64(xs[i]) * float64(ys[i])
				absDot += math.Abs(float64(xs[i]) * float64(ys[i]))
			}
			var gotSum, gotDot float32
			if n > 0 {
				gotSum = sumAVX512(n, &x[off])
				gotDot = dotAVX512(n, &x[off], &y[off])
			}
			if e := math.Abs(float64(gotSum) - wantSum); !(e <= 1e-5*(absSum+1)) {
				t.Fatalf("sumAVX512 n=%d off=%d: got %v want %v", n, off, gotSum, wantSum)
			}
			if e := math.Abs(float64(gotDot) - wantDot); !(e <= 1e-5*(absDot+1)) {
				t.Fatalf("dotAVX512 n=%d off=%d: got %v want %v", n, off, gotDot, wantDot)
			}
			if n == 0 {
				continue
			}
			// Four rows lda = n+3 apart; the 3 floats between rows and
			// the ones after the last row are NaN.
			lda := n + 3
			a := make([]float32, off+4*lda+pad)
			for i := range a {
				a[i] = nan
			}
			for r := 0; r < 4; r++ {
				fill(a[off+r*lda : off+r*lda+n])
			}
			var out [4]float32
			dot4AVX512(n, &a[off], lda, &x[off], &out[0])
			for r := 0; r < 4; r++ {
				var want, abs float64
				for j := 0; j < n; j++ {
					p := float64(a[off+r*lda+j]) * float64(xs[j])
					want += p
					abs += math.Abs(p)
				}
				if e := math.Abs(float64(out[r]) - want); !(e <= 1e-5*(abs+1)) {
					t.Fatalf("dot4AVX512 n=%d off=%d row %d: got %v want %v", n, off, r, out[r], want)
				}
			}
		}
	}
}

// BenchmarkGemvRows compares the AVX2 and AVX-512 row kernels of Sgemv on
// GPT-2-shaped weights far larger than the caches (the batch-1 decoding
// regime): GB/s is bytes of A read per second.
func BenchmarkGemvRows(b *testing.B) {
	if !bestArch.v512 {
		b.Skip("no AVX-512")
	}
	for _, n := range []int{768, 3072} {
		m := (256 << 20) / 4 / n
		a := make([]float32, m*n)
		for i := range a {
			a[i] = 1
		}
		x := make([]float32, n)
		var out [4]float32
		for _, k := range []struct {
			name string
			f    func(int, *float32, int, *float32, *float32)
		}{{"avx2", dot4AVX2}, {"avx512", dot4AVX512}} {
			b.Run(k.name+"/n="+strconv.Itoa(n), func(b *testing.B) {
				b.SetBytes(int64(4 * m * n))
				for range b.N {
					for i := 0; i+4 <= m; i += 4 {
						k.f(n, &a[i*n], n, &x[0], &out[0])
					}
				}
			})
		}
	}
}
