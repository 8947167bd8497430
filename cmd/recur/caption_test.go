package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// runOut executes the app in-process and returns what it printed.
func runOut(t *testing.T, args ...string) (string, error) {
	t.Helper()
	app := newApp()
	var out bytes.Buffer
	app.Writer, app.ErrWriter = &out, &bytes.Buffer{}
	app.ExitErrHandler = func(*cli.Context, error) {}
	err := app.RunContext(context.Background(), append([]string{"recur"}, args...))
	return out.String(), err
}

// TestCaptionPipeline renders scenes, trains a tiny captioner and a tiny
// image classifier for a few steps, then captions, evaluates and
// classifies with them, and checks the errors for wrong inputs.
func TestCaptionPipeline(t *testing.T) {
	dir := t.TempDir()
	scenes := filepath.Join(dir, "scenes")
	if _, err := runOut(t, "datasets", "scenes", "--out", scenes, "--n", "40", "--seed", "3", "--size", "32", "--max-shapes", "1"); err != nil {
		t.Fatal(err)
	}
	capModel := filepath.Join(dir, "cap.model")
	out, err := runOut(t, "train", "caption", "--data", scenes, "--out", capModel, "--size", "32", "--channels", "4,8",
		"--attention", "--hidden", "16", "--embed", "8", "--val", "8", "--batch", "8", "--steps", "3", "--eval-every", "3", "--threads", "1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "val_exact") {
		t.Errorf("train caption printed %q", out)
	}
	img := filepath.Join(scenes, "00000.png")
	att := filepath.Join(dir, "att.png")
	out, err = runOut(t, "caption", "--model", capModel, "--beam", "2", "--max-len", "4", "--attention", att, img)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, img+"\t") {
		t.Errorf("caption printed %q", out)
	}
	if st, err := os.Stat(att); err != nil || st.Size() == 0 {
		t.Errorf("no attention picture: %v", err)
	}
	misses := filepath.Join(dir, "misses.tsv")
	if out, err = runOut(t, "eval", "--model", capModel, "--data", scenes, "--errors", misses); err != nil ||
		!strings.Contains(out, "exact_match") || !strings.Contains(out, "exact_match.shapes=1 ") {
		t.Errorf("eval: %q, %v", out, err)
	}
	if data, err := os.ReadFile(misses); err != nil || !strings.Contains(string(data), "00000.png\t") && !strings.Contains(out, "exact_match 100.00") {
		t.Errorf("--errors file: %v\n%s", err, data)
	}
	// The built-in recipe's options: input feeding, grid coordinates, a
	// canonical subset of captions, and batch norm; then a captioned sheet.
	feedModel := filepath.Join(dir, "feed.model")
	if _, err := runOut(t, "train", "caption", "--data", scenes, "--out", feedModel, "--size", "32", "--channels", "4,8",
		"--attention", "--input-feeding", "--grid-coords", "--batch-norm", "--train-captions", "large|left of|above", "--init", "flat",
		"--hidden", "16", "--embed", "8", "--val", "8", "--batch", "8", "--steps", "3", "--eval-every", "3", "--threads", "1"); err != nil {
		t.Fatal(err)
	}
	sheet := filepath.Join(dir, "sheet.png")
	if out, err = runOut(t, "caption", "--model", feedModel, "--beam", "3", "--sheet", sheet, img, img); err != nil || strings.Count(out, img+"\t") != 2 {
		t.Errorf("caption with an input-feeding model: %q, %v", out, err)
	}
	if st, err := os.Stat(sheet); err != nil || st.Size() == 0 {
		t.Errorf("no caption sheet: %v", err)
	}
	clsModel := filepath.Join(dir, "cls.model")
	if _, err := runOut(t, "train", "classify-image", "--data", scenes, "--label", "colour", "--out", clsModel, "--size", "32",
		"--channels", "4,8", "--val", "8", "--batch", "8", "--steps", "2", "--eval-every", "2", "--threads", "1"); err != nil {
		t.Fatal(err)
	}
	if out, err = runOut(t, "classify", "--model", clsModel, img); err != nil || !strings.HasPrefix(out, img+"\t") {
		t.Errorf("classify: %q, %v", out, err)
	}

	notImage := filepath.Join(dir, "notes.png")
	os.WriteFile(notImage, []byte("hello, this is text"), 0o644)
	huge := filepath.Join(dir, "huge.gif")
	// A 34-byte GIF header claiming 65535×65535 pixels.
	os.WriteFile(huge, []byte("GIF89a\xff\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\xff\xff\xff\xff\x00\x02\x02D\x01\x00;"), 0o644)
	tsv, textModel := trainTextClassifier(t, dir)
	fresh := filepath.Join(dir, "fresh.model") // training must not refuse over an existing model before the error under test
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"caption", "--model", capModel, notImage}, "notes.png"},
		{[]string{"caption", "--model", capModel, huge}, "huge.gif"},
		{[]string{"caption", "--model", capModel, filepath.Join(dir, "missing.png")}, "missing.png"},
		{[]string{"caption", "--model", capModel}, "no images given"},
		{[]string{"caption", "--model", capModel, "--beam", "0", img}, "--beam must be in [1, 100]"},
		{[]string{"caption", "--model", clsModel, img}, "classify-image"},
		{[]string{"classify", "--model", clsModel, "a red circle"}, "is an image classifier"},
		{[]string{"classify", "--model", capModel, "a red circle"}, "not a classifier"},
		{[]string{"classify", "--model", textModel, img}, "is a text classifier"},
		{[]string{"train", "caption", "--data", filepath.Join(dir, "nope"), "--out", fresh}, "nope"},
		{[]string{"train", "caption", "--data", scenes, "--out", fresh, "--size", "30"}, "--size/--channels"},
		{[]string{"train", "caption", "--data", scenes, "--out", fresh, "--input-feeding"}, "add --attention"},
		{[]string{"train", "caption", "--data", scenes, "--out", fresh, "--grid-coords"}, "add --attention"},
		{[]string{"train", "caption", "--data", scenes, "--out", fresh, "--attention", "--input-feeding", "--cell", "lstm"}, "--input-feeding needs --cell gru"},
		{[]string{"train", "caption", "--data", scenes, "--out", fresh, "--train-captions", "left of("}, "--train-captions"},
		{[]string{"train", "classify-image", "--data", scenes, "--out", fresh, "--label", "sise"}, "valid --label: shape, colour, size, count"},
		{[]string{"train", "classify", "--data", tsv, "--out", fresh, "--cell", "lsmt"}, `unknown cell "lsmt"`},
		{[]string{"datasets", "scenes", "--out", filepath.Join(dir, "x"), "--max-shapes", "4"}, "MaxShapes 4 is invalid"},
	}
	for _, c := range cases {
		_, err := runOut(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("recur %s\n  error: %v\n  want it to mention: %s", strings.Join(c.args, " "), err, c.want)
		}
	}
}

// trainTextClassifier trains a tiny English/French text classifier through
// the CLI, checks that it classifies, and returns its data and model paths.
func trainTextClassifier(t *testing.T, dir string) (tsv, textModel string) {
	t.Helper()
	tsv = filepath.Join(dir, "lang.tsv")
	var lines strings.Builder
	for i := 0; i < 20; i++ {
		lines.WriteString("en\tHello there number " + string(rune('a'+i)) + "\nfr\tBonjour à tous numéro " + string(rune('a'+i)) + "\n")
	}
	os.WriteFile(tsv, []byte(lines.String()), 0o644)
	textModel = filepath.Join(dir, "lang.model")
	if out, err := runOut(t, "train", "classify", "--data", tsv, "--out", textModel, "--hidden", "8", "--embed", "4",
		"--val", "6", "--batch", "8", "--steps", "2", "--eval-every", "2", "--min-count", "1", "--threads", "1"); err != nil || !strings.Contains(out, "true\\pred") {
		t.Fatalf("train classify: %q, %v", out, err)
	}
	if out, err := runOut(t, "classify", "--model", textModel, "Bonjour à tous"); err != nil || !strings.HasPrefix(out, "Bonjour à tous\t") {
		t.Errorf("classify text: %q, %v", out, err)
	}
	return tsv, textModel
}
