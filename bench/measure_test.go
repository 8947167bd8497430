package bench

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

// Expected values computed with Python 3.11:
//
//	statistics.median(xs)
//	statistics.quantiles(xs, n=10, method="inclusive")[0] / [-1]
func TestQuantile(t *testing.T) {
	tests := []struct {
		name    string
		data    []float64
		q, want float64
	}{
		{"median odd", []float64{1, 2, 3, 4, 5}, 0.5, 3},
		{"median even", []float64{1, 2, 3, 4}, 0.5, 2.5},
		{"p10 of 1..5", []float64{1, 2, 3, 4, 5}, 0.1, 1.4},
		{"p90 of 1..5", []float64{1, 2, 3, 4, 5}, 0.9, 4.6},
		{"p10 of 1..10", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.1, 1.9},
		{"p90 of 1..10", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9, 9.1},
		{"single", []float64{7}, 0.9, 7},
		{"q=0", []float64{1, 9}, 0, 1},
		{"q=1", []float64{1, 9}, 1, 9},
	}
	for _, tt := range tests {
		if got := Quantile(tt.data, tt.q); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: Quantile(%v, %g) = %g, want %g", tt.name, tt.data, tt.q, got, tt.want)
		}
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("Quantile(nil) is not NaN")
	}
}

// Hand-made iteration times: 0.1, 0.2, 0.4, 0.5 s for steps of 10 units,
// rates 100, 50, 25, 20 units/s.
func TestSummarize(t *testing.T) {
	st := Summarize([]float64{0.2, 0.1, 0.5, 0.4}, 10, 2)
	want := Stats{
		MedianRate:    37.5,              // (25+50)/2
		P10Rate:       20 + 0.3*(25-20),  // position 0.3 in [20 25 50 100]
		P90Rate:       50 + 0.7*(100-50), // position 2.7
		AggregateRate: 40.0 / 1.2,
		Iters:         4, WarmupIters: 2,
		IterMsMedian: 300, IterMsP10: 130, IterMsP90: 470, IterMsMin: 100,
	}
	close := func(a, b float64) bool { return math.Abs(a-b) < 1e-9*math.Max(1, math.Abs(b)) }
	if !close(st.MedianRate, want.MedianRate) || !close(st.P10Rate, want.P10Rate) ||
		!close(st.P90Rate, want.P90Rate) || !close(st.AggregateRate, want.AggregateRate) ||
		st.Iters != want.Iters || st.WarmupIters != want.WarmupIters ||
		!close(st.IterMsMedian, want.IterMsMedian) || !close(st.IterMsP10, want.IterMsP10) ||
		!close(st.IterMsP90, want.IterMsP90) || !close(st.IterMsMin, want.IterMsMin) {
		t.Errorf("Summarize = %+v\nwant        %+v", st, want)
	}
}

// The protocol's minimum iteration counts hold even with zero time budgets.
func TestMeasureCounts(t *testing.T) {
	n := 0
	o := Options{MinIters: 3, Threads: 1}
	st, err := Measure(context.Background(), func() error { n++; return nil }, 1, o)
	if err != nil {
		t.Fatal(err)
	}
	if st.WarmupIters != 2 || st.Iters != 3 || n != 5 {
		t.Errorf("warm-up %d, timed %d, calls %d; want 2, 3, 5", st.WarmupIters, st.Iters, n)
	}
}

func TestMeasureErrors(t *testing.T) {
	boom := errors.New("boom")
	o := Options{MinIters: 3, Threads: 1}
	if _, err := Measure(context.Background(), func() error { return boom }, 1, o); !errors.Is(err, boom) {
		t.Errorf("step error not returned: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Measure(ctx, func() error { return nil }, 1, o); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	bad := []Options{
		{Time: -time.Second, MinIters: 1, Threads: 1},
		{Warmup: -1, MinIters: 1, Threads: 1},
		{MinIters: 0, Threads: 1},
		{MinIters: 1, Threads: 0},
	}
	for _, o := range bad {
		if _, err := Measure(context.Background(), func() error { return nil }, 1, o); err == nil {
			t.Errorf("Measure accepted %+v", o)
		}
	}
}
