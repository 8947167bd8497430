package bench

import (
	"fmt"
	"math/rand/v2"

	"github.com/recur-dev/recur/internal/kernels"
)

// streamBytes is the array peak/stream-512mib reads: 512 MiB of float32,
// far larger than any cache, so one pass measures DRAM bandwidth.
const streamBytes = 512 << 20

// streamBlock is how many values are summed in float32 before the partial
// sum is added into a float64 (4096 values, 16 KiB).
const streamBlock = 4096

// peak/stream-512mib is the memory ceiling of batch-1 decoding: a GPT-2 124M
// token reads about 500 MB of float32 weights, so tokens/s can be at most
// this figure divided by the weight bytes. Like torch_ref.py (one pass of
// torch.sum over a 128 Mi-element float32 tensor) the unit is GB/s with
// 1 GB = 1e9 bytes and no FLOP constant.
func init() {
	mustRegister(Workload{Spec: spec("peak/stream-512mib"), Setup: func(o Options) (*Case, error) {
		return setupStream(streamBytes/4, kernels.Threads(), o.Seed)
	}})
}

// setupStream builds a Case that sums n float32 values once per Step, split
// into threads contiguous ranges (as torch.sum splits its reduction over
// its intra-op threads).
func setupStream(n, threads int, seed uint64) (*Case, error) {
	if n < 1 {
		return nil, fmt.Errorf("stream: bad length %d", n)
	}
	threads = max(1, threads)
	big := make([]float32, n)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	// Values only matter for the checksum; filling pages also commits them
	// so the timed pass does not measure page faults.
	for i := range big {
		big[i] = float32(rng.NormFloat64())
	}
	partial := make([]float64, threads)
	var total float64
	c := &Case{
		Units: float64(4*n) / 1e9,
		Extra: map[string]any{"bytes": 4 * n, "threads": threads, "kernels": kernels.Features(),
			"note": "sum of a float32 array, one pass (16 KiB blocks summed in float32, added in float64)"},
		Step: func() error {
			kernels.Parallel(threads, func(part int) {
				lo, hi := part*n/threads, (part+1)*n/threads
				partial[part] = streamSum(big[lo:hi])
			})
			total = 0
			for _, s := range partial {
				total += s
			}
			return nil
		},
	}
	return c, nil
}

// streamSum adds x up with the vectorised sum kernel, one block at a time:
// x is read once from memory and nothing else is (an earlier version dotted
// blocks with a cached vector of ones, which spent a load port on the ones).
// Blocks are accumulated in float64 so the checksum does not drift on
// 128 Mi terms.
func streamSum(x []float32) float64 {
	var s float64
	for len(x) > 0 {
		k := min(len(x), streamBlock)
		s += float64(kernels.Sum(x[:k]))
		x = x[k:]
	}
	return s
}
