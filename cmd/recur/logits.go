package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/tokenizers"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/encoder"
)

// logitsCommand prints a model's logits for fixed token ids as JSON: the
// hook scripts/check_pytorch.py uses to compare recur with PyTorch modules
// loaded from the same model file.
func logitsCommand() *cli.Command {
	return &cli.Command{
		Name:      "logits",
		Usage:     "print a model's logits for given token ids as JSON (for cross-checking with PyTorch)",
		ArgsUsage: " ",
		Hidden:    true,
		Description: `Runs the model on --tokens (decoder input ids, comma-separated) and prints
{"logits": [[...], ...]} with one row per input token, computed by the plain
Go inference path (Step; a GPT reads the ids in one batched pass, at most
its context). For a translator, --src gives the source ids, encoded first.
--model also takes a Hugging Face GPT-2 checkpoint folder
(scripts/check_gpt_pytorch.py compares both with PyTorch).`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Required: true, Usage: "model file, or a Hugging Face GPT-2 checkpoint folder"},
			&cli.StringFlag{Name: "tokens", Required: true, Usage: "decoder input ids, comma-separated"},
			&cli.StringFlag{Name: "src", Usage: "translator: source ids, comma-separated"},
		},
		Action: func(c *cli.Context) error {
			ids, err := parseIDs(c.String("tokens"))
			if err != nil {
				return fmt.Errorf("--tokens: %w", err)
			}
			model, err := models.Load(c.String("model"))
			if err != nil {
				return err
			}
			var rows [][]float32
			switch model.Task {
			case models.TaskTextGen:
				m := model.LM
				if m.GPT != nil {
					if rows, err = gptLogitRows(m.GPT, ids); err != nil {
						return err
					}
					break
				}
				if m.Decoder == nil {
					return fmt.Errorf("%s: not an RNN model", c.String("model"))
				}
				s := m.Decoder.NewState(1)
				for _, id := range ids {
					l := make([]float32, m.Decoder.VocabSize())
					if err := m.Decoder.Step(s, []int{id}, l); err != nil {
						return err
					}
					rows = append(rows, l)
				}
			case models.TaskTranslate:
				m := model.Translator
				src, err := parseIDs(c.String("src"))
				if err != nil {
					return fmt.Errorf("--src: %w", err)
				}
				enc, err := m.Enc.Encode(src)
				if err != nil {
					return err
				}
				s := encoder.Start(m.Dec, []*encoder.Encoded{enc})
				for _, id := range ids {
					l := make([]float32, m.Dec.VocabSize())
					if err := m.Dec.Step(s, []int{id}, l); err != nil {
						return err
					}
					rows = append(rows, l)
				}
			default:
				return fmt.Errorf("logits: %q models are not supported", model.Task)
			}
			return json.NewEncoder(os.Stdout).Encode(map[string]any{"logits": rows, "bos": tokenizers.BOSID})
		},
	}
}

func parseIDs(s string) ([]int, error) {
	var ids []int
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		v, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("%q is not a token id", p)
		}
		ids = append(ids, v)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no token ids")
	}
	return ids, nil
}
