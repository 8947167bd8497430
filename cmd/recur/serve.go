package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/serve"
)

func serveCommand() *cli.Command {
	d := serve.DefaultConfig()
	return &cli.Command{
		Name:      "serve",
		Usage:     "serve the models over an HTTP API and a web playground",
		ArgsUsage: " ",
		Description: `Loads the built-in models (unless --no-builtin) and every --model file once,
then serves them on --addr: the playground page at /, the JSON API under /v1/
(generate, translate, caption, classify, models), /healthz and /metrics
(Prometheus). Request logs are structured (slog; --log-format json for
machines). SIGTERM or Ctrl-C starts a drain: for --drain the server keeps
listening but answers /healthz and new requests with 503 and Retry-After (so a
load balancer moves traffic away) while requests in flight or queued go on;
then it stops listening and waits up to --shutdown-timeout for them.

Examples:
    recur serve
    recur serve --addr :9000 --model en-fr.model --model scenes.model --max-concurrency 4
    curl -s localhost:8080/v1/generate -d '{"prompt":"ROMEO:","length":200,"temperature":0.8,"seed":1}'
    curl -sN localhost:8080/v1/generate -d '{"prompt":"ROMEO:","stream":true}'
    curl -s localhost:8080/v1/translate -d '{"text":["I am cold."],"beam":5}'
    curl -s localhost:8080/v1/caption -F image=@scene.png`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: d.Addr, Usage: "listen address host:port (\":8080\" listens on every interface)"},
			&cli.StringSliceFlag{Name: "model", Aliases: []string{"m"}, Usage: "model file or GPT-2 checkpoint folder to serve (repeatable; its task is read from the file)"},
			&cli.BoolFlag{Name: "no-builtin", Usage: "do not serve the built-in models"},
			&cli.IntFlag{Name: "max-concurrency", Value: d.MaxConcurrency, Usage: "requests running a model at once, >= 1"},
			&cli.IntFlag{Name: "max-queue", Value: d.MaxQueue, Usage: "requests waiting for a slot before 429, >= 0"},
			&cli.DurationFlag{Name: "timeout", Value: d.RequestTimeout, Usage: "per-request time limit (queueing and decoding)"},
			&cli.DurationFlag{Name: "drain", Value: d.Drain, Usage: "after SIGTERM, how long to keep listening and answer 503 before closing, >= 0"},
			&cli.DurationFlag{Name: "shutdown-timeout", Value: d.ShutdownTimeout, Usage: "how long shutdown waits for in-flight requests"},
			&cli.IntFlag{Name: "max-length", Value: d.MaxGenerateLength, Usage: "largest generate length accepted"},
			&cli.IntFlag{Name: "max-beam", Value: d.MaxBeam, Usage: "largest beam width accepted"},
			&cli.Int64Flag{Name: "max-body-bytes", Value: d.MaxBodyBytes, Usage: "JSON request body limit"},
			&cli.Int64Flag{Name: "max-upload-bytes", Value: d.MaxUploadBytes, Usage: "image upload limit"},
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "request log format: text or json"},
			threadsFlag,
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("serve takes no arguments (got %q): pass models with --model", c.Args().First())
			}
			if err := applyThreads(c); err != nil {
				return err
			}
			cfg := serve.DefaultConfig()
			cfg.Addr = c.String("addr")
			cfg.MaxConcurrency = c.Int("max-concurrency")
			cfg.MaxQueue = c.Int("max-queue")
			cfg.RequestTimeout = c.Duration("timeout")
			cfg.ShutdownTimeout = c.Duration("shutdown-timeout")
			cfg.Drain = c.Duration("drain")
			cfg.MaxGenerateLength = c.Int("max-length")
			cfg.MaxBeam = c.Int("max-beam")
			cfg.MaxBodyBytes = c.Int64("max-body-bytes")
			cfg.MaxUploadBytes = c.Int64("max-upload-bytes")
			if err := cfg.Validate(); err != nil {
				return fmt.Errorf("--%w", err)
			}
			var h slog.Handler
			switch c.String("log-format") {
			case "text":
				h = slog.NewTextHandler(os.Stderr, nil)
			case "json":
				h = slog.NewJSONHandler(os.Stderr, nil)
			default:
				return fmt.Errorf("--log-format %q is invalid (valid: text, json)", c.String("log-format"))
			}
			log := slog.New(h)
			reg := serve.NewRegistry()
			if !c.Bool("no-builtin") {
				for _, s := range reg.AddBuiltins() {
					log.Info("built-in model not available", "reason", s)
				}
			}
			for _, path := range c.StringSlice("model") {
				m, err := reg.LoadFile(path)
				if err != nil {
					return fmt.Errorf("--model %s: %w", path, err)
				}
				log.Info("loaded model", "name", m.Name, "task", m.Task(), "file", path)
			}
			if len(reg.Models()) == 0 {
				return fmt.Errorf("no models to serve: pass --model FILE (or drop --no-builtin)")
			}
			srv, err := serve.New(cfg, reg, log)
			if err != nil {
				return err
			}
			return srv.ListenAndServe(c.Context)
		},
	}
}
