package metrics

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
)

// The README example of sacrebleu (mjpost/sacrebleu README.md, "Using
// SacreBLEU from Python"), also test_corpus_bleu in test/test_bleu.py.
var (
	readmeRefs = [][]string{
		{"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
		{"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."},
	}
	readmeHyps = []string{"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."}
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestCorpusBLEUGolden(t *testing.T) {
	def := DefaultBLEUConfig()
	with := func(f func(*BLEUConfig)) BLEUConfig { c := def; f(&c); return c }
	// sacrebleu's raw_corpus_bleu: no tokenization, floor smoothing, effective order.
	raw := func(v float64) BLEUConfig {
		return BLEUConfig{Tokenize: "none", Smooth: "floor", SmoothValue: v, MaxOrder: 4, EffectiveOrder: true}
	}
	tests := []struct {
		name   string
		hyps   []string
		refs   [][]string
		cfg    BLEUConfig
		want   float64
		tol    float64
		source string
	}{
		{"readme default", readmeHyps, readmeRefs, def, 48.530827, 1e-6, "test_bleu.py test_corpus_bleu_cases"},
		{"empty hypotheses kept", []string{"", "", ""}, readmeRefs, def, 0, 0, "test_bleu.py test_corpus_bleu_cases"},
		{"tokenize none", readmeHyps, readmeRefs, with(func(c *BLEUConfig) { c.Tokenize = "none" }), 49.1919566, 1e-6, "test_bleu.py test_corpus_bleu_cases"},
		{"smooth none", readmeHyps, readmeRefs, with(func(c *BLEUConfig) { c.Smooth = "none" }), 48.530827, 1e-6, "test_bleu.py test_corpus_bleu_cases"},
		{"raw: no match at all", []string{"this is a test", "another test"}, [][]string{{"ref1", "ref2"}}, raw(0.01), 0, 0, "test_bleu.py test_raw_bleu_cases (#141)"},
		{"raw: identical", []string{"this is a test"}, [][]string{{"this is a test"}}, raw(0.01), 100, 1e-6, "test_bleu.py test_raw_bleu_cases"},
		{"raw: one word off", []string{"this is a fest"}, [][]string{{"this is a test"}}, raw(0.01), 22.3606797749979, 1e-6, "test_bleu.py test_raw_bleu_cases"},
		{"raw eff order: test", []string{"test"}, [][]string{{"a test"}}, raw(0.01), 36.78794411714425, 1e-6, "test_bleu.py test_case_effective_order"},
		{"raw eff order: a test", []string{"a test"}, [][]string{{"a test"}}, raw(0.01), 100, 1e-6, "test_bleu.py test_case_effective_order"},
		{"raw eff order: a little test", []string{"a little test"}, [][]string{{"a test"}}, raw(0.01), 3.218297948685433, 1e-6, "test_bleu.py test_case_effective_order"},
		{"raw offset default 0.1", []string{"am I am a character sequence"}, [][]string{{"I am a symbol string sequence a a"}}, raw(0), 15.55722182, 1e-6, "test_bleu.py test_case_offset"},
		{"raw offset 0 (= none)", []string{"am I am a character sequence"}, [][]string{{"I am a symbol string sequence a a"}},
			BLEUConfig{Tokenize: "none", Smooth: "none", MaxOrder: 4, EffectiveOrder: true}, 0, 0, "test_bleu.py test_case_offset"},
		{"readme variable refs", readmeHyps, [][]string{
			{"", "It was not unexpected.", "The man bit him first."},
			{"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."},
		}, def, 29.44, 0.005, "README.md 'Variable Number of References': BLEU = 29.44"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CorpusBLEU(tc.hyps, tc.refs, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got.Score, tc.want, tc.tol) {
				t.Errorf("BLEU = %.10f, want %.10f ± %g (from sacrebleu %s)", got.Score, tc.want, tc.tol, tc.source)
			}
		})
	}
}

// sacrebleu README.md prints these exact lines for the README example.
func TestBLEUScoreString(t *testing.T) {
	got, err := CorpusBLEU(readmeHyps, readmeRefs, DefaultBLEUConfig())
	if err != nil {
		t.Fatal(err)
	}
	want := "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)"
	if got.String() != want {
		t.Errorf("String() = %q\nwant       %q", got.String(), want)
	}
	refs := [][]string{{"", readmeRefs[0][1], readmeRefs[0][2]}, readmeRefs[1]}
	got, _ = CorpusBLEU(readmeHyps, refs, DefaultBLEUConfig())
	want = "BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)"
	if got.String() != want {
		t.Errorf("String() = %q\nwant       %q", got.String(), want)
	}
}

// test_bleu.py test_max_ngram_order: BLEU(max_ngram_order=n) on the README
// example, compared as "%.2f" strings.
func TestBLEUMaxOrder(t *testing.T) {
	want := map[int]string{1: "77.65", 2: "60.50", 3: "53.93", 4: "48.53", 5: "46.14", 6: "43.28"}
	for n := 1; n <= 6; n++ {
		cfg := DefaultBLEUConfig()
		cfg.MaxOrder = n
		got, err := CorpusBLEU(readmeHyps, readmeRefs, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprintf("%.2f", got.Score); s != want[n] {
			t.Errorf("MaxOrder %d: BLEU %s, want %s", n, s, want[n])
		}
	}
}

// test_bleu.py test_case_statistics: counts and totals of one segment.
func TestBLEUStatistics(t *testing.T) {
	cfg := BLEUConfig{Tokenize: "none", Smooth: "floor", SmoothValue: 0.01, MaxOrder: 4, EffectiveOrder: true}
	got, err := CorpusBLEU([]string{"am I am a character sequence"}, [][]string{{"I am a symbol string sequence a a"}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Counts) != "[4 2 1 0]" || fmt.Sprint(got.Totals) != "[6 5 4 3]" {
		t.Errorf("counts %v totals %v, want [4 2 1 0] [6 5 4 3]", got.Counts, got.Totals)
	}
}

// test_bleu.py test_case_scoring and test_case_degenerate_stats call
// compute_bleu on raw statistics.
func TestComputeBLEU(t *testing.T) {
	none := BLEUConfig{Tokenize: "13a", Smooth: "none", MaxOrder: 4}
	floor := func(v float64) BLEUConfig {
		if v == 0 { // sacrebleu's floor 0.0 scores exactly like "none"
			return none
		}
		return BLEUConfig{Tokenize: "13a", Smooth: "floor", SmoothValue: v, MaxOrder: 4}
	}
	tests := []struct {
		correct, total []int
		sys, ref       int
		cfg            BLEUConfig
		want           float64
	}{
		{[]int{9, 7, 5, 3}, []int{10, 8, 6, 4}, 11, 11, none, 83.75922397},
		{[]int{0, 0, 0, 0}, []int{4, 4, 2, 1}, 0, 1, floor(0), 0},
		{[]int{0, 0, 0, 0}, []int{10, 11, 12, 0}, 14, 10, floor(0), 0},
		{[]int{0, 0, 0, 0}, []int{0, 0, 0, 0}, 0, 0, floor(0), 0},
		{[]int{6, 5, 4, 0}, []int{6, 5, 4, 3}, 6, 6, floor(0), 0},
		{[]int{0, 0, 0, 0}, []int{0, 0, 0, 0}, 0, 0, floor(0.1), 0},
		{[]int{0, 0, 0, 0}, []int{0, 0, 0, 0}, 1, 5, floor(0.01), 0},
	}
	for i, tc := range tests {
		got, err := ComputeBLEU(BLEUStats{Correct: tc.correct, Total: tc.total, SysLen: tc.sys, RefLen: tc.ref}, tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got.Score, tc.want, 1e-6) {
			t.Errorf("case %d: BLEU %.10f, want %.10f (sacrebleu test_bleu.py)", i, got.Score, tc.want)
		}
	}
	if _, err := ComputeBLEU(BLEUStats{Correct: []int{1}, Total: []int{1}}, DefaultBLEUConfig()); err == nil {
		t.Error("ComputeBLEU accepted 1 order of statistics with MaxOrder 4")
	}
}

// test/test_sentence_bleu.py: the example of sacrebleu issue #98, scored
// with effective order, tolerance 1e-3 as there. (The "intl" and "char"
// tokenizer rows are not ported.)
func TestSentenceBLEUGolden(t *testing.T) {
	const ref = "producţia de zahăr brut se exprimă în zahăr alb;"
	const hyp = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"
	tests := []struct {
		smooth string
		value  float64
		tok    string
		want   float64
	}{
		{"exp", 0, "13a", 8.493},
		{"none", 0, "13a", 0.0},
		{"floor", 0, "13a", 4.51688}, // default 0.1
		{"floor", 0.1, "13a", 4.51688},
		{"floor", 0.5, "13a", 10.10},
		{"add-k", 0, "13a", 14.882}, // default 1
		{"add-k", 1, "13a", 14.882},
		{"add-k", 2, "13a", 21.389},
		{"exp", 0, "none", 7.347},
	}
	for _, tc := range tests {
		cfg := DefaultSentenceBLEUConfig()
		cfg.Smooth, cfg.SmoothValue, cfg.Tokenize = tc.smooth, tc.value, tc.tok
		got, err := SentenceBLEU(hyp, []string{ref}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got.Score, tc.want, 1e-3) {
			t.Errorf("%s/%v/%s: BLEU %.5f, want %.5f", tc.smooth, tc.value, tc.tok, got.Score, tc.want)
		}
		// Issue #141: no match at all scores 0 under every smoothing.
		zero, _ := SentenceBLEU("this is a cat", []string{"okay thanks"}, cfg)
		if zero.Score != 0 {
			t.Errorf("%s/%v: BLEU of a no-match pair %v, want 0", tc.smooth, tc.value, zero.Score)
		}
	}
}

// Small cases worked out by hand.
func TestBLEUHandComputed(t *testing.T) {
	tests := []struct {
		name string
		hyp  string
		refs []string
		cfg  BLEUConfig
		want float64
		bp   float64
	}{
		// Matches: 1-grams the,the,cat,on,mat = 5/6; 2-grams "the cat",
		// "on the","the mat" = 3/5; 3-grams "on the mat" = 1/4; 4-grams 0/3,
		// exp-smoothed to 1/(2·3). BP = 1 (6 = 6).
		// BLEU = 100·(5/6 · 3/5 · 1/4 · 1/6)^(1/4) = 100·(1/48)^(1/4).
		{"exp smoothing", "the cat sat on the mat", []string{"the cat is on the mat"}, DefaultBLEUConfig(), 37.99178428257963, 1},
		// Hypothesis longer than the reference: BP = 1. Unigram "the" ×4 is
		// clipped to 1 → 1/4; orders 2-4 have no match (3, 2, 1 n-grams) and
		// get 1/(2·3), 1/(4·2), 1/(8·1).
		// BLEU = 100·(1/4 · 1/6 · 1/8 · 1/8)^(1/4) = 100·1536^(-1/4).
		{"clipping, long hyp", "the the the the", []string{"the cat"}, DefaultBLEUConfig(), 15.97357760615681, 1},
		// Short hypothesis, c = 2 < r = 6: BP = exp(1 - 6/2) = e^-2. With
		// effective order only orders 1-2 exist (2/2, 1/1), so BLEU = 100·e^-2.
		{"brevity, effective order", "the cat", []string{"the cat sat on the mat"}, DefaultSentenceBLEUConfig(), 13.53352832366127, math.Exp(-2)},
		// Without effective order the missing 3- and 4-grams zero the score.
		{"brevity, no effective order", "the cat", []string{"the cat sat on the mat"}, DefaultBLEUConfig(), 0, math.Exp(-2)},
		// Two references of lengths 4 and 6 for a 5-token hypothesis: both
		// are 1 away, the shorter wins, so r = 4 < c and BP = 1. Matches use
		// the max count over references: all of "a b c d e" is in ref 2.
		{"closest ref tie → shorter", "a b c d e", []string{"a b c x", "a b c d e f"}, DefaultBLEUConfig(), 100, 1},
		// Empty hypothesis: c = 0, so BP = 0 and BLEU = 0.
		{"empty hypothesis", "", []string{"a b"}, DefaultBLEUConfig(), 0, 0},
		// Lowercasing makes "The Cat" match "the cat" exactly.
		{"lowercase", "The Cat", []string{"the cat"}, func() BLEUConfig { c := DefaultSentenceBLEUConfig(); c.Lowercase = true; return c }(), 100, 1},
		// Unicode: "café" ≠ "cafe"; 1-grams 1/2, 2-grams 0/1 → exp 1/(2·1);
		// effective order 2: 100·(1/2·1/2)^(1/2) = 50.
		{"unicode tokens", "le café", []string{"le cafe"}, DefaultSentenceBLEUConfig(), 50, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SentenceBLEU(tc.hyp, tc.refs, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got.Score, tc.want, 1e-9) || !near(got.BP, tc.bp, 1e-12) {
				t.Errorf("BLEU %.12f BP %.12f, want %.12f BP %.12f (%v)", got.Score, got.BP, tc.want, tc.bp, got)
			}
		})
	}
}

func TestBLEUErrors(t *testing.T) {
	def := DefaultBLEUConfig()
	tests := []struct {
		name string
		hyps []string
		refs [][]string
		cfg  BLEUConfig
		want string // substring of the error
	}{
		{"empty corpus", nil, [][]string{{}}, def, "empty corpus"},
		{"no reference streams", []string{"a"}, nil, def, "no reference streams"},
		{"length mismatch", []string{"a", "b"}, [][]string{{"a", "b"}, {"a"}}, def, "reference stream 1 has 1 segments but there are 2 hypotheses"},
		{"all refs empty", []string{"a", "b"}, [][]string{{"a", ""}, {"a", ""}}, def, "hypothesis 1 (0-based) has only empty references"},
		{"bad tokenizer", []string{"a"}, [][]string{{"a"}}, BLEUConfig{Tokenize: "intl", Smooth: "exp", MaxOrder: 4}, `unknown BLEU tokenizer "intl" (valid: 13a, zh, char, none)`},
		{"bad smoothing", []string{"a"}, [][]string{{"a"}}, BLEUConfig{Tokenize: "13a", Smooth: "add-one", MaxOrder: 4}, `unknown BLEU smoothing "add-one" (valid: exp, floor, add-k, none)`},
		{"zero value config", []string{"a"}, [][]string{{"a"}}, BLEUConfig{}, "unknown BLEU tokenizer"},
		{"bad order", []string{"a"}, [][]string{{"a"}}, BLEUConfig{Tokenize: "13a", Smooth: "exp"}, "MaxOrder 0"},
		{"negative smooth value", []string{"a"}, [][]string{{"a"}}, BLEUConfig{Tokenize: "13a", Smooth: "floor", SmoothValue: -1, MaxOrder: 4}, "SmoothValue -1"},
	}
	for _, tc := range tests {
		_, err := CorpusBLEU(tc.hyps, tc.refs, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := SentenceBLEU("a", nil, DefaultSentenceBLEUConfig()); err == nil {
		t.Error("SentenceBLEU with no references: no error")
	}
}

// The statistics add up: scoring the corpus equals scoring the summed
// per-segment statistics.
func TestCorpusBLEUStatsAdd(t *testing.T) {
	cfg := DefaultBLEUConfig()
	segs, err := CorpusBLEUStats(readmeHyps, readmeRefs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var sum BLEUStats
	for _, s := range segs {
		sum.Add(s)
	}
	a, _ := ComputeBLEU(sum, cfg)
	b, _ := CorpusBLEU(readmeHyps, readmeRefs, cfg)
	if a.Score != b.Score {
		t.Errorf("summed stats give %v, CorpusBLEU %v", a.Score, b.Score)
	}
}

// synthCorpus builds n deterministic hypothesis/reference pairs of about 20
// tokens each, the references being perturbed copies of the hypotheses.
func synthCorpus(n int) (hyps []string, refs []string) {
	words := strings.Fields(`the a of to and in is was for on that with as by it he at from his
		an were are which this be or has had not but first one their its new after who they two
		her she been other when there all during into school time may years more most only over
		city some world would where later up such used many can state about national out known
		university united then made , . ; : ! ? ( ) " 3.14 1,000 5-6 e-mail l'homme café`)
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < n; i++ {
		k := 8 + rng.Intn(25)
		h := make([]string, k)
		for j := range h {
			h[j] = words[rng.Intn(len(words))]
		}
		r := append([]string(nil), h...)
		for j := range r {
			if rng.Intn(4) == 0 {
				r[j] = words[rng.Intn(len(words))]
			}
		}
		hyps = append(hyps, strings.Join(h, " "))
		refs = append(refs, strings.Join(r, " "))
	}
	return hyps, refs
}

func BenchmarkCorpusBLEU(b *testing.B) {
	hyps, refs := synthCorpus(2000)
	streams := [][]string{refs}
	cfg := DefaultBLEUConfig()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := CorpusBLEU(hyps, streams, cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*float64(len(hyps))/b.Elapsed().Seconds(), "pairs/s")
}
