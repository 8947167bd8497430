package tasks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/training"
)

// reverseCorpus writes a synthetic "language pair" the Joey NMT way: the
// target is the source's words reversed, so only attention over the whole
// source can solve it.
func reverseCorpus(t *testing.T, n int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	words := strings.Fields("red green blue cat dog sun moon tree bird fish")
	var sb strings.Builder
	seen := map[string]bool{}
	for len(seen) < n {
		k := 2 + rng.IntN(4)
		src := make([]string, k)
		for i := range src {
			src[i] = words[rng.IntN(len(words))]
		}
		s := strings.Join(src, " ")
		if seen[s] {
			continue
		}
		seen[s] = true
		tgt := make([]string, k)
		for i := range src {
			tgt[i] = strings.ToUpper(src[k-1-i])
		}
		fmt.Fprintf(&sb, "%s\t%s\n", s, strings.Join(tgt, " "))
	}
	path := filepath.Join(t.TempDir(), "rev-rev.tsv")
	os.WriteFile(path, []byte(sb.String()), 0o644)
	return path
}

func tinyTranslateConfig() (TranslateTaskConfig, training.Config) {
	cfg := DefaultTranslateTaskConfig()
	cfg.Val, cfg.Test, cfg.Batch = 40, 40, 32
	cfg.Model.Encoder.Embed, cfg.Model.Encoder.Hidden = 24, 32
	cfg.Model.Decoder = decoder.Config{Cell: nn.GRU, Embed: 24, Hidden: 32, Layers: 1, Attention: nn.Additive, AttentionDim: 16}
	tc := training.DefaultConfig()
	tc.Steps, tc.EvalEvery, tc.CheckpointEvery = 400, 100, 200
	tc.Optim.LR, tc.Optim.DecayRate = 1e-2, 1
	tc.Primary, tc.Maximize = "bleu", true
	return cfg, tc
}

// A tiny attention translator must learn to reverse word sequences in
// seconds, through the shared loop, and translate through greedy and beam
// decoding after a save and load.
func TestTranslatorLearnsReversal(t *testing.T) {
	for _, c := range []struct {
		kind     string
		subwords int
		forcing  float64
	}{{nn.Additive, 0, 1}, {nn.Multiplicative, 0, 1}, {nn.Additive, 30, 1}, {nn.Additive, 0, 0.75}} {
		t.Run(fmt.Sprintf("%s-subwords%d-forcing%g", c.kind, c.subwords, c.forcing), func(t *testing.T) {
			data := reverseCorpus(t, 2500)
			cfg, tc := tinyTranslateConfig()
			cfg.Pairs.Lowercase = false
			cfg.Model.Lowercase = false
			cfg.Model.Decoder.Attention = c.kind
			cfg.Model.Subwords = c.subwords
			cfg.TeacherForcing = c.forcing
			splits, err := LoadPairs(data, cfg)
			if err != nil {
				t.Fatal(err)
			}
			task, err := NewTranslateTask(cfg, splits, 1)
			if err != nil {
				t.Fatal(err)
			}
			tc.Out = filepath.Join(t.TempDir(), "rev.model")
			res, err := training.Train(context.Background(), task, tc)
			if err != nil {
				t.Fatal(err)
			}
			// Subword pieces make more tokens to get right in the same 400
			// steps (its validation loss is as low), so its bar is lower.
			want := 90.0
			if c.subwords > 0 {
				want = 80
			}
			if res.Best["bleu"] < want {
				t.Fatalf("validation BLEU %.1f after %d steps, want >= %g (curve %+v)", res.Best["bleu"], res.Steps, want, res.Curve)
			}
			m, err := models.LoadTranslator(tc.Out)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range []models.TranslateOptions{{Beam: 1, NBest: 1}, {Beam: 4, NBest: 2, LengthPenalty: models.Penalty(1)}} {
				tr, err := m.Translate(context.Background(), []string{"cat sun tree", "red dog"}, o)
				if err != nil {
					t.Fatal(err)
				}
				// The subword model is checked greedily only: 400 steps leave its
				// per-piece probabilities too uncertain for a beam's length ranking.
				if got := strings.Join(tr[0].Hyps[0].Words, " "); got != "TREE SUN CAT" && (o.Beam == 1 || c.subwords == 0) {
					t.Errorf("beam %d: %q → %q, want TREE SUN CAT", o.Beam, tr[0].Source, got)
				}
				if len(tr[1].Hyps) != o.NBest || len(tr[1].Hyps[0].Attention) == 0 {
					t.Errorf("beam %d: %d hypotheses, attention %d steps", o.Beam, len(tr[1].Hyps), len(tr[1].Hyps[0].Attention))
				}
			}
		})
	}
}

// A pair whose target script has no spaces (here CJK characters standing
// for words) trains and translates with the default tokenization: one token
// per character on that side, and output text without spaces.
func TestTranslatorTargetWithoutSpaces(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	words := strings.Fields("red green blue cat dog sun moon tree")
	glyph := map[string]string{"red": "赤い", "green": "緑の", "blue": "青い", "cat": "猫", "dog": "犬", "sun": "太陽", "moon": "月", "tree": "木"}
	var sb strings.Builder
	seen := map[string]bool{}
	for len(seen) < 1500 {
		k := 2 + rng.IntN(3)
		src := make([]string, k)
		var tgt strings.Builder
		for i := range src {
			src[i] = words[rng.IntN(len(words))]
			tgt.WriteString(glyph[src[i]])
		}
		s := strings.Join(src, " ")
		if !seen[s] {
			seen[s] = true
			fmt.Fprintf(&sb, "%s\t%s。\n", s, tgt.String())
		}
	}
	path := filepath.Join(t.TempDir(), "eng-jpn.tsv")
	os.WriteFile(path, []byte(sb.String()), 0o644)
	cfg, tc := tinyTranslateConfig()
	src, tgt := LangsFromName(path, false)
	cfg.Model.SrcLang, cfg.Model.TgtLang = src, tgt
	splits, err := LoadPairs(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	task, err := NewTranslateTask(cfg, splits, 2)
	if err != nil {
		t.Fatal(err)
	}
	tc.Out = filepath.Join(t.TempDir(), "ja.model")
	if _, err := training.Train(context.Background(), task, tc); err != nil {
		t.Fatal(err)
	}
	m, err := models.LoadTranslator(tc.Out)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Translate(context.Background(), []string{"blue cat moon"}, models.DefaultTranslateOptions())
	if err != nil {
		t.Fatal(err)
	}
	if got := tr[0].Hyps[0].Text; got != "青い猫月。" {
		t.Fatalf("translation %q, want 青い猫月。", got)
	}
}

// LoadPairs tokenizes the training split once; the ids the task trains on
// from those tokens must equal tokenizing the pairs again, with words and
// with subwords, cased or not.
func TestTrainIDsEqualFreshTokenization(t *testing.T) {
	path := reverseCorpus(t, 150)
	for _, c := range []struct {
		subwords  int
		lowercase bool
	}{{0, true}, {0, false}, {30, true}, {30, false}} {
		cfg, _ := tinyTranslateConfig()
		cfg.Model.Subwords, cfg.Pairs.Lowercase = c.subwords, c.lowercase
		data, err := LoadPairs(path, cfg)
		if err != nil {
			t.Fatal(err)
		}
		gotS, gotT := data.trainIDs(cfg.Pairs)
		wantS, wantT := encodePairs(cfg.Pairs, data, data.Train)
		if !reflect.DeepEqual(gotS, wantS) || !reflect.DeepEqual(gotT, wantT) {
			t.Errorf("subwords %d, lowercase %v: the kept tokens give other ids than tokenizing again", c.subwords, c.lowercase)
		}
		other := cfg.Pairs
		other.Lowercase = !other.Lowercase
		if s, _ := data.trainIDs(other); !reflect.DeepEqual(s, func() [][]int { s, _ := encodePairs(other, data, data.Train); return s }()) {
			t.Errorf("subwords %d: another Lowercase did not tokenize again", c.subwords)
		}
	}
}
