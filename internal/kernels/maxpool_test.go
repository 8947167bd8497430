package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ReLUMaxPool2 against the definition written with float comparisons, on
// random rows with ties, zeros, negatives and −0, for widths that exercise
// the 8-window vector loop and the scalar tail, at unaligned offsets.
func TestReLUMaxPool2(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	values := []float32{0, float32(math.Copysign(0, -1)), -1, 0.5, 0.5, 2, -3, 1e-30, 7}
	for _, mode := range modes[:2] {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, n := range []int{1, 3, 7, 8, 9, 16, 17, 32, 100} {
				for trial := range 20 {
					top := make([]float32, 2*n+1)[1:]
					bot := make([]float32, 2*n+1)[1:]
					for i := range top {
						top[i], bot[i] = values[rng.IntN(len(values))], values[rng.IntN(len(values))]
						if trial%2 == 1 {
							top[i], bot[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
						}
					}
					out := make([]float32, n)
					arg := make([]int32, n)
					const base, w = 1000, 2 * 100
					ReLUMaxPool2(top, bot, out, arg, base, w)
					for j := range n {
						cands := []float32{top[2*j], top[2*j+1], bot[2*j], bot[2*j+1]}
						pos := []int32{base + int32(2*j), base + int32(2*j) + 1, base + w + int32(2*j), base + w + int32(2*j) + 1}
						best, at := float32(0), int32(-1)
						for k, v := range cands {
							if v > best {
								best, at = v, pos[k]
							}
						}
						if out[j] != best || math.Signbit(float64(out[j])) || arg[j] != at {
							t.Fatalf("n=%d window %d %v: got %v at %d, want %v at %d", n, j, cands, out[j], arg[j], best, at)
						}
					}
				}
			}
		})
	}
}
