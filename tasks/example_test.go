package tasks_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/recur-dev/recur/models"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tasks"
	"github.com/recur-dev/recur/training"
)

// Train a tiny character-level language model on a repetitive corpus with
// the one training loop, then load the file it wrote with Load (which
// builds the right model for any task) and generate from it.
func ExampleTrain() {
	dir, err := os.MkdirTemp("", "recur-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	corpus := filepath.Join(dir, "tiny.txt")
	if err := os.WriteFile(corpus, []byte(strings.Repeat("abcabd\n", 200)), 0o644); err != nil {
		log.Fatal(err)
	}
	cfg := tasks.DefaultTextGenTaskConfig()
	cfg.Batch, cfg.Seq, cfg.EvalBatch = 4, 12, 2
	cfg.Decoder = decoder.Config{Cell: nn.GRU, Embed: 8, Hidden: 16, Layers: 1}
	data, err := tasks.LoadCorpus(corpus, cfg)
	if err != nil {
		log.Fatal(err)
	}
	task, err := tasks.NewTextGenTask(cfg, data, 1)
	if err != nil {
		log.Fatal(err)
	}
	tc := training.DefaultConfig()
	tc.Steps, tc.EvalEvery, tc.CheckpointEvery = 20, 10, 10
	tc.Out, tc.Progress = filepath.Join(dir, "tiny.model"), io.Discard
	res, err := training.Train(context.Background(), task, tc)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("steps:", res.Steps)

	m, err := models.Load(tc.Out)
	if err != nil {
		log.Fatal(err)
	}
	g, err := m.LM.Generate(context.Background(), "abc", 10, decoder.SampleConfig{Temperature: 1, TopP: 1}, 7, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Task, strings.HasPrefix(g.Text, "abc"))
	// Output:
	// steps: 20
	// textgen true
}
