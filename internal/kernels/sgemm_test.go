package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// testMode is one configuration the kernels must be correct under.
type testMode struct {
	name  string
	setup func() (restore func())
}

// modes: the detected assembly, the portable fallback, two goroutines, and
// tiny cache blocks so that every blocking loop (several kc slices, row
// blocks, column blocks, ragged panels) runs even on small matrices.
var modes = []testMode{
	{"best", func() func() { return func() {} }},
	{"generic", func() func() {
		forceGeneric = true
		return func() { forceGeneric = false }
	}},
	{"threads2", func() func() {
		old, oldGemv := Threads(), parallelGemv
		SetThreads(2)
		parallelGemv = 1 << 18 // split the test's larger matrix-vector products too
		return func() { SetThreads(old); parallelGemv = oldGemv }
	}},
	{"smallblocks", func() func() {
		k, m, n := blockK, blockM, blockN
		blockK, blockM, blockN = 20, 16, 64
		return func() { blockK, blockM, blockN = k, m, n }
	}},
	{"generic+threads2+smallblocks", func() func() {
		forceGeneric = true
		old, oldGemv := Threads(), parallelGemv
		SetThreads(2)
		parallelGemv = 1 << 18
		k, m, n := blockK, blockM, blockN
		blockK, blockM, blockN = 20, 16, 64
		return func() {
			forceGeneric = false
			SetThreads(old)
			parallelGemv = oldGemv
			blockK, blockM, blockN = k, m, n
		}
	}},
}

// randMatrix returns a rows×cols matrix with leading dimension ld stored
// from offset 1 of a larger slice (so it is not 64-byte aligned), and a
// sentinel-filled margin around it.
func randMatrix(rng *rand.Rand, rows, cols, ld int) (whole, m []float32) {
	whole = make([]float32, 1+max(0, (rows-1)*ld+cols)+5)
	for i := range whole {
		whole[i] = 1e30 // sentinel: must never be read into a result or changed
	}
	m = whole[1 : len(whole)-5]
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			m[i*ld+j] = float32(rng.NormFloat64())
		}
	}
	return whole, m
}

// refGemm is the plain triple loop in float64. It returns alpha*op(A)op(B) +
// beta*C and, per element, the scale |alpha|·Σ|a||b| + |beta·c| that bounds
// the float32 rounding error.
func refGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) (want, scale []float64) {
	want = make([]float64, m*n)
	scale = make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, sa float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
				sa += math.Abs(float64(av) * float64(bv))
			}
			w := float64(alpha) * s
			sc := math.Abs(float64(alpha)) * sa
			if beta != 0 {
				w += float64(beta) * float64(c[i*ldc+j])
				sc += math.Abs(float64(beta) * float64(c[i*ldc+j]))
			}
			want[i*n+j], scale[i*n+j] = w, sc
		}
	}
	return want, scale
}

func TestSgemm(t *testing.T) {
	shapes := []struct{ m, n, k int }{
		{1, 1, 1}, {3, 17, 1000}, {33, 65, 129}, {17, 3, 1}, {1000, 3, 17},
		{3, 1000, 17}, {64, 96, 40}, {129, 70, 300}, {1, 1000, 3}, {8, 32, 5},
		{1200, 40, 50}, {40, 1200, 50}, // split across threads with k far below the split dimension
	}
	scalars := []float32{0, 1, 0.5, -2}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, s := range shapes {
				for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
					transA, transB := tr[0], tr[1]
					ar, ac := s.m, s.k
					if transA {
						ar, ac = s.k, s.m
					}
					br, bc := s.k, s.n
					if transB {
						br, bc = s.n, s.k
					}
					lda, ldb, ldc := ac+3, bc+1, s.n+2
					_, a := randMatrix(rng, ar, ac, lda)
					_, b := randMatrix(rng, br, bc, ldb)
					big := s.m*s.n*s.k > 200000
					for _, alpha := range scalars {
						for _, beta := range scalars {
							if big && !(alpha == 0.5 && beta == -2) && !(alpha == 1 && beta == 0) {
								continue // the full grid on the big shapes costs too much reference time
							}
							name := fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v/alpha=%v/beta=%v", s.m, s.n, s.k, transA, transB, alpha, beta)
							cw, c := randMatrix(rng, s.m, s.n, ldc)
							if beta == 0 {
								for i := 0; i < s.m; i++ {
									for j := 0; j < s.n; j++ {
										c[i*ldc+j] = float32(math.NaN())
									}
								}
							}
							want, scale := refGemm(transA, transB, s.m, s.n, s.k, alpha, a, lda, b, ldb, beta, c, ldc)
							Sgemm(transA, transB, s.m, s.n, s.k, alpha, a, lda, b, ldb, beta, c, ldc)
							checkResult(t, name, s.m, s.n, s.k, cw, c, ldc, want, scale)
						}
					}
				}
			}
		})
	}
}

// checkResult compares C with the reference (tolerance k+2 float32 roundings
// of the magnitude scale) and checks that nothing outside C was written.
func checkResult(t *testing.T, name string, m, n, k int, whole, c []float32, ldc int, want, scale []float64) {
	t.Helper()
	const eps = 1.0 / (1 << 23)
	bad := 0
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			got := float64(c[i*ldc+j])
			tol := float64(k+2)*eps*scale[i*n+j] + 1e-30
			if math.IsNaN(got) || math.Abs(got-want[i*n+j]) > tol {
				if bad < 3 {
					t.Errorf("%s: C[%d][%d] = %v, want %v (tol %.3g)", name, i, j, got, want[i*n+j], tol)
				}
				bad++
			}
		}
		for j := n; j < ldc && i < m-1; j++ {
			if c[i*ldc+j] != 1e30 {
				t.Fatalf("%s: padding C[%d][%d] was overwritten with %v", name, i, j, c[i*ldc+j])
			}
		}
	}
	if whole[0] != 1e30 || whole[len(whole)-1] != 1e30 {
		t.Fatalf("%s: wrote outside C", name)
	}
}

func TestSgemmPanics(t *testing.T) {
	a := make([]float32, 6)
	cases := []struct {
		name string
		f    func()
	}{
		{"negative m", func() { Sgemm(false, false, -1, 2, 3, 1, a, 3, a, 2, 0, a, 2) }},
		{"small lda", func() { Sgemm(false, false, 2, 2, 3, 1, a, 2, a, 2, 0, a, 2) }},
		{"short b", func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, a[:5], 2, 0, a, 2) }},
		{"short c", func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, a, 2, 0, a[:3], 2) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			tc.f()
		})
	}
}

// TestSgemmSteadyStateNoAlloc checks that pooled packing buffers make repeat
// calls allocation-free on the single-threaded path.
func TestSgemmSteadyStateNoAlloc(t *testing.T) {
	old := Threads()
	SetThreads(1)
	defer SetThreads(old)
	m, n, k := 32, 64, 48
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	allocs := testing.AllocsPerRun(20, func() { Sgemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n) })
	if allocs > 0 {
		t.Errorf("Sgemm allocated %v times per call, want 0", allocs)
	}
}

type gemmShape struct {
	name         string
	tA, tB       bool
	m, n, k      int
	explicitOnly bool
}

// benchShapes are the products recur's models run (M×K×N with transposes).
var benchShapes = []gemmShape{
	{name: "rnnstep_32x512x2048_NT", tB: true, m: 32, n: 2048, k: 512},
	{name: "rnnstep_32x256x1024_NT", tB: true, m: 32, n: 1024, k: 256},
	{name: "inproj_3200x512x2048_NT", tB: true, m: 3200, n: 2048, k: 512},
	{name: "wgrad_2048x3200x512_TN", tA: true, m: 2048, n: 512, k: 3200},
	{name: "igrad_3200x2048x512_NN", m: 3200, n: 512, k: 2048},
	{name: "seq2seq_768x512x5000_NN", m: 768, n: 5000, k: 512},
	{name: "small_32x128x512_NT", tB: true, m: 32, n: 512, k: 128},
	{name: "small_1600x128x512_NT", tB: true, m: 1600, n: 512, k: 128},
	{name: "square_1024", m: 1024, n: 1024, k: 1024},
	// GPT training (batch 8 × context 256, width 384): the MLP's forward,
	// input-gradient and weight-gradient products, and one attention head.
	{name: "gpt_fwd_2048x1536x384_NT", tB: true, m: 2048, n: 1536, k: 384},
	{name: "gpt_fwd_2048x384x1536_NT", tB: true, m: 2048, n: 384, k: 1536},
	{name: "gpt_igrad_2048x384x1536_NN", m: 2048, n: 384, k: 1536},
	{name: "gpt_igrad_2048x1536x384_NN", m: 2048, n: 1536, k: 384},
	{name: "gpt_wgrad_1536x384x2048_TN", tA: true, m: 1536, n: 384, k: 2048},
	{name: "gpt_wgrad_384x1536x2048_TN", tA: true, m: 384, n: 1536, k: 2048},
	{name: "gpt_attn_128x256x64_NT", tB: true, m: 128, n: 256, k: 64},
	{name: "gpt_attn_128x64x256_NN", m: 128, n: 64, k: 256},
	{name: "gpt_attn_256x64x128_TN", tA: true, m: 256, n: 64, k: 128},
	{name: "square_4096", m: 4096, n: 4096, k: 4096, explicitOnly: true},
}

func BenchmarkSgemm(b *testing.B) {
	for _, s := range benchShapes {
		b.Run(s.name, func(b *testing.B) {
			if s.explicitOnly && !benchNamedExplicitly(s.name) {
				b.Skip("run with -bench 'Sgemm/" + s.name + "'")
			}
			lda, ldb := s.k, s.n
			if s.tA {
				lda = s.m
			}
			if s.tB {
				ldb = s.k
			}
			a := make([]float32, s.m*s.k)
			bb := make([]float32, s.k*s.n)
			c := make([]float32, s.m*s.n)
			for i := range a {
				a[i] = float32(i%7) - 3
			}
			for i := range bb {
				bb[i] = float32(i%5) - 2
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				Sgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			b.ReportMetric(2*float64(s.m)*float64(s.n)*float64(s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
