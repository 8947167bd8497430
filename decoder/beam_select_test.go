package decoder

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTopCandidatesMatchesFullSort compares the bounded selection with
// scoring every extension of every live row and sorting them all.
func TestTopCandidatesMatchesFullSort(t *testing.T) {
	const V, eos = 17, 1
	rng := rand.New(rand.NewPCG(8, 9))
	for _, tc := range []struct {
		name      string
		scores    []float64
		n         int
		forbidEnd bool
	}{
		{"one live row", []float64{0, math.Inf(-1), math.Inf(-1)}, 6, false},
		{"all live", []float64{-1.5, -0.25, -3}, 6, false},
		{"end forbidden", []float64{-1.5, -0.25, -3}, 6, true},
		{"a dead row in the middle", []float64{-0.5, math.Inf(-1), -0.75, -2}, 8, false},
		{"fewer extensions than n", []float64{0}, 40, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			K := len(tc.scores)
			logits := make([]float32, K*V)
			for i := range logits {
				logits[i] = float32(rng.NormFloat64() * 2)
			}
			var all []beamCand
			logp := make([]float32, V)
			for r, base := range tc.scores {
				if math.IsInf(base, -1) {
					continue
				}
				LogSoftmax(logp, logits[r*V:(r+1)*V])
				for v, lp := range logp {
					if v == eos && tc.forbidEnd {
						lp = float32(math.Inf(-1))
					}
					all = append(all, beamCand{r, v, base + float64(lp)})
				}
			}
			slices.SortStableFunc(all, byScore)
			want := all[:min(tc.n, len(all))]
			got := topCandidates(make([]beamCand, 0, tc.n), tc.n, logits, tc.scores, make([]float32, V), eos, tc.forbidEnd)
			if !slices.Equal(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
		})
	}
}
