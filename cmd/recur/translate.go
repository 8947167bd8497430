package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/recur-dev/recur/models"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/builtin"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/plots"
)

func translateCommand() *cli.Command {
	return &cli.Command{
		Name:      "translate",
		Usage:     "translate sentences with a sequence-to-sequence model",
		ArgsUsage: "[SENTENCE...]",
		Description: `Translates each SENTENCE argument, or, with none, each line of standard input
(one line in, one line out, so it fits in pipelines). Without --model the
built-in English to French model is used.

Decoding is greedy by default (all sentences batched together); --beam N
keeps the N best partial translations (ranked by log-probability per token
with --length-penalty 1), and --nbest K prints the K best, tab-separated with
their scores. --attention FILE draws the attention of the (first) sentence's
best translation as a PNG heatmap. An output cut at --max-len tokens is
marked with a warning.

Examples:
    recur translate "I am cold."
    echo "She is my sister." | recur translate --beam 5
    recur translate --model en-fr.model --beam 5 --nbest 3 --attention att.png "We are late."`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "translate model file (default: the built-in English→French model)"},
			&cli.IntFlag{Name: "beam", Aliases: []string{"b"}, Value: 1, Usage: "beam width, 1 to 100 (1: greedy)"},
			&cli.IntFlag{Name: "nbest", Value: 1, Usage: "translations printed per sentence, 1 to --beam"},
			&cli.Float64Flag{Name: "length-penalty", Value: 1, Usage: "beam score = log P / length^α; α in [0, 5] (default: the model's tuned value, else 1)"},
			&cli.IntFlag{Name: "max-len", Usage: "longest output in tokens, 1 to 1000 (default: the model's)"},
			&cli.Float64Flag{Name: "temperature", Usage: "sample instead of greedy decoding at this temperature (> 0; beam 1 only)"},
			&cli.IntFlag{Name: "top-k", Usage: "when sampling: only among the k most likely tokens (0: off)"},
			&cli.Float64Flag{Name: "top-p", Value: 1, Usage: "when sampling: nucleus, the smallest set of tokens with probability >= p, in (0, 1]"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed for sampling"},
			&cli.StringFlag{Name: "attention", Usage: "write the attention heatmap of the first sentence to this PNG file"},
			threadsFlag,
		},
		Action: translate,
	}
}

// translate is recur translate.
func translate(c *cli.Context) error {
	if err := applyThreads(c); err != nil {
		return err
	}
	beam, err := rangeInt(c, "beam", 1, 100)
	if err != nil {
		return err
	}
	nbest, err := rangeInt(c, "nbest", 1, beam)
	if err != nil {
		return err
	}
	o := models.TranslateOptions{Beam: beam, NBest: nbest, LengthPenalty: lengthPenalty(c), Seed: c.Uint64("seed")}
	if c.IsSet("max-len") {
		if o.MaxLen, err = rangeInt(c, "max-len", 1, 1000); err != nil {
			return err
		}
	}
	if c.IsSet("temperature") {
		if beam > 1 {
			return fmt.Errorf("--temperature samples one translation: use it with --beam 1")
		}
		sc := decoder.SampleConfig{Temperature: c.Float64("temperature"), TopK: c.Int("top-k"), TopP: c.Float64("top-p")}
		if err := sc.Validate(); err != nil {
			return flagError(err)
		}
		o.Sample = &sc
	}
	sentences := c.Args().Slice()
	fromStdin := len(sentences) == 0
	if fi, err := os.Stdin.Stat(); fromStdin && err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		return fmt.Errorf("nothing to translate: pass sentences as arguments (recur translate \"I am cold.\") or pipe them in, one per line")
	}
	m, err := loadTranslator(c.String("model"))
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	first := true
	handle := func(batch []string) error {
		tr, err := m.Translate(c.Context, batch, o)
		if err != nil {
			return err
		}
		for _, t := range tr {
			if len(t.Unknown) > 0 {
				fmt.Fprintf(os.Stderr, "warning: %q: the model's vocabulary lacks %s; read as <unk>\n", t.Source, quoteList(t.Unknown))
			}
			for i, h := range t.Hyps {
				if !h.Finished {
					fmt.Fprintf(os.Stderr, "warning: %q: translation cut at the maximum length\n", t.Source)
				}
				if nbest > 1 {
					fmt.Fprintf(out, "%s\t%.4f", h.Text, h.Score)
					if i == len(t.Hyps)-1 {
						fmt.Fprintln(out)
					} else {
						fmt.Fprint(out, "\t")
					}
				} else {
					fmt.Fprintln(out, h.Text)
				}
			}
			if first && c.String("attention") != "" {
				first = false
				h := t.Hyps[0]
				if err := plots.Attention(c.String("attention"), h.Attention, t.SourceTokens, h.Tokens); err != nil {
					return err
				}
				fmt.Fprintf(os.Stderr, "attention map written to %s\n", c.String("attention"))
			}
		}
		return out.Flush()
	}
	if !fromStdin {
		return handle(sentences)
	}
	lines, failed, err := translateLines(os.Stdin, os.Stderr, handle, func() error { _, err := fmt.Fprintln(out); return err })
	if err != nil {
		return err
	}
	if lines == 0 {
		return fmt.Errorf("nothing to translate: pass sentences as arguments or on standard input")
	}
	return batchFailed(failed, lines, "lines")
}

func loadTranslator(path string) (*models.Translator, error) {
	if path == "" {
		return builtin.EnFr()
	}
	return models.LoadTranslator(path)
}

// lengthPenalty is --length-penalty when given; nil lets the model apply
// its own tuned value.
func lengthPenalty(c *cli.Context) *float64 {
	if !c.IsSet("length-penalty") {
		return nil
	}
	return models.Penalty(c.Float64("length-penalty"))
}
