package bench

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/nn"
)

// CharLMConfig is the shape of one char-LM benchmark model: an embedding
// (vocab → hidden), a stack of LSTM or GRU layers hidden wide, and a linear
// output (hidden → vocab), trained on batch × seq characters per step.
type CharLMConfig struct {
	Cell   nn.Cell
	Vocab  int
	Hidden int
	Layers int
	Batch  int
	Seq    int
}

// CharLMConfigs are the shared suite's char-LM shapes, keyed by the part of
// the benchmark name after "charlm-train/".
var CharLMConfigs = map[string]CharLMConfig{
	"small-lstm":  {Cell: nn.LSTM, Vocab: charVocab, Hidden: smallHidden, Layers: 1, Batch: charBatch, Seq: smallSeq},
	"medium-lstm": {Cell: nn.LSTM, Vocab: charVocab, Hidden: mediumHidden, Layers: mediumLayers, Batch: charBatch, Seq: mediumSeq},
	"medium-gru":  {Cell: nn.GRU, Vocab: charVocab, Hidden: mediumHidden, Layers: mediumLayers, Batch: charBatch, Seq: mediumSeq},
}

// charLMBatches is the pool of random batches a training run cycles
// through, as the reference does (8 batches).
const charLMBatches = 8

func init() {
	for _, key := range []string{"small-lstm", "medium-lstm", "medium-gru"} {
		cfg := CharLMConfigs[key]
		mustRegister(Workload{Spec: spec("charlm-train/" + key), Setup: func(o Options) (*Case, error) {
			return SetupCharLMTrain(cfg, o.Seed)
		}})
	}
	mustRegister(Workload{Spec: spec("charlm-sample/medium-lstm-first-token"), Setup: func(o Options) (*Case, error) {
		return setupSample(o.Seed, true)
	}})
	mustRegister(Workload{Spec: spec("charlm-sample/medium-lstm-tokens"), Setup: func(o Options) (*Case, error) {
		return setupSample(o.Seed, false)
	}})
}

func (c CharLMConfig) decoderConfig() decoder.Config {
	return decoder.Config{Cell: c.Cell, Vocab: c.Vocab, Embed: c.Hidden, Hidden: c.Hidden, Layers: c.Layers, Dropout: 0}
}

// SetupCharLMTrain builds one char-LM training step on recur's real training
// path, the one `recur train` runs: the decoder's gorgonia graph of fused
// kernels, mean cross-entropy, backward, then Adam (lr 2e-3) with the
// gradients' global norm clipped to 5. Every step starts from a zero
// recurrent state and reads the next of 8 random time-major batches
// (targets = inputs shifted by one step, as in the reference).
func SetupCharLMTrain(cfg CharLMConfig, seed uint64) (*Case, error) {
	dec, err := decoder.New(cfg.decoderConfig(), seed)
	if err != nil {
		return nil, err
	}
	T, B := cfg.Seq, cfg.Batch
	rng := rand.New(rand.NewPCG(seed, 1))
	xs, ys := make([][]int, charLMBatches), make([][]int, charLMBatches)
	for i := range xs {
		data := make([]int, (T+1)*B) // [T+1, B]
		for j := range data {
			data[j] = rng.IntN(cfg.Vocab)
		}
		xs[i], ys[i] = data[:T*B], data[B:]
	}
	x, y := make([]int, T*B), make([]int, T*B)
	g := nn.NewGraph(true, seed)
	logits, run := dec.Graph(g, g.Ints("ids", x), B)
	loss := g.CrossEntropy(logits, g.Ints("targets", y), 0)
	m, err := g.Compile(loss)
	if err != nil {
		return nil, err
	}
	adam, err := nn.NewAdam(dec.Params(), nn.AdamConfig{LR: 2e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8,
		Clip: 5, DecayRate: 1, DecayEvery: 1})
	if err != nil {
		return nil, err
	}
	i := 0
	step := func() error {
		copy(x, xs[i%charLMBatches])
		copy(y, ys[i%charLMBatches])
		run.ResetState()
		g.Step = uint64(i)
		i++
		l, err := m.Run()
		if err != nil {
			return err
		}
		if math.IsNaN(float64(l)) || math.IsInf(float64(l), 0) {
			return fmt.Errorf("step %d: loss is %g", i, l)
		}
		_, err = adam.Update(dec.Params())
		return err
	}
	extra := map[string]any{
		"config":             map[string]any{"cell": string(cfg.Cell), "vocab": cfg.Vocab, "hidden": cfg.Hidden, "layers": cfg.Layers, "batch": B, "seq": T},
		"fwd_flops_per_char": charLMForward(int64(cfg.Cell.Gates()), int64(cfg.Hidden), int64(cfg.Layers)),
	}
	return &Case{Step: step, Units: float64(T * B), Extra: extra}, nil
}

// setupSample builds the batch-1 sampling workloads on the medium LSTM:
// firstToken times a zero state reading a random 200-character prompt in one
// Prime call, then one token drawn at temperature 0.8; otherwise one
// iteration samples 100 tokens one Step at a time, each from the same
// post-prompt state.
func setupSample(seed uint64, firstToken bool) (*Case, error) {
	cfg := CharLMConfigs["medium-lstm"]
	dec, err := decoder.New(cfg.decoderConfig(), seed)
	if err != nil {
		return nil, err
	}
	dec.Freeze() // as a loaded model is
	smp, err := decoder.NewSampler(decoder.SampleConfig{Temperature: sampleTemp, TopP: 1}, seed)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	prompt := make([]int, promptLen)
	for i := range prompt {
		prompt[i] = rng.IntN(cfg.Vocab)
	}
	logits := make([]float32, cfg.Vocab)
	state := dec.NewState(1)
	prime := func() (int, error) {
		zero(state)
		if err := dec.Prime(state, prompt, logits); err != nil {
			return 0, err
		}
		return smp.Sample(logits), nil
	}
	if firstToken {
		return &Case{Units: 1, Extra: map[string]any{"prompt_len": promptLen, "temperature": sampleTemp,
			"note": "prompt consumed in one Prime call"},
			Step: func() error { _, err := prime(); return err }}, nil
	}
	tok0, err := prime()
	if err != nil {
		return nil, err
	}
	start := state.Clone()
	tok := []int{0}
	step := func() error {
		restore(state, start)
		tok[0] = tok0
		for range sampleTokens {
			if err := dec.Step(state, tok, logits); err != nil {
				return err
			}
			tok[0] = smp.Sample(logits)
		}
		return nil
	}
	return &Case{Step: step, Units: sampleTokens,
		Extra: map[string]any{"tokens_per_iter": sampleTokens, "temperature": sampleTemp, "batch": 1}}, nil
}

// zero clears a decoder state's recurrent vectors in place.
func zero(s *decoder.State) {
	for _, h := range s.H {
		clear(h)
	}
	for _, c := range s.C {
		clear(c)
	}
}

// restore copies src's recurrent vectors into s without allocating.
func restore(s, src *decoder.State) {
	for l := range s.H {
		copy(s.H[l], src.H[l])
	}
	for l := range s.C {
		copy(s.C[l], src.C[l])
	}
}
