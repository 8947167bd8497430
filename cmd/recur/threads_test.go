package main

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// --threads accepts exactly what its help promises: 1 to the number of CPUs
// (it used to accept up to 4x the CPU count).
func TestThreadsRangeMatchesHelp(t *testing.T) {
	if !strings.Contains(threadsFlag.Usage, "1 to the number of CPUs") {
		t.Fatalf("--threads help changed: %q; update this test with it", threadsFlag.Usage)
	}
	missing := filepath.Join(t.TempDir(), "missing.model")
	n := runtime.NumCPU()
	want := fmt.Sprintf("--threads must be in [1, %d]", n)
	for _, bad := range []int{0, n + 1, 4 * n} {
		err := run(t, "generate", "--model", missing, "--threads", strconv.Itoa(bad))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--threads %d: error %v, want it to mention %q", bad, err, want)
		}
	}
	// n itself is accepted: the command gets past the flag check and fails
	// on the missing model instead.
	if err := run(t, "generate", "--model", missing, "--threads", strconv.Itoa(n)); err == nil || strings.Contains(err.Error(), "--threads") {
		t.Errorf("--threads %d: error %v, want the missing-model error", n, err)
	}
}

// serve --drain is validated with the rest of the server's settings.
func TestServeDrainFlag(t *testing.T) {
	err := run(t, "serve", "--drain", "-1s", "--no-builtin")
	if err == nil || !strings.Contains(err.Error(), "--drain must be >= 0") {
		t.Errorf("serve --drain -1s: %v, want it to name --drain", err)
	}
}
