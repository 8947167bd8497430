package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

func tokenizeCommand() *cli.Command {
	return &cli.Command{
		Name:      "tokenize",
		Usage:     "print the token ids a text model reads for each TEXT",
		ArgsUsage: "TEXT...",
		Description: `Encodes each TEXT argument with the model's tokenizer (character, word,
byte-level BPE, or GPT-2's own for a checkpoint folder) and prints its ids,
space-separated, one line per TEXT. Text outside a char or word vocabulary
becomes id 0 (<unk>) and is named in a warning on standard error.

Examples:
    recur tokenize --model ./gpt2/ "Hello world"     # 15496 995
    recur tokenize --model shakespeare.model "ROMEO:"`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "textgen model file or GPT-2 checkpoint folder (default: the built-in tiny-Shakespeare character model)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return fmt.Errorf("tokenize needs at least one TEXT argument")
			}
			m, err := loadLanguageModel(c.String("model"))
			if err != nil {
				return err
			}
			var unknown []string
			for _, text := range c.Args().Slice() {
				ids, unk := m.Tokenizer.Encode(text)
				parts := make([]string, len(ids))
				for i, id := range ids {
					parts[i] = strconv.Itoa(id)
				}
				fmt.Fprintln(c.App.Writer, strings.Join(parts, " "))
				unknown = append(unknown, unk...)
			}
			if len(unknown) > 0 {
				fmt.Fprintf(os.Stderr, "warning: the model's vocabulary lacks %s; read as <unk>\n", quoteList(unknown))
			}
			return nil
		},
	}
}
