package bench

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// maxCPUs is the number of CPUs a unix.CPUSet can hold (1024 on Linux).
const maxCPUs = int(unsafe.Sizeof(unix.CPUSet{})) * 8

// ParseCPUList parses a taskset-style CPU list such as "0", "0,1" or "0-3,6"
// into sorted, distinct CPU numbers.
func ParseCPUList(s string) ([]int, error) {
	seen := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(strings.TrimSpace(hi))
		}
		if err != nil || a < 0 || b < a || b >= maxCPUs {
			return nil, fmt.Errorf("--cpus: bad entry %q in %q (want N or N-M with 0 <= N <= M, e.g. 0,1 or 0-3)", part, s)
		}
		for c := a; c <= b; c++ {
			seen[c] = true
		}
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("--cpus: %q lists no CPU (e.g. 0 or 0,1)", s)
	}
	out := make([]int, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	sort.Ints(out)
	return out, nil
}

// Pin restricts the whole process to cpus, like taskset -c. Linux affinity
// is per thread and Go already runs several, so every thread in
// /proc/self/task is pinned; threads started later, and child processes,
// inherit the mask from the thread that creates them.
func Pin(cpus []int) error {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return fmt.Errorf("--cpus: %w", err)
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := unix.SchedSetaffinity(tid, &set); err != nil {
			if err == unix.ESRCH { // the thread exited meanwhile
				continue
			}
			return fmt.Errorf("--cpus %v: sched_setaffinity: %w (this machine has %d CPUs, 0-%d)", cpus, err, runtime.NumCPU(), runtime.NumCPU()-1)
		}
	}
	return nil
}

// Affinity returns the CPUs the calling thread may run on, or nil if the
// kernel does not say.
func Affinity() []int {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil
	}
	var out []int
	for c := 0; c < maxCPUs && len(out) < set.Count(); c++ {
		if set.IsSet(c) {
			out = append(out, c)
		}
	}
	return out
}
