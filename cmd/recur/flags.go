package main

import (
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/internal/kernels"
)

// threadsFlag is shared by every command that computes.
var threadsFlag = &cli.IntFlag{Name: "threads", Value: runtime.NumCPU(),
	Usage: "cores the matrix kernels may use (1 to the number of CPUs)"}

func applyThreads(c *cli.Context) error {
	n := c.Int("threads")
	if n < 1 || n > 4*runtime.NumCPU() {
		return fmt.Errorf("--threads must be in [1, %d] (got %d)", 4*runtime.NumCPU(), n)
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
