package decoder

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/recur-dev/recur/internal/kernels"
)

// SampleConfig says how a Sampler turns next-token logits into a token id.
//
// With Greedy set the most likely token (argmax of the logits) is returned
// and the other fields are ignored apart from validation. Otherwise the
// logits are divided by Temperature, then
//
//   - top-k (TopK > 0) keeps only the TopK largest logits (0 = off);
//   - nucleus / top-p (TopP < 1) keeps the smallest set of most likely tokens
//     whose probabilities, after temperature and top-k, sum to at least TopP
//     (1 = off);
//
// the surviving probabilities are renormalised and one token is drawn.
//
// Temperature T reshapes softmax(l) into softmax(l/T) ∝ p^(1/T): T < 1
// sharpens the distribution towards greedy, T > 1 flattens it towards
// uniform, T = 1 samples from the model's own distribution.
type SampleConfig struct {
	Greedy      bool
	Temperature float64
	TopK        int
	TopP        float64
}

// DefaultSampleConfig returns Temperature 0.8 with top-k and top-p off: a
// slightly sharpened sample of the model distribution, the usual char-rnn
// choice.
func DefaultSampleConfig() SampleConfig {
	return SampleConfig{Temperature: 0.8, TopK: 0, TopP: 1}
}

// Validate reports the first invalid field, naming it and its valid range.
// A greedy config may have Temperature 0 (greedy is the T → 0 limit); every
// other value must be finite.
func (c SampleConfig) Validate() error {
	t := c.Temperature
	switch {
	case math.IsNaN(t) || math.IsInf(t, 0):
		return fmt.Errorf("temperature must be a finite number > 0 (got %v)", t)
	case c.Greedy && t < 0:
		return fmt.Errorf("temperature must be >= 0 with greedy decoding (got %v)", t)
	case !c.Greedy && t <= 0:
		return fmt.Errorf("temperature must be > 0 (got %v); use greedy decoding for temperature 0", t)
	}
	if c.TopK < 0 {
		return fmt.Errorf("top-k must be >= 0 (got %d); 0 turns it off", c.TopK)
	}
	if math.IsNaN(c.TopP) || !(c.TopP > 0 && c.TopP <= 1) {
		return fmt.Errorf("top-p must be in (0, 1] (got %v); 1 turns it off", c.TopP)
	}
	return nil
}

// Sampler draws token ids from logits with a seeded PCG generator: the same
// seed and the same sequence of logits always give the same tokens, on every
// platform. A Sampler is not safe for concurrent use (it owns scratch
// buffers and a random stream); give each goroutine its own.
type Sampler struct {
	cfg SampleConfig
	pcg *rand.PCG
	rng *rand.Rand

	// Scratch, grown on first use to the vocabulary size and then reused,
	// so that Sample does not allocate in steady state.
	w   []float64 // unnormalised weights exp(l_i/T - max), 0 = excluded
	idx []int32   // candidate token ids for top-k / top-p
	kv  []float64 // saved weights of the top-k survivors

	observe func(logits []float32, tok int) // SetObserver; nil = off
}

// NewSampler validates cfg and returns a Sampler seeded from seed.
func NewSampler(cfg SampleConfig, seed uint64) (*Sampler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	// PCG takes two 64-bit seed words; derive the second from the first
	// with a SplitMix64 step so nearby seeds give unrelated streams.
	pcg := rand.NewPCG(seed, splitMix64(seed))
	return &Sampler{cfg: cfg, pcg: pcg, rng: rand.New(pcg)}, nil
}

// splitMix64 is the SplitMix64 output function (Steele, Lea & Flood 2014),
// a cheap bijective mixer of 64-bit words.
func splitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Config returns the sampler's configuration.
func (s *Sampler) Config() SampleConfig { return s.cfg }

// Sample returns the id of the next token. It never modifies logits and
// does not allocate once its buffers have grown to len(logits). NaN logits
// count as -Inf; if no logit is usable (or logits is empty) it returns 0.
// Greedy ties go to the lowest id.
func (s *Sampler) Sample(logits []float32) int {
	tok := s.sample(logits)
	if s.observe != nil {
		s.observe(logits, tok)
	}
	return tok
}

func (s *Sampler) sample(logits []float32) int {
	if s.cfg.Greedy {
		return argmax(logits)
	}
	total, ok := s.weights(logits)
	if !ok {
		return 0
	}
	// Inverse-CDF draw: u uniform in [0, total), return the first token
	// whose cumulative weight exceeds u.
	u := s.rng.Float64() * total
	acc := 0.0
	last := 0
	for i, w := range s.w[:len(logits)] {
		if w == 0 {
			continue
		}
		acc += w
		last = i
		if u < acc {
			return i
		}
	}
	// Rounding can leave u a hair above the final sum: the last kept token.
	return last
}

// Probabilities writes the distribution Sample draws from (after
// temperature, top-k and top-p, renormalised) into probs. Greedy configs and
// unusable logits give a one-hot vector (at the argmax, resp. at 0). probs
// should have len(logits) entries; extra entries are set to 0 and missing
// ones are simply not written.
func (s *Sampler) Probabilities(logits []float32, probs []float32) {
	clear(probs)
	if len(probs) == 0 {
		return
	}
	oneHot := func(i int) {
		if i < len(probs) {
			probs[i] = 1
		}
	}
	if s.cfg.Greedy {
		oneHot(argmax(logits))
		return
	}
	total, ok := s.weights(logits)
	if !ok {
		oneHot(0)
		return
	}
	n := min(len(probs), len(logits))
	for i, w := range s.w[:n] {
		probs[i] = float32(w / total)
	}
}

// State returns the random generator state (the PCG's MarshalBinary), so a
// generation run can be checkpointed and resumed token for token.
func (s *Sampler) State() ([]byte, error) { return s.pcg.MarshalBinary() }

// SetState restores a state returned by State.
func (s *Sampler) SetState(b []byte) error {
	if err := s.pcg.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("sampler state: %w (want the bytes returned by State)", err)
	}
	return nil
}

// argmax returns the index of the largest logit, lowest index on ties,
// skipping NaN; 0 when nothing beats -Inf.
func argmax(logits []float32) int {
	best, bi := float32(math.Inf(-1)), 0
	for i, l := range logits {
		if l > best { // false for NaN
			best, bi = l, i
		}
	}
	return bi
}

// weights fills s.w[:len(logits)] with the unnormalised sampling weights
// and returns their sum; ok is false when no token has positive weight.
func (s *Sampler) weights(logits []float32) (total float64, ok bool) {
	n := len(logits)
	if n == 0 {
		return 0, false
	}
	if cap(s.w) < n {
		s.w = make([]float64, n)
		s.idx = make([]int32, n)
		s.kv = make([]float64, n)
	}
	w := s.w[:n]

	// softmax(l/T) computed as exp(l_i/T - m) with m = max_i l_i/T so the
	// largest term is exactly 1 and nothing overflows. Scaling is done in
	// float64 so small temperatures do not overflow float32.
	invT := 1 / s.cfg.Temperature
	m := math.Inf(-1)
	for _, l := range logits {
		if z := float64(l) * invT; z > m {
			m = z
		}
	}
	switch {
	case math.IsInf(m, -1) || math.IsNaN(m):
		return 0, false
	case math.IsInf(m, 1):
		// +Inf logits take all the mass, shared equally.
		for i, l := range logits {
			w[i] = 0
			if math.IsInf(float64(l)*invT, 1) {
				w[i] = 1
			}
		}
	default:
		for i, l := range logits {
			z := float64(l)*invT - m
			if z != z { // NaN logit
				w[i] = 0
				continue
			}
			w[i] = math.Exp(z) // exp(-Inf) = 0
		}
	}

	kept := s.idx[:0]
	if k := s.cfg.TopK; k > 0 && k < n {
		kept = s.topK(w, k)
	}
	if s.cfg.TopP < 1 {
		s.topP(w, kept)
	}

	for _, x := range w {
		total += x
	}
	return total, total > 0
}

// better reports whether token i ranks above token j: larger weight first,
// then lower id, so every selection is deterministic.
func better(w []float64, i, j int32) bool {
	return w[i] > w[j] || (w[i] == w[j] && i < j)
}

// topK zeroes all but the k best weights (k < len(w)) and returns the ids
// of the survivors (in heap order). It keeps a size-k min-heap keyed on
// "worst survivor at the root", so selection costs O(V log k), not a sort.
func (s *Sampler) topK(w []float64, k int) []int32 {
	h := s.idx[:0]
	for i := range w {
		id := int32(i)
		if len(h) < k {
			h = append(h, id)
			// sift up: parent must be worse than child
			c := len(h) - 1
			for c > 0 {
				p := (c - 1) / 2
				if !better(w, h[p], h[c]) {
					break
				}
				h[p], h[c] = h[c], h[p]
				c = p
			}
			continue
		}
		if !better(w, id, h[0]) {
			continue
		}
		h[0] = id
		// sift down
		p := 0
		for {
			c := 2*p + 1
			if c >= k {
				break
			}
			if c+1 < k && better(w, h[c], h[c+1]) {
				c++ // the worse child
			}
			if !better(w, h[p], h[c]) {
				break
			}
			h[p], h[c] = h[c], h[p]
			p = c
		}
	}
	// Keep the survivors' weights, zero everything, put them back.
	kv := s.kv[:len(h)]
	for j, id := range h {
		kv[j] = w[id]
	}
	clear(w)
	for j, id := range h {
		w[id] = kv[j]
	}
	return h
}

// topP zeroes every token outside the nucleus: sort the candidates by
// weight (descending, lower id first on ties) and keep the shortest prefix
// whose mass reaches TopP of the total. cand lists the candidates when
// top-k already narrowed them; if empty, all positive weights are.
//
// Sorting all V tokens is the expensive part, so without top-k the
// candidates are first gathered above a threshold τ: if the tokens with
// weight >= τ already carry TopP of the mass, they are exactly the head of
// the sorted order and contain the nucleus, so only they need sorting.
// Otherwise τ is lowered (down to 0, i.e. everything) and the scan repeats.
func (s *Sampler) topP(w []float64, cand []int32) {
	total := 0.0
	for _, x := range w {
		total += x
	}
	if total <= 0 {
		return
	}
	// The relative slack keeps a prefix whose exact sum equals TopP (say
	// 0.5 + 0.3 for top-p 0.8) from being rejected by float rounding.
	target := s.cfg.TopP * total * (1 - 1e-12)
	if len(cand) == 0 {
		// Weights are exp(z - max) <= 1 with the largest exactly 1.
		for tau := 1.0 / 64; ; tau /= 16 {
			if tau < 1e-300 {
				tau = 0
			}
			cand = s.idx[:0]
			mass := 0.0
			for i, x := range w {
				if x > 0 && x >= tau {
					cand = append(cand, int32(i))
					mass += x
				}
			}
			if mass >= target || tau == 0 {
				break
			}
		}
	}
	slices.SortFunc(cand, func(a, b int32) int {
		switch {
		case w[a] > w[b]:
			return -1
		case w[a] < w[b]:
			return 1
		}
		return int(a - b)
	})
	acc := 0.0
	for j, id := range cand {
		acc += w[id]
		if acc >= target {
			// Drop everything not in the prefix cand[:j+1].
			for _, keep := range cand[:j+1] {
				s.kv[keep] = w[keep]
			}
			clear(w)
			for _, keep := range cand[:j+1] {
				w[keep] = s.kv[keep]
			}
			return
		}
	}
}

// LogSoftmax writes log softmax(logits) into dst: dst_i = l_i - m -
// log Σ_j exp(l_j - m) with m the largest logit, accumulated in float64, so
// large logits neither overflow nor lose the small terms. NaN logits count
// as -Inf. If no logit is finite-or-+Inf-usable, every entry gets the
// uniform log(1/n) so callers (beam search) still see a distribution. Only
// the first min(len(dst), len(logits)) entries are computed.
func LogSoftmax(dst, logits []float32) {
	n := min(len(dst), len(logits))
	if n == 0 {
		return
	}
	logits, dst = logits[:n], dst[:n]
	if kernels.LogSoftmax(dst, logits) {
		return // all finite (or −Inf): the vector path; the rules below are for NaN and ±Inf
	}
	m := math.Inf(-1)
	for _, l := range logits {
		if float64(l) > m {
			m = float64(l)
		}
	}
	if math.IsInf(m, -1) {
		u := float32(-math.Log(float64(n)))
		for i := range dst {
			dst[i] = u
		}
		return
	}
	if math.IsInf(m, 1) {
		// The +Inf logits share all the mass.
		c := 0
		for _, l := range logits {
			if math.IsInf(float64(l), 1) {
				c++
			}
		}
		lp := float32(-math.Log(float64(c)))
		for i, l := range logits {
			dst[i] = float32(math.Inf(-1))
			if math.IsInf(float64(l), 1) {
				dst[i] = lp
			}
		}
		return
	}
	sum := 0.0
	for _, l := range logits {
		if l == l {
			sum += math.Exp(float64(l) - m)
		}
	}
	lse := m + math.Log(sum)
	for i, l := range logits {
		if l != l {
			dst[i] = float32(math.Inf(-1))
			continue
		}
		dst[i] = float32(float64(l) - lse)
	}
}
