package main

import (
	"fmt"
	"math"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/datasets"
)

func expf(x float64) float64 { return math.Exp(x) }

func evalCommand() *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "score a model on held-out data",
		ArgsUsage: " ",
		Description: `For a language model, scores the last --val-frac of --data (the part training
held out, when the same file and fraction are used): prints

    val_loss <nats per token>
    perplexity <exp(val_loss)>

The text is cut into 32 chunks, each read from a zero state, and every token
but the first is predicted from the ones before it.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "model file (default: the built-in character model)"},
			&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Required: true, Usage: "UTF-8 text file"},
			&cli.Float64Flag{Name: "val-frac", Value: 0.1, Usage: "score the last fraction of the text, in (0, 1]"},
			threadsFlag,
		},
		Action: func(c *cli.Context) error {
			if err := applyThreads(c); err != nil {
				return err
			}
			frac := c.Float64("val-frac")
			if !(frac > 0 && frac <= 1) {
				return fmt.Errorf("--val-frac must be in (0, 1] (got %g)", frac)
			}
			text, err := datasets.ReadText(c.String("data"))
			if err != nil {
				return err
			}
			m, err := loadLanguageModel(c.String("model"))
			if err != nil {
				return err
			}
			if frac == 1 {
				frac = 0.999999
			}
			loss, n, unk, err := m.EvalText(c.Context, text, frac)
			if err != nil {
				return fmt.Errorf("%s: %w", c.String("data"), err)
			}
			fmt.Printf("val_loss %.4f\nperplexity %.2f\n", loss, math.Exp(loss))
			fmt.Printf("tokens %d\nunknown %d\n", n, unk)
			return nil
		},
	}
}
