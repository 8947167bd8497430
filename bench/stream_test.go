package bench

import (
	"math"
	"testing"
)

// The stream row joins torch_ref.py's: same name, GB/s, no FLOP constant,
// 512 MiB read per iteration. The workload itself is not run here (it
// allocates 512 MiB); a small array checks the sum instead.
func TestStreamWorkload(t *testing.T) {
	w, err := Lookup("peak/stream-512mib")
	if err != nil {
		t.Fatal(err)
	}
	if w.Unit != "GB/s" || w.FlopsPerUnit != 0 || w.Group() != "peak" || w.HigherIsBetter() != true {
		t.Errorf("spec %+v, want GB/s, no FLOPs, group peak, higher is better", w.Spec)
	}
	if streamBytes != 512*1024*1024 {
		t.Errorf("streamBytes = %d, want 512 MiB", streamBytes)
	}
	for _, tt := range []struct{ n, threads int }{{1, 1}, {10_000, 1}, {10_001, 2}, {3, 4}} {
		c, err := setupStream(tt.n, tt.threads, 1)
		if err != nil {
			t.Fatal(err)
		}
		if want := float64(4*tt.n) / 1e9; c.Units != want {
			t.Errorf("n=%d: Units %g GB, want %g", tt.n, c.Units, want)
		}
		if err := c.Step(); err != nil {
			t.Fatal(err)
		}
	}
	// The blocked sum equals a plain float64 sum up to float32 rounding
	// inside each 4096-element block.
	x := make([]float32, 3*streamBlock+5)
	var want float64
	for i := range x {
		x[i] = float32(i%7) - 3
		want += float64(x[i])
	}
	if got := streamSum(x); math.Abs(got-want) > 1e-3 {
		t.Errorf("streamSum = %g, want %g", got, want)
	}
	if _, err := setupStream(0, 1, 1); err == nil {
		t.Error("setupStream(0) succeeded")
	}
}
