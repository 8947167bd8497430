package markov

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func mustTrain(t testing.TB, ids []int, v int, cfg Config) *Model {
	t.Helper()
	m, err := Train(ids, v, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func probs(m *Model, ctx []int) []float64 {
	lp := make([]float32, m.VocabSize())
	m.LogProbs(ctx, lp)
	p := make([]float64, len(lp))
	for i, x := range lp {
		p[i] = math.Exp(float64(x))
	}
	return p
}

// The tiny corpus "a b a b c" with ids a=1, b=2, c=3 and V = 4 (id 0 =
// <unk> never occurs). Counts:
//
//	bigrams  (1,2):2  (2,1):1  (2,3):1
//	trigrams (1,2,1):1  (2,1,2):1  (1,2,3):1
//
// Order 2, Kneser-Ney, D = 1/2:
//
//	unigram continuation counts N1+(• w): 1←{2}, 2←{1}, 3←{2} = 1 each,
//	total 3, 3 types, so p1(w) = (1-½)/3 + ½·3/3·¼ = 1/6 + 1/8 = 7/24 for
//	w = 1,2,3 and p1(0) = 1/8 = 3/24 (sums to 1).
//	context 2: followers 1 and 3, raw counts 1 each: T = 2, N = 2,
//	γ = ½·2/2 = ½; p(1|2) = p(3|2) = ½/2 + ½·7/24 = 19/48,
//	p(2|2) = ½·7/24 = 7/48, p(0|2) = ½·3/24 = 3/48.
//	context 1: follower 2 with count 2: T = 2, N = 1, γ = ½·1/2 = ¼;
//	p(2|1) = 1.5/2 + ¼·7/24 = 79/96, p(1|1) = p(3|1) = 7/96, p(0|1) = 3/96.
//	context 3 never occurs as a context: the unigram distribution.
//
// Order 3, Kneser-Ney, D = 1/2: bigrams now use continuation counts
// N1+(• h w): (1,2)←{2} (its first occurrence starts the data),
// (2,1)←{1}, (2,3)←{1}, 1 each; unigrams are as above.
//
//	bigram context 1: follower 2, T = 1, N = 1, γ = ½:
//	p(2|1) = ½ + ½·7/24 = 31/48, p(1|1) = p(3|1) = 7/48, p(0|1) = 3/48.
//	bigram context 2: as in the order-2 model, 19/48, 7/48, 19/48, 3/48.
//	trigram context (1,2): followers 1 and 3 (raw 1 each), T = 2, N = 2,
//	γ = ½: p(1|1,2) = p(3|1,2) = ¼ + ½·19/48 = 43/96, p(2|1,2) = 7/96,
//	p(0|1,2) = 3/96.
//	trigram context (2,1): follower 2, T = 1, N = 1, γ = ½:
//	p(2|2,1) = ½ + ½·31/48 = 79/96, p(1|2,1) = p(3|2,1) = 7/96, p(0|2,1) = 3/96.
//
// Order 2, Witten-Bell: unigram raw counts 2, 2, 1 (T = 5, N = 3):
// p1(w) = (c(w) + 3·¼)/8 → p1 = (3/32, 11/32, 11/32, 7/32) for ids 0..3;
// context 2 (T = 2, N = 2): p(w|2) = (c(2 w) + 2·p1(w))/4 →
// (3/64, 27/64, 11/64, 23/64).
var tinyCorpus = []int{1, 2, 1, 2, 3}

func TestGoldens(t *testing.T) {
	kn := func(order int) Config { return Config{Order: order, Smoothing: KneserNey, Discount: 0.5} }
	tests := []struct {
		name string
		cfg  Config
		ctx  []int
		want []float64 // p(0..3 | ctx)
	}{
		{"KN2 unigram", kn(2), nil, []float64{3.0 / 24, 7.0 / 24, 7.0 / 24, 7.0 / 24}},
		{"KN2 after b", kn(2), []int{2}, []float64{3.0 / 48, 19.0 / 48, 7.0 / 48, 19.0 / 48}},
		{"KN2 after a", kn(2), []int{1}, []float64{3.0 / 96, 7.0 / 96, 79.0 / 96, 7.0 / 96}},
		{"KN2 after c (unseen context)", kn(2), []int{3}, []float64{3.0 / 24, 7.0 / 24, 7.0 / 24, 7.0 / 24}},
		{"KN2 after <unk>", kn(2), []int{0}, []float64{3.0 / 24, 7.0 / 24, 7.0 / 24, 7.0 / 24}},
		{"KN2 only last id matters", kn(2), []int{3, 3, 1}, []float64{3.0 / 96, 7.0 / 96, 79.0 / 96, 7.0 / 96}},
		{"KN3 after a b", kn(3), []int{1, 2}, []float64{3.0 / 96, 43.0 / 96, 7.0 / 96, 43.0 / 96}},
		{"KN3 after b a", kn(3), []int{2, 1}, []float64{3.0 / 96, 7.0 / 96, 79.0 / 96, 7.0 / 96}},
		{"KN3 short context a", kn(3), []int{1}, []float64{3.0 / 48, 7.0 / 48, 31.0 / 48, 7.0 / 48}},
		{"KN3 unseen (c,a) backs off to a", kn(3), []int{3, 1}, []float64{3.0 / 48, 7.0 / 48, 31.0 / 48, 7.0 / 48}},
		{"WB2 unigram", Config{Order: 2, Smoothing: WittenBell}, nil, []float64{3.0 / 32, 11.0 / 32, 11.0 / 32, 7.0 / 32}},
		{"WB2 after b", Config{Order: 2, Smoothing: WittenBell}, []int{2}, []float64{3.0 / 64, 27.0 / 64, 11.0 / 64, 23.0 / 64}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustTrain(t, tinyCorpus, 4, tt.cfg)
			got := probs(m, tt.ctx)
			for i := range got {
				if math.Abs(got[i]-tt.want[i]) > 1e-6 {
					t.Fatalf("p(·|%v) = %v, want %v", tt.ctx, got, tt.want)
				}
			}
		})
	}
}

func TestEvalGolden(t *testing.T) {
	m := mustTrain(t, tinyCorpus, 4, Config{Order: 2, Smoothing: KneserNey, Discount: 0.5})
	// Targets b|a, a|b, b|a, c|b with the order-2 goldens above.
	want := -(2*math.Log(79.0/96) + 2*math.Log(19.0/48)) / 4
	if got := m.Eval(tinyCorpus); math.Abs(got-want) > 1e-12 {
		t.Fatalf("Eval = %v, want %v", got, want)
	}
	if got := m.Eval([]int{1}); !math.IsNaN(got) {
		t.Fatalf("Eval of one id = %v, want NaN", got)
	}
	// Out-of-vocabulary ids are <unk> (0): p(0|a) = 3/96, then p(b|<unk>) = 7/24.
	want = -(math.Log(3.0/96) + math.Log(7.0/24)) / 2
	if got := m.Eval([]int{1, 99, 2}); math.Abs(got-want) > 1e-12 {
		t.Fatalf("Eval with out-of-range id = %v, want %v", got, want)
	}
}

// markovChain returns n ids from a random first-order chain over v ids
// (each id has 3 likely successors), so short n-grams repeat as in text.
func markovChain(r *rand.Rand, v, n int) []int {
	next := make([][3]int, v)
	for i := range next {
		for j := range next[i] {
			next[i][j] = r.IntN(v)
		}
	}
	ids := make([]int, n)
	for i := 1; i < n; i++ {
		if r.IntN(10) == 0 {
			ids[i] = r.IntN(v)
		} else {
			ids[i] = next[ids[i-1]][r.IntN(3)]
		}
	}
	return ids
}

// refModel is a direct transcription of the smoothing formulas over maps
// keyed by fmt.Sprint(ids): slow, obviously correct, independent of the
// sorted-array machinery.
type refModel struct {
	cfg  Config
	v    int
	raw  []map[string]int // raw[k][g] for k-grams g
	cont []map[string]int // cont[k][g] = #distinct ids before g
}

func newRef(ids []int, v int, cfg Config) *refModel {
	r := &refModel{cfg: cfg, v: v}
	r.raw = make([]map[string]int, cfg.Order+2)
	r.cont = make([]map[string]int, cfg.Order+2)
	for k := 1; k <= cfg.Order+1; k++ {
		r.raw[k], r.cont[k] = map[string]int{}, map[string]int{}
		for i := 0; i+k <= len(ids); i++ {
			r.raw[k][fmt.Sprint(ids[i:i+k])]++
		}
	}
	for k := 1; k < cfg.Order; k++ {
		seen := map[string]bool{}
		for i := 0; i+k+1 <= len(ids); i++ {
			g := ids[i : i+k+1]
			if key := fmt.Sprint(g); !seen[key] {
				seen[key] = true
				r.cont[k][fmt.Sprint(g[1:])]++
			}
		}
	}
	return r
}

func (r *refModel) p(h []int, w int) float64 {
	k := len(h) + 1
	lower := 1 / float64(r.v)
	if len(h) > 0 {
		lower = r.p(h[1:], w)
	}
	count := func(v int) float64 {
		g := fmt.Sprint(append(append([]int{}, h...), v))
		if r.cfg.Smoothing == KneserNey && k < r.cfg.Order {
			return float64(r.cont[k][g])
		}
		return float64(r.raw[k][g])
	}
	t, n := 0.0, 0.0
	for v := range r.v {
		c := count(v)
		t += c
		if c > 0 {
			n++
		}
	}
	if t == 0 {
		return lower
	}
	if r.cfg.Smoothing == WittenBell {
		return (count(w) + n*lower) / (t + n)
	}
	d := r.cfg.Discount
	return math.Max(count(w)-d, 0)/t + d*n/t*lower
}

func TestMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, cfg := range []Config{
		{Order: 1, Smoothing: KneserNey, Discount: 0.75},
		{Order: 2, Smoothing: KneserNey, Discount: 0.75},
		{Order: 3, Smoothing: KneserNey, Discount: 0.3},
		{Order: 4, Smoothing: KneserNey, Discount: 1},
		{Order: 2, Smoothing: WittenBell},
		{Order: 4, Smoothing: WittenBell},
	} {
		v := 7
		ids := markovChain(r, v-1, 400) // id v-1 never occurs
		m := mustTrain(t, ids, v, cfg)
		ref := newRef(ids, v, cfg)
		for trial := range 30 {
			ctx := make([]int, r.IntN(cfg.Order+1))
			for i := range ctx {
				ctx[i] = r.IntN(v)
			}
			if trial < 10 && len(ids) > 10 { // seen contexts too
				p := r.IntN(len(ids) - 5)
				ctx = ids[p : p+min(len(ctx), 5)]
			}
			h := ctx[max(0, len(ctx)-(cfg.Order-1)):]
			got := probs(m, ctx)
			for w := range v {
				if want := ref.p(h, w); math.Abs(got[w]-want) > 1e-6 {
					t.Fatalf("%+v: p(%d|%v) = %v, reference %v", cfg, w, ctx, got[w], want)
				}
			}
		}
	}
}

func TestLogProbsNormalised(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, v := range []int{2, 30, 300} {
		ids := markovChain(r, v, 3000)
		for _, cfg := range []Config{
			DefaultConfig(),
			{Order: 1, Smoothing: KneserNey, Discount: 0.75},
			{Order: 3, Smoothing: KneserNey, Discount: 0.1},
			{Order: 10, Smoothing: KneserNey, Discount: 0.9},
			{Order: 3, Smoothing: WittenBell},
			{Order: 6, Smoothing: WittenBell},
		} {
			m := mustTrain(t, ids, v, cfg)
			contexts := [][]int{
				nil,
				ids[:1],
				ids[100:110],
				ids[len(ids)-cfg.Order:],
				{v - 1, v - 1, v - 1, v - 1, v - 1}, // probably unseen
				{-5, 1 << 40, 0},                    // out of range → <unk>
			}
			lp := make([]float32, v)
			for _, ctx := range contexts {
				m.LogProbs(ctx, lp)
				sum := 0.0
				for w, x := range lp {
					if math.IsInf(float64(x), 0) || math.IsNaN(float64(x)) || x > 0 {
						t.Fatalf("V=%d %+v ctx %v: log p(%d) = %v", v, cfg, ctx, w, x)
					}
					sum += math.Exp(float64(x))
				}
				if math.Abs(sum-1) > 1e-5 {
					t.Fatalf("V=%d %+v ctx %v: probabilities sum to %v", v, cfg, ctx, sum)
				}
			}
		}
	}
}

// Eval goes through the single-token path prob; it must agree with the
// full distribution of LogProbs.
func TestEvalAgreesWithLogProbs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	ids := markovChain(r, 20, 2000)
	m := mustTrain(t, ids[:1500], 20, DefaultConfig())
	test := ids[1500:1700]
	lp := make([]float32, 20)
	nll := 0.0
	for i := 1; i < len(test); i++ {
		m.LogProbs(test[:i], lp)
		nll -= float64(lp[test[i]])
	}
	want := nll / float64(len(test)-1)
	if got := m.Eval(test); math.Abs(got-want) > 1e-5 {
		t.Fatalf("Eval = %v, LogProbs gives %v", got, want)
	}
}

// The string-key fallback (ids that do not pack into 64 bits) must give
// exactly the packed results.
func TestStringKeyFallback(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	ids := markovChain(r, 12, 1000)
	for _, cfg := range []Config{DefaultConfig(), {Order: 3, Smoothing: WittenBell}} {
		packed := mustTrain(t, ids, 12, cfg)
		packedBits = 0
		str, err := Train(ids, 12, cfg)
		packedBits = 64
		if err != nil {
			t.Fatal(err)
		}
		if str.levels[2].index.packed || !packed.levels[2].index.packed {
			t.Fatalf("packedBits knob did not switch key kinds")
		}
		for i := 0; i < 200; i += 7 {
			a, b := probs(packed, ids[i:i+5]), probs(str, ids[i:i+5])
			for w := range a {
				if a[w] != b[w] {
					t.Fatalf("%+v ctx %v: packed p(%d) = %v, string keys %v", cfg, ids[i:i+5], w, a[w], b[w])
				}
			}
		}
		if a, b := packed.Eval(ids[:300]), str.Eval(ids[:300]); a != b {
			t.Fatalf("Eval packed %v, string keys %v", a, b)
		}
	}
}

// A word-level-sized vocabulary whose 4-gram contexts need 3·17 = 51 bits
// (packed) but whose 4-grams need 68 bits (sorted by comparison instead).
func TestLargeVocabulary(t *testing.T) {
	const v = 70000
	r := rand.New(rand.NewPCG(5, 5))
	ids := markovChain(r, 500, 2000)
	for i := range ids {
		ids[i] = ids[i]*139 + 1
	}
	cfg := Config{Order: 4, Smoothing: KneserNey, Discount: 0.75}
	m := mustTrain(t, ids, v, cfg)
	lp := make([]float32, v)
	m.LogProbs(ids[10:13], lp)
	sum := 0.0
	for _, x := range lp {
		sum += math.Exp(float64(x))
	}
	if math.Abs(sum-1) > 1e-5 {
		t.Fatalf("probabilities sum to %v", sum)
	}
	if got := m.NumNGrams(4); got == 0 {
		t.Fatalf("no 4-grams counted")
	}
}

func TestShortCorpus(t *testing.T) {
	// Fewer ids than the order: only the short n-grams exist.
	m := mustTrain(t, []int{1, 2}, 3, Config{Order: 5, Smoothing: KneserNey, Discount: 0.75})
	if m.NumNGrams(3) != 0 || m.NumNGrams(2) != 1 || m.NumNGrams(1) != 2 {
		t.Fatalf("n-gram counts %d %d %d", m.NumNGrams(1), m.NumNGrams(2), m.NumNGrams(3))
	}
	for _, ctx := range [][]int{nil, {1}, {1, 2}, {2, 1, 2, 1}} {
		sum := 0.0
		for _, p := range probs(m, ctx) {
			sum += p
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Fatalf("ctx %v: sum %v", ctx, sum)
		}
	}
	// A single id: no bigrams, so the KN unigram level has no continuation
	// mass and the model is uniform.
	one := mustTrain(t, []int{2}, 4, Config{Order: 3, Smoothing: KneserNey, Discount: 0.75})
	for w, p := range probs(one, []int{2}) {
		if math.Abs(p-0.25) > 1e-6 {
			t.Fatalf("single-id model p(%d) = %v, want 1/4", w, p)
		}
	}
}

func TestTrainErrors(t *testing.T) {
	tests := []struct {
		name    string
		ids     []int
		v       int
		wantErr string
	}{
		{"empty", nil, 5, "no training ids"},
		{"id too big", []int{1, 2, 5, 1}, 5, "training id 5 at position 2 is outside the vocabulary [0, 5)"},
		{"negative id", []int{-1}, 5, "training id -1 at position 0"},
		{"vocab 0", []int{0}, 0, "vocabulary size must be in [1, 2147483647] (got 0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Train(tt.ids, tt.v, DefaultConfig())
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Train error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestLogProbsDstLength(t *testing.T) {
	m := mustTrain(t, tinyCorpus, 4, DefaultConfig())
	long := make([]float32, 6)
	m.LogProbs([]int{1}, long)
	if !math.IsInf(float64(long[4]), -1) || !math.IsInf(float64(long[5]), -1) {
		t.Fatalf("extra entries %v, want -Inf", long[4:])
	}
	m.LogProbs([]int{1}, make([]float32, 2)) // must not panic
	m.LogProbs(nil, nil)
}

func BenchmarkLogProbs(b *testing.B) {
	r := rand.New(rand.NewPCG(6, 6))
	ids := markovChain(r, 65, 100000)
	m := mustTrain(b, ids, 65, DefaultConfig())
	lp := make([]float32, 65)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.LogProbs(ids[i%1000:i%1000+4], lp)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

func ExampleTrain() {
	// "a b a b c" as ids a=1, b=2, c=3 with <unk>=0: see the goldens above.
	m, err := Train([]int{1, 2, 1, 2, 3}, 4, Config{Order: 2, Smoothing: KneserNey, Discount: 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	lp := make([]float32, m.VocabSize())
	m.LogProbs([]int{2}, lp) // p(· | b)
	for id, x := range lp {
		fmt.Printf("p(%d|b) = %.4f\n", id, math.Exp(float64(x)))
	}
	// Output:
	// p(0|b) = 0.0625
	// p(1|b) = 0.3958
	// p(2|b) = 0.1458
	// p(3|b) = 0.3958
}
