// Package serve puts recur's models behind an HTTP API and a small web
// playground, both served by the same binary (`recur serve`).
//
// The API lives under /v1/:
//
//	POST /v1/generate   continue a prompt; "stream": true sends tokens as
//	                    server-sent events as they are sampled; with
//	                    "candidates": N (1..MaxCandidates, streamed only)
//	                    each token event also carries the N most likely
//	                    next tokens: {"text", "id", "p_raw", "p_sampled",
//	                    "chosen"}, p_raw before and p_sampled after
//	                    temperature / top-k / top-p
//	POST /v1/translate  translate a batch of sentences (greedy, sampled or
//	                    beam search), with attention weights per output token
//	POST /v1/caption    caption an uploaded image (multipart field "image")
//	POST /v1/classify   classify an uploaded image or a text
//	GET  /v1/models     every loaded model: task, vocabulary, parameters and
//	                    training metadata
//	GET  /healthz       200 while serving, 503 while shutting down
//	GET  /metrics       Prometheus text format: requests, latencies, tokens,
//	                    and the standard go_* and process_* metrics
//	GET  /              the web playground (embedded HTML, CSS and JS)
//
// Errors are JSON, {"error": {"code": "invalid_field", "field": "top_p",
// "message": "top_p must be in (0, 1] (got 2)"}}, with the status code HTTP
// gives them: 400 bad input, 404 unknown model or route, 405 wrong method,
// 413 body too large, 429 overloaded (with Retry-After), 503 shutting down,
// 504 when the per-request timeout cut the decoding short.
//
// # Protecting the server
//
// The limits follow what established inference servers do. Every request
// field is validated before any model runs; request bodies are capped
// (http.MaxBytesReader); image dimensions are checked from the header before
// any pixel is decoded (cnn.DecodeImage). Inference runs under a context that
// carries the per-request timeout and is cancelled when the client goes away;
// the decoding loops check it before every step, so an abandoned request
// costs at most one more step. At most MaxConcurrency requests decode at
// once and at most MaxQueue wait for a slot; beyond that the server answers
// 429 immediately with Retry-After, so overload sheds load instead of
// growing latency without bound. The http.Server has ReadHeaderTimeout,
// ReadTimeout, WriteTimeout, IdleTimeout and MaxHeaderBytes set. Shutting
// down (SIGTERM) first drains: for Config.Drain (default 5 s) the server
// keeps accepting connections but answers /healthz and new work with 503 and
// Retry-After, so a load balancer sees the instance leave, while in-flight
// and queued requests go on; then it closes the listener and waits up to
// ShutdownTimeout for in-flight requests to finish.
//
// # Metrics without a client library
//
// /metrics is written by hand in the Prometheus text format (metrics.go,
// process_metrics.go), including the series the official Go client's
// default collectors export, under the same names: go_goroutines,
// go_threads, go_info, go_gc_duration_seconds, go_memstats_*, and on Linux
// process_cpu_seconds_total, process_open_fds, process_max_fds,
// process_resident_memory_bytes, process_virtual_memory_bytes and
// process_start_time_seconds (read from /proc/self, as the client's procfs
// collector does). We chose this over github.com/prometheus/client_golang
// because the library would be recur's largest dependency for about 200
// lines of output: it brings client_model, common, procfs, xxhash, perks,
// klauspost/compress and google.golang.org/protobuf, all of which a user's
// first `go run ./cmd/recur` would download and compile, while the server
// needs no metric the text format cannot carry (no exemplars, no native
// histograms, no push). A test parses the output with a strict checker of
// the text format. If /metrics ever needs those features, switching is
// contained in these two files.
//
// Models are loaded once and shared by every request: inference only reads
// the weights and each call builds its own decoder state.
package serve
