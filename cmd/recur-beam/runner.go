package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal"
)

// RunOptions choose where the pipeline runs.
type RunOptions struct {
	Runner            string // prism (in-process, default), universal, or any runner registered by import (dataflow)
	Endpoint          string // job service HOST:PORT (universal)
	EnvironmentType   string // LOOPBACK (workers in this process), DOCKER, PROCESS or EXTERNAL
	EnvironmentConfig string // e.g. the worker container image for DOCKER

	// Progress, when set, receives a progress line while the job runs
	// (items done of the inputs' total, rate, ETA), redrawn in place when
	// ProgressTTY. Only for workers in this process (Prism, LOOPBACK);
	// other jobs report their summary at the end.
	Progress    io.Writer
	ProgressTTY bool
}

// Summary is what the counters say after the job.
type Summary struct {
	Items, Failures, Tokens int64
	Elapsed                 time.Duration
}

func (s Summary) String() string {
	rate := float64(s.Items) / s.Elapsed.Seconds()
	return fmt.Sprintf("%d items, %d failures (dead letters), %d tokens in %.1fs (%.0f items/s)", s.Items, s.Failures, s.Tokens, s.Elapsed.Seconds(), rate)
}

// prismEndpoint is the in-process Prism job server, started on first use
// and shared by later pipelines of the process.
var prismEndpoint struct {
	sync.Mutex
	addr string
}

// jobFlags serialises the runs of a process: Beam's job options are global
// flag variables.
var jobFlags sync.Mutex

// Run executes p and reads the counters.
func Run(ctx context.Context, p *beam.Pipeline, ro RunOptions) (Summary, error) {
	jobFlags.Lock()
	defer jobFlags.Unlock()
	start := time.Now()
	var res beam.PipelineResult
	var err error
	switch r := strings.ToLower(ro.Runner); r {
	case "", "prism":
		prismEndpoint.Lock()
		*jobopts.Endpoint = prismEndpoint.addr
		*jobopts.EnvironmentType = "loopback"
		*jobopts.EnvironmentConfig = ""
		res, err = prism.Execute(ctx, p)
		prismEndpoint.addr = *jobopts.Endpoint
		prismEndpoint.Unlock()
	case "universal":
		if ro.Endpoint == "" {
			return Summary{}, fmt.Errorf("the universal runner needs --endpoint HOST:PORT (a Flink, Spark or Prism job server)")
		}
		*jobopts.Endpoint = ro.Endpoint
		*jobopts.EnvironmentType = strings.ToLower(ro.EnvironmentType)
		*jobopts.EnvironmentConfig = ro.EnvironmentConfig
		res, err = universal.Execute(ctx, p)
	default:
		if ro.Endpoint != "" {
			*jobopts.Endpoint = ro.Endpoint
		}
		if ro.EnvironmentType != "" {
			*jobopts.EnvironmentType = strings.ToLower(ro.EnvironmentType)
		}
		if ro.EnvironmentConfig != "" {
			*jobopts.EnvironmentConfig = ro.EnvironmentConfig
		}
		res, err = beam.Run(ctx, r, p)
	}
	s := Summary{Elapsed: time.Since(start)}
	if err != nil {
		return s, err
	}
	if res != nil {
		for _, c := range res.Metrics().AllMetrics().Counters() {
			if c.Key.Namespace != "recur" {
				continue
			}
			v := c.Committed
			if v == 0 {
				v = c.Attempted
			}
			switch c.Key.Name {
			case "items":
				s.Items += v
			case "failures":
				s.Failures += v
			case "tokens":
				s.Tokens += v
			}
		}
	}
	return s, nil
}
