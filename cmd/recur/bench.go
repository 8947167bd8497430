package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/bench"
)

// benchCommand is `recur bench`: recur's side of the CPU benchmark suite
// shared with the PyTorch reference (shared/bench/torch_ref.py).
func benchCommand() *cli.Command {
	return &cli.Command{
		Name:      "bench",
		Usage:     "time recur on the CPU benchmark suite shared with the PyTorch reference",
		ArgsUsage: " ",
		Description: `Runs the workloads of the shared benchmark suite (matrix-kernel and memory
bandwidth peaks, char-LM training and batch-1 sampling, seq2seq training and
beam search, caption training, GPT training and GPT-2 124M decoding with a
key/value cache) under the same names, units, shapes and
protocol as the PyTorch reference torch_ref.py, and writes a results file
that torch_ref.py --compare reads.

Protocol: each workload runs in its own child process (so its peak resident
memory is its own), builds its model and random data (seeded by --seed), warms
up for at least 2 iterations and --warmup seconds, then times at least
--min-iters iterations and --time seconds, each iteration on its own. The value
is the median of the per-iteration throughputs (the median latency for ms);
p10/p90, the aggregate rate and ms per iteration are in the JSON under "stats".
GFLOP/s follow the shared FLOP table (multiply-add = 2, matrix products only,
training = 3 x forward); %peak divides by peak/sgemm-4096 from the same run.
--threads sets GOMAXPROCS and the matrix kernels' threads; one thread, pinned,
is the main comparison. GRU cells are PyTorch's variant (reset gate applied
after the recurrent product).

Compare with PyTorch, back to back on the same core:
    taskset -c 0 recur bench --threads 1 --json recur_1t.json
    /usr/bin/python3 ../shared/bench/torch_ref.py --compare recur_1t.json \
        --baseline ../shared/bench/results/torch_ref_1t.json
or, better, run the reference right after recur on the same core:
    taskset -c 0 /usr/bin/python3 ../shared/bench/torch_ref.py --threads 1 \
        --json torch_1t.json --compare recur_1t.json
The speedup column is recur / PyTorch for throughputs and PyTorch / recur for
latencies: above 1 means recur is faster. Ratios within about 10% are a tie on
a shared machine.

Examples:
    recur bench --list
    recur bench --suite charlm-train --time 5
    recur bench --suite peak/sgemm-1024,charlm-sample --cpus 0 --json out.json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "suite", Value: "all", Usage: "comma-separated benchmarks or groups (peak, charlm-train, charlm-sample), or all; see --list"},
			&cli.IntFlag{Name: "threads", Value: 1, Usage: "GOMAXPROCS and matrix-kernel threads, 1 to 4x the CPUs (the main comparison is 1)"},
			&cli.Float64Flag{Name: "time", Value: 8, Usage: "minimum seconds of each timed loop (>= 0)"},
			&cli.Float64Flag{Name: "warmup", Value: 1, Usage: "minimum seconds of each warm-up (>= 0; at least 2 iterations are always run)"},
			&cli.IntFlag{Name: "min-iters", Value: 3, Usage: "minimum timed iterations (>= 1)"},
			&cli.Uint64Flag{Name: "seed", Value: 1234, Usage: "seed of the weights, data and samplers"},
			&cli.StringFlag{Name: "json", Usage: "write the results file (torch_ref.py's layout) to this path"},
			&cli.StringFlag{Name: "cpus", Usage: "pin to these CPUs first, like taskset -c (e.g. 0 or 0,1 or 0-1)"},
			&cli.BoolFlag{Name: "list", Usage: "list benchmark names, units and FLOPs per unit, then exit"},
			&cli.BoolFlag{Name: "in-process", Usage: "run every workload in this process (no child processes: no per-workload peak RSS; handy with --cpuprofile)"},
			&cli.StringFlag{Name: "child", Hidden: true, Usage: "internal: run this one workload and print its result line (used by the parent process)"},
		},
		Action: runBench,
	}
}

func benchOptions(c *cli.Context) (bench.Options, error) {
	secs := func(name string) (time.Duration, error) {
		v := c.Float64(name)
		if v < 0 || v > 86400 || v != v {
			return 0, fmt.Errorf("--%s must be in [0, 86400] seconds (got %g)", name, v)
		}
		return time.Duration(v * float64(time.Second)), nil
	}
	o := bench.Options{MinIters: c.Int("min-iters"), Seed: c.Uint64("seed"), Threads: c.Int("threads")}
	var err error
	if o.Time, err = secs("time"); err != nil {
		return o, err
	}
	if o.Warmup, err = secs("warmup"); err != nil {
		return o, err
	}
	return o, o.Validate()
}

func runBench(c *cli.Context) error {
	out, errOut := c.App.Writer, c.App.ErrWriter
	if c.Bool("list") {
		listBenchmarks(out)
		return nil
	}
	o, err := benchOptions(c)
	if err != nil {
		return err
	}
	if err := applyThreads(c); err != nil {
		return err
	}
	if s := c.String("cpus"); s != "" {
		cpus, err := bench.ParseCPUList(s)
		if err != nil {
			return err
		}
		if err := bench.Pin(cpus); err != nil {
			return err
		}
	}
	if name := c.String("child"); name != "" {
		return bench.ChildMain(c.Context, name, o, out)
	}
	suite := c.String("suite")
	ws, err := bench.Select(suite)
	if err != nil {
		return err
	}
	isolated := !c.Bool("in-process")
	var exe string
	if isolated {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("cannot find this program to start child processes (use --in-process): %w", err)
		}
	}
	env := bench.NewEnv(o, suite, isolated)
	fmt.Fprintf(out, "recur bench | threads %d | affinity %v | %s | %s | %s\n",
		o.Threads, env.Affinity, env.CPU.Model, env.BLAS, env.GoVersion)
	if o.Threads > len(env.Affinity) && len(env.Affinity) > 0 {
		fmt.Fprintf(errOut, "warning: %d threads on %d allowed CPU(s): oversubscribed, timings will be poor\n", o.Threads, len(env.Affinity))
	}

	start := time.Now()
	var results []bench.Result
	var failed []string
	for _, w := range ws {
		var r bench.Result
		if isolated {
			cmd := exec.Command(exe, childArgs(c, w.Name)...)
			cmd.Stderr = errOut
			r, err = bench.RunChild(c.Context, cmd)
		} else {
			r, err = bench.Run(c.Context, w, o)
		}
		if err != nil {
			if ctxErr := c.Context.Err(); ctxErr != nil {
				return fmt.Errorf("bench interrupted during %s: %w", w.Name, ctxErr)
			}
			fmt.Fprintf(errOut, "  %-40s FAILED: %v\n", w.Name, err)
			failed = append(failed, w.Name)
			continue
		}
		progressLine(out, r)
		results = append(results, r)
	}
	env.WallS = time.Since(start).Seconds()
	peak := bench.AddPeakFractions(results)
	env.PracticalPeakGFLOPS = peak

	fmt.Fprintf(out, "\nrecur (%s), %d thread(s), median of per-iteration throughput\n", env.BLAS, o.Threads)
	bench.WriteTable(out, results, peak)
	if path := c.String("json"); path != "" {
		rep := bench.Report{SchemaVersion: bench.SchemaVersion, Env: env, Results: results}
		if err := bench.WriteJSON(path, rep); err != nil {
			return fmt.Errorf("--json: %w", err)
		}
		fmt.Fprintf(out, "wrote %s; compare with: /usr/bin/python3 shared/bench/torch_ref.py --compare %s --baseline shared/bench/results/torch_ref_%dt.json\n",
			path, path, o.Threads)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d benchmark(s) failed: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}

// childArgs re-states this run's protocol flags for the child that runs one
// workload. Affinity is inherited from this process (and re-applied).
func childArgs(c *cli.Context, name string) []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	args := []string{"bench", "--child", name,
		"--threads", strconv.Itoa(c.Int("threads")),
		"--time", f(c.Float64("time")), "--warmup", f(c.Float64("warmup")),
		"--min-iters", strconv.Itoa(c.Int("min-iters")),
		"--seed", strconv.FormatUint(c.Uint64("seed"), 10)}
	if s := c.String("cpus"); s != "" {
		args = append(args, "--cpus", s)
	}
	return args
}

// progressLine reports one finished workload like torch_ref.py does.
func progressLine(w io.Writer, r bench.Result) {
	line := fmt.Sprintf("  %-40s %12.2f %-12s", r.Name, r.Value, r.Unit)
	if r.Stats != nil {
		line += fmt.Sprintf(" [%d it, %.2f ms/it]", r.Stats.Iters, r.Stats.IterMsMedian)
	}
	if r.GFLOPS > 0 && r.Unit != "GFLOP/s" {
		line += fmt.Sprintf("  %.2f GFLOP/s", r.GFLOPS)
	}
	if v, ok := r.Also[bench.AlsoPeakRSS]; ok {
		line += fmt.Sprintf("  %.1f MiB peak RSS", v)
	}
	fmt.Fprintln(w, line)
}

// listBenchmarks prints every benchmark of the shared suite, marking those
// recur does not implement yet.
func listBenchmarks(w io.Writer) {
	have := map[string]bool{}
	for _, n := range bench.Names() {
		have[n] = true
	}
	fmt.Fprintf(w, "%-40s %-12s %16s\n", "benchmark", "unit", "FLOPs per unit")
	for _, s := range bench.Specs() {
		fl := ""
		if s.FlopsPerUnit > 0 {
			fl = strconv.FormatInt(s.FlopsPerUnit, 10)
		}
		note := ""
		if !have[s.Name] {
			note = "  (not implemented yet)"
		}
		fmt.Fprintf(w, "%-40s %-12s %16s%s\n", s.Name, s.Unit, fl, note)
	}
	fmt.Fprintln(w, "(first-token: FLOPs per prompt; peak/*: the value already is GFLOP/s)")
}
