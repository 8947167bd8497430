package decoder

import (
	"context"
	"math"
)

// DecodeBatch decodes every row of s independently until each emits eos or
// maxLen tokens are generated, choosing tokens with pick (greedy: argmax;
// sampling: a Sampler). All rows advance in one batched Step. It returns
// each row's tokens (without eos) and whether the row was cut at maxLen.
func DecodeBatch(ctx context.Context, st Stepper, s *State, bos, eos, maxLen int, pick func(row int, logits []float32) int) ([][]int, []bool, error) {
	B, V := s.Batch, st.VocabSize()
	out := make([][]int, B)
	done := make([]bool, B)
	tokens := make([]int, B)
	for i := range tokens {
		tokens[i] = bos
	}
	logits := make([]float32, B*V)
	remaining := B
	for step := 0; step < maxLen && remaining > 0; step++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if err := st.Step(s, tokens, logits); err != nil {
			return nil, nil, err
		}
		for r := 0; r < B; r++ {
			if done[r] {
				tokens[r] = eos
				continue
			}
			row := logits[r*V : (r+1)*V]
			if step == 0 {
				row[eos] = float32(math.Inf(-1)) // never an empty output
			}
			t := pick(r, row)
			if t == eos {
				done[r] = true
				remaining--
			} else {
				out[r] = append(out[r], t)
			}
			tokens[r] = t
		}
	}
	cut := make([]bool, B)
	for r := range cut {
		cut[r] = !done[r]
	}
	return out, cut, nil
}

// Argmax is the greedy pick.
func Argmax(_ int, logits []float32) int { return argmax(logits) }
