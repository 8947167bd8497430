package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Output paths are checked before any work (issue 12, items 5 and 7): a
// folder, a missing folder, an existing model without --resume or --force,
// and eval's --errors in a missing folder all fail at once, naming flags;
// `train translate --out FOLDER` writes no FOLDER.val.tsv.
func TestOutputsCheckedBeforeWork(t *testing.T) {
	dir := t.TempDir()
	pairs := filepath.Join(dir, "p.tsv")
	var b strings.Builder
	for i := 0; i < 50; i++ {
		b.WriteString("a b c\tx y z\n")
	}
	os.WriteFile(pairs, []byte(b.String()), 0o644)
	text := filepath.Join(dir, "t.txt")
	os.WriteFile(text, []byte(strings.Repeat("hello world. ", 200)), 0o644)
	existing := filepath.Join(dir, "old.model")
	os.WriteFile(existing, []byte("a model"), 0o644)
	missing := filepath.Join(dir, "nope", "x.model")
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"train", "translate", "--data", pairs, "--out", dir}, []string{"--out", "is a folder"}},
		{[]string{"train", "textgen", "--data", text, "--out", missing}, []string{"--out", "does not exist"}},
		{[]string{"train", "textgen", "--data", text, "--out", existing}, []string{"already exists", "--resume", "--force"}},
		{[]string{"train", "caption", "--data", dir, "--out", existing}, []string{"already exists", "--force"}},
		{[]string{"train", "classify", "--data", pairs, "--out", missing}, []string{"does not exist"}},
		{[]string{"eval", "--data", pairs, "--errors", filepath.Join(dir, "nope", "e.tsv")}, []string{"--errors", "does not exist"}},
	}
	for _, c := range cases {
		err := run(t, c.args...)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("recur %s\n  error: %v\n  want it to mention: %s", strings.Join(c.args, " "), err, w)
			}
		}
	}
	if _, err := os.Stat(dir + ".val.tsv"); err == nil {
		t.Errorf("train translate --out FOLDER wrote %s.val.tsv before failing", dir)
	}
	if got, _ := os.ReadFile(existing); string(got) != "a model" {
		t.Errorf("the existing model was overwritten")
	}
}
