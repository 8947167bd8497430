package bench

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/internal/kernels"
	"github.com/recur-dev/recur/nn"
)

// GPTBenchConfig is one GPT benchmark shape, torch_ref.py's GPT_CONFIGS:
// a GPT-2-layout model (biases, tied head, no dropout) and the batch one
// iteration uses.
type GPTBenchConfig struct {
	Layers, Heads, Embed, Context, Batch, Vocab int
}

// GPTConfigs are the shared suite's GPT shapes: nanoGPT's CPU
// configuration ("baby"), its Shakespeare character model ("small") and
// GPT-2 124M for sampling.
var GPTConfigs = map[string]GPTBenchConfig{
	"baby":      {Layers: 4, Heads: 4, Embed: 128, Context: 64, Batch: 12, Vocab: charVocab},
	"small":     {Layers: 6, Heads: 6, Embed: 384, Context: 256, Batch: 8, Vocab: charVocab},
	"gpt2-124m": {Layers: 12, Heads: 12, Embed: 768, Context: 1024, Batch: 1, Vocab: 50257},
}

// Sampling shapes of gpt-sample/*: a 64-token prompt, then 32 new tokens.
const (
	gptPromptLen = 64
	gptGenLen    = 32
)

// gptForward2 is the forward work of one token attending over ctx2/2
// positions (ctx2 is twice the context, so the reference's halves stay
// integers): 2 × the weights of every matrix product (q, k, v, proj, the
// MLP's two, the tied head) plus 4·C per layer and attended position
// (scores and the weighted sum of values). torch_ref.py's
// gpt_fwd_flops_per_token(c, ctx2/2).
func gptForward2(c GPTBenchConfig, ctx2 int64) int64 {
	E, L := int64(c.Embed), int64(c.Layers)
	weights := L*(3*E*E+E*E+8*E*E) + E*int64(c.Vocab)
	return 2*weights + L*2*E*ctx2
}

// gptSpecs are the gpt-* entries of Specs: training counts 3 × forward at
// the causal average context (T+1)/2; sampling counts a token after the
// prompt at context 64 + 32/2, the first-token latency the whole prompt at
// (64+1)/2.
func gptSpecs() []Spec {
	baby, small, big := GPTConfigs["baby"], GPTConfigs["small"], GPTConfigs["gpt2-124m"]
	return []Spec{
		{Name: "gpt-train/baby", Unit: "tokens/s", FlopsPerUnit: 3 * gptForward2(baby, int64(baby.Context)+1)},
		{Name: "gpt-train/small", Unit: "tokens/s", FlopsPerUnit: 3 * gptForward2(small, int64(small.Context)+1)},
		{Name: "gpt-sample/gpt2-124m-tokens", Unit: "tokens/s", FlopsPerUnit: gptForward2(big, 2*gptPromptLen+gptGenLen)},
		{Name: "gpt-sample/gpt2-124m-first-token", Unit: "ms", FlopsPerUnit: gptPromptLen * gptForward2(big, gptPromptLen+1)},
	}
}

func init() {
	for _, key := range []string{"baby", "small"} {
		cfg := GPTConfigs[key]
		mustRegister(Workload{Spec: spec("gpt-train/" + key), Setup: func(o Options) (*Case, error) {
			return SetupGPTTrain(cfg, o.Seed)
		}})
	}
	mustRegister(Workload{Spec: spec("gpt-sample/gpt2-124m-tokens"), Setup: func(o Options) (*Case, error) {
		return setupGPTSample(GPTConfigs["gpt2-124m"], o.Seed, false)
	}})
	mustRegister(Workload{Spec: spec("gpt-sample/gpt2-124m-first-token"), Setup: func(o Options) (*Case, error) {
		return setupGPTSample(GPTConfigs["gpt2-124m"], o.Seed, true)
	}})
}

func (c GPTBenchConfig) model() decoder.GPTConfig {
	return decoder.GPTConfig{Vocab: c.Vocab, Context: c.Context, Layers: c.Layers, Heads: c.Heads, Embed: c.Embed, Bias: true}
}

func (c GPTBenchConfig) extra() map[string]any {
	return map[string]any{"layers": c.Layers, "heads": c.Heads, "embd": c.Embed, "ctx": c.Context, "batch": c.Batch, "vocab": c.Vocab}
}

// gptTrainBatches is the pool of random batches a run cycles through, as
// the reference does.
const gptTrainBatches = 8

// SetupGPTTrain builds one GPT training step on recur's training path:
// the GPT's gorgonia graph of fused kernels over Batch sequences of Context
// tokens, mean cross-entropy, backward, the gradients' global norm clipped
// to 1, then AdamW (lr 1e-3, betas 0.9/0.99, ε 1e-8, weight decay 0.1 on
// every parameter, as torch.optim.AdamW over model.parameters(); constant
// learning rate). Each step reads the next of 8 random batch-major
// batches, targets the inputs shifted by one position.
func SetupGPTTrain(cfg GPTBenchConfig, seed uint64) (*Case, error) {
	m, err := decoder.NewGPT(cfg.model(), seed)
	if err != nil {
		return nil, err
	}
	T, B := cfg.Context, cfg.Batch
	rng := rand.New(rand.NewPCG(seed, 3))
	xs, ys := make([][]int, gptTrainBatches), make([][]int, gptTrainBatches)
	for i := range xs {
		xs[i], ys[i] = make([]int, B*T), make([]int, B*T)
		for b := 0; b < B; b++ {
			seq := make([]int, T+1)
			for j := range seq {
				seq[j] = rng.IntN(cfg.Vocab)
			}
			copy(xs[i][b*T:], seq[:T])
			copy(ys[i][b*T:], seq[1:])
		}
	}
	x, y := make([]int, B*T), make([]int, B*T)
	g := nn.NewGraph(true, seed)
	loss := g.CrossEntropy(m.Graph(g, g.Ints("ids", x), B, T), g.Ints("targets", y), 0)
	mach, err := g.Compile(loss)
	if err != nil {
		return nil, err
	}
	params := m.Params()
	adam, err := nn.NewAdam(params, nn.AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.99, Eps: 1e-8,
		Clip: 1, DecayRate: 1, DecayEvery: 1, WeightDecay: 0.1})
	if err != nil {
		return nil, err
	}
	adam.Decays = func(*nn.Param) bool { return true }
	i := 0
	step := func() error {
		copy(x, xs[i%gptTrainBatches])
		copy(y, ys[i%gptTrainBatches])
		g.Step = uint64(i)
		i++
		l, err := mach.Run()
		if err != nil {
			return err
		}
		if math.IsNaN(float64(l)) || math.IsInf(float64(l), 0) {
			return fmt.Errorf("step %d: loss is %g", i, l)
		}
		_, err = adam.Update(params)
		return err
	}
	extra := map[string]any{
		"config":              cfg.extra(),
		"fwd_flops_per_token": gptForward2(cfg, int64(T)+1),
		"optimizer":           "AdamW lr 1e-3 betas (0.9, 0.99) weight decay 0.1, clip 1.0",
		"kernels":             kernels.Features(),
	}
	return &Case{Step: step, Units: float64(B * T), Extra: extra}, nil
}

// gptWeightBytes is what one batch-1 token reads of the weights: every
// parameter but the position table (one row of it is read), float32. The
// tied token table counts once: the head streams all of it.
func gptWeightBytes(m *decoder.GPT) int64 {
	var n int64
	for _, p := range m.Params() {
		if p != m.WPE.W {
			n += int64(p.Size())
		}
	}
	return 4 * n
}

// setupGPTSample builds the GPT-2 124M sampling workloads at batch 1 with
// random weights (GPT-2's initialisation) and temperature 0.8. firstToken
// times an empty cache reading a random 64-token prompt in one Prime call
// plus one draw; otherwise one iteration samples 32 tokens one Step at a
// time after the prompt, each iteration rewinding the cache to the prompt
// (the reference rewrites the same positions 64…95 every iteration).
func setupGPTSample(cfg GPTBenchConfig, seed uint64, firstToken bool) (*Case, error) {
	m, err := decoder.NewGPT(cfg.model(), seed)
	if err != nil {
		return nil, err
	}
	params := m.Params()
	for _, p := range params {
		p.Grad = nil // inference only, as a loaded model
	}
	smp, err := decoder.NewSampler(decoder.SampleConfig{Temperature: sampleTemp, TopP: 1}, seed)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 4))
	prompt := make([]int, gptPromptLen)
	for i := range prompt {
		prompt[i] = rng.IntN(cfg.Vocab)
	}
	logits := make([]float32, cfg.Vocab)
	state := m.NewState(1)
	prime := func() (int, error) {
		state.KV.Pos = 0
		if err := m.Prime(state, prompt, logits); err != nil {
			return 0, err
		}
		return smp.Sample(logits), nil
	}
	n := 0
	for _, p := range params {
		n += p.Size()
	}
	if firstToken {
		return &Case{Units: 1, Extra: map[string]any{"prompt_len": gptPromptLen, "temperature": sampleTemp,
			"config": cfg.extra(), "params": n, "kernels": kernels.Features(),
			"note": "prompt consumed in one Prime call, KV cache filled"},
			Step: func() error { _, err := prime(); return err }}, nil
	}
	tok0, err := prime()
	if err != nil {
		return nil, err
	}
	bytes := gptWeightBytes(m)
	tok := []int{0}
	step := func() error {
		state.KV.Pos = gptPromptLen
		tok[0] = tok0
		for range gptGenLen {
			if err := m.Step(state, tok, logits); err != nil {
				return err
			}
			tok[0] = smp.Sample(logits)
		}
		return nil
	}
	return &Case{Step: step, Units: gptGenLen,
		AlsoPerUnit: map[string]float64{AlsoWeightGBs: float64(bytes) / 1e9},
		Extra: map[string]any{"tokens_per_iter": gptGenLen, "prompt_len": gptPromptLen, "temperature": sampleTemp,
			"batch": 1, "params": n, "config": cfg.extra(), "weight_bytes_per_token": bytes, "kernels": kernels.Features()}}, nil
}
