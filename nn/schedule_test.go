package nn

import (
	"fmt"
	"math"
	"testing"
)

// Golden values by hand for peak 1e-3, MinLR 1e-4, Warmup 10, DecaySteps
// 100 (nanoGPT's get_lr):
//
//	step 0:   1e-3·1/11  = 9.0909091e-5   (warm-up never starts at 0)
//	step 9:   1e-3·10/11 = 9.0909091e-4
//	step 10:  r = 0, cos 0 = 1              → 1e-3
//	step 25:  r = 15/90 = 1/6, cos(π/6) = √3/2, ½(1+√3/2) = 0.9330127
//	          → 1e-4 + 0.9330127·9e-4 = 9.3971143e-4
//	step 55:  r = ½, cos(π/2) = 0           → 1e-4 + ½·9e-4 = 5.5e-4
//	step 85:  r = 5/6, ½(1−√3/2) = 0.0669873 → 1e-4 + 0.0669873·9e-4 = 1.6028857e-4
//	step 100: r = 1, cos π = −1             → 1e-4
//	step 101, 10⁶: past the decay           → 1e-4
func TestScheduleGolden(t *testing.T) {
	s := Schedule{Warmup: 10, DecaySteps: 100, MinLR: 1e-4}
	for _, tt := range []struct {
		step int
		want float64
	}{
		{0, 9.0909091e-5}, {9, 9.0909091e-4}, {10, 1e-3}, {25, 9.3971143e-4}, {55, 5.5e-4},
		{85, 1.6028857e-4}, {100, 1e-4}, {101, 1e-4}, {1_000_000, 1e-4},
	} {
		if got := s.LR(1e-3, tt.step); math.Abs(got-tt.want) > 1e-11 {
			t.Errorf("LR(step %d) = %.10g, want %.10g", tt.step, got, tt.want)
		}
	}
	// No warm-up: the first step is at the peak.
	if got := (Schedule{DecaySteps: 10}).LR(0.5, 0); got != 0.5 {
		t.Errorf("no warm-up: step 0 lr %g, want 0.5", got)
	}
	// Monotone: up during warm-up, down after.
	prev := 0.0
	for step := 0; step <= 120; step++ {
		lr := s.LR(1e-3, step)
		if step <= 10 && lr < prev || step > 10 && lr > prev {
			t.Fatalf("not monotone at step %d: %g after %g", step, lr, prev)
		}
		prev = lr
	}
}

func ExampleSchedule() {
	s := CosineSchedule(6e-4, 2, 10) // nanoGPT: MinLR = peak/10
	for step := range 12 {
		fmt.Printf("%.2e ", s.LR(6e-4, step))
	}
	fmt.Println()
	// Output: 2.00e-04 4.00e-04 6.00e-04 5.79e-04 5.21e-04 4.33e-04 3.30e-04 2.27e-04 1.39e-04 8.06e-05 6.00e-05 6.00e-05
}
