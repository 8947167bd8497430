package serve

import (
	"fmt"
	"time"
)

// Config holds the server's address, limits and timeouts.
type Config struct {
	Addr string // listen address, host:port

	// Concurrency: at most MaxConcurrency requests run a model at once, at
	// most MaxQueue more wait for a slot (each at most QueueTimeout); the
	// rest get 429 with Retry-After.
	MaxConcurrency int
	MaxQueue       int
	QueueTimeout   time.Duration
	RetryAfter     time.Duration // the Retry-After advice on 429 and 503

	// RequestTimeout bounds one request's model time (queueing included);
	// the decoding loops check it before every step.
	RequestTimeout time.Duration

	// Body limits in bytes: JSON requests, and multipart image uploads.
	MaxBodyBytes   int64
	MaxUploadBytes int64
	// MaxImagePixels caps width×height read from an image header before
	// decoding.
	MaxImagePixels int64

	// Request field caps.
	MaxGenerateLength int // tokens per generate request
	MaxPromptBytes    int // generate prompt
	MaxSentences      int // sentences per translate request
	MaxSourceBytes    int // one source sentence
	MaxBeam           int // beam width (translate and caption)
	MaxOutputLength   int // translation / caption tokens

	// Server timeouts (net/http).
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	// Drain is how long the server keeps listening after a shutdown
	// starts (SIGTERM), answering /healthz and new work with 503 and
	// Retry-After while in-flight and queued requests go on, so a load
	// balancer sees the drain before connections are refused. 0 closes
	// the listener at once.
	Drain time.Duration
	// ShutdownTimeout is how long a graceful shutdown then waits for
	// in-flight requests before closing their connections.
	ShutdownTimeout time.Duration
}

// DefaultConfig listens on 127.0.0.1:8080 (loopback: exposing the server is
// a deliberate choice), runs two requests at a time with eight more queued,
// and caps requests at sizes the built-in models handle in a few seconds.
func DefaultConfig() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		MaxConcurrency:    2,
		MaxQueue:          8,
		QueueTimeout:      10 * time.Second,
		RetryAfter:        time.Second,
		RequestTimeout:    60 * time.Second,
		MaxBodyBytes:      1 << 20,
		MaxUploadBytes:    10 << 20,
		MaxImagePixels:    40_000_000,
		MaxGenerateLength: 2000,
		MaxPromptBytes:    4000,
		MaxSentences:      32,
		MaxSourceBytes:    1000,
		MaxBeam:           10,
		MaxOutputLength:   200,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		Drain:             5 * time.Second,
		ShutdownTimeout:   30 * time.Second,
	}
}

// Validate names the first bad setting and its valid range.
func (c Config) Validate() error {
	ints := []struct {
		name string
		v    int64
		min  int64
	}{
		{"max-concurrency", int64(c.MaxConcurrency), 1},
		{"max-queue", int64(c.MaxQueue), 0},
		{"max-body-bytes", c.MaxBodyBytes, 64},
		{"max-upload-bytes", c.MaxUploadBytes, 1024},
		{"max-image-pixels", c.MaxImagePixels, 1},
		{"max-length", int64(c.MaxGenerateLength), 1},
		{"max-prompt-bytes", int64(c.MaxPromptBytes), 1},
		{"max-sentences", int64(c.MaxSentences), 1},
		{"max-source-bytes", int64(c.MaxSourceBytes), 1},
		{"max-beam", int64(c.MaxBeam), 1},
		{"max-output-length", int64(c.MaxOutputLength), 1},
		{"max-header-bytes", int64(c.MaxHeaderBytes), 1024},
	}
	for _, x := range ints {
		if x.v < x.min {
			return fmt.Errorf("%s must be >= %d (got %d)", x.name, x.min, x.v)
		}
	}
	durs := []struct {
		name string
		v    time.Duration
	}{
		{"queue-timeout", c.QueueTimeout}, {"retry-after", c.RetryAfter}, {"timeout", c.RequestTimeout},
		{"read-header-timeout", c.ReadHeaderTimeout}, {"read-timeout", c.ReadTimeout},
		{"idle-timeout", c.IdleTimeout}, {"shutdown-timeout", c.ShutdownTimeout},
	}
	for _, d := range durs {
		if d.v <= 0 {
			return fmt.Errorf("%s must be > 0 (got %v)", d.name, d.v)
		}
	}
	if c.Drain < 0 {
		return fmt.Errorf("drain must be >= 0 (got %v)", c.Drain)
	}
	return nil
}
