package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// Server serves the models of a Registry over HTTP.
type Server struct {
	cfg      Config
	models   *Registry
	log      *slog.Logger
	lim      *limiter
	met      *metrics
	mux      *http.ServeMux
	draining atomic.Bool
	nextID   atomic.Uint64
}

// New builds a server; log nil discards request logs.
func New(cfg Config, models *Registry, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if models == nil {
		models = NewRegistry()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, models: models, log: log, lim: newLimiter(cfg.MaxConcurrency, cfg.MaxQueue, cfg.QueueTimeout), met: newMetrics()}
	s.mux = http.NewServeMux()
	s.route("/v1/generate", "generate", http.MethodPost, s.handleGenerate)
	s.route("/v1/translate", "translate", http.MethodPost, s.handleTranslate)
	s.route("/v1/caption", "caption", http.MethodPost, s.handleCaption)
	s.route("/v1/classify", "classify", http.MethodPost, s.handleClassify)
	s.route("/v1/models", "models", http.MethodGet, s.handleModels)
	s.route("/healthz", "healthz", http.MethodGet, s.handleHealth)
	s.route("/metrics", "metrics", http.MethodGet, s.handleMetrics)
	s.route("/v1/", "not_found", "", func(w http.ResponseWriter, r *http.Request) *APIError {
		return &APIError{Status: http.StatusNotFound, Code: CodeNotFound,
			Message: fmt.Sprintf("no endpoint %s (valid: /v1/generate, /v1/translate, /v1/caption, /v1/classify, /v1/models)", r.URL.Path)}
	})
	s.route("/", "web", http.MethodGet, s.handleWeb)
	return s, nil
}

// Handler is the server's http.Handler (for httptest and embedding).
func (s *Server) Handler() http.Handler { return s.mux }

// Config returns the server's configuration.
func (s *Server) Config() Config { return s.cfg }

// reqInfo collects what a handler learns for the request log.
type reqInfo struct {
	model  string
	tokens int
}

type infoKey struct{}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// route registers h with the shared middleware: method check, draining
// check for model endpoints, panic recovery, metrics and the request log.
func (s *Server) route(pattern, endpoint, method string, h func(http.ResponseWriter, *http.Request) *APIError) {
	work := method == http.MethodPost
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 {
			id = strconv.FormatUint(s.nextID.Add(1), 10)
		}
		w.Header().Set("X-Request-ID", id)
		rec := &recorder{ResponseWriter: w}
		ri := &reqInfo{}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, ri))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "id", id, "path", r.URL.Path, "panic", fmt.Sprint(p))
				if rec.status == 0 {
					s.writeError(rec, &APIError{Status: 500, Code: CodeInternal, Message: "internal error (logged); please report it"})
				}
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			if r.Context().Err() != nil && status < 400 && rec.clientGone {
				status = statusClientClosed
			}
			d := time.Since(start)
			s.met.observe(endpoint, status, d)
			s.met.addTokens(endpoint, ri.tokens)
			level := slog.LevelInfo
			if status >= 500 && status != statusClientClosed {
				level = slog.LevelError
			}
			s.log.LogAttrs(r.Context(), level, "request", slog.String("id", id), slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.Int("status", status), slog.Duration("dur", d),
				slog.Int64("bytes", rec.bytes), slog.String("model", ri.model), slog.Int("tokens", ri.tokens),
				slog.String("remote", r.RemoteAddr))
		}()
		var e *APIError
		switch {
		case method != "" && r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead):
			rec.Header().Set("Allow", method)
			e = &APIError{Status: http.StatusMethodNotAllowed, Code: CodeMethod, Message: fmt.Sprintf("%s needs %s (got %s)", r.URL.Path, method, r.Method)}
		case work && s.draining.Load():
			e = &APIError{Status: http.StatusServiceUnavailable, Code: CodeShuttingDown, Message: "the server is shutting down and takes no new requests; retry on another instance"}
		default:
			e = h(rec, r)
		}
		if e != nil {
			if e.Status == statusClientClosed {
				rec.status = statusClientClosed
				return
			}
			if rec.status != 0 { // headers already sent (a stream): nothing more to say
				return
			}
			s.writeError(rec, e)
		}
	})
}

// recorder notes the status and size for the log, and passes Flush
// through (server-sent events need it).
type recorder struct {
	http.ResponseWriter
	status     int
	bytes      int64
	clientGone bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	if err != nil {
		r.clientGone = true
	}
	return n, err
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's deadlines.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Drain makes the server refuse new model requests with 503 and /healthz
// report 503, while in-flight requests continue. Serve calls it on shutdown.
func (s *Server) Drain() { s.draining.Store(true) }

// httpServer is the net/http server with every timeout set: slow clients
// cannot hold connections (slowloris) and idle keep-alives are closed.
func (s *Server) httpServer(ctx context.Context) *http.Server {
	return &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		// The write deadline must outlast the longest allowed request:
		// queueing plus decoding plus a margin for the last bytes.
		WriteTimeout:   s.cfg.QueueTimeout + s.cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:    s.cfg.IdleTimeout,
		MaxHeaderBytes: s.cfg.MaxHeaderBytes,
		BaseContext:    func(net.Listener) context.Context { return ctx },
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Serve answers requests on ln until ctx is cancelled (SIGTERM in `recur
// serve`), then shuts down gracefully. For Config.Drain it keeps listening:
// /healthz and new model requests get 503 with Retry-After (so a load
// balancer takes the instance out of rotation on its next health check)
// while in-flight and queued requests go on. Then the listener closes, idle
// keep-alive connections are closed, and in-flight requests finish, for at
// most ShutdownTimeout after which their connections are closed.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	base, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	hs := s.httpServer(base)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Drain()
	s.log.Info("shutting down: refusing new requests, finishing in-flight ones", "in_flight", s.lim.inUse(), "queued", s.lim.waiting(), "drain", s.cfg.Drain)
	if s.cfg.Drain > 0 {
		t := time.NewTimer(s.cfg.Drain)
		select {
		case <-t.C:
		case err := <-errc: // the listener failed on its own
			t.Stop()
			return err
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	hs.SetKeepAlivesEnabled(false)
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		cancelBase() // stop the decoding loops still running
		hs.Close()
		err = fmt.Errorf("shutdown: in-flight requests still running after %v were cut off", s.cfg.ShutdownTimeout)
	}
	<-errc
	if err == nil {
		s.log.Info("shut down cleanly")
	}
	return err
}

// ListenAndServe listens on Config.Addr and calls Serve.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve.Config.Addr %s: %w", s.cfg.Addr, err)
	}
	s.log.Info("serving", "url", "http://"+ln.Addr().String(), "models", len(s.models.Models()))
	return s.Serve(ctx, ln)
}
