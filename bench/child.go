package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// ChildMarker starts the line on which a child process reports its result,
// so anything else a library prints on stdout cannot be mistaken for it.
const ChildMarker = "recur-bench-result: "

// ChildMain is the body of a child process: run the workload called name
// with o, add the process's peak resident memory to the result
// (Also["peak_rss_mib"]), and write it to w as one marked JSON line. The
// caller has already applied threads and affinity.
func ChildMain(ctx context.Context, name string, o Options, w io.Writer) error {
	wl, err := Lookup(name)
	if err != nil {
		return err
	}
	r, err := Run(ctx, wl, o)
	if err != nil {
		return err
	}
	if mib, err := PeakRSSMiB(); err == nil {
		if r.Also == nil {
			r.Also = map[string]float64{}
		}
		r.Also[AlsoPeakRSS] = mib
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	_, err = fmt.Fprintf(w, "%s%s\n", ChildMarker, b)
	return err
}

// ParseChildOutput finds the result line ChildMain wrote in a child's
// stdout.
func ParseChildOutput(out []byte) (Result, error) {
	var line string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), ChildMarker); ok {
			line = rest
		}
	}
	if line == "" {
		return Result{}, fmt.Errorf("child printed no %q line", strings.TrimSpace(ChildMarker))
	}
	var r Result
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		return Result{}, fmt.Errorf("child result line: %w", err)
	}
	if r.Name == "" || r.Unit == "" {
		return Result{}, fmt.Errorf("child result line has no name or unit: %s", line)
	}
	return r, nil
}

// RunChild runs cmd (a process that calls ChildMain) and returns the result
// it reports. cmd.Stdout is captured here; cmd.Stderr is left to the caller
// (progress and errors of the child). A child that fails, is killed or ends
// with ctx is an error carrying its exit status.
func RunChild(ctx context.Context, cmd *exec.Cmd) (Result, error) {
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		return Result{}, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_ = cmd.Process.Kill()
		case <-done:
		}
	}()
	err := cmd.Wait()
	close(done)
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	if err != nil {
		return Result{}, fmt.Errorf("child %s: %w", strings.Join(cmd.Args, " "), err)
	}
	return ParseChildOutput(out.Bytes())
}
