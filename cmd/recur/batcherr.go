package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/recur-dev/recur/models"
	"github.com/urfave/cli/v2"
)

// A batch (caption IMAGE..., classify IMAGE..., translate on standard
// input) never stops at one bad input: every good input is processed, each
// bad one gets one line on standard error naming it and why, and the
// command fails at the end when any did (issue 12, item 10).

// loadEach loads every path, reporting each failure as one line on errw;
// it returns the paths that loaded, their values and those that failed.
func loadEach[T any](errw io.Writer, paths []string, load func(string) (T, error)) (ok []string, vals []T, failed []string) {
	for _, p := range paths {
		v, err := load(p)
		if err != nil {
			failed = append(failed, p)
			fmt.Fprintf(errw, "recur: %s\n", nameInError(p, err))
			continue
		}
		ok, vals = append(ok, p), append(vals, v)
	}
	return ok, vals, failed
}

// nameInError makes sure the message names the input.
func nameInError(name string, err error) string {
	if msg := err.Error(); strings.Contains(msg, name) {
		return msg
	}
	return name + ": " + err.Error()
}

// batchFailed is the error a batch ends with when some inputs failed; it
// names the first few.
func batchFailed(failed []string, total int, what string) error {
	if len(failed) == 0 {
		return nil
	}
	names := failed
	if len(names) > 3 {
		names = append(names[:3:3], "…")
	}
	return fmt.Errorf("%d of %d %s failed: %s (each is reported above)", len(failed), total, what, strings.Join(names, ", "))
}

// maxLineBytes bounds one line of standard input: longer lines are
// reported with their number and the limit, and skipped.
const maxLineBytes = 1 << 20

// inputLine is one line of standard input with its 1-based number.
type inputLine struct {
	N    int
	Text string
}

// eachInputLine reads r line by line and calls f with batches of up to n
// good lines. A bad line (empty, not UTF-8, longer than maxLineBytes) is
// passed to bad with its number and why, and reading goes on. It returns
// the number of lines read; the error is f's or a read error.
func eachInputLine(r io.Reader, n int, f func([]inputLine) error, bad func(line int, why error)) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var batch []inputLine
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := f(batch)
		batch = batch[:0]
		return err
	}
	line := 0
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(buf) > maxLineBytes {
				// Too long: skip to the end of the line without keeping it.
				skipped := int64(len(buf))
				for errors.Is(err, bufio.ErrBufferFull) {
					chunk, err = br.ReadSlice('\n')
					skipped += int64(len(chunk))
				}
				line++
				if ferr := flush(); ferr != nil {
					return line, ferr
				}
				bad(line, fmt.Errorf("is %d bytes long, over the limit of %d bytes (1 MiB) for one line; skipped", skipped, maxLineBytes))
				buf = buf[:0]
				if err != nil && err != io.EOF {
					return line, fmt.Errorf("reading standard input: %w", err)
				}
				if err == io.EOF {
					break
				}
			}
			continue
		}
		if err != nil && err != io.EOF {
			return line, fmt.Errorf("reading standard input: %w", err)
		}
		if len(buf) == 0 && err == io.EOF {
			break
		}
		line++
		text := bytes.TrimSpace(buf)
		var why error
		switch {
		case len(text) == 0:
			why = errors.New("is empty (one sentence per line)")
		case !utf8.Valid(text):
			why = errors.New("is not valid UTF-8")
		}
		if why != nil {
			// The lines before are handled first, so outputs stay in order.
			if ferr := flush(); ferr != nil {
				return line, ferr
			}
			bad(line, why)
		} else {
			batch = append(batch, inputLine{N: line, Text: string(text)})
			if len(batch) == n {
				if ferr := flush(); ferr != nil {
					return line, ferr
				}
			}
		}
		buf = buf[:0]
		if err == io.EOF {
			break
		}
	}
	return line, flush()
}

// translateLines translates standard input in batches: a batch that fails
// is retried line by line, so one bad line costs only itself. Every bad
// line is reported on errw with its number, and an empty output line keeps
// the output aligned with the input. It returns the lines read and failed.
func translateLines(r io.Reader, errw io.Writer, handle func([]string) error, blank func() error) (lines int, failed []string, err error) {
	report := func(n int, why error) error {
		failed = append(failed, fmt.Sprintf("line %d", n))
		fmt.Fprintf(errw, "recur: standard input line %d %v\n", n, why)
		return blank()
	}
	var blankErr error
	lines, err = eachInputLine(r, 64, func(batch []inputLine) error {
		texts := make([]string, len(batch))
		for i, l := range batch {
			texts[i] = l.Text
		}
		if handle(texts) == nil {
			return nil
		}
		for _, l := range batch {
			if herr := handle([]string{l.Text}); herr != nil {
				if err := report(l.N, fmt.Errorf("failed: %w", herr)); err != nil {
					return err
				}
			}
		}
		return nil
	}, func(n int, why error) {
		if err := report(n, why); err != nil && blankErr == nil {
			blankErr = err
		}
	})
	return lines, failed, errors.Join(err, blankErr)
}

// The image safety limits are the program's, never a model file's (see
// models.ImageLimits); these flags set them, like serve's.
var (
	maxPixelsFlag = &cli.Int64Flag{Name: "max-pixels", Value: models.DefaultImageLimits().MaxPixels,
		Usage: "refuse images with more pixels (width×height, read before decoding), 1 or more"}
	maxFileBytesFlag = &cli.Int64Flag{Name: "max-file-bytes", Value: models.DefaultImageLimits().MaxFileBytes,
		Usage: "refuse image files larger than this many bytes, 1 or more"}
)

// imageLimits reads --max-pixels and --max-file-bytes.
func imageLimits(c *cli.Context) models.ImageLimits {
	return models.ImageLimits{MaxPixels: c.Int64("max-pixels"), MaxFileBytes: c.Int64("max-file-bytes")}
}
