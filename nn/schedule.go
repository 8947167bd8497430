package nn

import (
	"fmt"
	"math"
)

// Schedule is linear warm-up then cosine decay of the learning rate, the
// schedule GPT-2 and nanoGPT train with. For the update at step t
// (0-based: t updates done before it) and peak learning rate η:
//
//	t < Warmup:              η · (t+1) / (Warmup+1)
//	Warmup ≤ t ≤ DecaySteps: MinLR + ½(1 + cos(π·r)) · (η − MinLR),
//	                         r = (t − Warmup) / (DecaySteps − Warmup)
//	t > DecaySteps:          MinLR
//
// so the rate climbs to η over the warm-up (never 0 at the first step),
// then follows half a cosine from η down to MinLR at DecaySteps and stays
// there. It is a pure function of the step, so a resumed run continues on
// the same curve.
type Schedule struct {
	Warmup     int     `json:"warmup"`      // steps of linear warm-up (0 = none)
	DecaySteps int     `json:"decay_steps"` // the step at which the rate reaches MinLR (usually the run's length)
	MinLR      float64 `json:"min_lr"`      // the floor (nanoGPT: η/10)
}

// CosineSchedule is warm-up over warmup steps, then cosine decay to
// peak/10 at step steps (nanoGPT's convention).
func CosineSchedule(peak float64, warmup, steps int) *Schedule {
	return &Schedule{Warmup: warmup, DecaySteps: steps, MinLR: peak / 10}
}

// Validate checks the schedule against the peak learning rate.
func (s Schedule) Validate(peak float64) error {
	switch {
	case s.Warmup < 0:
		return fmt.Errorf("Schedule.Warmup must be >= 0 (got %d)", s.Warmup)
	case s.DecaySteps <= s.Warmup:
		return fmt.Errorf("Schedule.DecaySteps (%d) must be greater than Schedule.Warmup (%d)", s.DecaySteps, s.Warmup)
	case !(s.MinLR >= 0 && s.MinLR <= peak):
		return fmt.Errorf("Schedule.MinLR must be in [0, the learning rate %g] (got %g)", peak, s.MinLR)
	}
	return nil
}

// LR is the learning rate of the update at step (0-based) for peak rate peak.
func (s Schedule) LR(peak float64, step int) float64 {
	switch {
	case step < s.Warmup:
		return peak * float64(step+1) / float64(s.Warmup+1)
	case step > s.DecaySteps:
		return s.MinLR
	}
	r := float64(step-s.Warmup) / float64(s.DecaySteps-s.Warmup)
	return s.MinLR + 0.5*(1+math.Cos(math.Pi*r))*(peak-s.MinLR)
}

// DefaultAdamWConfig is nanoGPT's recipe for a small GPT trained from
// scratch (its shakespeare-char configuration) over steps updates: peak lr
// 1e-3, β = (0.9, 0.99), weight decay 0.1, clipping at 1, warm-up of 100
// steps (or a tenth of a shorter run), cosine decay to 1e-4 at the last step.
func DefaultAdamWConfig(steps int) AdamConfig {
	warm := min(100, steps/10)
	return AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.99, Eps: 1e-8, Clip: 1, WeightDecay: 0.1,
		Schedule: CosineSchedule(1e-3, warm, max(steps, warm+1))}
}

// FineTuneAdamWConfig is for fine-tuning a pretrained GPT-2 over steps
// updates: a small peak rate (3e-5, nanoGPT's finetune_shakespeare), a
// short warm-up so the first updates do not disturb the pretrained
// weights, cosine decay to 3e-6; weight decay 0.1, clipping at 1.
func FineTuneAdamWConfig(steps int) AdamConfig {
	warm := min(20, steps/10)
	return AdamConfig{LR: 3e-5, Beta1: 0.9, Beta2: 0.95, Eps: 1e-8, Clip: 1, WeightDecay: 0.1,
		Schedule: CosineSchedule(3e-5, warm, max(steps, warm+1))}
}
