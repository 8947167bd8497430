package training

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// progress prints one status line (step, loss, rate, ETA), redrawn in place
// on a terminal and printed every few seconds otherwise, plus one permanent
// line per validation.
type progress struct {
	w             io.Writer
	tty           bool
	total         int
	unit          string
	start         time.Time
	startStep     int
	units         int
	last          time.Time
	elapsedBefore float64
	lossEMA       float64
}

func newProgress(w io.Writer, total int, unit string) *progress {
	p := &progress{w: w, total: total, unit: unit, start: time.Now(), startStep: -1}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func humanRate(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.2fM", r/1e6)
	case r >= 1e4:
		return fmt.Sprintf("%.1fk", r/1e3)
	}
	return fmt.Sprintf("%.1f", r)
}

func humanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	if d >= time.Hour {
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	if d >= time.Minute {
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

func (p *progress) step(step int, loss float64, units int, lr float64) {
	if p.w == nil {
		return
	}
	// The rate and ETA are measured from the end of the first step on, so
	// start-up (graph compilation, first allocations) does not skew them.
	if p.startStep < 0 {
		p.startStep = step
		p.start = time.Now()
		p.lossEMA = loss
		return
	}
	p.lossEMA = 0.95*p.lossEMA + 0.05*loss
	p.units += units
	now := time.Now()
	interval := 200 * time.Millisecond
	if !p.tty {
		interval = 10 * time.Second
	}
	if now.Sub(p.last) < interval && step != p.total {
		return
	}
	p.last = now
	el := now.Sub(p.start).Seconds()
	rate := float64(p.units) / el
	stepsDone := step - p.startStep
	eta := time.Duration(float64(p.total-step) * el / float64(stepsDone) * float64(time.Second))
	line := fmt.Sprintf("step %d/%d  loss %.4f  %s %s/s  lr %.2e  ETA %s",
		step, p.total, p.lossEMA, humanRate(rate), p.unit, lr, humanDuration(eta))
	if p.tty {
		width := 30
		filled := width * step / p.total
		bar := strings.Repeat("█", filled) + strings.Repeat("·", width-filled)
		fmt.Fprintf(p.w, "\r\033[K%s %s", bar, line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) validation(step int, m Metrics) {
	if p.w == nil {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("val_%s %.4f", k, m[k]))
	}
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, "step %d  %s\n", step, strings.Join(parts, "  "))
}

func (p *progress) note(s string) {
	if p.w == nil {
		return
	}
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintln(p.w, s)
}

func (p *progress) done() {
	if p.w != nil && p.tty {
		fmt.Fprintln(p.w)
	}
}
