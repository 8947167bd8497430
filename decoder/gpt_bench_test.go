package decoder

import (
	"math/rand/v2"
	"testing"

	"github.com/recur-dev/recur/nn"
)

var gptBenchShapes = []struct {
	name string
	cfg  GPTConfig
}{
	// nanoGPT's CPU configuration on characters.
	{"baby", GPTConfig{Vocab: 65, Context: 64, Layers: 4, Heads: 4, Embed: 128, Bias: true}},
	// GPT-2 124M's shapes (about 500 MB of float32 weights).
	{"gpt2-124m", GPTConfig{Vocab: 50257, Context: 1024, Layers: 12, Heads: 12, Embed: 768, Bias: true}},
}

// BenchmarkGPTStep measures batch-1 decoding through the cache after a
// 64-token prompt (positions 64 to 96, then the state restarts), reporting
// tokens/s and the weight bytes streamed per second.
func BenchmarkGPTStep(b *testing.B) {
	for _, sh := range gptBenchShapes {
		b.Run(sh.name, func(b *testing.B) {
			m, err := NewGPT(sh.cfg, 1)
			if err != nil {
				b.Fatal(err)
			}
			prompt := make([]int, min(64, sh.cfg.Context/2))
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range prompt {
				prompt[i] = rng.IntN(sh.cfg.Vocab)
			}
			logits := make([]float32, sh.cfg.Vocab)
			s := m.NewState(1)
			limit := min(len(prompt)+32, sh.cfg.Context)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if s.KV.Pos == 0 || s.KV.Pos >= limit {
					b.StopTimer()
					s = m.NewState(1)
					if err := m.Prime(s, prompt, logits); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				if err := m.Step(s, []int{i % sh.cfg.Vocab}, logits); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)/sec, "tokens/s")
			bytes := 4 * float64(m.Params().Count()-m.WPE.W.Size())
			b.ReportMetric(bytes*float64(b.N)/sec/1e9, "weight-GB/s")
		})
	}
}

// BenchmarkGPTPrime measures reading a 64-token prompt in one pass (the
// time to the first generated token).
func BenchmarkGPTPrime(b *testing.B) {
	for _, sh := range gptBenchShapes {
		b.Run(sh.name, func(b *testing.B) {
			m, err := NewGPT(sh.cfg, 1)
			if err != nil {
				b.Fatal(err)
			}
			prompt := make([]int, min(64, sh.cfg.Context))
			logits := make([]float32, sh.cfg.Vocab)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := m.Prime(m.NewState(1), prompt, logits); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(prompt))/b.Elapsed().Seconds(), "prompt-tokens/s")
		})
	}
}

// BenchmarkGPTTrain measures one training step (forward, backward, Adam)
// of nanoGPT's CPU configuration (4 × 128, context 64, batch 12) on random
// tokens, reporting tokens/s.
func BenchmarkGPTTrain(b *testing.B) {
	cfg := GPTConfig{Vocab: 65, Context: 64, Layers: 4, Heads: 4, Embed: 128, Bias: true, Dropout: 0.1}
	const B, T = 12, 64
	m, err := NewGPT(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	ids, targets := make([]int, B*T), make([]int, B*T)
	for i := range ids {
		ids[i], targets[i] = rng.IntN(cfg.Vocab), rng.IntN(cfg.Vocab)
	}
	g := nn.NewGraph(true, 1)
	mach, err := g.Compile(g.CrossEntropy(m.Graph(g, g.Ints("ids", ids), B, T), g.Ints("targets", targets), 0))
	if err != nil {
		b.Fatal(err)
	}
	opt, err := nn.NewAdam(mach.Params, nn.DefaultAdamConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Step = uint64(i)
		if _, err := mach.Run(); err != nil {
			b.Fatal(err)
		}
		if _, err := opt.Update(mach.Params); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*B*T)/b.Elapsed().Seconds(), "tokens/s")
}
