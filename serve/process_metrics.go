package serve

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// The standard Go and process metrics, under the names the Prometheus Go
// client library uses (go_goroutines, go_memstats_*, process_*), so existing
// dashboards and alerts work unchanged. They are written by hand like the
// rest of /metrics: see the package documentation for why there is no
// client library.

// gauge and counter write one unlabelled series with its HELP and TYPE.
func gauge(w io.Writer, name, help string, v float64) { series(w, name, help, "gauge", v) }

func counter(w io.Writer, name, help string, v float64) { series(w, name, help, "counter", v) }

func series(w io.Writer, name, help, typ string, v float64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", name, help, name, typ, name, formatFloat(v))
}

// formatFloat writes a sample value as the text format expects: Go's
// shortest 'g' form, with +Inf, -Inf and NaN spelled the Prometheus way.
func formatFloat(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64) // "+Inf", "-Inf", "NaN" already
}

// writeGoMetrics writes the Go runtime's metrics. ReadMemStats stops the
// world for well under a millisecond; a scrape every few seconds is fine.
func writeGoMetrics(w io.Writer) {
	gauge(w, "go_goroutines", "Number of goroutines that currently exist.", float64(runtime.NumGoroutine()))
	gauge(w, "go_threads", "Number of OS threads created.", float64(pprof.Lookup("threadcreate").Count()))
	fmt.Fprintf(w, "# HELP go_info Information about the Go environment.\n# TYPE go_info gauge\ngo_info{version=%q} 1\n", runtime.Version())

	var gc debug.GCStats
	gc.PauseQuantiles = make([]time.Duration, 5) // min, 25%, 50%, 75%, max
	debug.ReadGCStats(&gc)
	fmt.Fprintln(w, "# HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.")
	fmt.Fprintln(w, "# TYPE go_gc_duration_seconds summary")
	for i, q := range []string{"0", "0.25", "0.5", "0.75", "1"} {
		v := 0.0
		if gc.NumGC > 0 {
			v = gc.PauseQuantiles[i].Seconds()
		}
		fmt.Fprintf(w, "go_gc_duration_seconds{quantile=%q} %s\n", q, formatFloat(v))
	}
	fmt.Fprintf(w, "go_gc_duration_seconds_sum %s\n", formatFloat(gc.PauseTotal.Seconds()))
	fmt.Fprintf(w, "go_gc_duration_seconds_count %d\n", gc.NumGC)

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	for _, s := range []struct {
		name, help string
		counter    bool
		v          uint64
	}{
		{"go_memstats_alloc_bytes", "Number of bytes allocated in heap and currently in use.", false, ms.Alloc},
		{"go_memstats_alloc_bytes_total", "Total number of bytes allocated in heap, even if freed.", true, ms.TotalAlloc},
		{"go_memstats_sys_bytes", "Number of bytes obtained from the system.", false, ms.Sys},
		{"go_memstats_lookups_total", "Total number of pointer lookups.", true, ms.Lookups},
		{"go_memstats_mallocs_total", "Total number of heap objects allocated.", true, ms.Mallocs},
		{"go_memstats_frees_total", "Total number of heap objects freed.", true, ms.Frees},
		{"go_memstats_heap_alloc_bytes", "Number of heap bytes allocated and currently in use.", false, ms.HeapAlloc},
		{"go_memstats_heap_sys_bytes", "Number of heap bytes obtained from the system.", false, ms.HeapSys},
		{"go_memstats_heap_idle_bytes", "Number of heap bytes waiting to be used.", false, ms.HeapIdle},
		{"go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use.", false, ms.HeapInuse},
		{"go_memstats_heap_released_bytes", "Number of heap bytes released to the OS.", false, ms.HeapReleased},
		{"go_memstats_heap_objects", "Number of currently allocated heap objects.", false, ms.HeapObjects},
		{"go_memstats_stack_inuse_bytes", "Number of bytes in use by the stack allocator.", false, ms.StackInuse},
		{"go_memstats_stack_sys_bytes", "Number of bytes obtained from the system for the stack allocator.", false, ms.StackSys},
		{"go_memstats_mspan_inuse_bytes", "Number of bytes in use by mspan structures.", false, ms.MSpanInuse},
		{"go_memstats_mspan_sys_bytes", "Number of bytes used for mspan structures obtained from the system.", false, ms.MSpanSys},
		{"go_memstats_mcache_inuse_bytes", "Number of bytes in use by mcache structures.", false, ms.MCacheInuse},
		{"go_memstats_mcache_sys_bytes", "Number of bytes used for mcache structures obtained from the system.", false, ms.MCacheSys},
		{"go_memstats_buck_hash_sys_bytes", "Number of bytes used by the profiling bucket hash table.", false, ms.BuckHashSys},
		{"go_memstats_gc_sys_bytes", "Number of bytes used for garbage collection system metadata.", false, ms.GCSys},
		{"go_memstats_other_sys_bytes", "Number of bytes used for other system allocations.", false, ms.OtherSys},
		{"go_memstats_next_gc_bytes", "Number of heap bytes when the next garbage collection will take place.", false, ms.NextGC},
	} {
		if s.counter {
			counter(w, s.name, s.help, float64(s.v))
		} else {
			gauge(w, s.name, s.help, float64(s.v))
		}
	}
	gauge(w, "go_memstats_last_gc_time_seconds", "Number of seconds since 1970 of last garbage collection.", float64(ms.LastGC)/1e9)
}

// processStart is the fallback start time where /proc is missing.
var processStart = time.Now()

// writeProcessMetrics writes the process_* metrics. On Linux they come from
// /proc/self (as the Prometheus client's procfs collector reads them);
// elsewhere only process_start_time_seconds is written (from when this
// package was initialised), since the rest has no portable source.
func writeProcessMetrics(w io.Writer) {
	p, err := readProcSelf()
	if err != nil {
		gauge(w, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", float64(processStart.UnixNano())/1e9)
		return
	}
	counter(w, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", p.cpuSeconds)
	gauge(w, "process_open_fds", "Number of open file descriptors.", float64(p.openFDs))
	if p.maxFDs >= 0 {
		gauge(w, "process_max_fds", "Maximum number of open file descriptors.", float64(p.maxFDs))
	}
	gauge(w, "process_resident_memory_bytes", "Resident memory size in bytes.", float64(p.rss))
	gauge(w, "process_virtual_memory_bytes", "Virtual memory size in bytes.", float64(p.vsize))
	gauge(w, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", p.start)
}

type procSelf struct {
	cpuSeconds float64
	openFDs    int
	maxFDs     int64 // -1 when unknown or unlimited
	rss, vsize uint64
	start      float64 // unix seconds
}

// userHZ is the kernel's clock-tick rate for /proc times (sysconf
// _SC_CLK_TCK). It is 100 on every Linux architecture Go supports; the
// Prometheus procfs package assumes the same.
const userHZ = 100

// readProcSelf parses /proc/self/stat (proc(5)): the fields after the
// command name in parentheses, which may itself hold spaces or ')'.
func readProcSelf() (*procSelf, error) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return nil, fmt.Errorf("/proc/self/stat: no command name")
	}
	f := strings.Fields(string(stat[i+1:]))
	// f[0] is field 3 (state); field k of proc(5) is f[k-3].
	if len(f) < 22 {
		return nil, fmt.Errorf("/proc/self/stat: %d fields", len(f)+2)
	}
	num := func(k int) uint64 { v, _ := strconv.ParseUint(f[k-3], 10, 64); return v }
	p := &procSelf{
		cpuSeconds: float64(num(14)+num(15)) / userHZ,
		vsize:      num(23),
		rss:        num(24) * uint64(os.Getpagesize()),
		maxFDs:     -1,
	}
	if boot, err := bootTime(); err == nil {
		p.start = float64(boot) + float64(num(22))/userHZ
	} else {
		p.start = float64(processStart.UnixNano()) / 1e9
	}
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		p.openFDs = len(ents)
	}
	if lim, err := os.ReadFile("/proc/self/limits"); err == nil {
		for _, line := range strings.Split(string(lim), "\n") {
			if rest, ok := strings.CutPrefix(line, "Max open files"); ok {
				if fs := strings.Fields(rest); len(fs) > 0 {
					if v, err := strconv.ParseInt(fs[0], 10, 64); err == nil {
						p.maxFDs = v
					}
				}
			}
		}
	}
	return p, nil
}

// bootTime reads the "btime" line of /proc/stat: boot time in unix seconds.
func bootTime() (int64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "btime "); ok {
			return strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
		}
	}
	return 0, fmt.Errorf("/proc/stat: no btime")
}
