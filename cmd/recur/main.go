package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/urfave/cli/v2"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newApp().RunContext(ctx, os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "recur:", err)
		os.Exit(1)
	}
}

var profileFile *os.File

func newApp() *cli.App {
	return &cli.App{
		Name:  "recur",
		Usage: "train and run recurrent sequence models (LSTM/GRU) from the command line",
		Description: `recur trains and runs recurrent sequence models: one LSTM/GRU decoder,
with temperature, top-k and top-p sampling and beam search, behind a text
prompt, an RNN encoder with attention, or a small CNN. Every command that takes
--model falls back to the built-in model for its task, so these work with no
training and no data:

    recur generate --prompt "ROMEO:"
    recur translate "I am cold."
    recur caption testdata/scene.png
    recur serve                      # HTTP API and playground on 127.0.0.1:8080

Train your own with 'recur train textgen|translate|caption|classify|classify-image',
score them with 'recur eval', and compare speed with PyTorch with 'recur bench'.
Seeds make every run repeatable; --threads sets how many cores the matrix
kernels use (default: all).`,
		EnableBashCompletion: true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "cpuprofile", Usage: "write a Go CPU profile of the whole command to this file (inspect with go tool pprof)"},
		},
		Before: func(c *cli.Context) error {
			path := c.String("cpuprofile")
			if path == "" {
				return nil
			}
			f, err := os.Create(path)
			if err != nil {
				return fmt.Errorf("--cpuprofile: %w", err)
			}
			profileFile = f
			return pprof.StartCPUProfile(f)
		},
		After: func(c *cli.Context) error {
			if profileFile != nil {
				pprof.StopCPUProfile()
				return profileFile.Close()
			}
			return nil
		},
		Commands: withOutputChecks(withFlagErrors([]*cli.Command{trainCommand(), generateCommand(), evalCommand(), translateCommand(), convertCommand(), benchCommand(), logitsCommand(), serveCommand(), captionCommand(), datasetsCommand(), classifyCommand(), tokenizeCommand()})),
	}
}
