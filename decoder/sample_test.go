package decoder

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestSampleConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     SampleConfig
		wantErr string // substring; "" = valid
	}{
		{"default", DefaultSampleConfig(), ""},
		{"greedy temp 0", SampleConfig{Greedy: true, Temperature: 0, TopP: 1}, ""},
		{"top-k and top-p", SampleConfig{Temperature: 1.5, TopK: 40, TopP: 0.9}, ""},
		{"negative temperature", SampleConfig{Temperature: -1, TopP: 1}, "temperature must be > 0 (got -1)"},
		{"zero temperature", SampleConfig{Temperature: 0, TopP: 1}, "temperature must be > 0 (got 0)"},
		{"greedy negative temperature", SampleConfig{Greedy: true, Temperature: -1, TopP: 1}, "temperature must be >= 0"},
		{"NaN temperature", SampleConfig{Temperature: math.NaN(), TopP: 1}, "temperature must be a finite number > 0 (got NaN)"},
		{"Inf temperature", SampleConfig{Temperature: math.Inf(1), TopP: 1}, "(got +Inf)"},
		{"negative top-k", SampleConfig{Temperature: 1, TopK: -3, TopP: 1}, "top-k must be >= 0 (got -3)"},
		{"top-p too big", SampleConfig{Temperature: 1, TopP: 1.5}, "top-p must be in (0, 1] (got 1.5)"},
		{"top-p zero", SampleConfig{Temperature: 1, TopP: 0}, "top-p must be in (0, 1] (got 0)"},
		{"top-p NaN", SampleConfig{Temperature: 1, TopP: math.NaN()}, "top-p must be in (0, 1] (got NaN)"},
		{"top-p Inf", SampleConfig{Temperature: 1, TopP: math.Inf(1)}, "top-p must be in (0, 1] (got +Inf)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.wantErr)
			}
			if _, err := NewSampler(tt.cfg, 1); err == nil {
				t.Fatalf("NewSampler accepted invalid config")
			}
		})
	}
}

func mustSampler(t testing.TB, cfg SampleConfig, seed uint64) *Sampler {
	t.Helper()
	s, err := NewSampler(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func f32(xs ...float64) []float32 {
	out := make([]float32, len(xs))
	for i, x := range xs {
		out[i] = float32(x)
	}
	return out
}

var (
	nan  = math.NaN()
	inf  = math.Inf(1)
	ninf = math.Inf(-1)
)

func TestSampleGreedy(t *testing.T) {
	tests := []struct {
		name   string
		logits []float32
		want   int
	}{
		{"plain", f32(0.1, 2, -3, 1.9), 1},
		{"tie goes to lowest id", f32(1, 3, 3, 3), 1},
		{"NaN ignored", f32(nan, 0.5, nan, 0.7), 3},
		{"all -Inf", f32(ninf, ninf, ninf), 0},
		{"all NaN", f32(nan, nan), 0},
		{"-Inf and NaN", f32(ninf, nan, ninf), 0},
		{"+Inf wins", f32(5, inf, 7), 1},
		{"single", f32(-100), 0},
		{"empty", nil, 0},
	}
	s := mustSampler(t, SampleConfig{Greedy: true, TopP: 1}, 1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Sample(tt.logits); got != tt.want {
				t.Fatalf("Sample(%v) = %d, want %d", tt.logits, got, tt.want)
			}
		})
	}
}

// Degenerate logits must never panic and must give sensible answers when
// sampling too.
func TestSampleDegenerate(t *testing.T) {
	tests := []struct {
		name   string
		logits []float32
		allow  []int
	}{
		{"all -Inf", f32(ninf, ninf, ninf), []int{0}},
		{"all NaN", f32(nan, nan, nan), []int{0}},
		{"empty", nil, []int{0}},
		{"NaN never drawn", f32(nan, 0, nan, 0), []int{1, 3}},
		{"-Inf never drawn", f32(ninf, 0, ninf), []int{1}},
		{"+Inf takes all", f32(0, inf, 100, inf), []int{1, 3}},
		{"huge logits", f32(3e38, 3e38, -3e38), []int{0, 1}},
	}
	for _, cfg := range []SampleConfig{
		DefaultSampleConfig(),
		{Temperature: 1e-3, TopK: 2, TopP: 0.5},
		{Temperature: 1, TopP: 0.9},
	} {
		s := mustSampler(t, cfg, 3)
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%+v", tt.name, cfg), func(t *testing.T) {
				for range 50 {
					got := s.Sample(tt.logits)
					ok := false
					for _, a := range tt.allow {
						ok = ok || got == a
					}
					if !ok {
						t.Fatalf("Sample(%v) = %d, want one of %v", tt.logits, got, tt.allow)
					}
				}
			})
		}
	}
}

func TestSampleDoesNotModifyLogits(t *testing.T) {
	logits := f32(1, nan, 3, ninf, 2, 0.5)
	keep := append([]float32(nil), logits...)
	s := mustSampler(t, SampleConfig{Temperature: 0.7, TopK: 3, TopP: 0.8}, 9)
	probs := make([]float32, len(logits))
	for range 10 {
		s.Sample(logits)
		s.Probabilities(logits, probs)
	}
	for i := range logits {
		if math.Float32bits(logits[i]) != math.Float32bits(keep[i]) {
			t.Fatalf("logits[%d] changed from %v to %v", i, keep[i], logits[i])
		}
	}
}

func randomLogits(r *rand.Rand, v int) []float32 {
	l := make([]float32, v)
	for i := range l {
		l[i] = float32(r.NormFloat64() * 2)
	}
	return l
}

func TestSampleDeterminism(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	steps := make([][]float32, 200)
	for i := range steps {
		steps[i] = randomLogits(r, 65)
	}
	run := func(seed uint64) []int {
		s := mustSampler(t, SampleConfig{Temperature: 1, TopK: 20, TopP: 0.95}, seed)
		out := make([]int, len(steps))
		for i, l := range steps {
			out[i] = s.Sample(l)
		}
		return out
	}
	a, b, c := run(42), run(42), run(43)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("same seed gave different tokens:\n%v\n%v", a, b)
	}
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same == len(a) {
		t.Fatalf("seeds 42 and 43 gave identical streams")
	}
	// With 200 draws from fairly flat distributions over 65 tokens two
	// independent streams agree on only a minority of positions.
	if same > len(a)/2 {
		t.Fatalf("seeds 42 and 43 agree on %d of %d draws; streams look correlated", same, len(a))
	}
}

func TestSamplerStateRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	logits := randomLogits(r, 30)
	s := mustSampler(t, DefaultSampleConfig(), 7)
	for range 10 {
		s.Sample(logits)
	}
	st, err := s.State()
	if err != nil {
		t.Fatal(err)
	}
	want := make([]int, 50)
	for i := range want {
		want[i] = s.Sample(logits)
	}
	s2 := mustSampler(t, DefaultSampleConfig(), 999)
	if err := s2.SetState(st); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got := s2.Sample(logits); got != want[i] {
			t.Fatalf("draw %d after restore = %d, want %d", i, got, want[i])
		}
	}
	if err := s2.SetState([]byte("garbage")); err == nil || !strings.Contains(err.Error(), "sampler state") {
		t.Fatalf("SetState(garbage) = %v, want a sampler state error", err)
	}
	if st2, _ := s2.State(); bytes.Equal(st2, st) {
		t.Fatalf("state did not advance after draws")
	}
}

// softmaxT is the reference distribution softmax(l/T), computed naively in
// float64.
func softmaxT(l []float32, temp float64) []float64 {
	p := make([]float64, len(l))
	m := math.Inf(-1)
	for _, x := range l {
		m = math.Max(m, float64(x)/temp)
	}
	sum := 0.0
	for i, x := range l {
		p[i] = math.Exp(float64(x)/temp - m)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// chiSquare compares draw counts with expected probabilities (cells with
// p = 0 must have no draws at all) and returns the statistic and the
// degrees of freedom.
func chiSquare(t *testing.T, counts []int, p []float64, n int) (float64, int) {
	t.Helper()
	chi, df := 0.0, -1
	for i, c := range counts {
		if p[i] == 0 {
			if c != 0 {
				t.Fatalf("token %d has probability 0 but was drawn %d times", i, c)
			}
			continue
		}
		e := p[i] * float64(n)
		chi += (float64(c) - e) * (float64(c) - e) / e
		df++
	}
	return chi, df
}

func TestSampleFrequencies(t *testing.T) {
	logits := f32(1, 2, 0.5, -1, 3, 0)
	const n = 100000
	tests := []struct {
		cfg SampleConfig
	}{
		{SampleConfig{Temperature: 1, TopP: 1}},
		{SampleConfig{Temperature: 0.8, TopP: 1}},
		{SampleConfig{Temperature: 2, TopP: 1}},
		{SampleConfig{Temperature: 1, TopK: 3, TopP: 1}},
		{SampleConfig{Temperature: 1, TopP: 0.9}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.cfg), func(t *testing.T) {
			s := mustSampler(t, tt.cfg, 11)
			counts := make([]int, len(logits))
			for range n {
				counts[s.Sample(logits)]++
			}
			probs := make([]float32, len(logits))
			s.Probabilities(logits, probs)
			p := make([]float64, len(probs))
			for i, x := range probs {
				p[i] = float64(x)
			}
			if tt.cfg.TopK == 0 && tt.cfg.TopP == 1 {
				// Without truncation the distribution must be softmax(l/T).
				ref := softmaxT(logits, tt.cfg.Temperature)
				for i := range ref {
					if math.Abs(ref[i]-p[i]) > 1e-6 {
						t.Fatalf("Probabilities[%d] = %v, want softmax(l/T) = %v", i, p[i], ref[i])
					}
				}
			}
			chi, df := chiSquare(t, counts, p, n)
			// The 99.99th percentile of chi-square is 23.5 at 5 degrees of
			// freedom (fewer dof give smaller quantiles); the seed is fixed so
			// the test is deterministic, the bound just says "fits".
			if chi > 23.5 {
				t.Fatalf("chi-square %.2f with %d dof: counts %v do not match p %v", chi, df, counts, p)
			}
		})
	}
}

// Goldens for top-k / top-p on logits log(0.1, 0.4, 0.2, 0.3) at T = 1, so
// the softmax is exactly those probabilities; sorted they are
// id1 0.4, id3 0.3, id2 0.2, id0 0.1, and the expected sets follow by hand:
//
//	top-k 2          → {1,3}, renormalised 0.4/0.7, 0.3/0.7
//	top-p 0.3        → 0.4 ≥ 0.3 already          → {1}
//	top-p 0.5        → 0.4 < 0.5, 0.7 ≥ 0.5       → {1,3}
//	top-p 0.7        → 0.4+0.3 = 0.7 exactly      → {1,3} (boundary)
//	top-p 0.71       → 0.7 < 0.71, 0.9 ≥ 0.71     → {1,3,2}: 4/9, 2/9, 3/9
//	top-k 3, top-p 0.6 → after top-k 4/9, 3/9, 2/9; 4/9 < 0.6 ≤ 7/9 → {1,3}
//	top-k 1          → {1} (the argmax)
func TestTopKTopPGoldens(t *testing.T) {
	logits := f32(math.Log(0.1), math.Log(0.4), math.Log(0.2), math.Log(0.3))
	tests := []struct {
		name string
		topK int
		topP float64
		want []float64
	}{
		{"top-k 2", 2, 1, []float64{0, 4.0 / 7, 0, 3.0 / 7}},
		{"top-p 0.3", 0, 0.3, []float64{0, 1, 0, 0}},
		{"top-p 0.5", 0, 0.5, []float64{0, 4.0 / 7, 0, 3.0 / 7}},
		{"top-p 0.7 boundary", 0, 0.7, []float64{0, 4.0 / 7, 0, 3.0 / 7}},
		{"top-p 0.71", 0, 0.71, []float64{0, 4.0 / 9, 2.0 / 9, 3.0 / 9}},
		{"top-k 3 then top-p 0.6", 3, 0.6, []float64{0, 4.0 / 7, 0, 3.0 / 7}},
		{"top-k 1", 1, 1, []float64{0, 1, 0, 0}},
		{"top-k >= V is off", 10, 1, []float64{0.1, 0.4, 0.2, 0.3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustSampler(t, SampleConfig{Temperature: 1, TopK: tt.topK, TopP: tt.topP}, 1)
			got := make([]float32, len(logits))
			s.Probabilities(logits, got)
			for i := range got {
				if math.Abs(float64(got[i])-tt.want[i]) > 1e-6 {
					t.Fatalf("probabilities %v, want %v", got, tt.want)
				}
			}
			for range 200 {
				if id := s.Sample(logits); tt.want[id] == 0 {
					t.Fatalf("drew token %d outside the support %v", id, tt.want)
				}
			}
		})
	}
}

func TestTopKTies(t *testing.T) {
	// Three tokens share the top logit; top-k 2 keeps the two lowest ids.
	s := mustSampler(t, SampleConfig{Temperature: 1, TopK: 2, TopP: 1}, 1)
	got := make([]float32, 4)
	s.Probabilities(f32(0, 1, 1, 1), got)
	want := []float32{0, 0.5, 0.5, 0}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("probabilities %v, want %v", got, want)
	}
}

func TestTopK1IsGreedy(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	g := mustSampler(t, SampleConfig{Greedy: true, TopP: 1}, 1)
	for _, temp := range []float64{0.5, 1, 3} {
		s := mustSampler(t, SampleConfig{Temperature: temp, TopK: 1, TopP: 1}, 2)
		for range 200 {
			l := randomLogits(r, 50)
			if a, b := s.Sample(l), g.Sample(l); a != b {
				t.Fatalf("top-k 1 at T=%v drew %d, greedy %d", temp, a, b)
			}
		}
	}
}

func TestSmallTemperatureApproachesGreedy(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	g := mustSampler(t, SampleConfig{Greedy: true, TopP: 1}, 1)
	s := mustSampler(t, SampleConfig{Temperature: 1e-3, TopP: 1}, 2)
	for range 500 {
		l := randomLogits(r, 65)
		if a, b := s.Sample(l), g.Sample(l); a != b {
			// Only possible if the top two logits are within ~1e-2 of each
			// other (then exp(-gap/T) is not negligible).
			best, second := math.Inf(-1), math.Inf(-1)
			for _, x := range l {
				if v := float64(x); v > best {
					best, second = v, best
				} else if v > second {
					second = v
				}
			}
			if best-second > 0.02 {
				t.Fatalf("T=1e-3 drew %d, greedy %d, with gap %v", a, b, best-second)
			}
		}
	}
	// And the distribution itself is (numerically) one-hot.
	p := make([]float32, 3)
	s.Probabilities(f32(1, 1.5, 0.2), p)
	if p[1] != 1 || p[0] != 0 || p[2] != 0 {
		t.Fatalf("T=1e-3 probabilities %v, want one-hot at 1", p)
	}
}

func TestProbabilitiesShape(t *testing.T) {
	s := mustSampler(t, DefaultSampleConfig(), 1)
	l := f32(1, 2, 3)
	long := []float32{9, 9, 9, 9, 9}
	s.Probabilities(l, long)
	if long[3] != 0 || long[4] != 0 {
		t.Fatalf("extra probability entries not zeroed: %v", long)
	}
	sum := long[0] + long[1] + long[2]
	if math.Abs(float64(sum)-1) > 1e-6 {
		t.Fatalf("probabilities sum to %v", sum)
	}
	short := make([]float32, 2)
	s.Probabilities(l, short) // must not panic
	s.Probabilities(l, nil)
	g := mustSampler(t, SampleConfig{Greedy: true, TopP: 1}, 1)
	g.Probabilities(f32(0, 5, 1), long)
	if fmt.Sprint(long) != "[0 1 0 0 0]" {
		t.Fatalf("greedy probabilities %v, want one-hot at 1", long)
	}
	s.Probabilities(f32(nan, ninf), long)
	if fmt.Sprint(long) != "[1 0 0 0 0]" {
		t.Fatalf("unusable logits probabilities %v, want one-hot at 0", long)
	}
}

func TestSampleZeroAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	l := randomLogits(r, 500)
	probs := make([]float32, len(l))
	for _, cfg := range []SampleConfig{
		DefaultSampleConfig(),
		{Greedy: true, TopP: 1},
		{Temperature: 1, TopK: 40, TopP: 1},
		{Temperature: 1, TopP: 0.9},
		{Temperature: 1, TopK: 40, TopP: 0.9},
	} {
		s := mustSampler(t, cfg, 1)
		s.Sample(l) // grow the buffers
		if a := testing.AllocsPerRun(100, func() { s.Sample(l) }); a != 0 {
			t.Errorf("%+v: Sample allocates %v times per call", cfg, a)
		}
		if a := testing.AllocsPerRun(100, func() { s.Probabilities(l, probs) }); a != 0 {
			t.Errorf("%+v: Probabilities allocates %v times per call", cfg, a)
		}
	}
	dst := make([]float32, len(l))
	if a := testing.AllocsPerRun(100, func() { LogSoftmax(dst, l) }); a != 0 {
		t.Errorf("LogSoftmax allocates %v times per call", a)
	}
}

func TestLogSoftmax(t *testing.T) {
	tests := []struct {
		name   string
		logits []float32
		want   []float64
	}{
		// log softmax(0, log 3) = log(1/4), log(3/4)
		{"hand", f32(0, math.Log(3)), []float64{math.Log(0.25), math.Log(0.75)}},
		// shift invariance: a naive exp(1000) would overflow
		{"large", f32(1000, 1001), []float64{-math.Log(1 + math.E), 1 - math.Log(1+math.E)}},
		{"NaN is -Inf", f32(nan, 0, 0), []float64{ninf, math.Log(0.5), math.Log(0.5)}},
		{"all -Inf is uniform", f32(ninf, ninf), []float64{math.Log(0.5), math.Log(0.5)}},
		{"+Inf takes all", f32(inf, 3, inf), []float64{math.Log(0.5), ninf, math.Log(0.5)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := make([]float32, len(tt.logits))
			LogSoftmax(dst, tt.logits)
			for i := range dst {
				g, w := float64(dst[i]), tt.want[i]
				if math.IsInf(w, -1) {
					if !math.IsInf(g, -1) {
						t.Fatalf("dst = %v, want %v", dst, tt.want)
					}
					continue
				}
				if math.Abs(g-w) > 1e-6 {
					t.Fatalf("dst = %v, want %v", dst, tt.want)
				}
			}
		})
	}
	// Random vectors: exp sums to 1 and agrees with the naive formula.
	r := rand.New(rand.NewPCG(2, 2))
	for range 20 {
		l := randomLogits(r, 100)
		dst := make([]float32, len(l))
		LogSoftmax(dst, l)
		ref := softmaxT(l, 1)
		sum := 0.0
		for i := range dst {
			sum += math.Exp(float64(dst[i]))
			if math.Abs(float64(dst[i])-math.Log(ref[i])) > 1e-5 {
				t.Fatalf("dst[%d] = %v, want %v", i, dst[i], math.Log(ref[i]))
			}
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Fatalf("exp(log softmax) sums to %v", sum)
		}
	}
	LogSoftmax(nil, f32(1, 2))          // must not panic
	LogSoftmax(make([]float32, 3), nil) // must not panic
}

func ExampleSampler() {
	cfg := DefaultSampleConfig()
	cfg.TopK = 2 // only the two most likely tokens can be drawn
	// At T = 0.8 the survivors 1 and 3 get 1/(1+e^-0.625) = 0.651 and 0.349.
	s, err := NewSampler(cfg, 42)
	if err != nil {
		fmt.Println(err)
		return
	}
	logits := []float32{0.1, 2.0, -1.0, 1.5}
	probs := make([]float32, len(logits))
	s.Probabilities(logits, probs)
	fmt.Printf("%.3f\n", probs)
	id := s.Sample(logits)
	fmt.Println(id == 1 || id == 3)

	greedy, _ := NewSampler(SampleConfig{Greedy: true, TopP: 1}, 0)
	fmt.Println(greedy.Sample(logits))
	// Output:
	// [0.000 0.651 0.000 0.349]
	// true
	// 1
}

func benchmarkSample(b *testing.B, v int, cfg SampleConfig) {
	r := rand.New(rand.NewPCG(1, 2))
	l := randomLogits(r, v)
	s := mustSampler(b, cfg, 1)
	s.Sample(l)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.Sample(l)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

func BenchmarkSample(b *testing.B) {
	for _, v := range []int{65, 5000} {
		for _, c := range []struct {
			name string
			cfg  SampleConfig
		}{
			{"greedy", SampleConfig{Greedy: true, TopP: 1}},
			{"temperature", DefaultSampleConfig()},
			{"top-k40", SampleConfig{Temperature: 0.8, TopK: 40, TopP: 1}},
			{"top-p0.9", SampleConfig{Temperature: 0.8, TopP: 0.9}},
		} {
			b.Run(fmt.Sprintf("V=%d/%s", v, c.name), func(b *testing.B) { benchmarkSample(b, v, c.cfg) })
		}
	}
}

// refProbabilities is a direct, unoptimised transcription of the
// SampleConfig definition: softmax(l/T), sort all tokens, cut to k, cut to
// the top-p prefix, renormalise.
func refProbabilities(l []float32, cfg SampleConfig) []float64 {
	p := softmaxT(l, cfg.Temperature)
	order := make([]int, len(p))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p[b], p[a]) })
	keep := len(order)
	if cfg.TopK > 0 && cfg.TopK < keep {
		keep = cfg.TopK
	}
	mass := 0.0
	for _, id := range order[:keep] {
		mass += p[id]
	}
	if cfg.TopP < 1 {
		acc := 0.0
		for j, id := range order[:keep] {
			acc += p[id] / mass
			if acc >= cfg.TopP*(1-1e-12) {
				keep = j + 1
				break
			}
		}
	}
	out := make([]float64, len(p))
	sum := 0.0
	for _, id := range order[:keep] {
		sum += p[id]
	}
	for _, id := range order[:keep] {
		out[id] = p[id] / sum
	}
	return out
}

func TestProbabilitiesMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for trial := range 60 {
		v := []int{3, 65, 700}[trial%3]
		cfg := SampleConfig{
			Temperature: []float64{0.3, 1, 2.5}[trial%3],
			TopK:        []int{0, 0, 5, 50}[trial%4],
			TopP:        []float64{1, 0.9, 0.5, 0.99, 0.2}[trial%5],
		}
		l := randomLogits(r, v)
		// Peaked logits exercise the thresholded nucleus search.
		if trial%2 == 0 {
			for i := range l {
				l[i] *= 4
			}
		}
		s := mustSampler(t, cfg, 1)
		got := make([]float32, v)
		s.Probabilities(l, got)
		want := refProbabilities(l, cfg)
		for i := range got {
			if math.Abs(float64(got[i])-want[i]) > 1e-6 {
				t.Fatalf("trial %d %+v V=%d: p[%d] = %v, reference %v", trial, cfg, v, i, got[i], want[i])
			}
		}
	}
}
