package nn

import (
	"math"
	"strings"
	"testing"
)

// TestAdamWMatchesPyTorch checks two torch.optim.AdamW steps (lr 0.1,
// betas (0.9, 0.999), eps 1e-8, weight_decay 0.5) worked out by hand.
// AdamW's step t is: θ ← θ·(1 − lr·λ); m ← β₁m + (1−β₁)g;
// v ← β₂v + (1−β₂)g²; θ ← θ − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
//
// Weight w = 1, gradients 0.5 then −0.25:
//
//	step 1: m̂ = g, v̂ = g², so θ = 1·0.95 − 0.1·0.5/(0.5+1e-8) = 0.85 (+2e-9)
//	step 2: m = 0.9·0.05 − 0.025 = 0.02, m̂ = 0.02/0.19 = 0.10526316;
//	        v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225,
//	        v̂ = 0.00031225/0.001999 = 0.15620310, √v̂ = 0.39522538;
//	        θ = 0.85·0.95 − 0.1·0.10526316/0.39522538 = 0.8075 − 0.0266337 = 0.7808663
//
// Weight w = −2, gradients −1 then 0.5 (the same ratios, doubled):
// step 1 −2·0.95 + 0.1 = −1.8; step 2 −1.8·0.95 + 0.0266337 = −1.6833663.
// Bias b = 1 (not decayed), gradients 0.5 then −0.25: 0.9, then
// 0.9 − 0.0266337 = 0.8733663.
//
// Confirmed with PyTorch 1.13.1 (Debian python3-torch): torch.optim.AdamW
// with param groups {w: weight_decay 0.5}, {b: weight_decay 0} gives
// 0.8500000 −1.8000000 0.9000000, then 0.7808663 −1.6833662 0.8733664
// (float32 rounding in the last digit).
func TestAdamWMatchesPyTorch(t *testing.T) {
	w := NewParam("h.0.mlp.c_fc.weight", 1, 2)
	b := NewParam("h.0.mlp.c_fc.bias", 1)
	w.Data[0], w.Data[1], b.Data[0] = 1, -2, 1
	ps := Params{w, b}
	a, err := NewAdam(ps, AdamConfig{LR: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.5, DecayRate: 1, DecayEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	grads := [][3]float32{{0.5, -1, 0.5}, {-0.25, 0.5, -0.25}}
	want := [][3]float64{{0.85, -1.8, 0.9}, {0.7808663, -1.6833663, 0.8733663}}
	for step := range grads {
		w.Grad[0], w.Grad[1], b.Grad[0] = grads[step][0], grads[step][1], grads[step][2]
		if _, err := a.Update(ps); err != nil {
			t.Fatal(err)
		}
		got := [3]float32{w.Data[0], w.Data[1], b.Data[0]}
		for i := range got {
			if math.Abs(float64(got[i])-want[step][i]) > 1e-6 {
				t.Errorf("step %d value %d: %.7f, want %.7f", step+1, i, got[i], want[step][i])
			}
		}
	}
}

// Decay uses the scheduled rate: at a step where the schedule gives lr,
// the decayed weight shrinks by exactly (1 − lr·λ) when its gradient is 0
// (m = v = 0, so the Adam part is 0/(0+ε) = 0).
func TestAdamWDecayFollowsSchedule(t *testing.T) {
	w := NewParam("attn.c_attn.weight", 2, 2)
	for i := range w.Data {
		w.Data[i] = 2
	}
	sch := &Schedule{Warmup: 4, DecaySteps: 10, MinLR: 0.01}
	a, err := NewAdam(Params{w}, AdamConfig{LR: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.1, Schedule: sch})
	if err != nil {
		t.Fatal(err)
	}
	want := 2.0
	for step := range 12 {
		lr := sch.LR(0.1, step)
		if got := a.LR(); got != lr {
			t.Fatalf("step %d: Adam.LR %g, schedule %g", step, got, lr)
		}
		want *= 1 - lr*0.1
		if _, err := a.Update(Params{w}); err != nil {
			t.Fatal(err)
		}
		if math.Abs(float64(w.Data[3])-want) > 1e-6 {
			t.Fatalf("step %d: %g, want %g", step, w.Data[3], want)
		}
	}
}

func TestDecayWeight(t *testing.T) {
	tests := []struct {
		name  string
		shape []int
		want  bool
	}{
		{"transformer.h.0.attn.c_attn.weight", []int{24, 8}, true},
		{"transformer.h.0.mlp.c_proj.weight", []int{8, 32}, true},
		{"transformer.h.0.attn.c_attn.bias", []int{24}, false},
		{"transformer.h.0.ln_1.weight", []int{8}, false},
		{"transformer.ln_f.bias", []int{8}, false},
		{"transformer.wte.weight", []int{65, 8}, false},
		{"transformer.wpe.weight", []int{64, 8}, false},
		{"embedding.weight", []int{65, 8}, false},
		{"encoder.embed", []int{65, 8}, false},
		{"lm_head.weight", []int{65, 8}, true}, // untied head: an ordinary matrix
		{"rnn.weight_ih_l0", []int{512, 65}, true},
		{"conv1.weight", []int{32, 3, 3, 3}, true},
	}
	for _, tt := range tests {
		if got := DecayWeight(&Param{Name: tt.name, Shape: tt.shape}); got != tt.want {
			t.Errorf("DecayWeight(%s %v) = %v, want %v", tt.name, tt.shape, got, tt.want)
		}
	}
	// A custom rule replaces the default.
	p := NewParam("transformer.wte.weight", 2, 2)
	p.Data[0] = 1
	a, _ := NewAdam(Params{p}, AdamConfig{LR: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1, DecayRate: 1, DecayEvery: 1})
	a.Decays = func(*Param) bool { return true }
	a.Update(Params{p})
	if math.Abs(float64(p.Data[0])-0.9) > 1e-7 {
		t.Errorf("custom rule: embedding %g, want 0.9 (decayed)", p.Data[0])
	}
}

// Checkpointing Step, M and V (what tasks saves) and restoring them into a
// fresh optimizer continues bit for bit, schedule and decay included.
func TestAdamWResumeExact(t *testing.T) {
	mk := func() Params {
		w, b := NewParam("h.0.attn.c_proj.weight", 3, 2), NewParam("h.0.attn.c_proj.bias", 3)
		for i := range w.Data {
			w.Data[i] = float32(i) - 2.5
		}
		copy(b.Data, []float32{0.5, -0.5, 1})
		return Params{w, b}
	}
	grad := func(ps Params, step int) {
		for _, p := range ps {
			for i := range p.Grad {
				p.Grad[i] = float32(math.Sin(float64(step*7+i))) * 3
			}
		}
	}
	cfg := DefaultAdamWConfig(8)
	cfg.Schedule = &Schedule{Warmup: 2, DecaySteps: 6, MinLR: 1e-4}
	full, half := mk(), mk()
	a, _ := NewAdam(full, cfg)
	b, _ := NewAdam(half, cfg)
	for step := range 8 {
		grad(full, step)
		a.Update(full)
		if step < 3 {
			grad(half, step)
			b.Update(half)
		}
	}
	// "Save" b after 3 steps and resume into c.
	resumed := mk()
	for i := range resumed {
		copy(resumed[i].Data, half[i].Data)
	}
	c, _ := NewAdam(resumed, cfg)
	c.Step = b.Step
	for i := range c.M {
		copy(c.M[i], b.M[i])
		copy(c.V[i], b.V[i])
	}
	for step := 3; step < 8; step++ {
		grad(resumed, step)
		c.Update(resumed)
	}
	for i := range full {
		for j := range full[i].Data {
			if full[i].Data[j] != resumed[i].Data[j] {
				t.Fatalf("%s[%d]: continuous %g, resumed %g", full[i].Name, j, full[i].Data[j], resumed[i].Data[j])
			}
		}
	}
}

func TestAdamWConfigErrors(t *testing.T) {
	base := DefaultAdamWConfig(1000)
	tests := []struct {
		edit func(*AdamConfig)
		want string
	}{
		{func(c *AdamConfig) { c.WeightDecay = -0.1 }, "AdamConfig.WeightDecay"},
		{func(c *AdamConfig) { c.WeightDecay = 2000 }, "WeightDecay·LR < 1"},
		{func(c *AdamConfig) { c.Schedule = &Schedule{Warmup: -1, DecaySteps: 5} }, "Schedule.Warmup"},
		{func(c *AdamConfig) { c.Schedule = &Schedule{Warmup: 5, DecaySteps: 5} }, "Schedule.DecaySteps (5) must be greater"},
		{func(c *AdamConfig) { c.Schedule = &Schedule{DecaySteps: 5, MinLR: 1} }, "Schedule.MinLR"},
	}
	for _, tt := range tests {
		c := base
		tt.edit(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate() = %v, want error containing %q", err, tt.want)
		}
	}
	for _, c := range []AdamConfig{base, DefaultAdamWConfig(5), FineTuneAdamWConfig(1), FineTuneAdamWConfig(3000)} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
}
