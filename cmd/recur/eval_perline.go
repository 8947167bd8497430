package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/models"
)

// perLineFlag asks eval for every line's own score instead of the held-out
// loss.
var perLineFlag = &cli.StringFlag{Name: "per-line", Usage: "textgen: score every line of --data on its own (from a line break, predicting its tokens and the closing line break) and write 'line<TAB>nats<TAB>tokens<TAB>perplexity' per line (1-based line numbers) to this file, the figures recur-beam score writes; --val-frac is then unused"}

// perLineBatch is how many lines are handed to the library per call (the
// figures do not depend on it: see models.ScoreGroup).
const perLineBatch = 256

// evalPerLine scores each line of --data with the language model and
// writes one record per line to the --per-line file, then prints the
// totals.
func evalPerLine(c *cli.Context) error {
	text, m, err := readTextAndModel(c)
	if err != nil {
		return err
	}
	lines := splitLines(text)
	path := c.String("per-line")
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--per-line: %w", err)
	}
	w := bufio.NewWriter(f)
	var total models.LineScore
	for start := 0; start < len(lines); start += perLineBatch {
		batch := lines[start:min(start+perLineBatch, len(lines))]
		scores, err := m.ScoreLines(c.Context, batch)
		if err != nil {
			f.Close()
			return fmt.Errorf("%s: line %d: %w", c.String("data"), start+1, err)
		}
		for i, s := range scores {
			fmt.Fprintf(w, "%d\t%s\n", start+i+1, s.TSV())
			total.Nats += s.Nats
			total.Tokens += s.Tokens
			total.Unknown += s.Unknown
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("--per-line %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--per-line %s: %w", path, err)
	}
	if total.Tokens == 0 {
		return fmt.Errorf("%s: no lines to score", c.String("data"))
	}
	fmt.Printf("lines %d\ntokens %d\nunknown %d\n", len(lines), total.Tokens, total.Unknown)
	fmt.Printf("nats_per_token %.4f\nperplexity %.2f\n", total.Nats/float64(total.Tokens), total.Perplexity())
	return nil
}

// splitLines cuts text into lines the way recur-beam reads a text file:
// at "\n", a trailing "\r" dropped, no empty last line after a final line
// break.
func splitLines(text string) []string {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// readTextAndModel reads --data as text and loads the --model language
// model (the built-in one without it): what eval scores a text with.
func readTextAndModel(c *cli.Context) (string, *models.LanguageModel, error) {
	text, err := datasets.ReadText(c.String("data"))
	if err != nil {
		return "", nil, err
	}
	m, err := loadLanguageModel(c.String("model"))
	if err != nil {
		return "", nil, err
	}
	return text, m, nil
}
