package serve

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// After SIGTERM (ctx cancelled) the server keeps listening for Config.Drain:
// a new connection's /healthz and new work get 503 with Retry-After (before
// the drain existed the listener closed at once and they were refused), the
// work in flight (a slot the test holds) and the stream queued behind it both
// finish, and then the listener closes. Loopback only; the drain is one second.
func TestDrainKeepsListeningWith503(t *testing.T) {
	cfg := testConfig()
	cfg.MaxConcurrency, cfg.MaxQueue = 1, 4
	cfg.Drain = time.Second
	s := newTestServer(t, cfg, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}

	// In flight: the test holds the only slot itself, so what follows queues
	// whatever the machine's speed (a real request could finish before the
	// next one arrives, which made this test flaky under load).
	hold, apiErr := s.lim.acquire(context.Background())
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	// Queued: a stream that waits for the slot and must still be served,
	// to its end, during the drain.
	type result struct {
		resp *http.Response
		err  error
	}
	queued := make(chan result, 1)
	go func() {
		r, err := post(t, client, url+"/v1/generate", `{"prompt":"ROMEO:","length":600,"stream":true,"seed":1}`)
		queued <- result{r, err}
	}()
	for deadline := time.Now().Add(10 * time.Second); s.lim.waiting() != 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second request never queued")
		}
	}

	cancel() // SIGTERM
	for deadline := time.Now().Add(10 * time.Second); !s.draining.Load(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server did not start draining")
		}
	}
	// New connections are still accepted, and told to go elsewhere.
	r, err := client.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("healthz during the drain: %v (want a 503, not a refused connection)", err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("healthz during the drain: %d, want 503", r.StatusCode)
	}
	r, err = post(t, client, url+"/v1/translate", `{"text":["a"]}`)
	if err != nil {
		t.Fatalf("new work during the drain: %v (want a 503, not a refused connection)", err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Errorf("new work during the drain: %d, Retry-After %q; want 503 with Retry-After", r.StatusCode, r.Header.Get("Retry-After"))
	}

	hold() // the in-flight work ends; the queued stream gets the slot
	q := <-queued
	if q.err != nil {
		t.Fatalf("queued request: %v", q.err)
	}
	defer q.resp.Body.Close()
	if q.resp.StatusCode != http.StatusOK {
		t.Fatalf("queued request: status %d, want 200", q.resp.StatusCode)
	}
	var last string
	for sc := bufio.NewScanner(q.resp.Body); sc.Scan(); {
		if strings.HasPrefix(sc.Text(), "event: ") {
			last = sc.Text()
		}
	}
	if last != "event: done" {
		t.Errorf("queued stream ended with %q, want event: done", last)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return after the drain")
	}
	// Now the listener is closed.
	if _, err := client.Get(url + "/healthz"); err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("after shutdown: err %v, want connection refused", err)
	}
}

func TestDrainConfig(t *testing.T) {
	if d := DefaultConfig().Drain; d != 5*time.Second {
		t.Errorf("default Drain %v, want 5s", d)
	}
	c := DefaultConfig()
	c.Drain = -time.Second
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "drain") {
		t.Errorf("negative drain: %v", err)
	}
	c.Drain = 0
	if err := c.Validate(); err != nil {
		t.Errorf("zero drain: %v", err)
	}
}
