package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/tasks"
)

func trainTranslateCommand() *cli.Command {
	d := tasks.DefaultTranslateTaskConfig()
	return &cli.Command{
		Name:      "translate",
		Usage:     "train a translator on tab-separated sentence pairs (Tatoeba/manythings format)",
		ArgsUsage: " ",
		Description: `Reads source<TAB>target[<TAB>attribution] lines, normalises them (NFC, Unicode
spaces such as French narrow no-break spaces made plain), tokenizes words and
punctuation (one token per character for scripts written without spaces),
drops exact duplicates and pairs longer than --max-tokens, shuffles with
--split-seed and holds out --val and --test pairs. Both are written next to
the model (OUT.val.tsv, OUT.test.tsv) so 'recur eval' can score them: tune
decoding (--beam, --length-penalty) on the validation pairs, report the test
pairs.

The model: a (bidirectional) RNN encoder, its final state bridged into the
shared decoder, which attends to the encoder's outputs (additive or
multiplicative scores). Validation reports loss, and BLEU and chrF of greedy
translations (free running, not teacher forced); the best BLEU is kept in OUT.

Examples:
    recur train translate --data eng-fra.tsv --out en-fr.model
    recur train translate --data eng-fra.tsv --reverse --out fr-en.model --steps 4000`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Required: true, Usage: "sentence-pair TSV file"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Required: true, Usage: "model file to write"},
			&cli.BoolFlag{Name: "reverse", Usage: "swap the columns (translate from the second language to the first)"},
			&cli.BoolFlag{Name: "skip-bad", Usage: "skip and count malformed lines instead of stopping at the first"},
			&cli.BoolFlag{Name: "keep-case", Usage: "do not lowercase"},
			&cli.IntFlag{Name: "max-tokens", Value: d.Pairs.MaxTokens, Usage: "drop pairs with more tokens on either side (0: keep all)"},
			&cli.IntFlag{Name: "min-count", Value: d.MinCount, Usage: "tokens seen fewer times in training become <unk>"},
			&cli.IntFlag{Name: "val", Value: d.Val, Usage: "validation pairs held out"},
			&cli.IntFlag{Name: "test", Value: d.Test, Usage: "test pairs held out (written to OUT.test.tsv)"},
			&cli.Uint64Flag{Name: "split-seed", Value: d.SplitSeed, Usage: "shuffle seed of the split"},
			&cli.StringFlag{Name: "src-lang", Usage: "source language code (default: from a file name like eng-fra.tsv)"},
			&cli.StringFlag{Name: "tgt-lang", Usage: "target language code, used to detokenize (fr puts a narrow space before ! ? ; :)"},
			&cli.IntFlag{Name: "subwords", Usage: "split words into about this many learned subword units per side (byte-pair encoding; 0: whole words)"},
			&cli.StringFlag{Name: "cell", Value: string(d.Model.Decoder.Cell), Usage: "recurrent cell of encoder and decoder: lstm or gru"},
			&cli.IntFlag{Name: "hidden", Value: d.Model.Decoder.Hidden, Usage: "encoder and decoder state size, 1 to 4096"},
			&cli.IntFlag{Name: "embed", Value: d.Model.Decoder.Embed, Usage: "embedding size, 1 to 4096"},
			&cli.IntFlag{Name: "layers", Value: d.Model.Decoder.Layers, Usage: "layers of encoder and decoder, 1 to 8"},
			&cli.BoolFlag{Name: "unidirectional", Usage: "encoder reads left to right only"},
			&cli.StringFlag{Name: "attention", Value: d.Model.Decoder.Attention, Usage: "attention score: additive or multiplicative"},
			&cli.IntFlag{Name: "attention-dim", Value: d.Model.Decoder.AttentionDim, Usage: "additive attention size"},
			&cli.Float64Flag{Name: "dropout", Usage: "dropout between layers and before the output, in [0, 1)"},
			&cli.Float64Flag{Name: "label-smoothing", Usage: "label smoothing ε of the loss, in [0, 1)"},
			&cli.Float64Flag{Name: "teacher-forcing", Value: 1, Usage: "probability of feeding the true previous token in training, in (0, 1]; the rest are the model's own predictions (scheduled sampling)"},
			&cli.IntFlag{Name: "batch", Value: d.Batch, Usage: "sentence pairs per step"},
			&cli.IntFlag{Name: "bleu-sentences", Value: 0, Usage: "validation sentences decoded for BLEU (0: all)"},
			threadsFlag,
		}, loopFlags(loopDefaults{Steps: 3000, LR: 1e-3, LRDecay: 1, EvalEvery: 250, CheckpointEvery: 250, Watches: "validation BLEU"})...),
		Action: trainTranslate,
	}
}

// trainTranslate is recur train translate.
func trainTranslate(c *cli.Context) error {
	if err := applyThreads(c); err != nil {
		return err
	}
	cfg := tasks.DefaultTranslateTaskConfig()
	cfg.Pairs.Reverse, cfg.Pairs.SkipBad = c.Bool("reverse"), c.Bool("skip-bad")
	cfg.Pairs.Lowercase = !c.Bool("keep-case")
	cfg.Pairs.MaxTokens, cfg.MinCount = c.Int("max-tokens"), c.Int("min-count")
	cfg.Val, cfg.Test, cfg.SplitSeed, cfg.Batch = c.Int("val"), c.Int("test"), c.Uint64("split-seed"), c.Int("batch")
	cfg.Smoothing, cfg.BLEUSample = c.Float64("label-smoothing"), c.Int("bleu-sentences")
	cfg.Model.Subwords = c.Int("subwords")
	cfg.TeacherForcing = c.Float64("teacher-forcing")
	if cfg.Model.Subwords < 0 || cfg.Model.Subwords > 100000 {
		return fmt.Errorf("--subwords must be in [0, 100000] (got %d)", cfg.Model.Subwords)
	}
	if cfg.Val < 1 || cfg.Test < 0 {
		return fmt.Errorf("--val must be >= 1 and --test >= 0 (got %d, %d)", cfg.Val, cfg.Test)
	}
	shape, err := readRNNShape(c, true)
	if err != nil {
		return err
	}
	cell, hidden, embed, layers := shape.Cell, shape.Hidden, shape.Embed, shape.Layers
	e := &cfg.Model.Encoder
	e.Cell, e.Hidden, e.Embed, e.Layers, e.Bidirectional, e.Dropout = cell, hidden, embed, layers, !c.Bool("unidirectional"), c.Float64("dropout")
	dc := &cfg.Model.Decoder
	dc.Cell, dc.Hidden, dc.Embed, dc.Layers, dc.Dropout = cell, hidden, embed, layers, c.Float64("dropout")
	dc.Attention, dc.AttentionDim = c.String("attention"), c.Int("attention-dim")
	src, tgt := tasks.LangsFromName(c.String("data"), cfg.Pairs.Reverse)
	if c.IsSet("src-lang") {
		src = c.String("src-lang")
	}
	if c.IsSet("tgt-lang") {
		tgt = c.String("tgt-lang")
	}
	cfg.Model.SrcLang, cfg.Model.TgtLang = src, tgt
	start := time.Now()
	data, err := tasks.LoadPairs(c.String("data"), cfg)
	if err != nil {
		return err
	}
	r := data.Report
	fmt.Fprintf(os.Stderr, "%s: %d pairs read, %d duplicates and %d too long dropped, %d malformed skipped; train %d, validation %d, test %d; vocabulary %d → %d\n",
		c.String("data"), r.Read, r.Duplicates, r.TooLong, r.Skipped, len(data.Train), len(data.Val), len(data.Test), data.SrcVocab.Size(), data.TgtVocab.Size())
	if note := r.LengthNote(); note != "" {
		fmt.Fprintf(os.Stderr, "%s: %s\n", c.String("data"), flagError(errors.New(note)))
	}
	task, err := tasks.NewTranslateTask(cfg, data, c.Uint64("seed"))
	if err != nil {
		return err
	}
	out := c.String("out")
	if len(data.Test) > 0 {
		if err := datasets.WritePairs(out+".test.tsv", data.Test); err != nil {
			return err
		}
	}
	if err := datasets.WritePairs(out+".val.tsv", data.Val); err != nil {
		return err
	}
	tc := loopConfig(c, out)
	tc.Primary, tc.Maximize = "bleu", true
	tc.Meta = map[string]string{"data.file": c.String("data")}
	fmt.Fprintf(os.Stderr, "model: %s encoder/decoder %d x %d, %s attention, %d parameters\n", cell, layers, hidden, dc.Attention, task.Params().Count())
	res, err := runTraining(c, task, tc)
	if err != nil {
		return err
	}
	fmt.Printf("val_bleu %.2f\nval_chrf %.2f\nval_loss %.4f\nbest_step %d\n", res.Best["bleu"], res.Best["chrf"], res.Best["loss"], res.BestStep)
	fmt.Fprintf(os.Stderr, "wrote %s (best validation BLEU) in %s\n", out, time.Since(start).Round(time.Second))
	return nil
}
