package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/internal/kernels"
)

func main() {
	// A worker started by a runner (DOCKER or PROCESS environments,
	// Dataflow) is this binary with --worker and Beam's flags: hand over
	// to the Beam harness, which runs until the runner stops it.
	for _, a := range os.Args[1:] {
		if a == "--worker" || a == "-worker" || strings.HasPrefix(a, "--worker=") || strings.HasPrefix(a, "-worker=") {
			flag.Parse()
			beam.Init()
			return
		}
	}
	// Beam and Prism log every job's steps at INFO: keep the terminal for
	// warnings and the summary unless RECUR_BEAM_LOG=info.
	// (beam.Init installs the handler at beamlog.LogLevel.)
	beamlog.LogLevel = "warn"
	if os.Getenv("RECUR_BEAM_LOG") == "info" {
		beamlog.LogLevel = "info"
	}
	if err := newApp().Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "recur-beam:", err)
		os.Exit(1)
	}
}

func newApp() *cli.App {
	return &cli.App{
		Name:  "recur-beam",
		Usage: "batch translation, captioning, generation and scoring with recur's models as Apache Beam pipelines",
		Description: `Reads inputs by glob (text: one item per line; caption: image files), runs
the model batched, and writes sharded outputs PREFIX-SSSSS-of-NNNNN.tsv with
one line per input, "id<TAB>input<TAB>output" (ids are "file:line", or the
image path), and PREFIX-dead-letter-*.tsv with "id<TAB>input<TAB>reason" for
inputs that could not be processed. Tabs, line breaks and backslashes inside
fields are written as \t, \n, \r and \\.

Runners: Prism in this process by default; --runner universal --endpoint
HOST:PORT --environment_type LOOPBACK|DOCKER for a Flink, Spark or Prism job
server; other runners' flags (e.g. Dataflow's --project, --region,
--temp_location) go after "--".`,
		Commands: []*cli.Command{
			jobCommand("translate", "translate lines with a sequence-to-sequence model (default: the built-in English→French model)", []cli.Flag{
				&cli.IntFlag{Name: "beam", Aliases: []string{"b"}, Value: 1, Usage: "beam width, 1 to 100 (1: greedy)"},
				&cli.Float64Flag{Name: "length-penalty", Value: 1, Usage: "beam score = log P / length^α; α in [0, 5] (default: the model's tuned value, else 1)"},
				&cli.IntFlag{Name: "max-len", Usage: "longest output in tokens, 1 to 1000 (default: the model's)"},
				&cli.Float64Flag{Name: "temperature", Usage: "sample instead of greedy decoding at this temperature (> 0; beam 1 only)"},
				&cli.IntFlag{Name: "top-k", Usage: "when sampling: only among the k most likely tokens (0: off)"},
				&cli.Float64Flag{Name: "top-p", Value: 1, Usage: "when sampling: nucleus, in (0, 1]"},
				&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed for sampling; each line is seeded from it and the line's id"},
			}),
			jobCommand("caption", "describe image files (PNG, JPEG or GIF) in words (default: the built-in scenes model)", []cli.Flag{
				&cli.IntFlag{Name: "beam", Aliases: []string{"b"}, Value: 1, Usage: "beam width, 1 to 100 (1: greedy)"},
				&cli.IntFlag{Name: "max-len", Usage: "longest caption in tokens, 0 to 1000 (0: the model's)"},
			}),
			jobCommand("generate", "continue each line (a prompt) with a language model (default: the built-in tiny-Shakespeare model)", []cli.Flag{
				&cli.IntFlag{Name: "length", Aliases: []string{"n"}, Value: 300, Usage: "tokens to generate per prompt, 1 to 100000"},
				&cli.Float64Flag{Name: "temperature", Aliases: []string{"t"}, Value: 0.8, Usage: "sampling temperature, > 0"},
				&cli.IntFlag{Name: "top-k", Usage: "sample among the k most likely tokens only (0: off)"},
				&cli.Float64Flag{Name: "top-p", Value: 1, Usage: "nucleus sampling, in (0, 1] (1: off)"},
				&cli.BoolFlag{Name: "greedy", Usage: "always take the most likely token"},
				&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed; each prompt is seeded from it and the prompt's id"},
			}),
			jobCommand("score", "score each line with a language model: nats, tokens and perplexity (default: the built-in tiny-Shakespeare model)", nil),
		},
	}
}

// jobCommand is a subcommand with the flags every job shares.
func jobCommand(task, usage string, own []cli.Flag) *cli.Command {
	common := []cli.Flag{
		&cli.StringSliceFlag{Name: "input", Aliases: []string{"i"}, Usage: "input glob (repeatable): text files, one item per line; for caption, image files"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output prefix: PREFIX-SSSSS-of-NNNNN.tsv and PREFIX-dead-letter-*.tsv"},
		&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: task + " model file every worker can read (default: the built-in model)"},
		&cli.IntFlag{Name: "shards", Value: 4, Usage: "output files, 1 to 10000"},
		&cli.IntFlag{Name: "batch", Value: 64, Usage: "items per model call within a bundle, 1 to 4096"},
		&cli.IntFlag{Name: "max-line-bytes", Value: 10000, Usage: "longer input lines go to the dead letters"},
		&cli.IntFlag{Name: "threads", Value: runtime.NumCPU(), Usage: "cores the matrix kernels of each worker may use"},
		&cli.StringFlag{Name: "runner", Value: "prism", Usage: "prism (in-process), universal (a job server), or a runner registered by import"},
		&cli.StringFlag{Name: "endpoint", Usage: "job service HOST:PORT (universal runner)"},
		&cli.StringFlag{Name: "environment_type", Value: "LOOPBACK", Usage: "where workers run: LOOPBACK (this process), DOCKER, PROCESS or EXTERNAL"},
		&cli.StringFlag{Name: "environment_config", Usage: "the worker container image for DOCKER (see cmd/recur-beam/Dockerfile)"},
		&cli.BoolFlag{Name: "progress", Usage: "show items done of the total, rate and ETA on standard error while the job runs (default: when it is a terminal; workers in this process only: Prism or LOOPBACK)"},
	}
	return &cli.Command{
		Name:      task,
		Usage:     usage,
		ArgsUsage: "[-- RUNNER-FLAGS...]",
		Flags:     append(common, own...),
		Action: func(c *cli.Context) error {
			job, ro, err := parseJob(c, task)
			if err != nil {
				return err
			}
			// Flags after "--" are Beam's own (Dataflow's --project, …).
			if err := flag.CommandLine.Parse(c.Args().Slice()); err != nil {
				return err
			}
			if flag.NArg() > 0 {
				return fmt.Errorf("unexpected argument %q: runner flags go after \"--\" as --name=value", flag.Arg(0))
			}
			beam.Init()
			s, err := RunJob(c.Context, job, ro)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "recur-beam %s: %s; outputs %s-*-of-%05d.tsv, dead letters %s-dead-letter-*.tsv\n", task, s, job.Output, job.Shards, job.Output)
			return nil
		},
	}
}

func rangeInt(c *cli.Context, name string, lo, hi int) (int, error) {
	v := c.Int(name)
	if v < lo || v > hi {
		return 0, fmt.Errorf("--%s must be in [%d, %d] (got %d)", name, lo, hi, v)
	}
	return v, nil
}

// parseJob checks the flags and maps them to the job's options.
func parseJob(c *cli.Context, task string) (Job, RunOptions, error) {
	job := Job{Model: ModelOptions{Task: task, Model: c.String("model")}, Inputs: c.StringSlice("input"), Output: c.String("output")}
	ro := RunOptions{Runner: c.String("runner"), Endpoint: c.String("endpoint"), EnvironmentType: c.String("environment_type"), EnvironmentConfig: c.String("environment_config")}
	ro.ProgressTTY = isTerminal(os.Stderr)
	if c.IsSet("progress") && c.Bool("progress") || !c.IsSet("progress") && ro.ProgressTTY {
		ro.Progress = os.Stderr
	}
	var err error
	if job.Shards, err = rangeInt(c, "shards", 1, 10000); err != nil {
		return job, ro, err
	}
	if job.Batch, err = rangeInt(c, "batch", 1, 4096); err != nil {
		return job, ro, err
	}
	if job.MaxLineBytes, err = rangeInt(c, "max-line-bytes", 1, 1<<24); err != nil {
		return job, ro, err
	}
	threads, err := rangeInt(c, "threads", 1, 4*runtime.NumCPU())
	if err != nil {
		return job, ro, err
	}
	kernels.SetThreads(threads)
	o := &job.Model
	switch task {
	case "translate", "caption":
		if o.Beam, err = rangeInt(c, "beam", 1, 100); err != nil {
			return job, ro, err
		}
		lo := 0
		if task == "translate" {
			lo = 1
		}
		if c.IsSet("max-len") || task == "caption" {
			if o.MaxLen, err = rangeInt(c, "max-len", lo, 1000); err != nil {
				return job, ro, err
			}
		}
	}
	switch task {
	case "translate":
		o.LengthPenalty, o.LengthPenaltySet = c.Float64("length-penalty"), c.IsSet("length-penalty")
		if lp := o.LengthPenalty; !(lp >= 0 && lp <= 5) {
			return job, ro, fmt.Errorf("--length-penalty must be in [0, 5] (got %g)", lp)
		}
		o.Seed = c.Uint64("seed")
		if c.IsSet("temperature") {
			if o.Beam > 1 {
				return job, ro, fmt.Errorf("--temperature samples one translation: use it with --beam 1")
			}
			o.Sample, o.Temperature, o.TopK, o.TopP = true, c.Float64("temperature"), c.Int("top-k"), c.Float64("top-p")
			if err := o.ValidateSampling(); err != nil {
				return job, ro, fmt.Errorf("--%w", err)
			}
		}
	case "generate":
		if o.Length, err = rangeInt(c, "length", 1, 100000); err != nil {
			return job, ro, err
		}
		o.Greedy, o.Temperature, o.TopK, o.TopP, o.Seed = c.Bool("greedy"), c.Float64("temperature"), c.Int("top-k"), c.Float64("top-p"), c.Uint64("seed")
		if err := o.ValidateSampling(); err != nil {
			return job, ro, fmt.Errorf("--%w", err)
		}
	}
	return job, ro, nil
}

// RunJob checks everything that can be checked before any work (inputs,
// model, output folder), builds the pipeline and runs it.
func RunJob(ctx context.Context, job Job, ro RunOptions) (Summary, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	files, err := Expand(ctx, job.Inputs)
	if err != nil {
		return Summary{}, err
	}
	// Load the model once here: a missing or corrupt model file fails now,
	// not in every worker's Setup.
	if _, err := LoadRunner(job.Model); err != nil {
		if job.Model.Model == "" {
			return Summary{}, fmt.Errorf("built-in %s model: %w", job.Model.Task, err)
		}
		return Summary{}, fmt.Errorf("--model %s: %w", job.Model.Model, err)
	}
	if err := CheckOutput(job.Output); err != nil {
		return Summary{}, err
	}
	if job.Shards < 1 {
		job.Shards = 1
	}
	if job.Batch < 1 {
		job.Batch = 1
	}
	if job.MaxLineBytes < 1 {
		job.MaxLineBytes = 10000
	}
	if ro.Progress != nil && inProcessWorkers(ro) {
		p := startProgress(ctx, ro.Progress, ro.ProgressTTY, job, files)
		defer p.Stop()
	}
	return Run(ctx, Build(job, files), ro)
}
