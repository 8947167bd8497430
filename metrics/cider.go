package metrics

import (
	"fmt"
	"math"
	"strings"
)

// CIDEr-D's settings on the COCO leaderboard (coco-caption's Cider class).
const (
	ciderN     = 4   // n-gram orders 1..4
	ciderSigma = 6.0 // standard deviation of the length penalty
)

// CIDErD is CIDEr-D (Vedantam et al., 2015) as coco-caption computes it for
// the COCO leaderboard, on captions already tokenized (tokens separated by
// spaces, e.g. by CocoTokenize). hyps[i] is the hypothesis of image i and
// refs[i] its references. It returns the corpus score (the mean of the
// per-image scores) and the per-image scores. Exactly:
//
// Document frequency. For each n-gram g (n = 1..4), df(g) is the number of
// images of this corpus whose references (any of them) contain g. With M
// the number of images, an n-gram occurring tf times in a sentence gets the
// weight
//
//	w(g) = tf · (ln M − ln max(1, df(g)))
//
// so n-grams in every image's references weigh 0 and n-grams in no
// reference (only in hypotheses) weigh tf · ln M. A sentence is, per order
// n, the vector of the weights of its n-grams.
//
// Similarity. For hypothesis vector h and reference vector r of order n,
//
//	s_n(h, r) = Σ_g min(h_g, r_g) · r_g / (‖h‖ · ‖r‖) · exp(−δ² / (2σ²)),  σ = 6
//
// the "-D" of CIDEr-D being the clipping min(h_g, r_g) (a hypothesis cannot
// gain by repeating an n-gram) and the Gaussian length penalty. When ‖h‖
// or ‖r‖ is 0 the division is skipped (the sum is 0 then too). δ is the
// difference of the two sentences' lengths, where — as in coco-caption's
// code — a sentence's length is its number of bigrams, i.e. words − 1 for
// a sentence of at least one word (so δ is the difference in words except
// when a sentence is empty).
//
// Score. Image i scores
//
//	CIDEr-D_i = 10 · (1/4) Σ_{n=1..4} (1/|refs_i|) Σ_{r ∈ refs_i} s_n(h_i, r)
//
// and the corpus scores the mean over images. Because df comes from the
// evaluated corpus, the score of an image depends on the other images; a
// one-image corpus scores 0 (ln M = 0 makes every weight 0), as in
// coco-caption. Scores are 0..10 in principle; well-matching captions score
// around 1.
func CIDErD(hyps []string, refs [][]string) (float64, []float64, error) {
	if err := checkCaptionCorpus(hyps, refs); err != nil {
		return 0, nil, err
	}
	b := newBLEUScorer(BLEUConfig{Tokenize: "none", Smooth: "none", MaxOrder: ciderN})
	count := func(s string) (map[string]int, int) {
		m := map[string]int{}
		words := b.countNgrams(strings.Join(strings.Fields(s), " "), m)
		return m, max(words-1, 0)
	}
	type sent struct {
		counts map[string]int
		length int
	}
	hs := make([]sent, len(hyps))
	rs := make([][]sent, len(refs))
	df := map[string]int{}
	for i := range hyps {
		hs[i].counts, hs[i].length = count(hyps[i])
		seen := map[string]bool{}
		for _, r := range refs[i] {
			c, l := count(r)
			rs[i] = append(rs[i], sent{c, l})
			for g := range c {
				if !seen[g] {
					seen[g] = true
					df[g]++
				}
			}
		}
	}
	refLen := math.Log(float64(len(hyps)))
	type vec struct {
		w    map[string]float64
		norm [ciderN]float64
	}
	toVec := func(s sent) vec {
		v := vec{w: make(map[string]float64, len(s.counts))}
		for g, tf := range s.counts {
			w := float64(tf) * (refLen - math.Log(max(1, float64(df[g]))))
			v.w[g] = w
			v.norm[strings.Count(g, " ")] += w * w
		}
		for n := range v.norm {
			v.norm[n] = math.Sqrt(v.norm[n])
		}
		return v
	}
	scores := make([]float64, len(hyps))
	sum := 0.0
	for i := range hyps {
		h := toVec(hs[i])
		var acc [ciderN]float64
		for _, rsent := range rs[i] {
			r := toVec(rsent)
			var val [ciderN]float64
			for g, hw := range h.w {
				if rw, ok := r.w[g]; ok {
					val[strings.Count(g, " ")] += min(hw, rw) * rw
				}
			}
			delta := float64(hs[i].length - rsent.length)
			pen := math.Exp(-delta * delta / (2 * ciderSigma * ciderSigma))
			for n := range val {
				if h.norm[n] != 0 && r.norm[n] != 0 {
					val[n] /= h.norm[n] * r.norm[n]
				}
				acc[n] += val[n] * pen
			}
		}
		mean := 0.0
		for _, a := range acc {
			mean += a
		}
		scores[i] = 10 * mean / ciderN / float64(len(rs[i]))
		sum += scores[i]
	}
	if math.IsNaN(sum) {
		return 0, nil, fmt.Errorf("metrics: CIDEr-D is NaN (this is a bug)")
	}
	return sum / float64(len(hyps)), scores, nil
}
