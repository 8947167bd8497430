package decoder

import (
	"cmp"
	"slices"
)

// Candidate is one entry of a next-token distribution as shown to a reader:
// the token id with its probability under the model alone and under the
// sampling configuration that actually drew the token.
type Candidate struct {
	ID int `json:"id"`
	// PRaw is softmax(logits)_ID: the model's own probability, before
	// temperature, top-k and top-p.
	PRaw float64 `json:"p_raw"`
	// PSampled is the probability the Sampler drew ID with: softmax of
	// logits/Temperature, restricted to the top-k / top-p survivors and
	// renormalised (one-hot at the argmax when greedy).
	PSampled float64 `json:"p_sampled"`
	// Chosen marks the token that was drawn.
	Chosen bool `json:"chosen"`
}

// TopCandidates returns the n most likely tokens of logits, most likely
// first (ties to the lower id), each with its probability before (PRaw) and
// after (PSampled) the sampling configuration cfg. It computes both from the
// given logits with the same code the Sampler uses, so PSampled is exactly
// what Sampler.Probabilities reports. chosen is the token that was drawn
// (-1 if none): it is marked, and appended as an extra, (n+1)-th entry when
// it is not among the n most likely, so a reader always sees the pick.
//
// Ordering by PRaw is also ordering by PSampled: dividing by a positive
// temperature keeps the order of the logits, and top-k / top-p only cut off
// a tail of that order. NaN logits count as -Inf (probability 0). n <= 0 or
// empty logits give nil. It allocates O(len(logits)) scratch; it is meant
// for inspection (opt-in), not for the sampling hot path.
func TopCandidates(logits []float32, cfg SampleConfig, n int, chosen int) []Candidate {
	v := len(logits)
	if n <= 0 || v == 0 {
		return nil
	}
	raw := make([]float64, v)
	probsOf(logits, SampleConfig{Temperature: 1, TopP: 1}, raw)
	sampled := make([]float64, v)
	probsOf(logits, cfg, sampled)

	ids := make([]int, v)
	for i := range ids {
		ids[i] = i
	}
	// A full sort is O(V log V); V is at most a few tens of thousands and
	// this only runs when a caller asked for candidates.
	slices.SortFunc(ids, func(a, b int) int {
		if c := cmp.Compare(raw[b], raw[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	n = min(n, v)
	out := make([]Candidate, 0, n+1)
	seen := false
	for _, id := range ids[:n] {
		out = append(out, Candidate{ID: id, PRaw: raw[id], PSampled: sampled[id], Chosen: id == chosen})
		seen = seen || id == chosen
	}
	if !seen && chosen >= 0 && chosen < v {
		out = append(out, Candidate{ID: chosen, PRaw: raw[chosen], PSampled: sampled[chosen], Chosen: true})
	}
	return out
}

// probsOf writes the distribution a Sampler with cfg draws from into dst
// (len(logits) entries), in float64. It reuses the Sampler's weights so the
// numbers cannot drift from what Sample does. An invalid cfg (say
// Temperature 0 without Greedy) or unusable logits give the one-hot
// fallback of Probabilities.
func probsOf(logits []float32, cfg SampleConfig, dst []float64) {
	clear(dst)
	s := Sampler{cfg: cfg}
	if cfg.Greedy || cfg.Validate() != nil {
		dst[argmax(logits)] = 1
		return
	}
	total, ok := s.weights(logits)
	if !ok {
		dst[0] = 1
		return
	}
	for i, w := range s.w[:len(logits)] {
		dst[i] = w / total
	}
}

// SetObserver makes Sample call f(logits, tok) after every draw, with the
// logits it drew from (valid only during the call) and the token drawn. It
// is how a caller inspects the distribution behind each token (for example
// with TopCandidates) without a second forward pass; nil removes it. With no
// observer Sample pays one nil check.
func (s *Sampler) SetObserver(f func(logits []float32, tok int)) { s.observe = f }
