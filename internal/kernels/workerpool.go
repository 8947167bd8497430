package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// spinFor (nanoseconds) is how long an idle worker keeps polling for its next part before
// it parks. A parked worker is a sleeping OS thread, and on a virtual
// machine its idle vCPU may be descheduled too: waking it for a product of
// a fraction of a millisecond cost more than the product (two-thread
// training ran at about 1.1× one thread). OpenBLAS's threads spin for the
// same reason. The spinning happens only between parallel calls of one
// computation, a few hundred microseconds apart at most; a worker that
// sees no work for this long parks and costs nothing.
var spinFor atomic.Int64

func init() { spinFor.Store(int64(2 * time.Millisecond)) }

// Task is work split into parts: RunPart(i, t) does part i of t.
type Task interface{ RunPart(i, t int) }

// posted is one part handed to a worker.
type posted struct {
	task Task
	i, t int
}

// worker is one persistent goroutine running the parts 1..t-1 of a call.
type worker struct {
	part   atomic.Pointer[posted]
	slot   posted // the part being posted; part points here while it is pending
	parked atomic.Bool
	wake   chan struct{}
	_      [40]byte // keep workers on separate cache lines
}

var pool struct {
	mu      sync.Mutex // held by the one call using the workers
	workers []*worker
	pending atomic.Int64
}

// numCPU is the number of logical CPUs: with more threads than that, a
// spinning worker would take a core from the thread doing the work, so
// workers then park at once.
var numCPU = runtime.NumCPU()

func (w *worker) run() {
	for {
		start := time.Now()
		spin := time.Duration(spinFor.Load())
		if Threads() > numCPU {
			spin = 0
		}
		for spins := 0; ; spins++ {
			// Claim the part with a CAS: the caller may take it back (see
			// RunParallel) if this thread was slow to get to it.
			if p := w.part.Load(); p != nil && w.part.CompareAndSwap(p, nil) {
				p.task.RunPart(p.i, p.t)
				pool.pending.Add(-1)
				start, spins = time.Now(), 0
				continue
			}
			if spins%64 == 63 {
				if time.Since(start) > spin {
					break
				}
				runtime.Gosched()
			}
		}
		// Park: announce it, then look once more so a part posted in between
		// is not missed (the poster wakes only workers that announced).
		w.parked.Store(true)
		if w.part.Load() != nil {
			if w.parked.CompareAndSwap(true, false) {
				continue
			}
			<-w.wake // the poster saw parked first and is sending
			continue
		}
		<-w.wake
	}
}

// post hands part i of t to the worker, waking it if it parked.
func (w *worker) post(task Task, i, t int) {
	w.slot = posted{task, i, t}
	w.part.Store(&w.slot)
	if w.parked.CompareAndSwap(true, false) {
		w.wake <- struct{}{}
	}
}

// funcTask adapts a function of the part number to Task.
type funcTask func(part int)

func (f funcTask) RunPart(i, _ int) { f(i) }

// Parallel runs f(0), …, f(t−1) concurrently and returns when all are done;
// f(0) runs on the calling goroutine, the others on persistent workers. A
// call made while another call holds the workers (nested, or from another
// goroutine) runs its extra parts on fresh goroutines instead. f usually
// escapes to the heap; per-token paths use RunParallel with a pooled Task.
func Parallel(t int, f func(part int)) { RunParallel(t, funcTask(f)) }

// RunParallel is Parallel for a Task: with a Task that is already a pointer
// (a pooled job, say) a call allocates nothing.
func RunParallel(t int, task Task) {
	if t <= 1 {
		task.RunPart(0, 1)
		return
	}
	if !pool.mu.TryLock() {
		var wg sync.WaitGroup
		wg.Add(t - 1)
		for i := 1; i < t; i++ {
			go func() {
				defer wg.Done()
				task.RunPart(i, t)
			}()
		}
		task.RunPart(0, t)
		wg.Wait()
		return
	}
	defer pool.mu.Unlock()
	for len(pool.workers) < t-1 {
		w := &worker{wake: make(chan struct{}, 1)}
		pool.workers = append(pool.workers, w)
		go w.run()
	}
	pool.pending.Store(int64(t - 1))
	for i := 1; i < t; i++ {
		pool.workers[i-1].post(task, i, t)
	}
	task.RunPart(0, t)
	// Take back the parts no worker has claimed yet and run them here. On a
	// machine shared with other processes a worker's thread may be off its
	// core for a whole time slice: waiting for it made two threads several
	// times slower than one, where now the call finishes at one thread's
	// speed at worst. Only parts a worker already runs are waited for.
	for i := 1; i < t; i++ {
		w := pool.workers[i-1]
		if w.part.CompareAndSwap(&w.slot, nil) {
			task.RunPart(i, t)
			pool.pending.Add(-1)
		}
	}
	for spins := 0; pool.pending.Load() != 0; spins++ {
		if spins%64 == 63 {
			runtime.Gosched()
		}
	}
}
