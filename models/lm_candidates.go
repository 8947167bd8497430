package models

import (
	"fmt"

	"github.com/recur-dev/recur/decoder"
)

// maxCandidates bounds GenerateOptions.Candidates: the panel that shows
// them is meant to be read, and each one costs a token decode.
const maxCandidates = 50

// TokenCandidate is a decoder.Candidate with its token's text.
type TokenCandidate struct {
	decoder.Candidate
	Text string `json:"text"`
}

// GenerateOptions are optional extras of LanguageModel.Generate. The zero
// value changes nothing and costs nothing.
type GenerateOptions struct {
	// Candidates > 0 reports, for every generated token, the Candidates
	// most likely next tokens with their probabilities before and after
	// temperature / top-k / top-p (decoder.TopCandidates), computed from
	// the very logits the token was sampled from (no second forward pass).
	// At most maxCandidates. Works for every architecture (rnn, markov,
	// gpt): all of them draw through a decoder.Sampler; for markov the
	// "logits" are the model's log-probabilities, so PRaw is the n-gram
	// probability itself.
	Candidates int
	// OnCandidates receives the candidates of each token just before that
	// token's piece reaches emit (so the two can be paired). The slice is
	// the callee's to keep.
	OnCandidates func([]TokenCandidate)
}

// watchCandidates installs the sampler observer that implements
// GenerateOptions.Candidates; it does nothing for the zero options.
func (m *LanguageModel) watchCandidates(smp *decoder.Sampler, cfg decoder.SampleConfig, opts []GenerateOptions) error {
	for _, o := range opts {
		if o.Candidates < 0 || o.Candidates > maxCandidates {
			return fmt.Errorf("GenerateOptions.Candidates must be in [0, %d] (got %d)", maxCandidates, o.Candidates)
		}
		if o.Candidates == 0 || o.OnCandidates == nil {
			continue
		}
		n, report := o.Candidates, o.OnCandidates
		smp.SetObserver(func(logits []float32, tok int) {
			cs := decoder.TopCandidates(logits, cfg, n, tok)
			out := make([]TokenCandidate, len(cs))
			for i, c := range cs {
				out[i] = TokenCandidate{Candidate: c, Text: m.Tokenizer.Decode([]int{c.ID})}
			}
			report(out)
		})
	}
	return nil
}
