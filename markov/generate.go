package markov

import "github.com/recur-dev/recur/decoder"

// Generate samples n ids continuing prompt and returns them (without the
// prompt). Each step feeds the model's log-probabilities to the sampler as
// logits, so temperature T samples from p^(1/T) renormalised and greedy
// picks the most likely id, exactly as for the recurrent models; the same
// sampler seed gives the same ids. Prompt ids outside the vocabulary count
// as <unk>; n <= 0 gives nil.
func (m *Model) Generate(prompt []int, n int, s *decoder.Sampler) []int {
	if n <= 0 || s == nil {
		return nil
	}
	out := make([]int, 0, n)
	// Only the last Order-1 ids matter: keep a short rolling history.
	hist := make([]int, 0, m.cfg.Order-1+n)
	hist = append(hist, prompt[max(0, len(prompt)-(m.cfg.Order-1)):]...)
	logp := make([]float32, m.vocab)
	for range n {
		m.LogProbs(hist, logp)
		id := s.Sample(logp)
		out = append(out, id)
		hist = append(hist, id)
	}
	return out
}
