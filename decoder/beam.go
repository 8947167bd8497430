package decoder

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
)

// BeamConfig configures beam search.
type BeamConfig struct {
	Width int // hypotheses kept per step
	// LengthPenalty α ranks finished hypotheses by logP / len^α (len counts
	// the end token): 0 = raw log-probability (favours short outputs),
	// 1 = per-token average.
	LengthPenalty float64
	MaxLen        int // tokens generated at most; a hypothesis cut there is marked unfinished
	MinLen        int // the end token is forbidden before this many tokens (>= 1: never empty)
	NBest         int // hypotheses returned, best first
}

// DefaultBeamConfig: width 5, per-token average score, at most 50 tokens.
func DefaultBeamConfig() BeamConfig {
	return BeamConfig{Width: 5, LengthPenalty: 1, MaxLen: 50, MinLen: 1, NBest: 1}
}

// Validate names the bad field.
func (c BeamConfig) Validate() error {
	switch {
	case c.Width < 1 || c.Width > 100:
		return fmt.Errorf("beam width must be in [1, 100] (got %d)", c.Width)
	case c.MaxLen < 1:
		return fmt.Errorf("maximum length must be >= 1 (got %d)", c.MaxLen)
	case c.MinLen < 1 || c.MinLen > c.MaxLen:
		return fmt.Errorf("minimum length must be in [1, %d] (got %d)", c.MaxLen, c.MinLen)
	case c.NBest < 1 || c.NBest > c.Width:
		return fmt.Errorf("n-best must be in [1, beam width %d] (got %d)", c.Width, c.NBest)
	case !(c.LengthPenalty >= 0 && c.LengthPenalty <= 5):
		return fmt.Errorf("length penalty must be in [0, 5] (got %g)", c.LengthPenalty)
	}
	return nil
}

// Hypothesis is one decoded output.
type Hypothesis struct {
	Tokens    []int       // without the start and end tokens
	LogProb   float64     // sum of token log-probabilities, end token included
	Score     float64     // LogProb / len^α
	Finished  bool        // ended with the end token (false: cut at MaxLen)
	Attention [][]float32 // per generated token (end token included), the attention weights over the memory; nil without attention
}

// BeamSearch decodes one input (s has one row) with beam search, all live
// hypotheses advanced together in one batched Step. It returns cfg.NBest
// hypotheses, best first; each has at least MinLen tokens.
func BeamSearch(ctx context.Context, st Stepper, s *State, bos, eos int, cfg BeamConfig) ([]Hypothesis, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if s.Batch != 1 {
		return nil, fmt.Errorf("beam search decodes one input at a time (state has %d rows)", s.Batch)
	}
	K, V := cfg.Width, st.VocabSize()
	s.Reorder(make([]int, K)) // K copies of the input's state
	scores := make([]float64, K)
	for i := 1; i < K; i++ {
		scores[i] = math.Inf(-1) // identical rows: only the first one is live at the start
	}
	tokens := make([]int, K)
	for i := range tokens {
		tokens[i] = bos
	}
	logits := make([]float32, K*V)
	logp := make([]float32, V)
	type cand struct {
		row, tok int
		score    float64
	}
	cands := make([]cand, 0, 2*K)
	byScore := func(a, b cand) int { return cmp.Compare(b.score, a.score) }
	// History for backtracking: per step, each row's token, parent and
	// attention, in buffers sized for MaxLen steps up front, so a step
	// allocates nothing (a hypothesis allocates only when it ends).
	tokHist, parentHist := make([][]int, cfg.MaxLen), make([][]int, cfg.MaxLen)
	histBuf := make([]int, 2*cfg.MaxLen*K)
	for t := range tokHist {
		tokHist[t], parentHist[t] = histBuf[2*t*K:(2*t+1)*K], histBuf[(2*t+1)*K:(2*t+2)*K]
	}
	var attHist [][][]float32
	var attBuf []float32
	newScores := make([]float64, K)
	var finished []Hypothesis
	backtrack := func(step, row int) ([]int, [][]float32) {
		n := step + 1
		toks := make([]int, n)
		var att [][]float32
		if attHist != nil {
			att = make([][]float32, n)
		}
		for t := step; t >= 0; t-- {
			toks[t] = tokHist[t][row]
			if att != nil {
				att[t] = attHist[t][row]
			}
			row = parentHist[t][row]
		}
		return toks, att
	}
	norm := func(lp float64, n int) float64 { return lp / math.Pow(float64(n), cfg.LengthPenalty) }
	for step := 0; step < cfg.MaxLen; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := st.Step(s, tokens, logits); err != nil {
			return nil, err
		}
		if s.Weights != nil {
			if attHist == nil {
				n := len(s.Weights[0])
				attHist = make([][][]float32, cfg.MaxLen)
				rows := make([][]float32, cfg.MaxLen*K)
				attBuf = make([]float32, cfg.MaxLen*K*n)
				for t := range attHist {
					attHist[t] = rows[t*K : (t+1)*K]
					for r := range attHist[t] {
						attHist[t][r] = attBuf[(t*K+r)*n : (t*K+r+1)*n : (t*K+r+1)*n]
					}
				}
			}
			for r := range K {
				copy(attHist[step][r], s.Weights[r])
			}
		}
		// Keep the 2K best extensions: enough to refill K live beams even if
		// K of them end here.
		cands = cands[:0]
		for r := 0; r < K; r++ {
			if math.IsInf(scores[r], -1) {
				continue
			}
			LogSoftmax(logp, logits[r*V:(r+1)*V])
			if step < cfg.MinLen {
				logp[eos] = float32(math.Inf(-1))
			}
			for v, lp := range logp {
				sc := scores[r] + float64(lp)
				if len(cands) < 2*K {
					cands = append(cands, cand{r, v, sc})
					if len(cands) == 2*K {
						slices.SortFunc(cands, byScore)
					}
					continue
				}
				if sc <= cands[2*K-1].score {
					continue
				}
				i := 2*K - 1
				for i > 0 && cands[i-1].score < sc {
					cands[i] = cands[i-1]
					i--
				}
				cands[i] = cand{r, v, sc}
			}
		}
		slices.SortStableFunc(cands, byScore)
		parents, toks := parentHist[step], tokHist[step]
		live := 0
		for i, c := range cands {
			if math.IsInf(c.score, -1) {
				continue
			}
			if c.tok == eos {
				// An ending counts only if it ranks among the K best
				// extensions (fairseq's rule): a far-fetched early end
				// does not crowd out better live hypotheses.
				if i < K && len(finished) < K {
					// The body is the parent row's history; the end token is implicit.
					var body []int
					var att [][]float32
					if step > 0 {
						body, att = backtrack(step-1, c.row)
					}
					if attHist != nil {
						att = append(att, attHist[step][c.row])
					}
					finished = append(finished, Hypothesis{Tokens: body, LogProb: c.score, Score: norm(c.score, step+1), Finished: true, Attention: att})
				}
				continue
			}
			if live < K {
				parents[live], toks[live], newScores[live] = c.row, c.tok, c.score
				live++
			}
		}
		for i := live; i < K; i++ {
			parents[i], toks[i], newScores[i] = 0, eos, math.Inf(-1)
		}
		if len(finished) >= K || live == 0 {
			break
		}
		s.Reorder(parents)
		copy(tokens, toks)
		scores, newScores = newScores, scores
		if step == cfg.MaxLen-1 {
			for r := 0; r < live; r++ {
				body, att := backtrack(step, r)
				finished = append(finished, Hypothesis{Tokens: body, LogProb: scores[r], Score: norm(scores[r], step+1), Finished: false, Attention: att})
			}
		}
	}
	if len(finished) == 0 {
		return nil, fmt.Errorf("beam search found no hypothesis")
	}
	sort.SliceStable(finished, func(i, j int) bool {
		if finished[i].Finished != finished[j].Finished {
			return finished[i].Finished
		}
		return finished[i].Score > finished[j].Score
	})
	if len(finished) > cfg.NBest {
		finished = finished[:cfg.NBest]
	}
	return finished, nil
}

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
