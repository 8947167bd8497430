package serve

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"
	"time"
)

// latencyBuckets are the histogram's upper bounds in seconds: from a cached
// 404 (milliseconds) to a long generation (a minute).
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// metrics counts requests, latencies and tokens, written by hand in the
// Prometheus text exposition format (version 0.0.4): no client library is
// needed for a handful of counters.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // {endpoint, code} → count
	hist     map[string]*histogram
	tokens   map[string]uint64 // endpoint → tokens generated
	started  time.Time
}

type histogram struct {
	counts []uint64 // per bucket (not cumulative)
	sum    float64
	n      uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]uint64{}, hist: map[string]*histogram{}, tokens: map[string]uint64{}, started: time.Now()}
}

func (m *metrics) observe(endpoint string, code int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{endpoint, strconv.Itoa(code)}]++
	h := m.hist[endpoint]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets))}
		m.hist[endpoint] = h
	}
	s := d.Seconds()
	for i, b := range latencyBuckets {
		if s <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += s
	h.n++
}

func (m *metrics) addTokens(endpoint string, n int) {
	if n <= 0 {
		return
	}
	m.mu.Lock()
	m.tokens[endpoint] += uint64(n)
	m.mu.Unlock()
}

// write renders every series, sorted so the output is stable.
func (m *metrics) write(w io.Writer, inFlight int, queued int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP recur_http_requests_total HTTP requests by endpoint and status code.")
	fmt.Fprintln(w, "# TYPE recur_http_requests_total counter")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		fmt.Fprintf(w, "recur_http_requests_total{endpoint=%q,code=%q} %d\n", k[0], k[1], m.requests[k])
	}
	fmt.Fprintln(w, "# HELP recur_http_request_duration_seconds Time from request to last byte, by endpoint.")
	fmt.Fprintln(w, "# TYPE recur_http_request_duration_seconds histogram")
	for _, ep := range sortedKeys(m.hist) {
		h := m.hist[ep]
		var cum uint64
		for i, b := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "recur_http_request_duration_seconds_bucket{endpoint=%q,le=%q} %d\n", ep, strconv.FormatFloat(b, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "recur_http_request_duration_seconds_bucket{endpoint=%q,le=\"+Inf\"} %d\n", ep, h.n)
		fmt.Fprintf(w, "recur_http_request_duration_seconds_sum{endpoint=%q} %g\n", ep, h.sum)
		fmt.Fprintf(w, "recur_http_request_duration_seconds_count{endpoint=%q} %d\n", ep, h.n)
	}
	fmt.Fprintln(w, "# HELP recur_tokens_generated_total Tokens produced by the models, by endpoint.")
	fmt.Fprintln(w, "# TYPE recur_tokens_generated_total counter")
	for _, ep := range sortedKeys(m.tokens) {
		fmt.Fprintf(w, "recur_tokens_generated_total{endpoint=%q} %d\n", ep, m.tokens[ep])
	}
	fmt.Fprintln(w, "# HELP recur_inflight_requests Requests holding a model slot.")
	fmt.Fprintln(w, "# TYPE recur_inflight_requests gauge")
	fmt.Fprintf(w, "recur_inflight_requests %d\n", inFlight)
	fmt.Fprintln(w, "# HELP recur_queued_requests Requests waiting for a model slot.")
	fmt.Fprintln(w, "# TYPE recur_queued_requests gauge")
	fmt.Fprintf(w, "recur_queued_requests %d\n", queued)
	fmt.Fprintln(w, "# HELP recur_uptime_seconds Seconds since the server started.")
	fmt.Fprintln(w, "# TYPE recur_uptime_seconds gauge")
	fmt.Fprintf(w, "recur_uptime_seconds %g\n", time.Since(m.started).Seconds())
	writeGoMetrics(w)
	writeProcessMetrics(w)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
