package models_test

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/builtin"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/internal/gpt2test"
	"github.com/recur-dev/recur/markov"
	"github.com/recur-dev/recur/models"
)

// GenerateOptions.Candidates reports, for every token, candidates whose
// chosen entry is the generated token, for the recurrent built-in model, a
// Markov model on its tokenizer and a tiny GPT-2 folder; the tokens are the same as without
// the option (observing does not touch the random stream).
func TestGenerateCandidates(t *testing.T) {
	rnn, err := builtin.Shakespeare()
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := rnn.Tokenizer.Encode(strings.Repeat("to be or not to be, that is the question. ", 20))
	mk, err := markov.Train(ids, rnn.Tokenizer.Vocab().Size(), markov.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	mlm := &models.LanguageModel{Arch: "markov", Tokenizer: rnn.Tokenizer, Markov: mk, Lowercase: rnn.Lowercase}
	folder := filepath.Join(t.TempDir(), "tiny-gpt2")
	if _, err := gpt2test.WriteFolder(folder, gpt2test.Tiny(), gpt2test.Options{Seed: 2}); err != nil {
		t.Fatal(err)
	}
	gpt, err := models.LoadLanguageModel(folder)
	if err != nil {
		t.Fatal(err)
	}
	cfg := decoder.SampleConfig{Temperature: 0.7, TopK: 5, TopP: 1}
	for _, tc := range []struct {
		name string
		lm   *models.LanguageModel
	}{{"rnn", rnn}, {"markov", mlm}, {"gpt", gpt}} {
		t.Run(tc.name, func(t *testing.T) {
			var got [][]models.TokenCandidate
			opts := models.GenerateOptions{Candidates: 4, OnCandidates: func(c []models.TokenCandidate) { got = append(got, c) }}
			var pieces []string
			g, err := tc.lm.Generate(context.Background(), "to be", 10, cfg, 11, func(p string) bool {
				if len(got) != len(pieces)+1 {
					t.Errorf("piece %d arrived with %d candidate lists", len(pieces), len(got))
				}
				pieces = append(pieces, p)
				return true
			}, opts)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := tc.lm.Generate(context.Background(), "to be", 10, cfg, 11, nil)
			if err != nil {
				t.Fatal(err)
			}
			if plain.Text != g.Text {
				t.Errorf("with candidates %q, without %q", g.Text, plain.Text)
			}
			for i, cs := range got {
				chosen := -1
				sum := 0.0
				for _, c := range cs {
					sum += c.PSampled
					if c.Chosen {
						chosen = c.ID
					}
					if c.PSampled > 0 && c.Text == "" {
						t.Errorf("token %d: candidate %d has no text", i, c.ID)
					}
				}
				if chosen != g.Tokens[i] {
					t.Errorf("token %d: chosen candidate %d, generated %d", i, chosen, g.Tokens[i])
				}
				// top-k 5 with 4 shown: at least most of the sampled mass.
				if sum > 1+1e-9 || math.IsNaN(sum) {
					t.Errorf("token %d: p_sampled sums to %v", i, sum)
				}
			}
		})
	}
	if _, err := rnn.Generate(context.Background(), "a", 1, cfg, 1, nil, models.GenerateOptions{Candidates: 50 + 1}); err == nil || !strings.Contains(err.Error(), "GenerateOptions.Candidates") {
		t.Errorf("too many candidates: err %v, want one naming GenerateOptions.Candidates", err)
	}
}
