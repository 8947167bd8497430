package decoder

// beamHistory is what beam search keeps to spell out a hypothesis when it
// ends: for every step, each row's token, the row it extended (its parent)
// and, with attention, its attention weights. The buffers are sized for
// MaxLen steps up front, so a step allocates nothing (a hypothesis
// allocates only when it ends).
type beamHistory struct {
	K, maxLen   int
	tok, parent [][]int       // [step][row]
	att         [][][]float32 // [step][row][memory]; nil until a step reports attention
}

func newBeamHistory(K, maxLen int) *beamHistory {
	h := &beamHistory{K: K, maxLen: maxLen, tok: make([][]int, maxLen), parent: make([][]int, maxLen)}
	buf := make([]int, 2*maxLen*K)
	for t := range h.tok {
		h.tok[t], h.parent[t] = buf[2*t*K:(2*t+1)*K], buf[(2*t+1)*K:(2*t+2)*K]
	}
	return h
}

// recordAttention stores each row's attention weights of this step,
// allocating the attention history on first use (its width is known only
// once the stepper has attended).
func (h *beamHistory) recordAttention(step int, weights [][]float32) {
	if h.att == nil {
		n := len(weights[0])
		h.att = make([][][]float32, h.maxLen)
		rows := make([][]float32, h.maxLen*h.K)
		buf := make([]float32, h.maxLen*h.K*n)
		for t := range h.att {
			h.att[t] = rows[t*h.K : (t+1)*h.K]
			for r := range h.att[t] {
				h.att[t][r] = buf[(t*h.K+r)*n : (t*h.K+r+1)*n : (t*h.K+r+1)*n]
			}
		}
	}
	for r := range h.K {
		copy(h.att[step][r], weights[r])
	}
}

// backtrack follows the parents from row at step back to the start and
// returns the tokens (and attention rows, nil without attention) of steps
// 0 … step on that path.
func (h *beamHistory) backtrack(step, row int) ([]int, [][]float32) {
	n := step + 1
	toks := make([]int, n)
	var att [][]float32
	if h.att != nil {
		att = make([][]float32, n)
	}
	for t := step; t >= 0; t-- {
		toks[t] = h.tok[t][row]
		if att != nil {
			att[t] = h.att[t][row]
		}
		row = h.parent[t][row]
	}
	return toks, att
}
