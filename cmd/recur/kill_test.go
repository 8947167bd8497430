package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recur-dev/recur/models"

	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/training"
)

// TestKillDuringTraining SIGKILLs a training process at random moments,
// several times, with a checkpoint written every step so that kills land
// during checkpoint writes too. After every kill each file under its final
// name must load, and resuming from the checkpoint must work.
func TestKillDuringTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and trains in subprocesses")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "recur")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "corpus.txt")
	os.WriteFile(data, []byte(strings.Repeat("to be, or not to be, that is the question.\n", 400)), 0o644)
	out := filepath.Join(dir, "kill.model")
	args := []string{"train", "textgen", "--data", data, "--out", out, "--hidden", "64", "--layers", "2",
		"--embed", "16", "--batch", "8", "--seq", "32", "--steps", "1000000", "--eval-every", "3",
		"--checkpoint-every", "1", "--threads", "1", "--seed", "3"}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	resumes := 0
	for round := 0; round < 6; round++ {
		a := args
		if _, err := os.Stat(training.Checkpoint(out)); err == nil {
			a = append(a, "--resume")
			resumes++
		}
		cmd := exec.Command(bin, a...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(300+rng.IntN(900)) * time.Millisecond)
		cmd.Process.Kill() // SIGKILL: no handler runs
		cmd.Wait()
		if _, err := os.Stat(out); err == nil {
			if _, err := models.LoadLanguageModel(out); err != nil {
				t.Fatalf("round %d: model file does not load after SIGKILL: %v", round, err)
			}
		}
		if _, err := os.Stat(training.Checkpoint(out)); err == nil {
			if _, err := modelfile.Read(training.Checkpoint(out)); err != nil {
				t.Fatalf("round %d: checkpoint does not load after SIGKILL: %v", round, err)
			}
		}
	}
	if resumes == 0 {
		t.Fatal("no checkpoint was ever written: the kills came too early to test anything")
	}
	// Finish from the last checkpoint: a few more steps, to completion.
	f, err := modelfile.Read(training.Checkpoint(out))
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Step int }
	if err := json.Unmarshal([]byte(f.Metadata["train.state"]), &st); err != nil {
		t.Fatal(err)
	}
	final := append([]string{}, args...)
	for i, a := range final {
		if a == "1000000" {
			final[i] = fmt.Sprint(st.Step + 4)
		}
	}
	res, err := exec.Command(bin, append(final, "--resume")...).CombinedOutput()
	if err != nil {
		t.Fatalf("resume after kills: %v\n%s", err, res)
	}
	if _, err := models.LoadLanguageModel(out); err != nil {
		t.Fatal(err)
	}
}
