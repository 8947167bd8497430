// Command loadtest drives a recur server on the loopback interface with
// concurrent clients mixing the endpoints, and reports throughput, latency
// percentiles, status codes and the server's memory before and after.
// It is bounded (clients × duration) and refuses non-loopback targets.
//
//	go run ./serve/loadtest                      # starts its own server in-process
//	go run ./serve/loadtest -url http://127.0.0.1:8080 -clients 50 -duration 30s
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/recur-dev/recur/serve"
)

func main() {
	target := flag.String("url", "", "server to test (loopback only); empty starts one in this process")
	clients := flag.Int("clients", 50, "concurrent clients, 1 to 500")
	duration := flag.Duration("duration", 30*time.Second, "how long to run, at most 10m")
	image := flag.String("image", "testdata/scene.png", "image for /v1/caption")
	var extra []string
	flag.Func("model", "extra model file for the in-process server, repeatable (e.g. a translator)", func(s string) error {
		extra = append(extra, s)
		return nil
	})
	flag.Parse()
	if *clients < 1 || *clients > 500 || *duration <= 0 || *duration > 10*time.Minute {
		log.Fatalf("-clients must be in [1, 500] and -duration in (0, 10m] (got %d, %v)", *clients, *duration)
	}
	img, err := os.ReadFile(*image)
	if err != nil {
		log.Fatalf("-image: %v", err)
	}
	var srv *serve.Server
	if *target == "" {
		var stop func()
		srv, *target, stop = startServer(extra, *clients)
		defer stop()
	}
	u, err := url.Parse(*target)
	if err != nil {
		log.Fatalf("-url: %v", err)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Fatalf("-url %s is not a loopback address: this load test only targets this machine", *target)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}, Timeout: time.Minute}
	get := func(path string) (int, []byte) {
		resp, err := client.Get(*target + path)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	_, models := get("/v1/models")

	jobs := loadJobs(models, img)
	memBefore := heap(srv)
	start := time.Now()
	samples, transportErrors := runClients(client, *target, jobs, *clients, time.Now().Add(*duration))
	elapsed := time.Since(start)
	client.CloseIdleConnections()
	memAfter := heap(srv)

	fmt.Printf("load test: %d clients for %v against %s (GOMAXPROCS %d)\n", *clients, *duration, *target, runtime.GOMAXPROCS(0))
	fmt.Printf("%-16s %8s %10s %10s %10s  %s\n", "endpoint", "requests", "p50", "p99", "max", "status codes")
	all := summarise(-1, samples, jobs[0].name)
	for j := range jobs {
		s := summarise(j, samples, jobs[j].name)
		fmt.Println(s.line)
	}
	fmt.Println(all.line)
	fmt.Printf("throughput: %.1f requests/s; 5xx: %d; transport errors: %d\n", float64(len(samples))/elapsed.Seconds(), all.fivexx, transportErrors)
	if srv != nil {
		fmt.Printf("server heap in use after GC: before %.1f MiB, after %.1f MiB; goroutines %d\n", memBefore, memAfter, runtime.NumGoroutine())
	}
	if all.fivexx > 0 || transportErrors > 0 {
		os.Exit(1)
	}
}

// job is one kind of request the clients send in turn.
type job struct {
	name, path, ctype string
	body              []byte
}

// loadJobs is the request mix: generation (plain and streamed), the model
// list, a bad request, and translation and captioning when the server has
// such models (a caption request expecting 404 otherwise).
func loadJobs(models, img []byte) []job {
	hasTranslate := bytes.Contains(models, []byte(`"task":"translate"`))
	hasCaption := bytes.Contains(models, []byte(`"task":"caption"`))
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("image", "scene.png")
	fw.Write(img)
	mw.Close()
	jobs := []job{
		{"generate", "/v1/generate", "application/json", []byte(`{"prompt":"ROMEO:","length":100,"temperature":0.8}`)},
		{"generate-stream", "/v1/generate", "application/json", []byte(`{"prompt":"JULIET:","length":100,"stream":true}`)},
		{"models", "/v1/models", "", nil},
		{"bad-request", "/v1/generate", "application/json", []byte(`{"length":-1}`)},
	}
	if hasTranslate {
		jobs = append(jobs, job{"translate", "/v1/translate", "application/json", []byte(`{"text":["I am cold.","Where is the station?"],"beam":3}`)})
	}
	if hasCaption {
		jobs = append(jobs, job{"caption", "/v1/caption", mw.FormDataContentType(), form.Bytes()})
	} else {
		jobs = append(jobs, job{"caption-404", "/v1/caption", mw.FormDataContentType(), form.Bytes()})
	}

	return jobs
}

// runClients has n clients send the jobs in turn until deadline and
// returns every response's timing and the transport errors.
func runClients(client *http.Client, target string, jobs []job, n int, deadline time.Time) ([]sample, int64) {
	var mu sync.Mutex
	var samples []sample
	var transportErrors atomic.Int64
	var wg sync.WaitGroup
	for c := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []sample
			for i := c; time.Now().Before(deadline); i++ {
				j := i % len(jobs)
				t0 := time.Now()
				var resp *http.Response
				var err error
				if jobs[j].body == nil {
					resp, err = client.Get(target + jobs[j].path)
				} else {
					resp, err = client.Post(target+jobs[j].path, jobs[j].ctype, bytes.NewReader(jobs[j].body))
				}
				if err != nil {
					transportErrors.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				local = append(local, sample{j, resp.StatusCode, time.Since(t0)})
			}
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return samples, transportErrors.Load()
}

// startServer starts an in-process server with the built-in models and
// the extra model files on a loopback port; stop shuts it down.
func startServer(extra []string, clients int) (srv *serve.Server, target string, stop func()) {
	reg := serve.NewRegistry()
	reg.AddBuiltins()
	for _, path := range extra {
		if _, err := reg.LoadFile(path); err != nil {
			log.Fatalf("-model: %v", err)
		}
	}
	cfg := serve.DefaultConfig()
	cfg.MaxConcurrency, cfg.MaxQueue = runtime.NumCPU(), 4*clients
	srv, err := serve.New(cfg, reg, nil)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go srv.Serve(ctx, ln)
	return srv, "http://" + ln.Addr().String(), cancel
}

type summary struct {
	line   string
	fivexx int
}

// sample is one request's outcome.
type sample struct {
	job    int
	status int
	d      time.Duration
}

func summarise(j int, samples []sample, name string) summary {
	var ds []time.Duration
	codes := map[int]int{}
	five := 0
	for _, s := range samples {
		if j >= 0 && s.job != j {
			continue
		}
		ds = append(ds, s.d)
		codes[s.status]++
		if s.status >= 500 {
			five++
		}
	}
	if j < 0 {
		name = "all"
	}
	if len(ds) == 0 {
		return summary{line: fmt.Sprintf("%-16s %8d", name, 0)}
	}
	slices.Sort(ds)
	pct := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	keys := make([]int, 0, len(codes))
	for k := range codes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	cs := ""
	for _, k := range keys {
		cs += fmt.Sprintf("%d×%d ", k, codes[k])
	}
	r := func(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
	return summary{line: fmt.Sprintf("%-16s %8d %10s %10s %10s  %s", name, len(ds), r(pct(0.5)), r(pct(0.99)), r(ds[len(ds)-1]), cs), fivexx: five}
}

// heap is the in-process server's live heap after a full GC (MiB); 0 when
// the server is another process (watch its /metrics or RSS instead).
func heap(srv *serve.Server) float64 {
	if srv == nil {
		return 0
	}
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse) / (1 << 20)
}
