package metrics

import (
	"fmt"
	"math"
	"strings"
)

// CaptionScores are the numbers captioning papers report, computed as
// coco-caption (the COCO caption evaluation code) computes them, on its
// 0..1 scale for BLEU and 0..10 for CIDEr-D (papers often print both ×100).
type CaptionScores struct {
	BLEU   [4]float64 // BLEU-1 … BLEU-4, see CocoBLEU
	CIDErD float64    // see CIDErD
	Images int        // images scored
}

// String formats the scores as "BLEU-1 0.652 BLEU-2 0.471 BLEU-3 0.331
// BLEU-4 0.229 CIDEr-D 0.581 (1000 images)".
func (s CaptionScores) String() string {
	return fmt.Sprintf("BLEU-1 %.3f BLEU-2 %.3f BLEU-3 %.3f BLEU-4 %.3f CIDEr-D %.3f (%d images)",
		s.BLEU[0], s.BLEU[1], s.BLEU[2], s.BLEU[3], s.CIDErD, s.Images)
}

// ScoreCaptions tokenizes every caption with CocoTokenize and computes
// BLEU-1..4 (CocoBLEU) and CIDEr-D (CIDErD). hyps[i] is the caption
// produced for image i and refs[i] its reference captions (any number, at
// least one). It fails on an empty corpus, mismatched lengths, or an image
// without references or whose references all tokenize to nothing.
func ScoreCaptions(hyps []string, refs [][]string) (CaptionScores, error) {
	th, tr, err := tokenizeCaptions(hyps, refs)
	if err != nil {
		return CaptionScores{}, err
	}
	var s CaptionScores
	if s.BLEU, err = CocoBLEU(th, tr); err != nil {
		return CaptionScores{}, err
	}
	if s.CIDErD, _, err = CIDErD(th, tr); err != nil {
		return CaptionScores{}, err
	}
	s.Images = len(hyps)
	return s, nil
}

// tokenizeCaptions applies CocoTokenize and joins the tokens with single
// spaces, the form CocoBLEU and CIDErD take.
func tokenizeCaptions(hyps []string, refs [][]string) ([]string, [][]string, error) {
	if err := checkCaptionCorpus(hyps, refs); err != nil {
		return nil, nil, err
	}
	th := make([]string, len(hyps))
	tr := make([][]string, len(refs))
	for i, h := range hyps {
		th[i] = strings.Join(CocoTokenize(h), " ")
		tr[i] = make([]string, len(refs[i]))
		for k, r := range refs[i] {
			tr[i][k] = strings.Join(CocoTokenize(r), " ")
		}
	}
	return th, tr, nil
}

// checkCaptionCorpus validates the per-image layout shared by CocoBLEU and
// CIDErD.
func checkCaptionCorpus(hyps []string, refs [][]string) error {
	if len(hyps) == 0 {
		return fmt.Errorf("metrics: caption scores of an empty corpus: no hypotheses")
	}
	if len(refs) != len(hyps) {
		return fmt.Errorf("metrics: caption scores: %d hypotheses but references for %d images (want refs[i] = the references of hypothesis i)", len(hyps), len(refs))
	}
	for i, r := range refs {
		if len(r) == 0 {
			return fmt.Errorf("metrics: caption scores: image %d (0-based) has no reference", i)
		}
	}
	return nil
}

// The constants coco-caption's BLEU adds to every match count (tiny) and
// n-gram total (small), so that an order with no n-grams divides without
// error and one with no match gives a tiny precision rather than zero.
const (
	cocoTiny  = 1e-15
	cocoSmall = 1e-9
)

// CocoBLEU is corpus BLEU-1..4 as coco-caption's Bleu scorer computes it,
// on captions already tokenized (tokens separated by spaces, e.g. by
// CocoTokenize): hyps[i] is the hypothesis of image i, refs[i] its
// references (at least one).
//
// Per image it counts, for n = 1..4, the hypothesis n-grams (guess_n) and
// the matches clipped by the largest count of that n-gram in any one
// reference (correct_n), the hypothesis length c_i and the reference length
// closest to it, r_i (ties go to the shorter reference: coco-caption's
// "closest" option, as in sacrebleu). These are summed over the corpus
// (guess, correct, c, r), then
//
//	p_n    = (correct_n + 1e-15) / (guess_n + 1e-9)
//	BLEU-N = BP · (p_1 · … · p_N)^(1/N),   BP = exp(1 − r/c) if c < r, else 1
//
// where c and r in BP are (c + 1e-15) and (r + 1e-9). There is no other
// smoothing: an order without a single match makes that BLEU-N (and every
// higher one) about 1e-4 or less, as in coco-caption. Scores are 0..1.
//
// Unlike sacrebleu's layout (see CorpusBLEU), references are grouped per
// image, so images may have different numbers of references. It fails as
// ScoreCaptions does, and when every reference of an image is empty.
func CocoBLEU(hyps []string, refs [][]string) ([4]float64, error) {
	var out [4]float64
	if err := checkCaptionCorpus(hyps, refs); err != nil {
		return out, err
	}
	b := newBLEUScorer(BLEUConfig{Tokenize: "none", Smooth: "none", MaxOrder: 4})
	total := BLEUStats{Correct: make([]int, 4), Total: make([]int, 4)}
	var pre []string
	for i, h := range hyps {
		pre = pre[:0]
		for _, r := range refs[i] {
			// coco-caption splits on white space; so does the n-gram
			// counter once runs of spaces are collapsed.
			pre = append(pre, strings.Join(strings.Fields(r), " "))
		}
		if strings.TrimSpace(strings.Join(pre, "")) == "" {
			return out, fmt.Errorf("metrics: caption BLEU: image %d (0-based) has only empty references", i)
		}
		total.Add(b.segment(strings.Join(strings.Fields(h), " "), pre))
	}
	return cocoBLEUFromStats(total), nil
}

// cocoBLEUFromStats applies coco-caption's formula to summed statistics.
func cocoBLEUFromStats(st BLEUStats) [4]float64 {
	var out [4]float64
	prod := 1.0
	for k := range 4 {
		prod *= (float64(st.Correct[k]) + cocoTiny) / (float64(st.Total[k]) + cocoSmall)
		out[k] = math.Pow(prod, 1/float64(k+1))
	}
	ratio := (float64(st.SysLen) + cocoTiny) / (float64(st.RefLen) + cocoSmall)
	if ratio < 1 {
		for k := range out {
			out[k] *= math.Exp(1 - 1/ratio)
		}
	}
	return out
}
