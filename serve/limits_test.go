package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// startHTTP serves s on a loopback port with the server's own timeouts.
func startHTTP(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(s.Handler())
	ts.Config = s.httpServer(context.Background())
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

func post(t *testing.T, c *http.Client, url, body string) (*http.Response, error) {
	t.Helper()
	return c.Post(url, "application/json", strings.NewReader(body))
}

// Five times the concurrency cap at once: the cap runs, the queue waits
// and succeeds, the excess gets 429 with Retry-After at once; nothing
// else fails.
func TestOverload(t *testing.T) {
	cfg := testConfig()
	cfg.MaxConcurrency, cfg.MaxQueue = 2, 2
	s := newTestServer(t, cfg, nil)
	ts := startHTTP(t, s)
	n := 5 * cfg.MaxConcurrency
	type result struct {
		code       int
		retryAfter string
		took       time.Duration
	}
	results := make(chan result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			t0 := time.Now()
			resp, err := post(t, ts.Client(), ts.URL+"/v1/generate", `{"prompt":"ROMEO:","length":1500,"seed":1}`)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			results <- result{resp.StatusCode, resp.Header.Get("Retry-After"), time.Since(t0)}
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	var ok, busy int
	for r := range results {
		switch r.code {
		case 200:
			ok++
		case 429:
			busy++
			if r.retryAfter != "1" {
				t.Errorf("429 with Retry-After %q, want 1", r.retryAfter)
			}
			if r.took > time.Second {
				t.Errorf("429 took %v, want it at once", r.took)
			}
		default:
			t.Errorf("status %d", r.code)
		}
	}
	if want := n - cfg.MaxConcurrency - cfg.MaxQueue; busy != want || ok != n-want {
		t.Errorf("%d × 200 and %d × 429, want %d and %d", ok, busy, n-want, want)
	}
}

// The per-request timeout stops decoding: 504 JSON for a plain request, an
// error event for a stream.
func TestRequestTimeout(t *testing.T) {
	cfg := testConfig()
	cfg.RequestTimeout = 30 * time.Millisecond
	s := newTestServer(t, cfg, nil)
	t0 := time.Now()
	w := do(s, "POST", "/v1/generate", "", []byte(`{"prompt":"ROMEO:","length":2000}`))
	if w.Code != 504 || !strings.Contains(w.Body.String(), CodeTimeout) {
		t.Fatalf("got %s, want 504 timeout", statusOf(w))
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("timed-out request took %v", d)
	}
	w = do(s, "POST", "/v1/generate", "", []byte(`{"prompt":"ROMEO:","length":2000,"stream":true}`))
	ev := sseEvents(w.Body.String())
	if last := ev[len(ev)-1]; last[0] != "error" || !strings.Contains(last[1], CodeTimeout) {
		t.Fatalf("stream ends with %v, want an error event with code timeout", last)
	}
	w = do(s, "POST", "/v1/translate", "", []byte(`{"text":["I am cold."],"beam":10,"max_len":200}`))
	if w.Code != 200 && w.Code != 504 {
		t.Fatalf("translate: %s", statusOf(w))
	}
}

// A client that goes away mid-request (not streamed) stops the decoding:
// the request is logged as 499 long before the generation could finish.
func TestClientDisconnectStopsDecoding(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	s := newTestServer(t, testConfig(), &lockedWriter{w: &buf, mu: &mu})
	ts := startHTTP(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/v1/generate", strings.NewReader(`{"prompt":"ROMEO:","length":2000}`))
	t0 := time.Now()
	if resp, err := ts.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("request finished before the client gave up; make it longer")
	}
	for {
		mu.Lock()
		logged := strings.Contains(buf.String(), `"status":499`)
		mu.Unlock()
		if logged && s.lim.inUse() == 0 {
			break
		}
		if time.Since(t0) > 5*time.Second {
			t.Fatalf("no 499 logged 5 s after the client left:\n%s", buf.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Closing 100 streams right after their first token leaves no goroutine
// behind, and the decoding stopped early (few tokens were generated).
func TestStreamDisconnectLeavesNoGoroutine(t *testing.T) {
	s := newTestServer(t, testConfig(), nil)
	ts := startHTTP(t, s)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	firstToken := func() {
		resp, err := post(t, client, ts.URL+"/v1/generate", `{"prompt":"ROMEO:","length":2000,"stream":true}`)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() && sc.Text() != "event: token" {
		}
		resp.Body.Close()
	}
	firstToken()
	baseline := settle(0)
	for range 100 {
		firstToken()
	}
	client.CloseIdleConnections()
	if got := settle(baseline); got > baseline {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines after 100 abandoned streams, baseline %d:\n%s", got, baseline, buf[:runtime.Stack(buf, true)])
	}
	var tokens int
	for _, line := range strings.Split(metricsText(s), "\n") {
		if strings.HasPrefix(line, `recur_tokens_generated_total{endpoint="generate"}`) {
			json.Unmarshal([]byte(strings.Fields(line)[1]), &tokens)
		}
	}
	if tokens > 101*2000/4 {
		t.Errorf("%d tokens generated for 101 streams abandoned after one token: decoding did not stop", tokens)
	}
}

// settle waits (up to 5 s) for the goroutine count to reach target and
// returns the last count; target 0 waits for it to stop changing.
func settle(target int) int {
	deadline := time.Now().Add(5 * time.Second)
	prev := -1
	for {
		runtime.GC()
		n := runtime.NumGoroutine()
		if (target > 0 && n <= target) || (target == 0 && n == prev) || time.Now().After(deadline) {
			return n
		}
		prev = n
		time.Sleep(50 * time.Millisecond)
	}
}

func metricsText(s *Server) string {
	return do(s, "GET", "/metrics", "", nil).Body.String()
}

// SIGTERM (ctx cancelled): new work is refused, the stream in flight runs
// to its end, and Serve returns cleanly.
func TestGracefulShutdown(t *testing.T) {
	s := newTestServer(t, testConfig(), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := post(t, client, url+"/v1/generate", `{"prompt":"ROMEO:","length":600,"stream":true,"seed":1}`)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() && sc.Text() != "event: token" {
	}
	cancel()
	// Work arriving now is refused: 503 from the draining handler, or the
	// connection refused once the listener is closed.
	time.Sleep(20 * time.Millisecond)
	if r, err := post(t, client, url+"/v1/generate", `{"length":5}`); err == nil {
		if r.StatusCode != 503 {
			t.Errorf("new request during shutdown: %d, want 503 or a refused connection", r.StatusCode)
		}
		r.Body.Close()
	}
	if w := do(s, "POST", "/v1/translate", "", []byte(`{"text":"a"}`)); w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Errorf("draining server: %s, want 503 with Retry-After", statusOf(w))
	}
	if w := do(s, "GET", "/healthz", "", nil); w.Code != 503 {
		t.Errorf("healthz while draining: %d, want 503", w.Code)
	}
	var last string
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "event: ") {
			last = sc.Text()
		}
	}
	if last != "event: done" {
		t.Errorf("in-flight stream ended with %q, want event: done", last)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the in-flight request finished")
	}
}

// The limiter hands out exactly its slots, queues exactly its queue, and
// refuses the rest at once.
func TestLimiter(t *testing.T) {
	l := newLimiter(2, 1, time.Second)
	ctx := context.Background()
	r1, e1 := l.acquire(ctx)
	r2, e2 := l.acquire(ctx)
	if e1 != nil || e2 != nil || l.inUse() != 2 {
		t.Fatal("two slots not granted")
	}
	got := make(chan *APIError)
	go func() {
		r, e := l.acquire(ctx)
		if e == nil {
			r()
		}
		got <- e
	}()
	for l.waiting() != 1 {
		time.Sleep(time.Millisecond)
	}
	if _, e := l.acquire(ctx); e == nil || e.Status != 429 {
		t.Fatalf("third waiter: %v, want 429", e)
	}
	r1()
	if e := <-got; e != nil {
		t.Fatalf("queued request: %v", e)
	}
	r2()
	short := newLimiter(1, 1, 10*time.Millisecond)
	r, _ := short.acquire(ctx)
	if _, e := short.acquire(ctx); e == nil || e.Status != 429 {
		t.Fatalf("queue timeout: %v, want 429", e)
	}
	r()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	r, _ = short.acquire(ctx)
	if _, e := short.acquire(cctx); e == nil || e.Status != statusClientClosed {
		t.Fatalf("cancelled waiter: %v", e)
	}
	r()
}
