package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestPackAAssembly checks the AVX2 packing of A (packA8AVX2 for a
// row-major A, packAT8AVX2 for a transposed one) against the portable Go
// loops, element for element, with k not a multiple of the 8-step block,
// ragged last panels, an offset block and the 32-row panels of gemmNT.
func TestPackAAssembly(t *testing.T) {
	if !bestArch.vec {
		t.Skip("no AVX2 on this machine")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, transA := range []bool{false, true} {
		for _, mr := range []int{8, 32} {
			for _, mc := range []int{1, 7, 8, 9, 16, 31, 40, 64} {
				for _, kc := range []int{1, 7, 8, 9, 16, 23, 64} {
					name := fmt.Sprintf("transA=%v/mr=%d/mc=%d/kc=%d", transA, mr, mc, kc)
					const ic, pc = 3, 5
					rows, cols := ic+mc+2, pc+kc+3 // op(A) is rows×cols
					lda := cols + 1
					if transA {
						lda = rows + 2
					}
					nStored := rows * lda
					if transA {
						nStored = cols * lda
					}
					a := make([]float32, nStored)
					for i := range a {
						a[i] = float32(rng.NormFloat64())
					}
					size := roundUp(mc, mr) * kc
					want := make([]float32, size+8)
					got := make([]float32, size+8)
					for i := range want {
						want[i], got[i] = -7, 7 // garbage the pack must overwrite
					}
					want[size], got[size] = 99, 99 // and a sentinel it must not
					packA(false, mr, transA, mc, kc, a, lda, ic, pc, want)
					packA(true, mr, transA, mc, kc, a, lda, ic, pc, got)
					for i := 0; i <= size; i++ {
						if got[i] != want[i] {
							t.Fatalf("%s: dst[%d] = %v, want %v", name, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
