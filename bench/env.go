package bench

import (
	"bufio"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/recur-dev/recur/internal/kernels"
)

// NewEnv describes this process for the results file: framework "recur",
// the thread count, current CPU affinity, CPU model, which kernels run the
// matrix products, the Go version and the protocol settings.
func NewEnv(o Options, suite string, isolated bool) Env {
	return Env{
		Tool:         "recur bench",
		Framework:    "recur",
		Threads:      o.Threads,
		Affinity:     Affinity(),
		CPU:          CPU{Model: cpuModel("/proc/cpuinfo"), LogicalCPUs: runtime.NumCPU()},
		BLAS:         "recur kernels " + kernels.Features(),
		GoVersion:    runtime.Version(),
		Platform:     runtime.GOOS + "/" + runtime.GOARCH,
		TimestampUTC: time.Now().UTC().Format(time.RFC3339),
		Settings: Settings{TimeS: o.Time.Seconds(), WarmupS: o.Warmup.Seconds(), MinIters: o.MinIters,
			Seed: o.Seed, Suite: suite, Isolated: isolated},
	}
}

// cpuModel returns the first "model name" of a /proc/cpuinfo file, or
// "unknown".
func cpuModel(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// SetThreads makes n cores available to a workload the way the reference's
// --threads does for PyTorch and OpenBLAS: GOMAXPROCS (Go's scheduler) and
// the matrix kernels' goroutine split both become n.
func SetThreads(n int) {
	if n < 1 {
		n = 1
	}
	runtime.GOMAXPROCS(n)
	kernels.SetThreads(n)
}
