package training

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
)

// toyTask minimises (w - 3)^2 for one weight; its "data" is a hash and a
// vocabulary recorded in the model file like the real tasks record theirs.
type toyTask struct {
	w          *nn.Param
	sha, vocab string
	// onEval, when set, runs inside Evaluate (the interruption test
	// cancels there, as Ctrl-C during a long validation does).
	onEval func()
}

func newToy(sha, vocab string) *toyTask {
	return &toyTask{w: nn.NewParam("w", 1), sha: sha, vocab: vocab}
}

func (t *toyTask) Params() nn.Params { return nn.Params{t.w} }
func (t *toyTask) TrainStep(int) (float64, int, error) {
	d := float64(t.w.Data[0]) - 3
	t.w.Grad[0] = float32(2 * d)
	return d * d, 1, nil
}
func (t *toyTask) Evaluate(ctx context.Context) (Metrics, error) {
	if t.onEval != nil {
		t.onEval()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d := float64(t.w.Data[0]) - 3
	return Metrics{"loss": d * d}, nil
}
func (t *toyTask) Model() (*modelfile.File, error) {
	f := &modelfile.File{Task: "toy", Metadata: map[string]string{"data.sha256": t.sha, "vocab": t.vocab}}
	f.Add(modelfile.Tensor{Name: "w", DType: modelfile.F32, Shape: []int{1}, F32: t.w.Data})
	return f, nil
}
func (t *toyTask) SaveState() (map[string]string, []modelfile.Tensor) { return nil, nil }
func (t *toyTask) LoadState(*modelfile.File) error                    { return nil }
func (t *toyTask) Unit() string                                       { return "toys" }

func toyConfig(out string, steps int) Config {
	c := DefaultConfig()
	c.Out, c.Steps, c.EvalEvery, c.CheckpointEvery = out, steps, 2, 2
	c.Optim.LR = 0.1
	return c
}

// A fresh run over an existing model or checkpoint stops before training
// (issue 12, item 5): it names Resume and Force; Force overwrites.
func TestFreshRunRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.model")
	if _, err := Train(context.Background(), newToy("aa", `["x"]`), toyConfig(out, 4)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(out)
	for _, leave := range []string{"both", "only the checkpoint"} {
		if leave == "only the checkpoint" {
			os.Remove(out)
		}
		_, err := Train(context.Background(), newToy("aa", `["x"]`), toyConfig(out, 2))
		if err == nil || !strings.Contains(err.Error(), "already exists") || !strings.Contains(err.Error(), "training.Config.Resume") || !strings.Contains(err.Error(), "training.Config.Force") {
			t.Fatalf("%s left: err = %v, want the already-exists error naming Resume and Force", leave, err)
		}
	}
	os.WriteFile(out, before, 0o644)
	cfg := toyConfig(out, 2)
	cfg.Force = true
	if _, err := Train(context.Background(), newToy("aa", `["x"]`), cfg); err != nil {
		t.Fatalf("with Force: %v", err)
	}
	f, err := modelfile.Read(out)
	if err != nil || f.Metadata["train.steps"] != "2" {
		t.Fatalf("Force did not overwrite: %v %v", err, f)
	}
}

// The output is checked before the first step (item 7): a missing folder,
// a folder as Out and an unwritable folder fail at once, without a step.
func TestOutputCheckedBeforeTraining(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o555)
	cases := map[string]string{
		filepath.Join(dir, "nope", "x.model"): "does not exist",
		dir:                                   "is a folder",
	}
	if os.Geteuid() != 0 { // root writes anywhere
		cases[filepath.Join(ro, "x.model")] = "not writable"
	}
	for out, want := range cases {
		task := &countingToy{toyTask: newToy("aa", "[]")}
		_, err := Train(context.Background(), task, toyConfig(out, 4))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "training.Config.Out") {
			t.Errorf("%s: err = %v, want %q", out, err, want)
		}
		if task.steps != 0 {
			t.Errorf("%s: %d steps ran before the failure", out, task.steps)
		}
	}
}

type countingToy struct {
	*toyTask
	steps int
}

func (c *countingToy) TrainStep(s int) (float64, int, error) {
	c.steps++
	return c.toyTask.TrainStep(s)
}

// Resuming on other data is an error naming both hashes; another
// vocabulary (same hash) too (item 6).
func TestResumeRefusesOtherData(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.model")
	if _, err := Train(context.Background(), newToy("aaaa", `["q"]`), toyConfig(out, 2)); err != nil {
		t.Fatal(err)
	}
	cfg := toyConfig(out, 4)
	cfg.Resume = true
	_, err := Train(context.Background(), newToy("bbbb", `["q"]`), cfg)
	if err == nil || !strings.Contains(err.Error(), "sha256 aaaa") || !strings.Contains(err.Error(), "sha256 bbbb") {
		t.Errorf("other data: err = %v, want both hashes named", err)
	}
	_, err = Train(context.Background(), newToy("aaaa", `["é"]`), cfg)
	if err == nil || !strings.Contains(err.Error(), "another vocab") {
		t.Errorf("other vocabulary: err = %v, want the vocabulary named", err)
	}
	if _, err := Train(context.Background(), newToy("aaaa", `["q"]`), cfg); err != nil {
		t.Errorf("same data: %v", err)
	}
}

// Stale temporary files of a killed write are removed at the start of a
// run (item 8); other files are kept.
func TestStaleTempsRemovedAtStart(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.model")
	stale := []string{filepath.Join(dir, ".m.model.tmp-123"), filepath.Join(dir, ".m.model.ckpt.tmp-456")}
	keep := filepath.Join(dir, ".m.model.tmp-abc")
	for _, p := range append(stale, keep) {
		os.WriteFile(p, []byte("x"), 0o644)
		old := time.Now().Add(-time.Hour) // a killed run's file, not one being written
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Train(context.Background(), newToy("aa", "[]"), toyConfig(out, 2)); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was not removed", p)
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("%s (not Write's pattern) was removed", keep)
	}
}

// Ctrl-C during a validation (item 9): the checkpoint is written and Out
// holds the best model of the validations before, loadable at once.
func TestInterruptDuringValidationKeepsCheckpointAndModel(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.model")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	task := newToy("aa", "[]")
	evals := 0
	task.onEval = func() {
		if evals++; evals == 2 {
			cancel()
		}
	}
	cfg := toyConfig(out, 10)
	cfg.CheckpointEvery = 100
	_, err := Train(ctx, task, cfg)
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	ck, err := modelfile.Read(Checkpoint(out))
	if err != nil {
		t.Fatalf("no checkpoint after the interruption: %v", err)
	}
	if !strings.Contains(ck.Metadata[metaTrainState], `"step":4`) {
		t.Errorf("checkpoint state %s, want step 4", ck.Metadata[metaTrainState])
	}
	m, err := modelfile.Read(out)
	if err != nil || m.Metadata["train.steps"] != "2" {
		t.Fatalf("Out after the interruption: %v (steps %q), want the model validated at step 2", err, m.Metadata["train.steps"])
	}
}
