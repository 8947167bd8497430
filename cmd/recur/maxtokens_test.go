package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Errors about pairs the length limit dropped name --max-tokens (issue 12,
// item 13): none left at all, and too few left for the held-out splits.
func TestPairErrorsNameMaxTokens(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, "long.tsv")
	var b strings.Builder
	for i := 0; i < 30; i++ {
		b.WriteString(strings.Repeat("word ", 20) + "x" + string(rune('a'+i%26)) + "\t" + strings.Repeat("mot ", 20) + "\n")
	}
	b.WriteString("short one\tcourt\n")
	os.WriteFile(long, []byte(b.String()), 0o644)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"train", "translate", "--data", long, "--out", filepath.Join(dir, "a.model"), "--max-tokens", "3", "--val", "100", "--test", "100"},
			[]string{"1 usable pairs, not enough for 100 validation and 100 test pairs", "--max-tokens 3 dropped 26 of the 31 pairs read as too long", "4 exact duplicates", "lower --val/--test"}},
		{[]string{"train", "translate", "--data", long, "--out", filepath.Join(dir, "b.model"), "--max-tokens", "1"},
			[]string{"none of the 31 pairs has at most 1 source and 1 target tokens (--max-tokens); raise --max-tokens"}},
	} {
		err := run(t, c.args...)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("recur %s\n  error: %v\n  want it to mention: %s", strings.Join(c.args, " "), err, w)
			}
		}
	}
}
