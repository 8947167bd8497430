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

// Every command and flag teaches: a usage line, a description for commands,
// and flag help that names the valid range or choices.
func TestEveryCommandIsDocumented(t *testing.T) {
	var walk func(prefix string, cmds []*cli.Command)
	walk = func(prefix string, cmds []*cli.Command) {
		for _, c := range cmds {
			name := prefix + c.Name
			if c.Usage == "" {
				t.Errorf("%s: no Usage", name)
			}
			if c.Description == "" {
				t.Errorf("%s: no Description", name)
			}
			for _, f := range c.Flags {
				if df, ok := f.(cli.DocGenerationFlag); ok && df.GetUsage() == "" {
					t.Errorf("%s --%s: no usage text", name, f.Names()[0])
				}
			}
			walk(name+" ", c.Subcommands)
		}
	}
	walk("recur ", newApp().Commands)
}

// run executes the app in-process and returns stdout-ish output and error.
func run(t *testing.T, args ...string) error {
	t.Helper()
	app := newApp()
	app.Writer, app.ErrWriter = &bytes.Buffer{}, &bytes.Buffer{}
	app.ExitErrHandler = func(*cli.Context, error) {}
	return app.RunContext(context.Background(), append([]string{"recur"}, args...))
}

func TestBadInputsGiveClearErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	invalid := filepath.Join(dir, "latin1.txt")
	os.WriteFile(invalid, []byte("caf\xe9\n"), 0o644)
	truncated := filepath.Join(dir, "trunc.model")
	os.WriteFile(truncated, []byte{0x40, 0, 0, 0, 0, 0, 0, 0, '{', '"'}, 0o644)
	out := filepath.Join(dir, "m.model")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"generate", "--temperature", "0"}, "--temperature must be > 0"},
		{[]string{"generate", "--temperature", "-1"}, "--temperature"},
		{[]string{"generate", "--top-p", "1.5"}, "--top-p must be in (0, 1]"},
		{[]string{"generate", "--top-p", "0"}, "--top-p"},
		{[]string{"generate", "--top-k", "-2"}, "--top-k"},
		{[]string{"generate", "--length", "0"}, "--length must be in [1, 100000]"},
		{[]string{"generate", "--model", filepath.Join(dir, "nope.model")}, "nope.model"},
		{[]string{"generate", "--model", truncated}, "trunc.model"},
		{[]string{"generate", "--threads", "0"}, "--threads"},
		{[]string{"train", "textgen", "--data", empty, "--out", out}, "empty"},
		{[]string{"train", "textgen", "--data", invalid, "--out", out}, "invalid UTF-8 at byte offset 3"},
		{[]string{"train", "textgen", "--data", empty, "--out", out, "--cell", "lsmt"}, `unknown cell "lsmt" (valid: lstm, gru)`},
		{[]string{"train", "textgen", "--data", empty, "--out", out, "--level", "wrd"}, `unknown --level "wrd" (valid: char, word, bpe)`},
		{[]string{"train", "textgen", "--data", empty, "--out", out, "--arch", "cnn"}, `unknown --arch "cnn" (valid: rnn, markov, gpt)`},
		{[]string{"train", "textgen", "--data", empty, "--out", out, "--hidden", "0"}, "--hidden must be in [1, 4096]"},
		{[]string{"train", "textgen", "--data", empty, "--out", out, "--dropout", "1"}, "dropout must be in [0, 1)"},
		{[]string{"eval", "--data", filepath.Join(dir, "missing.txt")}, "missing.txt"},
		{[]string{"convert", "--model", truncated, "--out", out, "--dtype", "f8"}, `unknown --dtype "f8" (valid: f16, f32)`},
	}
	for _, c := range cases {
		err := run(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("recur %s\n  error: %v\n  want it to mention: %s", strings.Join(c.args, " "), err, c.want)
		}
	}
}
