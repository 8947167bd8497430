package main

import (
	"errors"
	"fmt"
	"testing"
)

// flagError turns the option names of library errors into the flags that
// set them, leaves other errors alone and keeps the wrapped error.
func TestFlagError(t *testing.T) {
	base := errors.New("base")
	for _, c := range []struct {
		in   error
		want string
	}{
		{fmt.Errorf("training.Config.Steps must be >= 1 (got 0)"), "--steps must be >= 1 (got 0)"},
		{fmt.Errorf("unknown TextGenTaskConfig.Arch %q (valid: rnn, markov)", "x"), `unknown --arch "x" (valid: rnn, markov)`},
		{fmt.Errorf("x.tsv: 3 usable pairs, not enough (lower TranslateTaskConfig.Val/TranslateTaskConfig.Test)"), "x.tsv: 3 usable pairs, not enough (lower --val/--test)"},
		{fmt.Errorf("TranslateOptions.LengthPenalty must be in [0, 5] (got 7)"), "--length-penalty must be in [0, 5] (got 7)"},
		{fmt.Errorf("temperature must be > 0 (got 0)"), "--temperature must be > 0 (got 0)"},
		{fmt.Errorf("a top-k of 3"), "a top-k of 3"}, // sampling names only at the start
		{fmt.Errorf("--beam must be in [1, 100]"), "--beam must be in [1, 100]"},
		{fmt.Errorf("training.Config.Resume: %w", base), "--resume: base"},
		{fmt.Errorf("training.Config.Resume: m holds a model of a different shape than the one configured (check the model Config.Cell, Config.Hidden, Config.Layers, Config.Embed and the data)"),
			"--resume: m holds a model of a different shape than the one configured (check --cell, --hidden, --layers, --embed and the data)"},
	} {
		got := flagError(c.in)
		if got.Error() != c.want {
			t.Errorf("flagError(%q) = %q, want %q", c.in, got, c.want)
		}
		if !errors.Is(got, c.in) {
			t.Errorf("flagError(%q) lost the original error", c.in)
		}
	}
	if flagError(nil) != nil {
		t.Error("flagError(nil) is not nil")
	}
}
