package metrics

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// BenchmarkScoreCaptions scores 1000 images with 5 references each (random
// 8–12 word captions over a 200-word vocabulary), reporting images/s.
func BenchmarkScoreCaptions(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	sentence := func() string {
		w := make([]string, 8+rng.IntN(5))
		for i := range w {
			w[i] = fmt.Sprint("w", rng.IntN(200))
		}
		return strings.Join(w, " ")
	}
	hyps := make([]string, 1000)
	refs := make([][]string, len(hyps))
	for i := range hyps {
		hyps[i] = sentence()
		for range 5 {
			refs[i] = append(refs[i], sentence())
		}
	}
	b.ResetTimer()
	for range b.N {
		if _, err := ScoreCaptions(hyps, refs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(hyps)*b.N)/b.Elapsed().Seconds(), "images/s")
}
