package tasks

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/training"
)

// tinyCorpus is a deterministic text a small model can learn almost
// perfectly: a repeated, fully predictable sentence.
func tinyCorpus(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiny.txt")
	text := strings.Repeat("the cat sat on the mat.\n", 300)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func tinyConfig() (TextGenTaskConfig, training.Config) {
	cfg := DefaultTextGenTaskConfig()
	cfg.Batch, cfg.Seq, cfg.EvalBatch = 8, 24, 4
	cfg.Decoder = decoder.Config{Cell: nn.LSTM, Embed: 16, Hidden: 48, Layers: 1}
	tc := training.DefaultConfig()
	tc.Steps, tc.EvalEvery, tc.CheckpointEvery = 150, 50, 50
	tc.Optim.LR = 1e-2
	return cfg, tc
}

// A tiny model must learn a fully predictable corpus to near-zero loss in
// seconds, through the whole stack: corpus, graph, kernels, Adam, loop.
func TestTextGenLearnsTinyCorpus(t *testing.T) {
	for _, cell := range []nn.Cell{nn.LSTM, nn.GRU} {
		t.Run(string(cell), func(t *testing.T) {
			data := tinyCorpus(t)
			cfg, tc := tinyConfig()
			cfg.Decoder.Cell = cell
			corpus, err := LoadCorpus(data, cfg)
			if err != nil {
				t.Fatal(err)
			}
			task, err := NewTextGenTask(cfg, corpus, 1)
			if err != nil {
				t.Fatal(err)
			}
			tc.Out = filepath.Join(t.TempDir(), "tiny.model")
			res, err := training.Train(context.Background(), task, tc)
			if err != nil {
				t.Fatal(err)
			}
			if loss := res.Best["loss"]; loss > 0.05 {
				t.Fatalf("validation loss %.4f after %d steps, want < 0.05", loss, res.Steps)
			}
			m, err := models.LoadLanguageModel(tc.Out)
			if err != nil {
				t.Fatal(err)
			}
			g, err := m.Generate(context.Background(), "the cat ", 40, decoder.SampleConfig{Greedy: true, TopP: 1}, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(g.Text, "the cat sat on the mat.\nthe cat sat on the mat.") {
				t.Fatalf("greedy continuation %q", g.Text)
			}
			if _, err := os.Stat(tc.Out + ".loss.png"); err != nil {
				t.Fatalf("no loss curve: %v", err)
			}
		})
	}
}

// Training 2N steps equals training N, checkpointing, and resuming N more in
// a new process-like setting (fresh task, weights read from the checkpoint).
func TestResumeEqualsUninterrupted(t *testing.T) {
	data := tinyCorpus(t)
	cfg, tc := tinyConfig()
	cfg.Decoder.Layers, cfg.Decoder.Dropout = 2, 0.2 // dropout masks must replay too
	tc.Steps, tc.EvalEvery, tc.CheckpointEvery = 40, 10, 10
	corpus, err := LoadCorpus(data, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	straight, _ := NewTextGenTask(cfg, corpus, 5)
	tc.Out = filepath.Join(dir, "a.model")
	if _, err := training.Train(context.Background(), straight, tc); err != nil {
		t.Fatal(err)
	}

	first, _ := NewTextGenTask(cfg, corpus, 5)
	half := tc
	half.Out = filepath.Join(dir, "b.model")
	half.Steps = 20
	if _, err := training.Train(context.Background(), first, half); err != nil {
		t.Fatal(err)
	}
	second, _ := NewTextGenTask(cfg, corpus, 5)
	rest := half
	rest.Steps, rest.Resume = 40, true
	if _, err := training.Train(context.Background(), second, rest); err != nil {
		t.Fatal(err)
	}
	for i, p := range straight.Params() {
		q := second.Params()[i]
		for j := range p.Data {
			if p.Data[j] != q.Data[j] {
				t.Fatalf("%s[%d]: uninterrupted %v, resumed %v", p.Name, j, p.Data[j], q.Data[j])
			}
		}
	}
}

func TestResumeErrors(t *testing.T) {
	data := tinyCorpus(t)
	cfg, tc := tinyConfig()
	corpus, _ := LoadCorpus(data, cfg)
	task, _ := NewTextGenTask(cfg, corpus, 1)
	tc.Out = filepath.Join(t.TempDir(), "none.model")
	tc.Resume = true
	tc.Progress = io.Discard
	if _, err := training.Train(context.Background(), task, tc); err == nil || !strings.Contains(err.Error(), "no checkpoint") {
		t.Fatalf("resume without checkpoint: %v", err)
	}
	// A checkpoint of another shape is refused.
	tc.Resume, tc.Steps = false, 10
	if _, err := training.Train(context.Background(), task, tc); err != nil {
		t.Fatal(err)
	}
	cfg.Decoder.Hidden = 32
	other, _ := NewTextGenTask(cfg, corpus, 1)
	tc.Resume, tc.Steps = true, 20
	if _, err := training.Train(context.Background(), other, tc); err == nil || !strings.Contains(err.Error(), "different shape") {
		t.Fatalf("resume with another shape: %v", err)
	}
}

func TestLoadCorpusErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("abc\xffdef"), 0o644)
	cfg := DefaultTextGenTaskConfig()
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.txt"), "missing.txt"},
		{empty, "empty"},
		{bad, "byte offset 3"},
	} {
		if _, err := LoadCorpus(c.path, cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("LoadCorpus(%s) = %v, want an error mentioning %q", filepath.Base(c.path), err, c.want)
		}
	}
}
