package metrics

import (
	"fmt"
	"math"
	"strings"
)

// BLEUConfig selects the BLEU variant. [DefaultBLEUConfig] gives sacrebleu's
// corpus_bleu defaults; the zero value is not valid (empty tokenizer and
// smoothing names, MaxOrder 0).
type BLEUConfig struct {
	// Tokenize is "13a" (sacrebleu's default, see [Tokenize13a]), "zh"
	// (Chinese, see [TokenizeZh]), "char" (one token per character, see
	// [TokenizeChar]) or "none" (split on whitespace only, for
	// pre-tokenized text). [TokenizerFor] picks one by target language.
	Tokenize string
	// Lowercase lowercases hypotheses and references before tokenizing.
	Lowercase bool
	// Smooth is how an n-gram order with zero matches is scored:
	//   "exp"   (default, mteval-v13a / Chen & Cherry 2014 method 3): the
	//           k-th such order gets precision 1 / (2^k * total);
	//   "floor" (method 1): precision SmoothValue / total (default 0.1);
	//   "add-k" (method 2): add SmoothValue (default 1) to the matches and
	//           the totals of every order n >= 2;
	//   "none":  precision 0, so the score is 0.
	Smooth string
	// SmoothValue is the constant of "floor" and "add-k"; 0 selects the
	// method's default (0.1 and 1). A floor or add-k of 0 would score like
	// "none", so use that instead.
	SmoothValue float64
	// MaxOrder is the largest n-gram order (4).
	MaxOrder int
	// EffectiveOrder averages only over the orders 1..n for which the
	// hypotheses have any n-grams at all, so very short segments are not
	// zeroed merely for lacking 4-grams. Off for corpus BLEU, on for
	// sentence BLEU.
	EffectiveOrder bool
}

// DefaultBLEUConfig returns sacrebleu's corpus BLEU defaults: 13a
// tokenization, case-sensitive, exp smoothing, 4-grams, no effective order
// (signature "case:mixed|eff:no|tok:13a|smooth:exp").
func DefaultBLEUConfig() BLEUConfig {
	return BLEUConfig{Tokenize: "13a", Smooth: "exp", MaxOrder: 4}
}

// DefaultSentenceBLEUConfig returns the defaults of sacrebleu's
// sentence_bleu: those of [DefaultBLEUConfig] with EffectiveOrder on.
func DefaultSentenceBLEUConfig() BLEUConfig {
	c := DefaultBLEUConfig()
	c.EffectiveOrder = true
	return c
}

// smoothValue returns SmoothValue or the method's default.
func (c BLEUConfig) smoothValue() float64 {
	if c.SmoothValue != 0 {
		return c.SmoothValue
	}
	switch c.Smooth {
	case "floor":
		return 0.1
	case "add-k":
		return 1
	}
	return 0
}

// Validate reports the first invalid field of c.
func (c BLEUConfig) Validate() error {
	switch c.Tokenize {
	case "13a", "zh", "char", "none":
	default:
		return fmt.Errorf("metrics: unknown BLEU tokenizer %q (valid: %s)", c.Tokenize, strings.Join(BLEUTokenizers, ", "))
	}
	switch c.Smooth {
	case "exp", "floor", "add-k", "none":
	default:
		return fmt.Errorf("metrics: unknown BLEU smoothing %q (valid: exp, floor, add-k, none)", c.Smooth)
	}
	if c.SmoothValue < 0 || math.IsNaN(c.SmoothValue) || math.IsInf(c.SmoothValue, 0) {
		return fmt.Errorf("metrics: BLEU SmoothValue %v (valid: a finite value >= 0; 0 selects the default)", c.SmoothValue)
	}
	if c.MaxOrder < 1 || c.MaxOrder > 100 {
		return fmt.Errorf("metrics: BLEU MaxOrder %d (valid: 1..100; sacrebleu's default is 4)", c.MaxOrder)
	}
	return nil
}

// BLEUStats are BLEU's sufficient statistics, summed over segments: the
// clipped matches and hypothesis n-gram totals per order (index n-1), the
// hypothesis length and the closest reference length, in tokens. They add
// up across segments, which is what makes BLEU a corpus-level metric (and
// what bootstrap resampling needs).
type BLEUStats struct {
	Correct, Total []int
	SysLen, RefLen int
}

// Add accumulates o into s; s grows to o's order if shorter.
func (s *BLEUStats) Add(o BLEUStats) {
	for len(s.Correct) < len(o.Correct) {
		s.Correct = append(s.Correct, 0)
	}
	for len(s.Total) < len(o.Total) {
		s.Total = append(s.Total, 0)
	}
	for i, v := range o.Correct {
		s.Correct[i] += v
	}
	for i, v := range o.Total {
		s.Total[i] += v
	}
	s.SysLen += o.SysLen
	s.RefLen += o.RefLen
}

// BLEUScore is a BLEU result with the numbers sacrebleu prints.
type BLEUScore struct {
	Score      float64   // 0..100
	Precisions []float64 // per order, in percent, after smoothing
	Counts     []int     // clipped n-gram matches per order (before add-k)
	Totals     []int     // hypothesis n-grams per order (before add-k)
	BP         float64   // brevity penalty
	Ratio      float64   // SysLen / RefLen, 0 if RefLen is 0
	SysLen     int       // hypothesis tokens
	RefLen     int       // closest-reference tokens
}

// String formats s like sacrebleu's BLEUScore, e.g.
// "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)".
func (s BLEUScore) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "BLEU = %.2f ", s.Score)
	for i, p := range s.Precisions {
		if i > 0 {
			sb.WriteByte('/')
		}
		fmt.Fprintf(&sb, "%.1f", p)
	}
	fmt.Fprintf(&sb, " (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
		s.BP, s.Ratio, s.SysLen, s.RefLen)
	return sb.String()
}

// floorLog is sacrebleu's my_log: log(x), but a very negative constant
// instead of -Inf for x == 0, so a zero precision drives the geometric mean
// to (exactly) 0 without producing NaN.
func floorLog(x float64) float64 {
	if x == 0 {
		return -9999999999
	}
	return math.Log(x)
}

// ComputeBLEU turns summed statistics into a score (sacrebleu's
// BLEU.compute_bleu). Only the Smooth, SmoothValue, MaxOrder and
// EffectiveOrder fields of cfg matter here.
//
// With c = SysLen and r = RefLen, the brevity penalty is 1 if c >= r,
// exp(1 - r/c) if 0 < c < r, and 0 if c = 0. The n-gram precisions p_n are
// Correct/Total, smoothed as described at [BLEUConfig.Smooth]; the walk over
// orders stops at the first order with no hypothesis n-grams, and with
// EffectiveOrder the mean runs only over the orders before it. Without
// EffectiveOrder the missing orders keep precision 0 and zero the score.
// BLEU = BP * exp(mean_n log p_n). If no order has any match the score is 0
// and all precisions are reported as 0, whatever the smoothing (sacrebleu
// issue #141).
func ComputeBLEU(st BLEUStats, cfg BLEUConfig) (BLEUScore, error) {
	if err := cfg.Validate(); err != nil {
		return BLEUScore{}, err
	}
	N := cfg.MaxOrder
	if len(st.Correct) != N || len(st.Total) != N {
		return BLEUScore{}, fmt.Errorf("metrics: BLEU statistics have %d match and %d total counts, MaxOrder is %d",
			len(st.Correct), len(st.Total), N)
	}
	sc := BLEUScore{
		Precisions: make([]float64, N),
		Counts:     append([]int(nil), st.Correct...),
		Totals:     append([]int(nil), st.Total...),
		SysLen:     st.SysLen,
		RefLen:     st.RefLen,
		BP:         1,
	}
	if st.RefLen != 0 {
		sc.Ratio = float64(st.SysLen) / float64(st.RefLen)
	}
	if st.SysLen < st.RefLen {
		if st.SysLen > 0 {
			sc.BP = math.Exp(1 - float64(st.RefLen)/float64(st.SysLen))
		} else {
			sc.BP = 0
		}
	}
	anyMatch := false
	for _, c := range st.Correct {
		if c != 0 {
			anyMatch = true
		}
	}
	if !anyMatch {
		return sc, nil
	}

	k := cfg.smoothValue()
	expDenom := 1.0 // 2^(number of zero-match orders so far), for "exp"
	effOrder := N
	for n := 1; n <= N; n++ {
		correct, total := float64(st.Correct[n-1]), float64(st.Total[n-1])
		if cfg.Smooth == "add-k" && n > 1 {
			correct += k
			total += k
		}
		if total == 0 {
			break
		}
		if cfg.EffectiveOrder {
			effOrder = n
		}
		switch {
		case correct != 0:
			sc.Precisions[n-1] = 100 * correct / total
		case cfg.Smooth == "exp":
			expDenom *= 2
			sc.Precisions[n-1] = 100 / (expDenom * total)
		case cfg.Smooth == "floor":
			sc.Precisions[n-1] = 100 * k / total
		}
	}
	sum := 0.0
	for _, p := range sc.Precisions[:effOrder] {
		sum += floorLog(p)
	}
	sc.Score = sc.BP * math.Exp(sum/float64(effOrder))
	return sc, nil
}

// bleuScorer extracts per-segment statistics, reusing its maps and buffers.
type bleuScorer struct {
	cfg     BLEUConfig
	tok     tokenizer13a
	refMax  map[string]int // max count of each n-gram over the references
	one     map[string]int // scratch counts of one reference
	hyp     map[string]int
	offsets []int
	refLens []int
}

func newBLEUScorer(cfg BLEUConfig) *bleuScorer {
	return &bleuScorer{
		cfg:    cfg,
		refMax: make(map[string]int),
		one:    make(map[string]int),
		hyp:    make(map[string]int),
	}
}

// preprocess is sacrebleu's BLEU._preprocess_segment: optional lowercasing,
// rstrip, then the tokenizer; the result has tokens separated by single
// spaces.
func (b *bleuScorer) preprocess(s string) string {
	if b.cfg.Lowercase {
		s = pyLower(s)
	}
	return b.tok.bleu(b.cfg.Tokenize, pyRstrip(s))
}

// countNgrams adds the n-grams (n = 1..MaxOrder) of a single-space-joined
// token line to m and returns the number of tokens. An n-gram is keyed by
// its substring of the line, which is unambiguous because tokens contain no
// spaces; this avoids allocating a key per n-gram.
func (b *bleuScorer) countNgrams(line string, m map[string]int) int {
	if line == "" {
		return 0
	}
	// offsets[i] is the start of token i; offsets[len] = len(line)+1.
	off := b.offsets[:0]
	off = append(off, 0)
	for i := 0; i < len(line); i++ {
		if line[i] == ' ' {
			off = append(off, i+1)
		}
	}
	off = append(off, len(line)+1)
	b.offsets = off
	nTok := len(off) - 1
	for n := 1; n <= b.cfg.MaxOrder && n <= nTok; n++ {
		for i := 0; i+n <= nTok; i++ {
			m[line[off[i]:off[i+n]-1]]++
		}
	}
	return nTok
}

// segment returns the statistics of one hypothesis against its non-empty,
// already preprocessed references.
func (b *bleuScorer) segment(hyp string, refs []string) BLEUStats {
	N := b.cfg.MaxOrder
	clear(b.refMax)
	b.refLens = b.refLens[:0]
	for _, r := range refs {
		clear(b.one)
		b.refLens = append(b.refLens, b.countNgrams(r, b.one))
		for g, c := range b.one {
			if c > b.refMax[g] {
				b.refMax[g] = c
			}
		}
	}
	clear(b.hyp)
	hypLen := b.countNgrams(hyp, b.hyp)
	st := BLEUStats{
		Correct: make([]int, N),
		Total:   make([]int, N),
		SysLen:  hypLen,
		RefLen:  closestRefLen(hypLen, b.refLens),
	}
	for g, c := range b.hyp {
		n := strings.Count(g, " ") // order - 1
		st.Total[n] += c
		if r := b.refMax[g]; r > 0 {
			st.Correct[n] += min(c, r)
		}
	}
	return st
}

// closestRefLen returns the reference length closest to hypLen, preferring
// the shorter one on a tie (sacrebleu's _get_closest_ref_len; mteval's
// "closest" rule, not the shortest reference).
func closestRefLen(hypLen int, refLens []int) int {
	best, bestDiff := -1, -1
	for _, r := range refLens {
		d := hypLen - r
		if d < 0 {
			d = -d
		}
		if bestDiff == -1 || d < bestDiff || (d == bestDiff && r < best) {
			best, bestDiff = r, d
		}
	}
	return best
}

// checkCorpus validates the sacrebleu-layout inputs shared by BLEU and chrF.
func checkCorpus(metric string, hyps []string, refs [][]string) error {
	if len(hyps) == 0 {
		return fmt.Errorf("metrics: %s of an empty corpus: no hypotheses (sacrebleu fails on this too)", metric)
	}
	if len(refs) == 0 {
		return fmt.Errorf("metrics: %s: no reference streams (want refs[k][i] = k-th reference of hypothesis i)", metric)
	}
	for k, stream := range refs {
		if len(stream) != len(hyps) {
			return fmt.Errorf("metrics: %s: reference stream %d has %d segments but there are %d hypotheses",
				metric, k, len(stream), len(hyps))
		}
	}
	return nil
}

// segmentRefs collects the non-empty references of segment i; an empty
// string stands for a missing reference, as in sacrebleu.
func segmentRefs(metric string, refs [][]string, i int, dst []string) ([]string, error) {
	dst = dst[:0]
	for _, stream := range refs {
		if stream[i] != "" {
			dst = append(dst, stream[i])
		}
	}
	if len(dst) == 0 {
		return nil, fmt.Errorf("metrics: %s: hypothesis %d (0-based) has only empty references (sacrebleu: \"Empty or `None` reference sentence found\")",
			metric, i)
	}
	return dst, nil
}

// CorpusBLEUStats returns the per-segment statistics of [CorpusBLEU], for
// callers that resample segments (bootstrap confidence intervals).
func CorpusBLEUStats(hyps []string, refs [][]string, cfg BLEUConfig) ([]BLEUStats, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := checkCorpus("BLEU", hyps, refs); err != nil {
		return nil, err
	}
	b := newBLEUScorer(cfg)
	out := make([]BLEUStats, len(hyps))
	var raw, pre []string
	for i, h := range hyps {
		var err error
		raw, err = segmentRefs("BLEU", refs, i, raw)
		if err != nil {
			return nil, err
		}
		pre = pre[:0]
		for _, r := range raw {
			pre = append(pre, b.preprocess(r))
		}
		out[i] = b.segment(b.preprocess(h), pre)
	}
	return out, nil
}

// CorpusBLEU scores hypotheses against one or more reference streams
// (refs[k][i] is the k-th reference of hyps[i], sacrebleu's layout) like
// sacrebleu.corpus_bleu: statistics are summed over all segments before the
// score is formed, so it is not the mean of sentence BLEUs.
//
// It fails on an invalid config, an empty corpus, a reference stream whose
// length differs from len(hyps), or a segment whose references are all
// empty. Empty hypotheses are scored (as zero-length output), not skipped.
func CorpusBLEU(hyps []string, refs [][]string, cfg BLEUConfig) (BLEUScore, error) {
	segs, err := CorpusBLEUStats(hyps, refs, cfg)
	if err != nil {
		return BLEUScore{}, err
	}
	total := BLEUStats{Correct: make([]int, cfg.MaxOrder), Total: make([]int, cfg.MaxOrder)}
	for _, s := range segs {
		total.Add(s)
	}
	return ComputeBLEU(total, cfg)
}

// SentenceBLEU scores one hypothesis against its references (sacrebleu's
// BLEU.sentence_score). Pass [DefaultSentenceBLEUConfig] for the defaults of
// sacrebleu.sentence_bleu (effective order on, exp smoothing). It fails on
// an invalid config or when every reference is empty.
//
// Sentence BLEU is noisy; report corpus BLEU for systems.
func SentenceBLEU(hyp string, refs []string, cfg BLEUConfig) (BLEUScore, error) {
	streams := make([][]string, len(refs))
	for k, r := range refs {
		streams[k] = []string{r}
	}
	return CorpusBLEU([]string{hyp}, streams, cfg)
}
