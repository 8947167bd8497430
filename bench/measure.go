package bench

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"time"
)

// Options are the protocol settings shared by every workload; they mirror
// torch_ref.py's --time, --warmup, --min-iters, --seed and --threads.
type Options struct {
	Time     time.Duration // minimum wall time of the timed loop
	Warmup   time.Duration // minimum wall time of the warm-up
	MinIters int           // minimum timed iterations
	Seed     uint64        // seeds weights, data and samplers
	Threads  int           // GOMAXPROCS and kernel threads (informational here; SetThreads applies it)
}

// DefaultOptions are torch_ref.py's defaults: 8 s timed, 1 s warm-up, at least
// 3 timed iterations, seed 1234, one thread.
func DefaultOptions() Options {
	return Options{Time: 8 * time.Second, Warmup: time.Second, MinIters: 3, Seed: 1234, Threads: 1}
}

// Validate names the first bad field.
func (o Options) Validate() error {
	switch {
	case o.Time < 0:
		return fmt.Errorf("--time must be >= 0 (got %v)", o.Time)
	case o.Warmup < 0:
		return fmt.Errorf("--warmup must be >= 0 (got %v)", o.Warmup)
	case o.MinIters < 1:
		return fmt.Errorf("--min-iters must be >= 1 (got %d)", o.MinIters)
	case o.Threads < 1:
		return fmt.Errorf("--threads must be >= 1 (got %d)", o.Threads)
	}
	return nil
}

// Stats are the per-iteration statistics of one measurement, with
// torch_ref.py's field names. Rates are units per second; the p10/p90 are
// linearly interpolated deciles (Python's statistics.quantiles, "inclusive").
type Stats struct {
	MedianRate    float64 `json:"median_rate"`
	P10Rate       float64 `json:"p10_rate"`
	P90Rate       float64 `json:"p90_rate"`
	AggregateRate float64 `json:"aggregate_rate"`
	Iters         int     `json:"iters"`
	WarmupIters   int     `json:"warmup_iters"`
	IterMsMedian  float64 `json:"iter_ms_median"`
	IterMsP10     float64 `json:"iter_ms_p10"`
	IterMsP90     float64 `json:"iter_ms_p90"`
	IterMsMin     float64 `json:"iter_ms_min"`
}

// Measure runs step under the protocol: a warm-up of at least 2 iterations
// and o.Warmup, then a timed loop of at least o.MinIters iterations and
// o.Time, each iteration timed on its own. units is the work one step does
// (characters, tokens, GFLOPs; 1 for a latency). A garbage collection before
// the warm-up starts every workload from the same heap, as the reference's
// gc.collect() does. The first error of step, or ctx ending, stops it.
func Measure(ctx context.Context, step func() error, units float64, o Options) (Stats, error) {
	if err := o.Validate(); err != nil {
		return Stats{}, err
	}
	runtime.GC()
	var st Stats
	t0 := time.Now()
	for st.WarmupIters < 2 || time.Since(t0) < o.Warmup {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if err := step(); err != nil {
			return st, fmt.Errorf("warm-up iteration %d: %w", st.WarmupIters+1, err)
		}
		st.WarmupIters++
	}
	var secs []float64
	start := time.Now()
	for len(secs) < o.MinIters || time.Since(start) < o.Time {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		t := time.Now()
		if err := step(); err != nil {
			return st, fmt.Errorf("timed iteration %d: %w", len(secs)+1, err)
		}
		secs = append(secs, time.Since(t).Seconds())
	}
	return Summarize(secs, units, st.WarmupIters), nil
}

// Summarize turns per-iteration times (seconds) into Stats for steps of
// units work each. A zero time (a clock too coarse for the step) is counted
// as one nanosecond so no rate is infinite.
func Summarize(secs []float64, units float64, warmup int) Stats {
	st := Stats{Iters: len(secs), WarmupIters: warmup}
	if len(secs) == 0 {
		return st
	}
	rates := make([]float64, len(secs))
	ms := make([]float64, len(secs))
	total := 0.0
	for i, s := range secs {
		s = math.Max(s, 1e-9)
		rates[i] = units / s
		ms[i] = s * 1e3
		total += s
	}
	sort.Float64s(rates)
	sort.Float64s(ms)
	st.MedianRate = Quantile(rates, 0.5)
	st.P10Rate = Quantile(rates, 0.1)
	st.P90Rate = Quantile(rates, 0.9)
	st.AggregateRate = units * float64(len(secs)) / total
	st.IterMsMedian = Quantile(ms, 0.5)
	st.IterMsP10 = Quantile(ms, 0.1)
	st.IterMsP90 = Quantile(ms, 0.9)
	st.IterMsMin = ms[0]
	return st
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of ascending data by linear
// interpolation between closest ranks: position p = q·(n−1), value
// x[⌊p⌋] + (p−⌊p⌋)·(x[⌊p⌋+1] − x[⌊p⌋]). This is Python's
// statistics.quantiles(method="inclusive") at the decile cut points and
// statistics.median at q = 0.5 (the mean of the two middle values for even
// n). Empty data gives NaN.
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	if n == 1 || q <= 0 {
		return sorted[0]
	}
	if q >= 1 {
		return sorted[n-1]
	}
	p := q * float64(n-1)
	j := int(p)
	frac := p - float64(j)
	if j+1 >= n {
		return sorted[n-1]
	}
	return sorted[j] + frac*(sorted[j+1]-sorted[j])
}
