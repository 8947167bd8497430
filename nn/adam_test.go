package nn

import (
	"math"
	"testing"
)

// TestAdamMatchesFormula checks two steps on one scalar against the update
// written out by hand from Kingma & Ba (2015), algorithm 1, as PyTorch
// implements it (ε added after the bias-corrected square root).
func TestAdamMatchesFormula(t *testing.T) {
	p := NewParam("w", 1)
	p.Data[0] = 1
	cfg := AdamConfig{LR: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, DecayRate: 1, DecayEvery: 1}
	a, err := NewAdam(Params{p}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	w, m, v := 1.0, 0.0, 0.0
	for step, g := range []float64{0.5, -0.25} {
		p.Grad[0] = float32(g)
		if _, err := a.Update(Params{p}); err != nil {
			t.Fatal(err)
		}
		m = 0.9*m + 0.1*g
		v = 0.999*v + 0.001*g*g
		n := float64(step + 1)
		w -= 0.1 * (m / (1 - math.Pow(0.9, n))) / (math.Sqrt(v/(1-math.Pow(0.999, n))) + 1e-8)
		if math.Abs(float64(p.Data[0])-w) > 1e-6 {
			t.Fatalf("step %d: got %v, want %v", step+1, p.Data[0], w)
		}
	}
}

func TestAdamClipsGlobalNorm(t *testing.T) {
	a1, b1 := NewParam("a", 2), NewParam("b", 1)
	a1.Grad[0], a1.Grad[1], b1.Grad[0] = 3, 0, 4 // global norm 5
	ps := Params{a1, b1}
	a, _ := NewAdam(ps, AdamConfig{LR: 1, Beta1: 0, Beta2: 0, Eps: 1e-12, Clip: 1, DecayRate: 1, DecayEvery: 1})
	norm, err := a.Update(ps)
	if err != nil || math.Abs(norm-5) > 1e-6 {
		t.Fatalf("norm %v err %v", norm, err)
	}
	// With β₁=β₂=0 the step is lr·g/|g| per element whatever the scale, so
	// check the clipped moments instead: g·(1/5).
	if math.Abs(float64(a.M[0][0])-0.6) > 1e-5 || math.Abs(float64(a.M[1][0])-0.8) > 1e-5 {
		t.Fatalf("moments after clipping: %v %v", a.M[0], a.M[1])
	}
}

func TestAdamDecayAndErrors(t *testing.T) {
	p := NewParam("w", 1)
	a, _ := NewAdam(Params{p}, DefaultAdamConfig())
	a.Step = 500
	if got, want := a.LR(), 2e-3*0.97*0.97; math.Abs(got-want) > 1e-12 {
		t.Fatalf("lr at step 500: %v want %v", got, want)
	}
	p.Grad[0] = float32(math.NaN())
	if _, err := a.Update(Params{p}); err == nil {
		t.Fatal("NaN gradient accepted")
	}
	if _, err := NewAdam(nil, AdamConfig{LR: -1}); err == nil {
		t.Fatal("negative learning rate accepted")
	}
}
