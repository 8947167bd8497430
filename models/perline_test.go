package models_test

import (
	"context"
	"math"
	"testing"

	"github.com/recur-dev/recur/builtin"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/internal/kernels"
	"github.com/recur-dev/recur/models"
)

var scoreTestLines = []string{"ROMEO:", "What light through yonder window breaks?", "", "First Citizen:",
	"Before we proceed any further, hear me speak.", "a", "To be, or not to be: that is the question.",
	"zzzz qqqq", "KING RICHARD III:", "Lorem ipsum dolor sit amet, ¿qué?"}

// TestScoreLinesBatchInvariant: a line's figures are bit-identical whether
// it is scored alone, among all the lines, or among them in another order
// (what a pipeline's arbitrary bundles do to it), and with one or several
// kernel threads.
func TestScoreLinesBatchInvariant(t *testing.T) {
	m, err := builtin.Shakespeare()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	all, err := m.ScoreLines(ctx, scoreTestLines)
	if err != nil {
		t.Fatal(err)
	}
	rev := make([]string, len(scoreTestLines))
	for i, l := range scoreTestLines {
		rev[len(rev)-1-i] = l
	}
	back, err := m.ScoreLines(ctx, rev)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range scoreTestLines {
		alone, err := m.ScoreLines(ctx, []string{l})
		if err != nil {
			t.Fatal(err)
		}
		if alone[0] != all[i] || back[len(rev)-1-i] != all[i] {
			t.Errorf("%q: alone %+v, in order %+v, reversed %+v", l, alone[0], all[i], back[len(rev)-1-i])
		}
	}
	threads := kernels.Threads()
	defer kernels.SetThreads(threads)
	for _, n := range []int{1, 3} {
		kernels.SetThreads(n)
		again, err := m.ScoreLines(ctx, scoreTestLines)
		if err != nil {
			t.Fatal(err)
		}
		for i := range again {
			if again[i] != all[i] {
				t.Errorf("%q: %+v with %d threads, %+v with %d", scoreTestLines[i], again[i], n, all[i], threads)
			}
		}
	}
}

// TestScoreLinesDefinition checks the figures against the definition
// computed independently: one row, a fresh state, Step on the line break
// and each token, −log softmax of the next token summed. Different row
// counts round differently in the last float32 bits, hence the tolerance.
func TestScoreLinesDefinition(t *testing.T) {
	m, err := builtin.Shakespeare()
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.ScoreLines(context.Background(), scoreTestLines)
	if err != nil {
		t.Fatal(err)
	}
	nl, _ := m.Tokenizer.Vocab().ID("\n")
	V := m.Decoder.VocabSize()
	for i, l := range scoreTestLines {
		ids, _ := m.Tokenizer.Encode(l)
		seq := append(append([]int{nl}, ids...), nl)
		s := m.Decoder.NewState(1)
		logits, logp := make([]float32, V), make([]float32, V)
		var nats float64
		unk := 0
		for t0 := 0; t0+1 < len(seq); t0++ {
			if err := m.Decoder.Step(s, seq[t0:t0+1], logits); err != nil {
				t.Fatal(err)
			}
			decoder.LogSoftmax(logp, logits)
			nats -= float64(logp[seq[t0+1]])
		}
		for _, id := range ids {
			if id == 0 {
				unk++
			}
		}
		g := got[i]
		if g.Tokens != len(ids)+1 || g.Unknown != unk || math.Abs(g.Nats-nats) > 1e-4*math.Max(1, nats) {
			t.Errorf("%q: %+v, want %.6f nats over %d tokens, %d unknown", l, g, nats, len(ids)+1, unk)
		}
		if want := math.Exp(g.Nats / float64(g.Tokens)); g.Perplexity() != want {
			t.Errorf("%q: perplexity %v, want %v", l, g.Perplexity(), want)
		}
	}
	if got[2].Tokens != 1 {
		t.Errorf("the empty line scores %d tokens, want 1 (its line break)", got[2].Tokens)
	}
}

func TestLineScoreTSV(t *testing.T) {
	// exp(2/4) = 1.6487212707…
	if got, want := (models.LineScore{Nats: 2, Tokens: 4}).TSV(), "2.000000\t4\t1.648721"; got != want {
		t.Errorf("TSV %q, want %q", got, want)
	}
}
