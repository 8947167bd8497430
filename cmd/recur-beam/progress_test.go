package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFormatProgress(t *testing.T) {
	for _, tc := range []struct {
		done, total int64
		elapsed     time.Duration
		want        string
	}{
		{0, 5000, 0, "0/5000 items (0.0%)  0.0 items/s  ETA ?"},
		{1250, 5000, 10 * time.Second, "1250/5000 items (25.0%)  125.0 items/s  ETA 0:30"},
		{5000, 5000, 40 * time.Second, "5000/5000 items (100.0%)  125.0 items/s  ETA 0:00"},
		{5003, 5000, 40 * time.Second, "5000/5000 items (100.0%)  125.0 items/s  ETA 0:00"}, // a retried bundle counted twice
		{100, 10_000_000, 10 * time.Second, "100/10000000 items (0.0%)  10.0 items/s  ETA 277:46:30"},
		{30, 0, 3 * time.Second, "30 items  10.0 items/s  0:03 elapsed"}, // total still being counted
	} {
		if got := formatProgress(tc.done, tc.total, tc.elapsed); got != tc.want {
			t.Errorf("formatProgress(%d, %d, %v) = %q, want %q", tc.done, tc.total, tc.elapsed, got, tc.want)
		}
	}
}

func TestClock(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0:00", 1499 * time.Millisecond: "0:01", 61 * time.Second: "1:01", time.Hour + 2*time.Minute + 3*time.Second: "1:02:03", -time.Second: "0:00"} {
		if got := clock(d); got != want {
			t.Errorf("clock(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestCountItems: the up-front total counts lines as readLinesFn reads
// them (the file of TestReadLines: five lines, the last without a line
// break), an empty file as none, and images as files.
func TestCountItems(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	os.WriteFile(a, []byte("one\r\n\ntwo \xc3\x28\n"+strings.Repeat("x", 70000)+"\nlast"), 0o644)
	b := filepath.Join(dir, "b.txt")
	os.WriteFile(b, []byte("x\ny\n"), 0o644)
	e := filepath.Join(dir, "empty.txt")
	os.WriteFile(e, nil, 0o644)
	ctx := context.Background()
	if n := countItems(ctx, Job{Model: ModelOptions{Task: "score"}}, []string{a, b, e}); n != 7 {
		t.Errorf("%d lines, want 5+2+0", n)
	}
	if n := countItems(ctx, Job{Model: ModelOptions{Task: "caption"}}, []string{a, b, e}); n != 3 {
		t.Errorf("%d images, want 3", n)
	}
}

func TestInProcessWorkers(t *testing.T) {
	for ro, want := range map[RunOptions]bool{
		{}:                true,
		{Runner: "prism"}: true,
		{Runner: "universal", EnvironmentType: "LOOPBACK"}: true,
		{Runner: "universal", EnvironmentType: "DOCKER"}:   false,
		{Runner: "dataflow"}:                               false,
	} {
		if got := inProcessWorkers(ro); got != want {
			t.Errorf("inProcessWorkers(%+v) = %v, want %v", ro, got, want)
		}
	}
}

// TestProgressCountsEveryItem runs a small job with progress on: the
// in-process counter ends at the number of inputs, dead letters included,
// and the terminal line is cleared at the end.
func TestProgressCountsEveryItem(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "in.txt"), []byte("ROMEO:\nbad \xff line\nJULIET:\n\nO Romeo, Romeo!\n"), 0o644)
	var w bytes.Buffer
	job := Job{Model: ModelOptions{Task: "score"}, Inputs: []string{filepath.Join(dir, "*.txt")},
		Output: filepath.Join(dir, "out", "ppl"), Shards: 1, Batch: 2, MaxLineBytes: 10000}
	s, err := RunJob(context.Background(), job, RunOptions{Progress: &w, ProgressTTY: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := itemsDone.Load(); got != 5 || s.Items != 5 || s.Failures != 1 {
		t.Errorf("progress counted %d items, summary %v; want 5 items, 1 failure", got, s)
	}
	if !strings.HasSuffix(w.String(), "\r\x1b[K") {
		t.Errorf("progress output %q does not end by clearing the line", w.String())
	}
}
