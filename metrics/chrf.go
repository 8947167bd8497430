package metrics

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ChrFConfig selects the chrF variant. [DefaultChrFConfig] gives sacrebleu's
// chrF2; set WordOrder to 2 for chrF++.
type ChrFConfig struct {
	// CharOrder is the largest character n-gram order (6).
	CharOrder int
	// WordOrder is the largest word n-gram order: 0 for chrF, 1 for chrF+,
	// 2 for chrF++.
	WordOrder int
	// Beta weighs recall Beta times as much as precision (2).
	Beta float64
	// Lowercase makes the comparison case-insensitive.
	Lowercase bool
	// Whitespace keeps whitespace inside character n-grams; by default all
	// whitespace is deleted before extracting them.
	Whitespace bool
	// EpsSmoothing scores like chrF++.py, Moses and NLTK: the F-score is
	// averaged over all orders, an order absent on either side counting as
	// ~0. By default (false, as in sacrebleu 2.x) precision and recall are
	// averaged over only the orders present on both sides, then combined.
	EpsSmoothing bool
}

// DefaultChrFConfig returns sacrebleu's chrF defaults: character 6-grams, no
// word n-grams, beta 2, case-sensitive, whitespace removed, effective-order
// averaging (signature "nc:6|nw:0|space:no|case:mixed|eff:yes").
func DefaultChrFConfig() ChrFConfig {
	return ChrFConfig{CharOrder: 6, WordOrder: 0, Beta: 2}
}

// Validate reports the first invalid field of c.
func (c ChrFConfig) Validate() error {
	if c.CharOrder < 0 || c.CharOrder > 100 {
		return fmt.Errorf("metrics: chrF CharOrder %d (valid: 0..100; sacrebleu's default is 6)", c.CharOrder)
	}
	if c.WordOrder < 0 || c.WordOrder > 100 {
		return fmt.Errorf("metrics: chrF WordOrder %d (valid: 0..100; 0 = chrF, 2 = chrF++)", c.WordOrder)
	}
	if c.CharOrder+c.WordOrder == 0 {
		return fmt.Errorf("metrics: chrF needs at least one n-gram order, got CharOrder 0 and WordOrder 0 (defaults: 6 and 0)")
	}
	if !(c.Beta >= 0) || math.IsInf(c.Beta, 0) {
		return fmt.Errorf("metrics: chrF Beta %v (valid: a finite value >= 0; sacrebleu's default is 2)", c.Beta)
	}
	return nil
}

// ChrFScore is a chrF result.
type ChrFScore struct {
	Score     float64 // 0..100
	CharOrder int
	WordOrder int
	Beta      float64
	// Stats holds the corpus totals [hyp, ref, match] for each order:
	// character orders 1..CharOrder, then word orders 1..WordOrder.
	Stats []int
}

// Name is sacrebleu's metric name: "chrF" + beta + one "+" per word order,
// e.g. "chrF2" or "chrF2++".
func (s ChrFScore) Name() string {
	return "chrF" + strconv.FormatFloat(s.Beta, 'g', -1, 64) + strings.Repeat("+", s.WordOrder)
}

// String formats s like sacrebleu, e.g. "chrF2 = 59.73".
func (s ChrFScore) String() string {
	return fmt.Sprintf("%s = %.2f", s.Name(), s.Score)
}

// chrfF computes the score in [0, 100] from flattened [hyp, ref, match]
// triples (sacrebleu's CHRF._compute_f_score).
//
// For each order, precision P = match/hyp and recall R = match/ref (eps =
// 1e-16 when the denominator is 0). By default P and R are averaged over
// the orders with hyp > 0 and ref > 0 (the "effective order") and the
// result is F = (1+β²)·P·R / (β²·P + R). With eps smoothing the per-order
// F-scores (eps for an order whose β²P+R is 0) are averaged over all orders
// instead.
func chrfF(stats []int, cfg ChrFConfig) float64 {
	const eps = 1e-16
	factor := cfg.Beta * cfg.Beta
	order := len(stats) / 3
	score, avgP, avgR := 0.0, 0.0, 0.0
	eff := 0
	for i := 0; i < order; i++ {
		nHyp, nRef, nMatch := stats[3*i], stats[3*i+1], stats[3*i+2]
		p, r := eps, eps
		if nHyp > 0 {
			p = float64(nMatch) / float64(nHyp)
		}
		if nRef > 0 {
			r = float64(nMatch) / float64(nRef)
		}
		if d := factor*p + r; d > 0 {
			score += (1 + factor) * p * r / d
		} else {
			score += eps
		}
		if nHyp > 0 && nRef > 0 {
			avgP += p
			avgR += r
			eff++
		}
	}
	if cfg.EpsSmoothing {
		return 100 * score / float64(order)
	}
	if eff == 0 {
		return 0
	}
	avgP /= float64(eff)
	avgR /= float64(eff)
	if avgP+avgR == 0 {
		return 0
	}
	return 100 * (1 + factor) * avgP * avgR / (factor*avgP + avgR)
}

// chrfScorer extracts per-segment statistics, reusing its maps and buffers.
type chrfScorer struct {
	cfg   ChrFConfig
	hyp   []map[string]int // per order: character orders, then word orders
	ref   []map[string]int
	runes []int // byte offset of each rune, plus len
	sb    strings.Builder
	words []string
}

func newChrFScorer(cfg ChrFConfig) *chrfScorer {
	n := cfg.CharOrder + cfg.WordOrder
	c := &chrfScorer{cfg: cfg, hyp: make([]map[string]int, n), ref: make([]map[string]int, n)}
	for i := range c.hyp {
		c.hyp[i] = make(map[string]int)
		c.ref[i] = make(map[string]int)
	}
	return c
}

// extract fills ms (one map per order) with the n-gram counts of s.
func (c *chrfScorer) extract(s string, ms []map[string]int) {
	for _, m := range ms {
		clear(m)
	}
	if c.cfg.Lowercase {
		s = pyLower(s)
	}

	// Character n-grams, over Unicode code points (as Python slices str).
	line := s
	if !c.cfg.Whitespace {
		c.sb.Reset()
		for _, r := range s {
			if !isPySpace(r) {
				c.sb.WriteRune(r)
			}
		}
		line = c.sb.String()
	}
	off := c.runes[:0]
	for i := range line {
		off = append(off, i)
	}
	off = append(off, len(line))
	c.runes = off
	nRunes := len(off) - 1
	for n := 1; n <= c.cfg.CharOrder; n++ {
		m := ms[n-1]
		for i := 0; i+n <= nRunes; i++ {
			m[line[off[i]:off[i+n]]]++
		}
	}

	if c.cfg.WordOrder == 0 {
		return
	}
	// Word n-grams over the punctuation-split words, keyed by the words
	// joined with single spaces (words never contain whitespace).
	c.words = splitPunct(s, c.words[:0])
	joined := strings.Join(c.words, " ")
	woff := off[:0]
	pos := 0
	for _, w := range c.words {
		woff = append(woff, pos)
		pos += len(w) + 1
	}
	woff = append(woff, pos)
	c.runes = woff
	nWords := len(c.words)
	for n := 1; n <= c.cfg.WordOrder; n++ {
		m := ms[c.cfg.CharOrder+n-1]
		for i := 0; i+n <= nWords; i++ {
			m[joined[woff[i]:woff[i+n]-1]]++
		}
	}
}

// isASCIIPunct reports whether r is in Python's string.punctuation.
func isASCIIPunct(r rune) bool {
	return r >= '!' && r <= '/' || r >= ':' && r <= '@' || r >= '[' && r <= '`' || r >= '{' && r <= '~'
}

// splitPunct is chrF++'s word tokenizer (sacrebleu's _remove_punctuation,
// after Popović's chrF++.py): split on whitespace, then split one ASCII
// punctuation character off the end of each word of two or more
// characters, or, failing that, off its start. "(hi)" becomes "(hi" and ")".
func splitPunct(s string, dst []string) []string {
	for _, w := range pyFields(s) {
		rs := []rune(w)
		switch {
		case len(rs) == 1:
			dst = append(dst, w)
		case isASCIIPunct(rs[len(rs)-1]):
			dst = append(dst, w[:len(w)-1], w[len(w)-1:])
		case isASCIIPunct(rs[0]):
			dst = append(dst, w[:1], w[1:])
		default:
			dst = append(dst, w)
		}
	}
	return dst
}

// matchStats appends [hyp, ref, match] for every order. As in sacrebleu, the
// hypothesis count of an order is 0 when the reference has no n-grams of
// that order, so a too-short reference does not penalize precision.
func matchStats(hyp, ref []map[string]int, dst []int) []int {
	for i := range hyp {
		hypCount, refCount, match := 0, 0, 0
		for g, c := range hyp[i] {
			hypCount += c
			if r, ok := ref[i][g]; ok {
				match += min(c, r)
			}
		}
		for _, c := range ref[i] {
			refCount += c
		}
		if len(ref[i]) == 0 {
			hypCount = 0
		}
		dst = append(dst, hypCount, refCount, match)
	}
	return dst
}

// segment returns the statistics of hyp against the reference giving the
// best F-score (the first one on ties), as sacrebleu does for multiple
// references.
func (c *chrfScorer) segment(hyp string, refs []string) []int {
	c.extract(hyp, c.hyp)
	var best []int
	bestF := -1.0
	for _, r := range refs {
		c.extract(r, c.ref)
		st := matchStats(c.hyp, c.ref, nil)
		if f := chrfF(st, c.cfg); f > bestF {
			best, bestF = st, f
		}
	}
	return best
}

// CorpusChrFStats returns the per-segment [hyp, ref, match] statistics of
// [CorpusChrF], for callers that resample segments.
func CorpusChrFStats(hyps []string, refs [][]string, cfg ChrFConfig) ([][]int, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := checkCorpus("chrF", hyps, refs); err != nil {
		return nil, err
	}
	c := newChrFScorer(cfg)
	out := make([][]int, len(hyps))
	var seg []string
	for i, h := range hyps {
		var err error
		seg, err = segmentRefs("chrF", refs, i, seg)
		if err != nil {
			return nil, err
		}
		out[i] = c.segment(h, seg)
	}
	return out, nil
}

// ChrFFromStats forms the score from summed statistics (3 counts per order,
// character orders first, as in [ChrFScore.Stats]).
func ChrFFromStats(stats []int, cfg ChrFConfig) (ChrFScore, error) {
	if err := cfg.Validate(); err != nil {
		return ChrFScore{}, err
	}
	if want := 3 * (cfg.CharOrder + cfg.WordOrder); len(stats) != want {
		return ChrFScore{}, fmt.Errorf("metrics: chrF statistics have %d counts, want %d (3 per order)", len(stats), want)
	}
	return ChrFScore{
		Score:     chrfF(stats, cfg),
		CharOrder: cfg.CharOrder,
		WordOrder: cfg.WordOrder,
		Beta:      cfg.Beta,
		Stats:     append([]int(nil), stats...),
	}, nil
}

// CorpusChrF scores hypotheses against one or more reference streams
// (refs[k][i] is the k-th reference of hyps[i]) like sacrebleu.corpus_chrf:
// the [hyp, ref, match] n-gram counts of each segment (against its best
// reference) are summed over the corpus, then turned into one F-score.
//
// It fails on an invalid config, an empty corpus, a reference stream whose
// length differs from len(hyps), or a segment whose references are all
// empty.
func CorpusChrF(hyps []string, refs [][]string, cfg ChrFConfig) (ChrFScore, error) {
	segs, err := CorpusChrFStats(hyps, refs, cfg)
	if err != nil {
		return ChrFScore{}, err
	}
	total := make([]int, 3*(cfg.CharOrder+cfg.WordOrder))
	for _, s := range segs {
		for j, v := range s {
			total[j] += v
		}
	}
	return ChrFFromStats(total, cfg)
}

// SentenceChrF scores one hypothesis against its references (sacrebleu's
// CHRF.sentence_score).
func SentenceChrF(hyp string, refs []string, cfg ChrFConfig) (ChrFScore, error) {
	streams := make([][]string, len(refs))
	for k, r := range refs {
		streams[k] = []string{r}
	}
	return CorpusChrF([]string{hyp}, streams, cfg)
}
