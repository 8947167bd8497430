package bench

import (
	"context"
	"testing"
	"time"
)

// Smoke runs of the cheap workloads with a 50 ms loop (like
// `recur bench --time 0.05 --warmup 0`): they set up, step, and report a
// positive figure. No timing is asserted; the machine is shared.
func TestRunSmoke(t *testing.T) {
	o := Options{Time: 50 * time.Millisecond, Warmup: 0, MinIters: 3, Seed: 1234, Threads: 1}
	names := []string{"charlm-train/small-lstm", "peak/sgemm-32x512x2048", "peak/sgemv-4096x1024"}
	if !testing.Short() {
		names = append(names, "charlm-sample/medium-lstm-tokens")
	}
	for _, name := range names {
		w, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Run(context.Background(), w, o)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r.Value <= 0 || r.Stats.Iters < 3 || r.Stats.WarmupIters < 2 || r.GFLOPS <= 0 {
			t.Errorf("%s: %+v %+v", name, r, *r.Stats)
		}
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	w, _ := Lookup("peak/sgemv-4096x1024")
	if _, err := Run(context.Background(), w, Options{MinIters: 0, Threads: 1}); err == nil {
		t.Error("Run accepted MinIters 0")
	}
}

// The first-token case can be stepped repeatedly (it zeroes its state
// before each prompt) and reports one unit (a latency) per step.
func TestSampleFirstTokenCase(t *testing.T) {
	if testing.Short() {
		t.Skip("medium model set-up")
	}
	c, err := setupSample(1, true)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := c.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if c.Units != 1 || c.Extra["prompt_len"] != promptLen {
		t.Errorf("case = %+v", c)
	}
}
