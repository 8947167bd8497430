package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Every part runs exactly once per call, whether the workers are spinning,
// parked (after spinFor) or busy with another call (nested or concurrent
// callers fall back to fresh goroutines).
func TestParallel(t *testing.T) {
	old := spinFor.Load()
	spinFor.Store(int64(time.Millisecond))
	defer spinFor.Store(old)
	check := func(parts int, nested bool) {
		var hits [5]atomic.Int32
		Parallel(parts, func(i int) {
			hits[i].Add(1)
			if nested {
				var inner atomic.Int32
				Parallel(3, func(int) { inner.Add(1) })
				if inner.Load() != 3 {
					t.Errorf("nested call ran %d of 3 parts", inner.Load())
				}
			}
		})
		for i := range parts {
			if n := hits[i].Load(); n != 1 {
				t.Fatalf("%d parts: part %d ran %d times", parts, i, n)
			}
		}
	}
	for round := range 50 {
		check(1+round%5, round%7 == 3)
		if round%10 == 9 {
			time.Sleep(3 * time.Millisecond) // let the workers park
		}
	}
	var wg sync.WaitGroup
	for range 8 { // concurrent callers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				check(4, false)
			}
		}()
	}
	wg.Wait()
}

// With one OS thread for Go code the workers cannot start while the caller
// runs, so the caller takes their parts back: every call still runs each
// part exactly once and returns without waiting for a worker's turn.
func TestParallelTakesBackUnclaimedParts(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var late atomic.Int32 // parts run after part 0 finished: on the caller, with one thread
	for range 200 {
		var hits [4]atomic.Int32
		var callerDone atomic.Bool
		Parallel(4, func(i int) {
			hits[i].Add(1)
			if i == 0 {
				callerDone.Store(true)
			} else if callerDone.Load() {
				late.Add(1)
			}
		})
		for i := range hits {
			if n := hits[i].Load(); n != 1 {
				t.Fatalf("part %d ran %d times", i, n)
			}
		}
	}
	if late.Load() == 0 {
		t.Error("no part was taken back by the caller")
	}
}

// A matrix-vector product split over the workers allocates nothing: batch-1
// sampling does one per layer per token.
func TestSplitGemvAllocatesNothing(t *testing.T) {
	old := Threads()
	SetThreads(2)
	defer SetThreads(old)
	m, n := 2048, 512 // at the split threshold: a medium LSTM's recurrent matrix
	if m*n < parallelGemv {
		t.Fatalf("%d×%d is not split (threshold %d)", m, n, parallelGemv)
	}
	a, x, y := make([]float32, m*n), make([]float32, n), make([]float32, m)
	for _, trans := range []bool{false, true} {
		yy, xx := y, x
		if trans {
			yy, xx = make([]float32, n), make([]float32, m)
		}
		Sgemv(trans, m, n, 1, a, n, xx, 0, yy) // warm the pool
		if allocs := testing.AllocsPerRun(20, func() { Sgemv(trans, m, n, 1, a, n, xx, 0, yy) }); allocs != 0 {
			t.Errorf("transA=%v: a split Sgemv allocates %v times per call", trans, allocs)
		}
	}
}

// A few rows times a large Wᵀ (beam hypotheses times the output layer) is
// split over B's rows on two threads: the same result as one thread, and no
// allocation per call.
func TestSplitSmallRowsMatchesAndAllocatesNothing(t *testing.T) {
	old := Threads()
	defer SetThreads(old)
	const m, n, k = 5, 3001, 512
	if n*k < parallelGemv {
		t.Fatalf("%d×%d is not split (threshold %d)", n, k, parallelGemv)
	}
	a, b := make([]float32, m*k), make([]float32, n*k)
	for i := range a {
		a[i] = float32(i%13) - 6
	}
	for i := range b {
		b[i] = float32(i%7) - 3
	}
	c1, c2 := make([]float32, m*n), make([]float32, m*n)
	SetThreads(1)
	Sgemm(false, true, m, n, k, 0.5, a, k, b, k, 0, c1, n)
	SetThreads(2)
	Sgemm(false, true, m, n, k, 0.5, a, k, b, k, 0, c2, n)
	for i := range c1 {
		if c1[i] != c2[i] {
			t.Fatalf("c[%d]: one thread %v, two threads %v", i, c1[i], c2[i])
		}
	}
	if allocs := testing.AllocsPerRun(20, func() { Sgemm(false, true, m, n, k, 0.5, a, k, b, k, 0, c2, n) }); allocs != 0 {
		t.Errorf("a split small-rows product allocates %v times per call", allocs)
	}
}
