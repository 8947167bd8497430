package tasks

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/markov"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/tokenizers"
)

// A Markov language model streams like the recurrent ones: each piece
// reaches emit as soon as it is sampled (so emit can stop generation after
// the first of many), and cancelling the context stops sampling before the
// next token rather than after all n are drawn.
func TestMarkovGenerateStreamsAndCancels(t *testing.T) {
	tg := DefaultTextGenTaskConfig()
	tg.Level = tokenizers.LevelWord
	corpus, err := LoadCorpus(tinyCorpus(t), tg)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "markov.model")
	if _, err := TrainMarkov(corpus, tg, markov.DefaultConfig(), out, nil); err != nil {
		t.Fatal(err)
	}
	lm, err := models.LoadLanguageModel(out)
	if err != nil {
		t.Fatal(err)
	}
	cfg := decoder.DefaultSampleConfig()
	const n = 20000

	// emit returning false after the first piece: one token, not n.
	pieces := 0
	g, err := lm.Generate(context.Background(), "the cat", n, cfg, 1, func(string) bool { pieces++; return false })
	if err != nil {
		t.Fatal(err)
	}
	if pieces != 1 || len(g.Tokens) != 1 {
		t.Fatalf("stopping at the first piece: emit ran %d times, %d tokens kept; want 1 and 1", pieces, len(g.Tokens))
	}

	// Cancelling inside emit: sampling stops before the next token.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pieces = 0
	_, err = lm.Generate(ctx, "the cat", n, cfg, 1, func(string) bool { pieces++; cancel(); return true })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled generation returned %v, want context.Canceled", err)
	}
	if pieces != 1 {
		t.Fatalf("emit ran %d times after cancelling at the first, want 1", pieces)
	}
}
