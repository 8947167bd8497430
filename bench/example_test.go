package bench_test

import (
	"context"
	"fmt"
	"time"

	"github.com/recur-dev/recur/bench"
)

// Select a group of the shared suite and run one workload under a short
// protocol. recur bench does the same in one child process per workload.
func ExampleRun() {
	ws, err := bench.Select("charlm-train/small-lstm")
	if err != nil {
		fmt.Println(err)
		return
	}
	o := bench.DefaultOptions()
	o.Time, o.Warmup = 20*time.Millisecond, 0
	r, err := bench.Run(context.Background(), ws[0], o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Name, r.Unit, r.FlopsPerUnit, r.Stats.Iters >= 3)
	// Output: charlm-train/small-lstm chars/s 836352 true
}

// Unknown names are errors that list what is valid.
func ExampleSelect() {
	_, err := bench.Select("charlm-trian")
	fmt.Println(err != nil)
	ws, _ := bench.Select("peak")
	for _, w := range ws {
		fmt.Println(w.Name, w.Unit)
	}
	// Output:
	// true
	// peak/sgemm-1024 GFLOP/s
	// peak/sgemm-4096 GFLOP/s
	// peak/sgemm-32x512x2048 GFLOP/s
	// peak/sgemv-4096x1024 GFLOP/s
	// peak/stream-512mib GB/s
}

// The %-of-peak column divides by peak/sgemm-4096 from the same run.
func ExampleAddPeakFractions() {
	rs := []bench.Result{
		{Name: "peak/sgemm-4096", Unit: "GFLOP/s", Value: 150, GFLOPS: 150},
		{Name: "charlm-train/medium-lstm", Unit: "chars/s", Value: 3000, GFLOPS: 3000 * 25365504 / 1e9},
	}
	peak := bench.AddPeakFractions(rs)
	fmt.Printf("peak %.0f GFLOP/s, medium-lstm %.1f%%\n", peak, rs[1].Also[bench.AlsoPeak])
	// Output: peak 150 GFLOP/s, medium-lstm 50.7%
}
