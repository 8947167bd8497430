package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// PeakRSSMiB returns this process's peak resident set size in MiB, the
// kernel's high-water mark VmHWM from /proc/self/status. Measured at the end
// of a child process that ran one workload, it is that workload's peak
// memory, Go runtime and binary included.
func PeakRSSMiB() (float64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("peak RSS: %w", err)
	}
	kib, err := parseStatusKiB(bytes.NewReader(b), "VmHWM")
	if err != nil {
		return 0, fmt.Errorf("peak RSS: /proc/self/status: %w", err)
	}
	return float64(kib) / 1024, nil
}

// parseStatusKiB finds a "Key:   1234 kB" line of a /proc/PID/status file.
func parseStatusKiB(r io.Reader, key string) (int64, error) {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("line %d: %s is %q, want \"N kB\"", line, key, strings.TrimSpace(v))
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("line %d: %s is %q, want a count of kB", line, key, f[0])
		}
		return n, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s line", key)
}
