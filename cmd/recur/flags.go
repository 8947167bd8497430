package main

import (
	"fmt"
	"os"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/internal/kernels"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/training"
)

// threadsFlag is shared by every command that computes.
var threadsFlag = &cli.IntFlag{Name: "threads", Value: runtime.NumCPU(),
	Usage: "cores the matrix kernels may use (1 to the number of CPUs)"}

func applyThreads(c *cli.Context) error {
	n := c.Int("threads")
	if n < 1 || n > runtime.NumCPU() {
		return fmt.Errorf("--threads must be in [1, %d], the number of CPUs (got %d)", runtime.NumCPU(), n)
	}
	runtime.GOMAXPROCS(n)
	kernels.SetThreads(n)
	return nil
}

// rangeInt checks an integer flag against [lo, hi].
func rangeInt(c *cli.Context, name string, lo, hi int) (int, error) {
	v := c.Int(name)
	if v < lo || v > hi {
		return 0, fmt.Errorf("--%s must be in [%d, %d] (got %d)", name, lo, hi, v)
	}
	return v, nil
}

// loopDefaults are one task's defaults for the shared training loop's flags.
type loopDefaults struct {
	Steps                      int
	LR, LRDecay                float64
	EvalEvery, CheckpointEvery int
	Watches                    string // what validation metric --patience watches
}

// loopFlags are the flags of the one training loop, the same for every
// `recur train` task.
func loopFlags(d loopDefaults) []cli.Flag {
	t := training.DefaultConfig()
	return []cli.Flag{
		&cli.IntFlag{Name: "steps", Value: d.Steps, Usage: "optimizer steps in total (with --resume: the new total)"},
		&cli.Float64Flag{Name: "lr", Value: d.LR, Usage: "Adam learning rate"},
		&cli.Float64Flag{Name: "lr-decay", Value: d.LRDecay, Usage: "multiply the learning rate by this every --decay-every steps, in (0, 1]"},
		&cli.IntFlag{Name: "decay-every", Value: t.Optim.DecayEvery, Usage: "steps between learning-rate decays"},
		&cli.Float64Flag{Name: "clip", Value: t.Optim.Clip, Usage: "clip the global gradient norm to this (0: off)"},
		&cli.IntFlag{Name: "eval-every", Value: d.EvalEvery, Usage: "steps between validations (0: only at the end)"},
		&cli.IntFlag{Name: "checkpoint-every", Value: d.CheckpointEvery, Usage: "steps between checkpoints (0: only at the end)"},
		&cli.IntFlag{Name: "patience", Usage: "stop after this many validations without a better " + d.Watches + " (0: never)"},
		&cli.BoolFlag{Name: "resume", Usage: "continue from OUT.ckpt (same data, model flags and seed)"},
		&cli.BoolFlag{Name: "force", Usage: "without --resume: overwrite an existing OUT and OUT.ckpt (otherwise training refuses to start)"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed for initialisation, batching and dropout"},
	}
}

// loopConfig reads the loop flags; the model goes to out, its checkpoint
// to out.ckpt, progress to standard error.
func loopConfig(c *cli.Context, out string) training.Config {
	tc := training.DefaultConfig()
	tc.Steps, tc.EvalEvery, tc.CheckpointEvery, tc.Patience = c.Int("steps"), c.Int("eval-every"), c.Int("checkpoint-every"), c.Int("patience")
	tc.Out, tc.Resume, tc.Seed = out, c.Bool("resume"), c.Uint64("seed")
	tc.Force = c.Bool("force")
	tc.Optim.LR, tc.Optim.DecayRate, tc.Optim.DecayEvery, tc.Optim.Clip = c.Float64("lr"), c.Float64("lr-decay"), c.Int("decay-every"), c.Float64("clip")
	tc.Progress = os.Stderr
	return tc
}

// rnnShape is the recurrent shape every train command reads from
// --cell, --hidden, --embed (and --layers where the command has it).
type rnnShape struct {
	Cell                  nn.Cell
	Hidden, Embed, Layers int
}

func readRNNShape(c *cli.Context, withLayers bool) (rnnShape, error) {
	var s rnnShape
	var err error
	if s.Cell, err = nn.ParseCell(c.String("cell")); err != nil {
		return s, fmt.Errorf("--cell: %w", err)
	}
	if s.Hidden, err = rangeInt(c, "hidden", 1, 4096); err != nil {
		return s, err
	}
	if s.Embed, err = rangeInt(c, "embed", 1, 4096); err != nil {
		return s, err
	}
	s.Layers = 1
	if withLayers {
		if s.Layers, err = rangeInt(c, "layers", 1, 8); err != nil {
			return s, err
		}
	}
	return s, nil
}

// runTraining runs the shared loop; an interruption says how to resume.
func runTraining(c *cli.Context, task training.Trainable, tc training.Config) (*training.Result, error) {
	res, err := training.Train(c.Context, task, tc)
	if err != nil && c.Context.Err() != nil {
		return nil, fmt.Errorf("interrupted; checkpoint saved to %s: continue with the same command and --resume (%s holds the best model validated so far, if a validation ran)", training.Checkpoint(tc.Out), tc.Out)
	}
	return res, err
}
