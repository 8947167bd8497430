package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/recur-dev/recur/models"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/builtin"
	"github.com/recur-dev/recur/decoder"
)

func generateCommand() *cli.Command {
	return &cli.Command{
		Name:      "generate",
		Usage:     "continue a prompt with a language model",
		ArgsUsage: " ",
		Description: `Reads the prompt with the model (priming its recurrent state), then samples
one token at a time. Text streams to standard output as it is generated.

Sampling: logits are divided by --temperature (lower is more conservative),
then optionally cut to the --top-k most likely tokens and to the smallest set
whose probability reaches --top-p; --greedy always takes the most likely
token. The same --seed with the same model and flags gives the same text.

Prompt characters (or words) the model never saw are read as <unk> and named
in a warning on standard error.

Examples:
    recur generate --prompt "ROMEO:"
    recur generate --model words.model --prompt "to be or" --length 50 --top-p 0.9`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "textgen model file or Hugging Face GPT-2 checkpoint folder (default: the built-in tiny-Shakespeare character model)"},
			&cli.StringFlag{Name: "prompt", Aliases: []string{"p"}, Usage: "text to continue (empty: start of a new line)"},
			&cli.IntFlag{Name: "length", Aliases: []string{"n"}, Value: 300, Usage: "tokens to generate (characters or words), 1 to 100000"},
			&cli.Float64Flag{Name: "temperature", Aliases: []string{"t"}, Value: 0.8, Usage: "sampling temperature, > 0"},
			&cli.IntFlag{Name: "top-k", Value: 0, Usage: "sample among the k most likely tokens only (0: off)"},
			&cli.Float64Flag{Name: "top-p", Value: 1, Usage: "nucleus sampling: smallest set of tokens with probability >= p, in (0, 1] (1: off)"},
			&cli.BoolFlag{Name: "greedy", Usage: "always take the most likely token (ignores temperature, top-k, top-p)"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed; the same seed gives the same text"},
			threadsFlag,
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("generate takes no arguments (got %q): pass the prompt with --prompt", c.Args().First())
			}
			if err := applyThreads(c); err != nil {
				return err
			}
			n, err := rangeInt(c, "length", 1, 100000)
			if err != nil {
				return err
			}
			cfg := decoder.SampleConfig{Greedy: c.Bool("greedy"), Temperature: c.Float64("temperature"), TopK: c.Int("top-k"), TopP: c.Float64("top-p")}
			if err := cfg.Validate(); err != nil {
				return flagError(err)
			}
			m, err := loadLanguageModel(c.String("model"))
			if err != nil {
				return err
			}
			out := os.Stdout
			prompt := c.String("prompt")
			fmt.Fprint(out, prompt)
			g, err := m.Generate(c.Context, prompt, n, cfg, c.Uint64("seed"), func(piece string) bool {
				fmt.Fprint(out, piece)
				return true
			})
			fmt.Fprintln(out)
			if g != nil && len(g.Unknown) > 0 {
				fmt.Fprintf(os.Stderr, "warning: the model's vocabulary lacks %s; read as <unk>\n", quoteList(g.Unknown))
			}
			return err
		},
	}
}

func loadLanguageModel(path string) (*models.LanguageModel, error) {
	if path == "" {
		return builtin.Shakespeare()
	}
	return models.LoadLanguageModel(path)
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}
