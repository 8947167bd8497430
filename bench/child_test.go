package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestParseChildOutput(t *testing.T) {
	good := ChildMarker + `{"name":"peak/sgemm-1024","unit":"GFLOP/s","value":12.5,"higher_is_better":true}`
	tests := []struct {
		out     string
		want    float64
		wantErr string
	}{
		{"noise\n" + good + "\nmore noise\n", 12.5, ""},
		{"nothing here\n", 0, "printed no"},
		{ChildMarker + "{bad json\n", 0, "child result line"},
		{ChildMarker + `{"value": 1}` + "\n", 0, "no name or unit"},
	}
	for _, tt := range tests {
		r, err := ParseChildOutput([]byte(tt.out))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseChildOutput(%q) error = %v, want %q", tt.out, err, tt.wantErr)
			}
			continue
		}
		if err != nil || r.Value != tt.want || r.Name != "peak/sgemm-1024" {
			t.Errorf("ParseChildOutput(%q) = %+v, %v", tt.out, r, err)
		}
	}
}

// helperEnv makes the test binary act as a benchmark child process (the way
// `recur bench --child NAME` does) when it re-runs itself.
const helperEnv = "RECUR_BENCH_HELPER_CHILD"

func TestHelperChild(t *testing.T) {
	name := os.Getenv(helperEnv)
	if name == "" {
		t.Skip("only runs as a child process of TestRunChild")
	}
	SetThreads(1)
	o := Options{Time: 10 * time.Millisecond, MinIters: 3, Seed: 1, Threads: 1}
	if err := ChildMain(context.Background(), name, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(0)
}

func TestRunChild(t *testing.T) {
	child := func(name string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperChild$")
		cmd.Env = append(os.Environ(), helperEnv+"="+name)
		return cmd
	}
	r, err := RunChild(context.Background(), child("peak/sgemv-4096x1024"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "peak/sgemv-4096x1024" || r.Value <= 0 || r.Also[AlsoPeakRSS] <= 0 || r.Stats == nil || r.Stats.Iters < 3 {
		t.Errorf("child result = %+v", r)
	}
	// The 16 MiB matrix must show in the child's own peak memory.
	if r.Also[AlsoPeakRSS] < 16 {
		t.Errorf("peak RSS %.1f MiB, below the 16 MiB matrix", r.Also[AlsoPeakRSS])
	}
	if _, err := RunChild(context.Background(), child("no/such")); err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("failing child: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RunChild(ctx, child("peak/sgemv-4096x1024")); err == nil {
		t.Error("cancelled child gave no error")
	}
}
