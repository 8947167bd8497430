package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// eval on rendered scenes written with the default 3 captions judges a
// caption by the scene grammar (issue 12, item 17): the built-in
// captioner's exact match, the figure printed first, is far above the
// match against the 3 listed captions, which is printed as a note.
func TestSceneEvalJudgesByGrammar(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "scenes")
	if err := run(t, "datasets", "scenes", "--out", dir, "--n", "60", "--seed", "5"); err != nil {
		t.Fatal(err)
	}
	out, err := runOut(t, "eval", "--data", dir, "--threads", "1")
	if err != nil {
		t.Fatal(err)
	}
	var exact, listed float64
	for _, line := range strings.Split(out, "\n") {
		fmt.Sscanf(line, "exact_match %f", &exact)
		if i := strings.Index(line, "against the listed captions only: "); i >= 0 {
			fmt.Sscanf(line[i+len("against the listed captions only: "):], "%f", &listed)
		}
	}
	if !strings.Contains(out, "judges a caption true by the scene grammar") || exact < 85 || exact < listed+10 {
		t.Errorf("exact %.2f, listed-only %.2f; want the grammar's figure first, well above:\n%s", exact, listed, out)
	}
	t.Logf("exact_match %.2f (grammar), %.2f (listed captions only)", exact, listed)
}
