package decoder_test

import (
	"context"
	"fmt"

	"github.com/recur-dev/recur/decoder"
)

// A GPT is a Stepper: read a prompt in one pass with Prime, then sample
// with the same Generate and Sampler as every recur decoder.
func ExampleGPT() {
	cfg := decoder.GPTConfig{Vocab: 16, Context: 32, Layers: 2, Heads: 2, Embed: 16, Bias: true, LNEps: 1e-5}
	m, err := decoder.NewGPT(cfg, 1)
	if err != nil {
		panic(err)
	}
	s := m.NewState(1)
	logits := make([]float32, m.VocabSize())
	if err := m.Prime(s, []int{1, 2, 3}, logits); err != nil {
		panic(err)
	}
	smp, err := decoder.NewSampler(decoder.SampleConfig{Temperature: 0.8, TopK: 5, TopP: 1}, 7)
	if err != nil {
		panic(err)
	}
	out, err := decoder.Generate(context.Background(), m, s, logits, 5, smp, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(out), "tokens;", s.KV.Pos, "positions cached")
	// Output: 5 tokens; 7 positions cached

}
