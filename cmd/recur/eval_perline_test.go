package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/builtin"
)

// TestEvalPerLine runs `recur eval --per-line` on a small text with the
// built-in character model and checks the file line by line against the
// library's LanguageModel.ScoreLines on each line alone: the same text,
// byte for byte (the figures do not depend on batching).
func TestEvalPerLine(t *testing.T) {
	dir := t.TempDir()
	lines := []string{"ROMEO:", "What light through yonder window breaks?", "", "First Citizen:\r", "zzzz qqqq", "KING RICHARD III:"}
	data := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(data, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "per-line.tsv")
	if err := run(t, "eval", "--data", data, "--per-line", out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := builtin.Shakespeare()
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for i, l := range lines {
		s, err := m.ScoreLines(context.Background(), []string{strings.TrimSuffix(l, "\r")})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&want, "%d\t%s\n", i+1, s[0].TSV())
	}
	if string(b) != want.String() {
		t.Errorf("--per-line wrote\n%s\nthe library scores\n%s", b, want.String())
	}
}

func TestEvalPerLineRefusesOtherTasks(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "pairs.tsv")
	os.WriteFile(data, []byte("I am cold.\tJ'ai froid.\n"), 0o644)
	err := run(t, "eval", "--data", data, "--per-line", filepath.Join(dir, "out.tsv"))
	if err == nil || !strings.Contains(err.Error(), "--per-line") {
		t.Errorf("error %v, want one naming --per-line", err)
	}
}

func TestSplitLines(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"a\nb\n", []string{"a", "b"}},
		{"a\r\n\nb", []string{"a", "", "b"}},
		{"only", []string{"only"}},
	} {
		if got := splitLines(tc.in); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("splitLines(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
