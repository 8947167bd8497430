package decoder

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Logits ln 4, ln 2, ln 1, ln 1: softmax gives 4/8, 2/8, 1/8, 1/8, so every
// golden value below is a small fraction worked out by hand.
var handLogits = []float32{float32(math.Log(4)), float32(math.Log(2)), 0, 0}

func TestTopCandidatesGolden(t *testing.T) {
	raw := []float64{0.5, 0.25, 0.125, 0.125}
	tests := []struct {
		name    string
		cfg     SampleConfig
		n       int
		chosen  int
		ids     []int
		sampled []float64
	}{
		// T = 1 and no truncation: the sampled distribution is the raw one.
		{"plain", SampleConfig{Temperature: 1, TopP: 1}, 4, 0, []int{0, 1, 2, 3}, raw},
		// T = 0.5 squares the probabilities: 16, 4, 1, 1 over 22.
		{"sharpen", SampleConfig{Temperature: 0.5, TopP: 1}, 4, 1, []int{0, 1, 2, 3}, []float64{16.0 / 22, 4.0 / 22, 1.0 / 22, 1.0 / 22}},
		// T = 2 takes square roots: 2, √2, 1, 1 over 4+√2.
		{"flatten", SampleConfig{Temperature: 2, TopP: 1}, 4, 2, []int{0, 1, 2, 3},
			[]float64{2 / (4 + math.Sqrt2), math.Sqrt2 / (4 + math.Sqrt2), 1 / (4 + math.Sqrt2), 1 / (4 + math.Sqrt2)}},
		// top-k 2 keeps 4 and 2: 2/3 and 1/3, the rest 0.
		{"top-k", SampleConfig{Temperature: 1, TopK: 2, TopP: 1}, 4, 0, []int{0, 1, 2, 3}, []float64{2.0 / 3, 1.0 / 3, 0, 0}},
		// top-p 0.7: 0.5 < 0.7, 0.5+0.25 >= 0.7, so the same two survive.
		{"top-p", SampleConfig{Temperature: 1, TopP: 0.7}, 4, 1, []int{0, 1, 2, 3}, []float64{2.0 / 3, 1.0 / 3, 0, 0}},
		// top-p 0.5: the first token alone reaches it.
		{"top-p one", SampleConfig{Temperature: 1, TopP: 0.5}, 4, 0, []int{0, 1, 2, 3}, []float64{1, 0, 0, 0}},
		// greedy: one-hot at the argmax, whatever the temperature.
		{"greedy", SampleConfig{Greedy: true}, 4, 0, []int{0, 1, 2, 3}, []float64{1, 0, 0, 0}},
		// n = 2 with the pick outside the top two: it is appended third.
		{"chosen appended", SampleConfig{Temperature: 1, TopP: 1}, 2, 3, []int{0, 1, 3}, []float64{0.5, 0.25, 0.125}},
		// n larger than the vocabulary is capped.
		{"n capped", SampleConfig{Temperature: 1, TopP: 1}, 10, -1, []int{0, 1, 2, 3}, raw},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := TopCandidates(handLogits, tc.cfg, tc.n, tc.chosen)
			if len(got) != len(tc.ids) {
				t.Fatalf("got %d candidates %+v, want ids %v", len(got), got, tc.ids)
			}
			for j, c := range got {
				if c.ID != tc.ids[j] {
					t.Errorf("candidate %d: id %d, want %d", j, c.ID, tc.ids[j])
				}
				if math.Abs(c.PRaw-raw[c.ID]) > 1e-6 {
					t.Errorf("candidate %d: p_raw %v, want %v", j, c.PRaw, raw[c.ID])
				}
				if math.Abs(c.PSampled-tc.sampled[j]) > 1e-6 {
					t.Errorf("candidate %d: p_sampled %v, want %v", j, c.PSampled, tc.sampled[j])
				}
				if c.Chosen != (c.ID == tc.chosen) {
					t.Errorf("candidate %d: chosen %v, the pick was %d", j, c.Chosen, tc.chosen)
				}
			}
		})
	}
}

func TestTopCandidatesEdges(t *testing.T) {
	if c := TopCandidates(nil, DefaultSampleConfig(), 5, 0); c != nil {
		t.Errorf("empty logits: %+v, want nil", c)
	}
	if c := TopCandidates(handLogits, DefaultSampleConfig(), 0, 0); c != nil {
		t.Errorf("n = 0: %+v, want nil", c)
	}
	// NaN counts as -Inf: probability 0, ranked last.
	nan := []float32{float32(math.NaN()), 1, 1}
	c := TopCandidates(nan, SampleConfig{Temperature: 1, TopP: 1}, 3, 1)
	if c[0].ID != 1 || c[1].ID != 2 || c[2].ID != 0 || c[2].PRaw != 0 || math.Abs(c[0].PRaw-0.5) > 1e-9 {
		t.Errorf("NaN logits: %+v", c)
	}
}

// Over random logits and configs: both columns are distributions (sum 1
// over the whole vocabulary), ordered, and PSampled matches
// Sampler.Probabilities exactly as the Sampler reports it.
func TestTopCandidatesMatchesSampler(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cfgs := []SampleConfig{
		{Temperature: 0.7, TopP: 1}, {Temperature: 1.3, TopK: 5, TopP: 1},
		{Temperature: 0.9, TopP: 0.8}, {Temperature: 1, TopK: 8, TopP: 0.9}, {Greedy: true, TopP: 1},
	}
	const v = 40
	logits := make([]float32, v)
	probs := make([]float32, v)
	for trial := range 20 {
		for i := range logits {
			logits[i] = float32(rng.NormFloat64() * 2)
		}
		cfg := cfgs[trial%len(cfgs)]
		smp, err := NewSampler(cfg, 7)
		if err != nil {
			t.Fatal(err)
		}
		smp.Probabilities(logits, probs)
		c := TopCandidates(logits, cfg, v, -1)
		var sumRaw, sumSampled float64
		for j, x := range c {
			sumRaw += x.PRaw
			sumSampled += x.PSampled
			if j > 0 && (x.PRaw > c[j-1].PRaw || x.PSampled > c[j-1].PSampled) {
				t.Errorf("trial %d: candidate %d out of order: %+v after %+v", trial, j, x, c[j-1])
			}
			if math.Abs(x.PSampled-float64(probs[x.ID])) > 1e-6 {
				t.Errorf("trial %d: id %d p_sampled %v, Sampler.Probabilities %v", trial, x.ID, x.PSampled, probs[x.ID])
			}
		}
		if math.Abs(sumRaw-1) > 1e-9 || math.Abs(sumSampled-1) > 1e-9 {
			t.Errorf("trial %d: sums %v and %v, want 1", trial, sumRaw, sumSampled)
		}
	}
}

// The observer sees every draw, with the logits drawn from, and does not
// change the tokens: the same seed gives the same stream with or without it.
func TestSamplerObserver(t *testing.T) {
	cfg := SampleConfig{Temperature: 1, TopP: 1}
	plain, _ := NewSampler(cfg, 3)
	watched, _ := NewSampler(cfg, 3)
	var seen []int
	watched.SetObserver(func(logits []float32, tok int) {
		if len(logits) != len(handLogits) {
			t.Errorf("observer got %d logits", len(logits))
		}
		seen = append(seen, tok)
	})
	for i := range 50 {
		a, b := plain.Sample(handLogits), watched.Sample(handLogits)
		if a != b || seen[i] != b {
			t.Fatalf("draw %d: plain %d, observed %d, observer saw %d", i, a, b, seen[i])
		}
	}
	watched.SetObserver(nil)
	watched.Sample(handLogits)
	if len(seen) != 50 {
		t.Errorf("observer called after removal")
	}
}
