package bench

import (
	"strings"
	"testing"
	"time"
)

// benchWorkload times a registered workload's Step with the testing
// package's loop and reports its throughput in the workload's unit (or ms
// per call for a latency), plus GFLOP/s from the shared FLOP table, so
// `go test -bench` gives the same figures as `recur bench`, minus the
// median-of-iterations protocol.
func benchWorkload(b *testing.B, name string) {
	w, err := Lookup(name)
	if err != nil {
		b.Fatal(err)
	}
	c, err := w.Setup(DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Step(); err != nil { // warm-up: first-use allocations
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := c.Step(); err != nil {
			b.Fatal(err)
		}
	}
	secs := time.Since(start).Seconds()
	b.StopTimer()
	perIter := secs / float64(b.N)
	switch w.Unit {
	case "ms":
		b.ReportMetric(perIter*1e3, "ms")
		b.ReportMetric(float64(w.FlopsPerUnit)/perIter/1e9, "GFLOP/s")
	case "GFLOP/s":
		b.ReportMetric(c.Units/perIter, "GFLOP/s")
	default:
		rate := c.Units / perIter
		b.ReportMetric(rate, w.Unit)
		b.ReportMetric(rate*float64(w.FlopsPerUnit)/1e9, "GFLOP/s")
	}
}

// benchGroup runs every registered workload of a group as a sub-benchmark
// named after the part after '/' (BenchmarkCharLMTrain/small-lstm).
func benchGroup(b *testing.B, group string) {
	for _, w := range Workloads() {
		if w.Group() == group {
			b.Run(strings.TrimPrefix(w.Name, group+"/"), func(b *testing.B) { benchWorkload(b, w.Name) })
		}
	}
}

func BenchmarkPeak(b *testing.B)         { benchGroup(b, "peak") }
func BenchmarkCharLMTrain(b *testing.B)  { benchGroup(b, "charlm-train") }
func BenchmarkCharLMSample(b *testing.B) { benchGroup(b, "charlm-sample") }
func BenchmarkGPTTrain(b *testing.B)     { benchGroup(b, "gpt-train") }
func BenchmarkGPTSample(b *testing.B)    { benchGroup(b, "gpt-sample") }
