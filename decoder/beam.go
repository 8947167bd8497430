package decoder

import (
	"context"
	"fmt"
	"math"
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
//
// Each step keeps the 2K best extensions of the K live hypotheses
// (topCandidates, beam_select.go), applies the end rule to them (advance),
// and records every live row's token and parent in the history
// (beam_history.go) from which an ending hypothesis is spelled out.
func BeamSearch(ctx context.Context, st Stepper, s *State, bos, eos int, cfg BeamConfig) ([]Hypothesis, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if s.Batch != 1 {
		return nil, fmt.Errorf("beam search decodes one input at a time (state has %d rows)", s.Batch)
	}
	b := newBeam(st.VocabSize(), bos, eos, cfg)
	s.Reorder(make([]int, b.K)) // K copies of the input's state
	for step := 0; step < cfg.MaxLen; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := st.Step(s, b.tokens, b.logits); err != nil {
			return nil, err
		}
		if s.Weights != nil {
			b.hist.recordAttention(step, s.Weights)
		}
		// Keep the 2K best extensions: enough to refill K live beams even if
		// K of them end here.
		b.cands = topCandidates(b.cands, 2*b.K, b.logits, b.scores, b.logp, eos, step < cfg.MinLen)
		live := b.advance(step)
		if len(b.finished) >= b.K || live == 0 {
			break
		}
		s.Reorder(b.hist.parent[step])
		copy(b.tokens, b.hist.tok[step])
		b.scores, b.newScores = b.newScores, b.scores
		if step == cfg.MaxLen-1 {
			b.cut(step, live)
		}
	}
	return b.best()
}

// beam is the state of one beam search between steps.
type beam struct {
	cfg               BeamConfig
	K, eos            int
	scores, newScores []float64 // summed log-probability of each row (−Inf: dead)
	tokens            []int     // each row's last token, fed to the next Step
	logits, logp      []float32 // [K·V] from Step; [V] scratch
	cands             []beamCand
	hist              *beamHistory
	finished          []Hypothesis
}

func newBeam(V, bos, eos int, cfg BeamConfig) *beam {
	K := cfg.Width
	b := &beam{cfg: cfg, K: K, eos: eos,
		scores: make([]float64, K), newScores: make([]float64, K), tokens: make([]int, K),
		logits: make([]float32, K*V), logp: make([]float32, V),
		cands: make([]beamCand, 0, 2*K), hist: newBeamHistory(K, cfg.MaxLen)}
	for i := 1; i < K; i++ {
		b.scores[i] = math.Inf(-1) // identical rows: only the first one is live at the start
	}
	for i := range b.tokens {
		b.tokens[i] = bos
	}
	return b
}

// norm is the ranking score of a hypothesis of n tokens (end included):
// logP / n^α.
func (b *beam) norm(lp float64, n int) float64 {
	return lp / math.Pow(float64(n), b.cfg.LengthPenalty)
}

// advance applies the end rule to this step's candidates (best first) and
// records the next step's live rows in the history. An extension by the
// end token finishes its hypothesis only if it ranks among the K best
// extensions (fairseq's rule: a far-fetched early end does not crowd out
// better live hypotheses) and fewer than K have finished; the K best other
// extensions become the live rows, and rows left over are dead (score
// −Inf). It returns the number of live rows.
func (b *beam) advance(step int) int {
	parents, toks := b.hist.parent[step], b.hist.tok[step]
	live := 0
	for i, c := range b.cands {
		if math.IsInf(c.score, -1) {
			continue
		}
		if c.tok == b.eos {
			if i < b.K && len(b.finished) < b.K {
				b.finish(step, c)
			}
			continue
		}
		if live < b.K {
			parents[live], toks[live], b.newScores[live] = c.row, c.tok, c.score
			live++
		}
	}
	for i := live; i < b.K; i++ {
		parents[i], toks[i], b.newScores[i] = 0, b.eos, math.Inf(-1)
	}
	return live
}

// finish adds the hypothesis that ends with candidate c at step.
func (b *beam) finish(step int, c beamCand) {
	// The body is the parent row's history; the end token is implicit.
	var body []int
	var att [][]float32
	if step > 0 {
		body, att = b.hist.backtrack(step-1, c.row)
	}
	if b.hist.att != nil {
		att = append(att, b.hist.att[step][c.row])
	}
	b.finished = append(b.finished, Hypothesis{Tokens: body, LogProb: c.score, Score: b.norm(c.score, step+1), Finished: true, Attention: att})
}

// cut adds the live rows still running at MaxLen as unfinished hypotheses.
func (b *beam) cut(step, live int) {
	for r := 0; r < live; r++ {
		body, att := b.hist.backtrack(step, r)
		b.finished = append(b.finished, Hypothesis{Tokens: body, LogProb: b.scores[r], Score: b.norm(b.scores[r], step+1), Finished: false, Attention: att})
	}
}

// best returns the NBest hypotheses: finished ones first, each group by
// score.
func (b *beam) best() ([]Hypothesis, error) {
	finished := b.finished
	if len(finished) == 0 {
		return nil, fmt.Errorf("beam search found no hypothesis")
	}
	sort.SliceStable(finished, func(i, j int) bool {
		if finished[i].Finished != finished[j].Finished {
			return finished[i].Finished
		}
		return finished[i].Score > finished[j].Score
	})
	if len(finished) > b.cfg.NBest {
		finished = finished[:b.cfg.NBest]
	}
	return finished, nil
}
