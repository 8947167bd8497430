package decoder

import (
	"cmp"
	"math"
	"slices"
)

// beamCand is one extension of a live hypothesis: row's hypothesis
// followed by token tok, with the summed log-probability score.
type beamCand struct {
	row, tok int
	score    float64
}

func byScore(a, b beamCand) int { return cmp.Compare(b.score, a.score) }

// topCandidates keeps the n best extensions of the live rows (those whose
// score is not −Inf), best first, in cands (reused; its capacity should be
// n). logits holds each row's V next-token logits; logp is V scratch. With
// forbidEnd the end token eos is given probability 0.
//
// The selection is a bounded insertion: the first n extensions are sorted
// once, then each later one that beats the worst kept is inserted in
// place. With n = 2K ≪ V almost every extension is rejected by one
// comparison, which is cheaper than sorting K·V scores.
func topCandidates(cands []beamCand, n int, logits []float32, scores []float64, logp []float32, eos int, forbidEnd bool) []beamCand {
	V := len(logp)
	cands = cands[:0]
	for r, base := range scores {
		if math.IsInf(base, -1) {
			continue
		}
		LogSoftmax(logp, logits[r*V:(r+1)*V])
		if forbidEnd {
			logp[eos] = float32(math.Inf(-1))
		}
		for v, lp := range logp {
			sc := base + float64(lp)
			if len(cands) < n {
				cands = append(cands, beamCand{r, v, sc})
				if len(cands) == n {
					slices.SortFunc(cands, byScore)
				}
				continue
			}
			if sc <= cands[n-1].score {
				continue
			}
			i := n - 1
			for i > 0 && cands[i-1].score < sc {
				cands[i] = cands[i-1]
				i--
			}
			cands[i] = beamCand{r, v, sc}
		}
	}
	slices.SortStableFunc(cands, byScore)
	return cands
}
