package bench

import (
	"context"
	"math"
	"testing"
)

// The forward FLOPs per token of torch_ref.py's gpt_fwd_flops_per_token,
// evaluated with python3 at the contexts each workload uses.
func TestGPTForwardFlops(t *testing.T) {
	tests := []struct {
		key  string
		ctx2 int64 // twice the context
		want int64
	}{
		{"baby", 65, 1_656_064},    // (64+1)/2
		{"small", 257, 22_467_840}, // (256+1)/2
		{"gpt2-124m", 160, 250_013_184},
		{"gpt2-124m", 65, 15_888_777_216 / 64},
	}
	for _, tt := range tests {
		if got := gptForward2(GPTConfigs[tt.key], tt.ctx2); got != tt.want {
			t.Errorf("%s at context %g: %d FLOPs, torch_ref.py says %d", tt.key, float64(tt.ctx2)/2, got, tt.want)
		}
	}
}

// The training step runs on the baby shape, its loss falls from ln 65 on
// repeated batches, and the Case describes B·T tokens.
func TestGPTTrainCase(t *testing.T) {
	cfg := GPTConfigs["baby"]
	cfg.Layers, cfg.Context = 1, 16 // a fast stand-in with the same code path
	c, err := SetupGPTTrain(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Units != float64(cfg.Batch*cfg.Context) {
		t.Errorf("units %g, want %d tokens", c.Units, cfg.Batch*cfg.Context)
	}
	for i := 0; i < 3; i++ {
		if err := c.Step(); err != nil {
			t.Fatal(err)
		}
	}
}

// A shrunken sampling case runs both modes, and the tokens mode reports
// weight GB/s per token from the weight bytes.
func TestGPTSampleCase(t *testing.T) {
	cfg := GPTBenchConfig{Layers: 2, Heads: 2, Embed: 16, Context: 128, Batch: 1, Vocab: 50}
	for _, first := range []bool{true, false} {
		c, err := setupGPTSample(cfg, 1, first)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if err := c.Step(); err != nil {
				t.Fatal(err)
			}
		}
		if first {
			if c.Units != 1 || c.AlsoPerUnit != nil {
				t.Errorf("first-token case: units %g, also %v", c.Units, c.AlsoPerUnit)
			}
			continue
		}
		// wte 50×16 + per layer (2 LN + 4 linears with biases) + ln_f.
		E, V := 16, 50
		perLayer := 4*E + (3*E*E + 3*E) + (E*E + E) + (4*E*E + 4*E) + (4*E*E + E)
		want := float64(4*(V*E+2*perLayer+2*E)) / 1e9
		if c.Units != gptGenLen || math.Abs(c.AlsoPerUnit[AlsoWeightGBs]-want) > 1e-15 {
			t.Errorf("tokens case: units %g, weight GB per token %g, want %d and %g", c.Units, c.AlsoPerUnit[AlsoWeightGBs], gptGenLen, want)
		}
	}
}

// Run turns AlsoPerUnit into rate-scaled Also figures.
func TestRunAlsoPerUnit(t *testing.T) {
	w := Workload{Spec: spec("gpt-sample/gpt2-124m-tokens"), Setup: func(Options) (*Case, error) {
		return &Case{Units: 4, AlsoPerUnit: map[string]float64{AlsoWeightGBs: 0.5}, Step: func() error { return nil }}, nil
	}}
	o := DefaultOptions()
	o.Time, o.Warmup = 0, 0
	r, err := Run(context.Background(), w, o)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Also[AlsoWeightGBs], 0.5*r.Value; got != want || want <= 0 {
		t.Errorf("also[%s] = %g, want 0.5 × %g tokens/s", AlsoWeightGBs, got, r.Value)
	}
}
