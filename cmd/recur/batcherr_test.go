package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/builtin"
)

// runBoth runs the app in-process and returns its standard output, its
// standard error and the error.
func runBoth(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	app := newApp()
	var out, errw bytes.Buffer
	app.Writer, app.ErrWriter = &out, &errw
	app.ExitErrHandler = func(*cli.Context, error) {}
	err := app.RunContext(context.Background(), append([]string{"recur"}, args...))
	return out.String(), errw.String(), err
}

// One bad image does not stop a batch (issue 12, item 10): the built-in
// captioner captions both good images, names each bad file on standard
// error with why, and the command fails at the end naming them.
func TestCaptionBatchReportsEveryBadImage(t *testing.T) {
	dir := t.TempDir()
	good1, good2 := filepath.Join("..", "..", "testdata", "scene.png"), filepath.Join("..", "..", "testdata", "scene-2.png")
	huge := filepath.Join(dir, "huge.gif")
	// A 34-byte GIF header claiming 65535×65535 pixels.
	os.WriteFile(huge, []byte("GIF89a\xff\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\xff\xff\xff\xff\x00\x02\x02D\x01\x00;"), 0o644)
	bmp := filepath.Join(dir, "img.bmp")
	os.WriteFile(bmp, append([]byte("BM"), make([]byte, 60)...), 0o644)
	missing := filepath.Join(dir, "missing.png")
	out, errs, err := runBoth(t, "caption", "--threads", "1", good1, huge, good2, bmp, missing)
	for _, g := range []string{good1, good2} {
		if !strings.Contains(out, g+"\t") {
			t.Errorf("no caption for %s:\n%s", g, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 3 {
		t.Errorf("want one error line per bad file, got:\n%s", errs)
	}
	for i, bad := range []string{huge, bmp, missing} {
		if i < len(lines) && !strings.Contains(lines[i], bad) {
			t.Errorf("error line %d %q does not name %s", i+1, lines[i], bad)
		}
	}
	if err == nil || !strings.Contains(err.Error(), "3 of 5 images failed") {
		t.Errorf("err = %v, want the batch to fail at the end", err)
	}
	// --max-pixels is the program's limit: lowering it refuses the scenes.
	if _, errs, err := runBoth(t, "caption", "--threads", "1", "--max-pixels", "100", good1); err == nil || !strings.Contains(errs, "scene.png") {
		t.Errorf("--max-pixels 100: err %v, stderr %q", err, errs)
	}
}

// Standard input for translate (item 10): bad lines (empty, not UTF-8, a
// 20 MB line, one the model fails on) are each reported with their number
// and skipped with an empty output line; the rest are translated in order.
func TestTranslateLinesReportsBadLines(t *testing.T) {
	long := strings.Repeat("x", 20<<20)
	in := "one\n\ntwo\n\xff\xfe\n" + long + "\nfail\nthree"
	var got []string
	handle := func(batch []string) error {
		for _, s := range batch {
			if s == "fail" {
				return errors.New("the model refused it")
			}
		}
		got = append(got, batch...)
		return nil
	}
	var errw bytes.Buffer
	blank := func() error { got = append(got, ""); return nil }
	lines, failed, err := translateLines(strings.NewReader(in), &errw, handle, blank)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"one", "", "two", "", "", "", "three"}
	if fmt.Sprint(got) != fmt.Sprint(want) || lines != 7 {
		t.Errorf("outputs %q (%d lines), want %q (7)", got, lines, want)
	}
	if fmt.Sprint(failed) != "[line 2 line 4 line 5 line 6]" {
		t.Errorf("failed %v", failed)
	}
	msg := errw.String()
	for _, w := range []string{"line 2 is empty", "line 4 is not valid UTF-8", "line 5 is 20971521 bytes long, over the limit of 1048576 bytes", "line 6 failed: the model refused it"} {
		if !strings.Contains(msg, w) {
			t.Errorf("stderr lacks %q:\n%s", w, msg)
		}
	}
	if strings.Contains(msg, "token too long") {
		t.Errorf("bufio's error leaked: %s", msg)
	}
}

// FuzzTranslateLines: any standard input gives every line exactly one
// output (translated or blank) and never a panic.
func FuzzTranslateLines(f *testing.F) {
	f.Add([]byte("one\ntwo\n"))
	f.Add([]byte("\n\n\xff\r\nfail\nx"))
	f.Add([]byte(strings.Repeat("y", 70000) + "\nz"))
	f.Fuzz(func(t *testing.T, in []byte) {
		outputs := 0
		handle := func(batch []string) error {
			for _, s := range batch {
				if strings.Contains(s, "fail") {
					return errors.New("refused")
				}
			}
			outputs += len(batch)
			return nil
		}
		lines, failed, err := translateLines(bytes.NewReader(in), &bytes.Buffer{}, handle, func() error { outputs++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if outputs != lines || len(failed) > lines {
			t.Fatalf("%d lines, %d outputs, %d failed", lines, outputs, len(failed))
		}
	})
}

// FuzzCaptionBatch: any bytes as an image file between two good images
// leave both good images loaded and, if the file is bad, one error line
// naming it (the captioner's own LoadImage, within the program's limits).
func FuzzCaptionBatch(f *testing.F) {
	img := filepath.Join("..", "..", "testdata", "scene.png")
	good, err := os.ReadFile(img)
	if err != nil {
		f.Fatal(err)
	}
	m, err := builtin.Captioner()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good[:100])
	f.Add(good)
	f.Add([]byte("GIF89a\xff\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\xff\xff\xff\xff\x00\x02\x02D\x01\x00;"))
	f.Add([]byte("BM"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "fuzz.png")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var errw bytes.Buffer
		ok, imgs, failed := loadEach(&errw, []string{img, p, img}, m.LoadImage)
		if len(ok) != len(imgs) || len(ok)+len(failed) != 3 || ok[0] != img || ok[len(ok)-1] != img {
			t.Fatalf("loaded %v, failed %v", ok, failed)
		}
		if len(failed) > 0 && (failed[0] != p || strings.Count(errw.String(), "\n") != 1 || !strings.Contains(errw.String(), p)) {
			t.Fatalf("failed %v, stderr %q", failed, errw.String())
		}
	})
}
