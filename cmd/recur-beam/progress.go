package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// itemsDone counts the items finished (written to the output or the dead
// letters) by the workers of THIS process. Beam's counters reach the
// submitter only when the job ends, but Prism in-process and a job server
// with LOOPBACK workers run every DoFn in this process, so a plain atomic
// that the DoFns bump once per batch shows progress as it happens. Remote
// workers (DOCKER, Dataflow) bump their own copy, which nobody reads: those
// jobs report only the final summary. A retried bundle counts twice; the
// display clamps at the total.
var itemsDone atomic.Int64

// progressInterval is how often the progress line is redrawn.
const progressInterval = 250 * time.Millisecond

// inProcessWorkers says whether the job's DoFns run in this process, so
// that itemsDone sees them.
func inProcessWorkers(ro RunOptions) bool {
	switch strings.ToLower(ro.Runner) {
	case "", "prism":
		return true
	case "universal":
		return strings.EqualFold(ro.EnvironmentType, "loopback")
	}
	return false
}

// isTerminal says whether f is a character device (a terminal), where a
// progress line redrawn in place with "\r" makes sense.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// formatProgress is the progress line: items done (of total when known,
// total <= 0 meaning not yet counted), the rate since the start and the
// time left at that rate.
func formatProgress(done, total int64, elapsed time.Duration) string {
	if total > 0 && done > total {
		done = total
	}
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	if total <= 0 {
		return fmt.Sprintf("%d items  %.1f items/s  %s elapsed", done, rate, clock(elapsed))
	}
	eta := "ETA ?"
	if rate > 0 {
		eta = "ETA " + clock(time.Duration(float64(total-done)/rate*float64(time.Second)))
	}
	return fmt.Sprintf("%d/%d items (%.1f%%)  %.1f items/s  %s", done, total, 100*float64(done)/float64(total), rate, eta)
}

// clock writes d as m:ss, or h:mm:ss from an hour on, rounded to seconds.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s < 0 {
		s = 0
	}
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// countItems is the number of items the inputs hold: image files for
// captioning, else lines (as readLinesFn counts them: a last line without
// a line break counts; an unreadable file counts as one item, its dead
// letter).
func countItems(ctx context.Context, job Job, files []string) int64 {
	if job.images() {
		return int64(len(files))
	}
	var n int64
	for _, f := range files {
		if ctx.Err() != nil {
			return 0
		}
		n += countLines(ctx, f)
	}
	return n
}

func countLines(ctx context.Context, path string) int64 {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return 1
	}
	defer fs.Close()
	rc, err := fs.OpenRead(ctx, path)
	if err != nil {
		return 1
	}
	defer rc.Close()
	var n int64
	var last byte = '\n'
	buf := make([]byte, 256<<10)
	for ctx.Err() == nil {
		k, err := rc.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if k > 0 {
			last = buf[k-1]
		}
		if err != nil {
			break
		}
	}
	if last != '\n' {
		n++
	}
	return n
}

// progressReporter shows a progress line on w until stopped: redrawn in
// place a few times a second on a terminal, else a plain line every
// progressLogInterval (a log file). The total is counted in the background
// so the job starts at once.
type progressReporter struct {
	w      io.Writer
	tty    bool
	start  time.Time
	total  atomic.Int64
	cancel context.CancelFunc
	stop   chan struct{}
	done   sync.WaitGroup
}

// progressLogInterval is how often a non-terminal gets a progress line.
const progressLogInterval = 10 * time.Second

func startProgress(ctx context.Context, w io.Writer, tty bool, job Job, files []string) *progressReporter {
	itemsDone.Store(0)
	ctx, cancel := context.WithCancel(ctx)
	p := &progressReporter{w: w, tty: tty, start: time.Now(), cancel: cancel, stop: make(chan struct{})}
	p.done.Add(2)
	go func() {
		defer p.done.Done()
		p.total.Store(countItems(ctx, job, files))
	}()
	every := progressInterval
	if !tty {
		every = progressLogInterval
	}
	go func() {
		defer p.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				line := formatProgress(itemsDone.Load(), p.total.Load(), time.Since(p.start))
				if p.tty {
					fmt.Fprintf(p.w, "\r%s\x1b[K", line)
				} else {
					fmt.Fprintln(p.w, "recur-beam:", line)
				}
			}
		}
	}()
	return p
}

// Stop ends the progress line (the summary follows on a clean line).
func (p *progressReporter) Stop() {
	p.cancel()
	close(p.stop)
	p.done.Wait()
	if p.tty {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
