package nn

import (
	"fmt"
	"math"
	"strings"

	"github.com/recur-dev/recur/internal/kernels"
)

// AdamConfig configures Adam with global-norm clipping and step decay of the
// learning rate, or, with WeightDecay and Schedule set, AdamW with warm-up
// and cosine decay (the GPT recipe).
type AdamConfig struct {
	LR         float64 `json:"lr"` // base learning rate (the peak, with a Schedule)
	Beta1      float64 `json:"beta1"`
	Beta2      float64 `json:"beta2"`
	Eps        float64 `json:"eps"`
	Clip       float64 `json:"clip"`       // rescale all gradients together when their global L2 norm exceeds Clip; 0 = off
	DecayRate  float64 `json:"decay_rate"` // learning rate × DecayRate every DecayEvery steps (1 = constant); unused with a Schedule
	DecayEvery int     `json:"decay_every"`
	// WeightDecay is AdamW's decoupled weight decay λ (Loshchilov &
	// Hutter): each update first shrinks the decayed parameters by
	// (1 − lr·λ), separately from the Adam step, as torch.optim.AdamW
	// does. Which parameters decay is Adam.Decays. 0 = plain Adam.
	WeightDecay float64 `json:"weight_decay,omitempty"`
	// Schedule, when set, replaces step decay: linear warm-up then cosine
	// decay (see Schedule.LR).
	Schedule *Schedule `json:"schedule,omitempty"`
}

// DefaultAdamConfig is PyTorch's Adam defaults with lr 2e-3, clipping at 5
// and ×0.97 every 250 steps (the char-rnn recipe).
func DefaultAdamConfig() AdamConfig {
	return AdamConfig{LR: 2e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Clip: 5, DecayRate: 0.97, DecayEvery: 250}
}

// Validate names the first bad field.
func (c AdamConfig) Validate() error {
	switch {
	case !(c.LR > 0 && c.LR < 10):
		return fmt.Errorf("learning rate must be in (0, 10) (got %g)", c.LR)
	case !(c.Beta1 >= 0 && c.Beta1 < 1), !(c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("adam betas must be in [0, 1) (got %g, %g)", c.Beta1, c.Beta2)
	case !(c.Eps > 0):
		return fmt.Errorf("adam eps must be > 0 (got %g)", c.Eps)
	case !(c.Clip >= 0):
		return fmt.Errorf("gradient clip must be >= 0 (got %g)", c.Clip)
	case !(c.WeightDecay >= 0 && c.WeightDecay*c.LR < 1):
		return fmt.Errorf("AdamConfig.WeightDecay must be >= 0 with WeightDecay·LR < 1 (got %g at lr %g)", c.WeightDecay, c.LR)
	case c.Schedule != nil:
		return c.Schedule.Validate(c.LR)
	case !(c.DecayRate > 0 && c.DecayRate <= 1):
		return fmt.Errorf("lr decay must be in (0, 1] (got %g)", c.DecayRate)
	case c.DecayEvery < 1:
		return fmt.Errorf("lr decay interval must be >= 1 step (got %d)", c.DecayEvery)
	}
	return nil
}

// Adam updates parameters in place. Its whole state (step count and both
// moment estimates) is exported so a checkpoint can hold it and a resumed
// run continues exactly; the learning rate and the decay mask are pure
// functions of Step and of the parameters, so they need no saving.
type Adam struct {
	Config AdamConfig
	Step   int         // updates done so far
	M, V   [][]float32 // first and second moments, one per parameter
	// Decays chooses the parameters Config.WeightDecay applies to; nil
	// means DecayWeight (matrices yes; biases, norms, embeddings no).
	Decays func(p *Param) bool
}

// NewAdam allocates zero moments for params.
func NewAdam(params Params, cfg AdamConfig) (*Adam, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &Adam{Config: cfg}
	for _, p := range params {
		a.M = append(a.M, make([]float32, p.Size()))
		a.V = append(a.V, make([]float32, p.Size()))
	}
	return a, nil
}

// LR is the learning rate of the next update: Schedule.LR(LR, Step) with a
// Schedule, else LR · DecayRate^⌊Step/DecayEvery⌋.
func (a *Adam) LR() float64 {
	if s := a.Config.Schedule; s != nil {
		return s.LR(a.Config.LR, a.Step)
	}
	return a.Config.LR * math.Pow(a.Config.DecayRate, float64(a.Step/a.Config.DecayEvery))
}

// DecayWeight is the default weight-decay rule: decay the weight matrices
// (two or more dimensions) except embeddings, recognised by name (wte, wpe,
// or a name containing "emb"); never biases, LayerNorm gains or other
// vectors. Embeddings are excluded because a row that is rarely used would
// otherwise be shrunk towards zero by every update of the others; with a
// tied output head that also protects the head. An untied head
// (lm_head.weight) is an ordinary matrix and decays.
func DecayWeight(p *Param) bool {
	if len(p.Shape) < 2 {
		return false
	}
	name := strings.ToLower(p.Name)
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '.' || r == '/' || r == '_' }) {
		if part == "wte" || part == "wpe" || strings.Contains(part, "emb") {
			return false
		}
	}
	return true
}

// Update clips the gradients to global norm Clip, then applies one Adam step
// (PyTorch's form, with bias correction):
//
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
//	θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
//
// With WeightDecay λ > 0 the parameters Decays selects are first shrunk,
// θ ← θ·(1 − lr·λ), which is torch.optim.AdamW's order: decoupled from the
// gradient, so the decay is not rescaled by Adam's 1/√v.
//
// It returns the gradient norm before clipping. A non-finite norm skips the
// update (the weights stay finite) and is reported as an error.
func (a *Adam) Update(params Params) (float64, error) {
	if len(params) != len(a.M) {
		return 0, fmt.Errorf("adam: %d parameters but state for %d", len(params), len(a.M))
	}
	norm := params.GradNorm()
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm, fmt.Errorf("gradient norm is %g at step %d: lower the learning rate or enable clipping", norm, a.Step)
	}
	scale := float32(1)
	if a.Config.Clip > 0 && norm > a.Config.Clip {
		scale = float32(a.Config.Clip / (norm + 1e-6))
	}
	lr := a.LR()
	a.Step++
	c1 := 1 - math.Pow(a.Config.Beta1, float64(a.Step))
	c2 := 1 - math.Pow(a.Config.Beta2, float64(a.Step))
	coeffs := kernels.AdamCoeffs{
		Scale: scale, Beta1: float32(a.Config.Beta1), Beta2: float32(a.Config.Beta2),
		StepSize: float32(lr / c1), InvSqrtC2: float32(1 / math.Sqrt(c2)), Eps: float32(a.Config.Eps),
	}
	for i, p := range params {
		m, v := a.M[i], a.V[i]
		if len(m) != p.Size() || len(v) != p.Size() || len(p.Grad) != p.Size() {
			return norm, fmt.Errorf("adam: parameter %s has %d values, %d gradients, but state for %d", p.Name, p.Size(), len(p.Grad), len(m))
		}
		if wd := a.Config.WeightDecay; wd > 0 && a.decays(p) {
			kernels.Scal(float32(1-lr*wd), p.Data)
		}
		kernels.AdamStep(p.Data, p.Grad, m, v, coeffs)
	}
	return norm, nil
}

func (a *Adam) decays(p *Param) bool {
	if a.Decays != nil {
		return a.Decays(p)
	}
	return DecayWeight(p)
}
