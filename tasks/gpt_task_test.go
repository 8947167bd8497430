package tasks

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/internal/gpt2test"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/training"
)

func writeCorpus(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.txt")
	text := strings.Repeat("the cat sat on the mat. the dog ran. héllo wörld 世界!\n", 40)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A BPE GPT and a BPE RNN train, are written, and load back with the same
// tokenizer and the same validation loss.
func TestBPEModelsRoundTrip(t *testing.T) {
	path := writeCorpus(t)
	for _, arch := range []string{"gpt", "rnn"} {
		t.Run(arch, func(t *testing.T) {
			cfg := DefaultTextGenTaskConfig()
			cfg.Arch, cfg.Level, cfg.BPEVocab, cfg.Batch, cfg.Seq = arch, "bpe", 300, 4, 8
			cfg.GPT = decoder.GPTConfig{Context: 8, Layers: 1, Heads: 2, Embed: 8, Bias: true}
			cfg.Decoder.Hidden, cfg.Decoder.Embed, cfg.Decoder.Layers = 8, 8, 1
			corpus, err := LoadCorpus(path, cfg)
			if err != nil {
				t.Fatal(err)
			}
			var task training.Trainable
			if arch == "gpt" {
				task, err = NewGPTTextGenTask(cfg, corpus, nil, 1)
			} else {
				task, err = NewTextGenTask(cfg, corpus, 1)
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := task.TrainStep(0); err != nil {
				t.Fatal(err)
			}
			f, err := task.Model()
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "m.model")
			if err := modelfile.Write(out, f); err != nil {
				t.Fatal(err)
			}
			m, err := models.LoadLanguageModel(out)
			if err != nil {
				t.Fatal(err)
			}
			text := "héllo wörld 世界, the cat!"
			a, _ := corpus.Tokenizer.Encode(text)
			b, _ := m.Tokenizer.Encode(text)
			if fmt.Sprint(a) != fmt.Sprint(b) || m.Tokenizer.Decode(b) != text {
				t.Fatalf("reloaded tokenizer: %v, want %v (decodes to %q)", b, a, m.Tokenizer.Decode(b))
			}
			raw, _ := os.ReadFile(path)
			loss, n, unk, err := m.EvalText(context.Background(), string(raw), cfg.ValFrac)
			if err != nil {
				t.Fatal(err)
			}
			met, err := task.Evaluate(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if g, ok := task.(*GPTTextGenTask); ok {
				// recur eval slides its windows by half a context, where
				// training's validation reads them end to end.
				if met["loss"], err = models.EvalGPT(context.Background(), g.GPT, corpus.Val, 0); err != nil {
					t.Fatal(err)
				}
			}
			if unk != 0 || n != len(corpus.Val)-1 || math.Abs(loss-met["loss"]) > 1e-4 {
				t.Errorf("EvalText %.6f over %d tokens (%d unknown); the task's validation %.6f over %d", loss, n, unk, met["loss"], len(corpus.Val)-1)
			}
		})
	}
}

// EvalGPT scores every target once, in the first stride-spaced window of
// Context positions that holds it: against a brute force that reads, for
// each target p, the window starting at the smallest multiple of the stride
// greater than p−Context (or 0) from an empty cache.
func TestEvalGPTMatchesDirectSum(t *testing.T) {
	const T, V = 4, 11
	g, err := decoder.NewGPT(decoder.GPTConfig{Vocab: V, Context: T, Layers: 1, Heads: 1, Embed: 4, Bias: true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	ids := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 3, 5}
	for _, tc := range []struct{ stride, eff int }{{0, 2}, {1, 1}, {2, 2}, {3, 3}, {4, 4}, {9, 4}} {
		got, err := models.EvalGPT(context.Background(), g, ids, tc.stride)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for p := 0; p < len(ids)-1; p++ {
			start := 0
			if p >= T {
				start = ((p-T)/tc.eff + 1) * tc.eff
			}
			l, _ := g.Logits(ids[start : p+1])
			row := l[(p-start)*V:][:V]
			var z float64
			for _, x := range row {
				z += math.Exp(float64(x))
			}
			sum -= math.Log(math.Exp(float64(row[ids[p+1]])) / z)
		}
		if want := sum / float64(len(ids)-1); math.Abs(got-want) > 1e-6 {
			t.Errorf("stride %d: EvalGPT %.9f, brute force %.9f", tc.stride, got, want)
		}
	}
}

// Generation runs past the context by re-priming, and the first Context
// tokens after a short prompt are exactly what Step-by-Step sampling gives.
func TestGenerateGPTSlides(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "g")
	if _, err := gpt2test.WriteFolder(dir, gpt2test.Tiny(), gpt2test.Options{Seed: 4}); err != nil {
		t.Fatal(err)
	}
	m, err := models.LoadLanguageModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	sc := decoder.SampleConfig{Temperature: 1, TopP: 1}
	g, err := m.Generate(context.Background(), "the", 40, sc, 9, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Tokens) != 40 {
		t.Fatalf("%d tokens, want 40", len(g.Tokens))
	}
	ids, _ := m.Tokenizer.Encode("the")
	s := m.GPT.NewState(1)
	logits := make([]float32, m.GPT.VocabSize())
	if err := m.GPT.Prime(s, ids, logits); err != nil {
		t.Fatal(err)
	}
	smp, _ := decoder.NewSampler(sc, 9)
	n := m.GPT.Config.Context - len(ids) + 1
	want, err := decoder.Generate(context.Background(), m.GPT, s, logits, n, smp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(want) != fmt.Sprint(g.Tokens[:n]) {
		t.Errorf("first %d tokens %v, the plain sampler gives %v", n, g.Tokens[:n], want)
	}
}
