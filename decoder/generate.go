package decoder

import "context"

// Generate samples up to n tokens for a single-row state s whose next-token
// logits are already in logits (from Prime or a previous Step). Each token is
// passed to emit as soon as it is drawn; emit returning false, or ctx being
// done, stops generation within one step. The tokens are returned.
// Nothing is allocated per token beyond the returned slice.
func Generate(ctx context.Context, st Stepper, s *State, logits []float32, n int, smp *Sampler, emit func(tok int) bool) ([]int, error) {
	out := make([]int, 0, n)
	tok := []int{0}
	for len(out) < n {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		tok[0] = smp.Sample(logits)
		out = append(out, tok[0])
		if emit != nil && !emit(tok[0]) {
			break
		}
		if len(out) == n {
			break
		}
		if err := st.Step(s, tok, logits); err != nil {
			return out, err
		}
	}
	return out, nil
}
