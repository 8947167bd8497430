package serve

import (
	"bufio"
	"context"
	"errors"
	"io"
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
// request in flight and the one queued behind it both finish, and then the
// listener closes. Loopback only; the drain is one second.
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

	// In flight: a long stream, holding the only slot.
	stream, err := post(t, client, url+"/v1/generate", `{"prompt":"ROMEO:","length":600,"stream":true,"seed":1}`)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	sc := bufio.NewScanner(stream.Body)
	for sc.Scan() && sc.Text() != "event: token" {
	}
	// Queued: waits for the slot.
	type result struct {
		status int
		err    error
	}
	queued := make(chan result, 1)
	go func() {
		r, err := post(t, client, url+"/v1/generate", `{"prompt":"A","length":20,"seed":2}`)
		if err != nil {
			queued <- result{err: err}
			return
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		queued <- result{status: r.StatusCode}
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

	var last string
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "event: ") {
			last = sc.Text()
		}
	}
	if last != "event: done" {
		t.Errorf("in-flight stream ended with %q, want event: done", last)
	}
	if q := <-queued; q.err != nil || q.status != http.StatusOK {
		t.Errorf("queued request: status %d, err %v; want 200", q.status, q.err)
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
