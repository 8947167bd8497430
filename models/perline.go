package models

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/recur-dev/recur/decoder"
)

// LineScore is how well a language model predicts one line of text on its
// own. The model starts from a line break (the state it is in at the start
// of any line of its training text), reads the line's tokens and predicts
// each of them and then the closing line break:
//
//	Tokens = len(Encode(line)) + 1
//	Nats   = Σ_t −log p(token_t | line break, token_1 … token_{t−1})
//
// so an empty line still scores its one line break. Unknown counts the
// line's tokens outside the vocabulary (read as <unk>, id 0).
type LineScore struct {
	Nats    float64
	Tokens  int
	Unknown int
}

// Perplexity is exp(Nats / Tokens), the figure's per-token geometric mean
// inverse probability.
func (s LineScore) Perplexity() float64 { return math.Exp(s.Nats / float64(s.Tokens)) }

// TSV is the score as "nats<TAB>tokens<TAB>perplexity" with 6 decimals,
// the one text form recur eval --per-line and recur-beam score print.
func (s LineScore) TSV() string {
	return fmt.Sprintf("%.6f\t%d\t%.6f", s.Nats, s.Tokens, s.Perplexity())
}

// ScoreGroup is the number of lines stepped through the decoder together.
//
// The matrix kernels choose their method by the number of rows (one row is
// a matrix-vector product, up to 8 rows dot each weight row with every
// input row, more are packed GEMM), and each method sums in its own order,
// so the same line stepped in a batch of 1 and in a batch of 5 differs in
// the last float32 bits, which shows in the 6th decimal of its nats. Lines
// are therefore always stepped in groups of exactly ScoreGroup rows, short
// groups padded with empty rows: with the row count fixed, a line's figures
// do not depend on which lines share its group or its row in it
// (TestScoreLinesBatchInvariant), so a pipeline that batches lines as its
// bundles happen to fall gives the same numbers as scoring the file in
// order.
const ScoreGroup = 8

// lineTokens are a line's token ids framed by line breaks (the
// vocabulary's "\n", else <unk>) and its count of unknown tokens.
func (m *LanguageModel) lineTokens(line string) ([]int, int) {
	nl, ok := m.Tokenizer.Vocab().ID("\n")
	if !ok {
		nl = 0
	}
	ids, _ := m.Tokenizer.Encode(line)
	unk := 0
	for _, id := range ids {
		if id == 0 {
			unk++
		}
	}
	return append(append([]int{nl}, ids...), nl), unk
}

// ScoreLines scores each line on its own (see LineScore). The figures of a
// line depend only on the line and the model, never on the other lines
// passed with it (see ScoreGroup).
func (m *LanguageModel) ScoreLines(ctx context.Context, lines []string) ([]LineScore, error) {
	out := make([]LineScore, len(lines))
	seqs := make([][]int, len(lines))
	for i, l := range lines {
		seqs[i], out[i].Unknown = m.lineTokens(l)
	}
	switch {
	case m.Decoder != nil:
		for start := 0; start < len(seqs); start += ScoreGroup {
			end := min(start+ScoreGroup, len(seqs))
			if err := scoreGroup(ctx, m.Decoder, seqs[start:end], out[start:end]); err != nil {
				return nil, err
			}
		}
	case m.Markov != nil:
		for i, ids := range seqs {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			// Eval is the mean NLL over the len(ids)-1 predicted tokens.
			out[i].Tokens = len(ids) - 1
			out[i].Nats = m.Markov.Eval(ids) * float64(out[i].Tokens)
		}
	default:
		return nil, errors.New("language model has no weights")
	}
	return out, nil
}

// scoreGroup steps up to ScoreGroup sequences together in a state of
// exactly ScoreGroup rows; rows past len(seqs), and rows whose sequence has
// ended, step on their last token and are not counted. Rows never interact.
func scoreGroup(ctx context.Context, d *decoder.Decoder, seqs [][]int, out []LineScore) error {
	B, V := ScoreGroup, d.VocabSize()
	longest := 0
	for _, ids := range seqs {
		longest = max(longest, len(ids))
	}
	pad := seqs[0][0] // the line break every sequence starts with
	s := d.NewState(B)
	logits := make([]float32, B*V)
	logp := make([]float32, V)
	tok := make([]int, B)
	for t := 0; t+1 < longest; t++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		for r := range tok {
			tok[r] = pad
			if r < len(seqs) {
				tok[r] = seqs[r][min(t, len(seqs[r])-1)]
			}
		}
		if err := d.Step(s, tok, logits); err != nil {
			return err
		}
		for r, ids := range seqs {
			if t+1 >= len(ids) {
				continue
			}
			decoder.LogSoftmax(logp, logits[r*V:(r+1)*V])
			out[r].Nats -= float64(logp[ids[t+1]])
			out[r].Tokens++
		}
	}
	return nil
}
