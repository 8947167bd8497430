package markov

import (
	"context"

	"github.com/recur-dev/recur/decoder"
)

// Generate samples n ids continuing prompt and returns them (without the
// prompt): GenerateStream without cancellation or streaming. n <= 0 or a
// nil sampler gives nil.
func (m *Model) Generate(prompt []int, n int, s *decoder.Sampler) []int {
	out, _ := m.GenerateStream(context.Background(), prompt, n, s, nil)
	return out
}

// GenerateStream samples up to n ids continuing prompt, the way
// decoder.Generate does for the recurrent models: each id is passed to emit
// as soon as it is drawn, and emit returning false, or ctx being done,
// stops generation before the next id is sampled. It returns the ids drawn
// (without the prompt) and ctx's error if ctx stopped it.
//
// Each step feeds the model's log-probabilities to the sampler as logits,
// so temperature T samples from p^(1/T) renormalised and greedy picks the
// most likely id, exactly as for the recurrent models; the same sampler
// seed gives the same ids. Prompt ids outside the vocabulary count as
// <unk>; n <= 0 or a nil sampler gives nil.
func (m *Model) GenerateStream(ctx context.Context, prompt []int, n int, s *decoder.Sampler, emit func(id int) bool) ([]int, error) {
	if n <= 0 || s == nil {
		return nil, nil
	}
	out := make([]int, 0, n)
	// Only the last Order-1 ids matter: keep a short rolling history.
	hist := make([]int, 0, m.cfg.Order-1+n)
	hist = append(hist, prompt[max(0, len(prompt)-(m.cfg.Order-1)):]...)
	logp := make([]float32, m.vocab)
	for range n {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		m.LogProbs(hist, logp)
		id := s.Sample(logp)
		out = append(out, id)
		hist = append(hist, id)
		if emit != nil && !emit(id) {
			break
		}
	}
	return out, nil
}
