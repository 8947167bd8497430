package main

import (
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/markov"
	"github.com/recur-dev/recur/tasks"
	"github.com/recur-dev/recur/training"
)

func trainCommand() *cli.Command {
	return &cli.Command{
		Name:  "train",
		Usage: "train a model (textgen, translate, caption, classify, classify-image)",
		Description: `Trains a model with recur's one training loop: Adam with global-norm
gradient clipping and learning-rate decay, validation every --eval-every
steps, a resumable checkpoint (OUT.ckpt) every --checkpoint-every steps, the
best model by validation loss in OUT, and the loss curve in OUT.loss.png.
Ctrl-C writes a checkpoint before exiting; --resume continues from it with the
same data order, optimizer state and random state.`,
		Subcommands: []*cli.Command{trainTextGenCommand(), trainTranslateCommand(), trainCaptionCommand(), trainClassifyCommand(), trainClassifyImageCommand()},
	}
}

func trainTextGenCommand() *cli.Command {
	d := tasks.DefaultTextGenTaskConfig()
	t := training.DefaultConfig()
	m := markov.DefaultConfig()
	return &cli.Command{
		Name:      "textgen",
		Usage:     "train a character- or word-level language model on a UTF-8 text file",
		ArgsUsage: " ",
		Description: `The last --val-frac of the text (by token position) is held out for
validation; the vocabulary comes from the rest. Training reads --batch
contiguous streams of the text, --seq tokens at a time, carrying the
recurrent state from one window to the next as char-rnn does.

--arch markov trains an n-gram baseline (interpolated Kneser-Ney) instead,
so you can see what the RNN buys; it is evaluated and sampled the same way.

Examples:
    recur train textgen --data corpus.txt --level char --steps 5000 --out shakespeare.model
    recur train textgen --data corpus.txt --level word --seq 35 --dropout 0.3 --out words.model
    recur train textgen --data corpus.txt --arch markov --order 5 --out markov.model
    recur train textgen --data corpus.txt --out shakespeare.model --steps 8000 --resume` + gptTextGenDescription,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Required: true, Usage: "UTF-8 text file to learn"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Required: true, Usage: "model file to write (checkpoint: OUT.ckpt, loss curve: OUT.loss.png)"},
			&cli.StringFlag{Name: "level", Value: d.Level, Usage: "tokens: char, word (lowercased words, punctuation and line breaks) or bpe (byte-level BPE learned on the data)"},
			&cli.BoolFlag{Name: "keep-case", Usage: "word level: do not lowercase"},
			&cli.IntFlag{Name: "min-count", Usage: "tokens seen fewer times in training become <unk> (default: char 1, word 2)"},
			&cli.StringFlag{Name: "arch", Value: d.Arch, Usage: "model: rnn, markov or gpt"},
			&cli.IntFlag{Name: "order", Value: m.Order, Usage: "markov: n-gram order, 1 to 10"},
			&cli.StringFlag{Name: "cell", Value: string(d.Decoder.Cell), Usage: "recurrent cell: lstm or gru"},
			&cli.IntFlag{Name: "layers", Value: d.Decoder.Layers, Usage: "stacked recurrent layers, 1 to 8"},
			&cli.IntFlag{Name: "hidden", Value: d.Decoder.Hidden, Usage: "recurrent state size, 1 to 4096"},
			&cli.IntFlag{Name: "embed", Value: d.Decoder.Embed, Usage: "token embedding size, 1 to 4096"},
			&cli.Float64Flag{Name: "dropout", Value: d.Decoder.Dropout, Usage: "dropout between layers and before the output, in [0, 1)"},
			&cli.Float64Flag{Name: "embed-dropout", Usage: "dropout on token embeddings, in [0, 1) (word-level models benefit)"},
			&cli.IntFlag{Name: "batch", Value: d.Batch, Usage: "parallel streams per step"},
			&cli.IntFlag{Name: "seq", Value: d.Seq, Usage: "tokens per stream per step (backpropagation length)"},
			&cli.Float64Flag{Name: "val-frac", Value: d.ValFrac, Usage: "fraction of the text held out for validation, in (0, 1)"},
			threadsFlag,
		}, append(gptTextGenFlags(), loopFlags(loopDefaults{Steps: t.Steps, LR: t.Optim.LR, LRDecay: t.Optim.DecayRate, EvalEvery: t.EvalEvery, CheckpointEvery: t.CheckpointEvery, Watches: "validation loss"})...)...),
		Action: trainTextGen,
	}
}

// trainTextGen is recur train textgen.
func trainTextGen(c *cli.Context) error {
	if c.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: pass the corpus with --data", c.Args().First())
	}
	if err := applyThreads(c); err != nil {
		return err
	}
	cfg := tasks.DefaultTextGenTaskConfig()
	cfg.Arch, cfg.Level = c.String("arch"), c.String("level")
	cfg.Lowercase = !c.Bool("keep-case")
	cfg.MinCount = c.Int("min-count")
	cfg.ValFrac = c.Float64("val-frac")
	cfg.Batch, cfg.Seq = c.Int("batch"), c.Int("seq")
	cfg.BPEVocab = c.Int("vocab-size")
	if cfg.Arch == "gpt" || c.IsSet("init") {
		return trainTextGenGPT(c, cfg)
	}
	shape, err := readRNNShape(c, true)
	if err != nil {
		return err
	}
	cell := shape.Cell
	cfg.Decoder.Cell, cfg.Decoder.Layers, cfg.Decoder.Hidden, cfg.Decoder.Embed = shape.Cell, shape.Layers, shape.Hidden, shape.Embed
	cfg.Decoder.Dropout = c.Float64("dropout")
	cfg.Decoder.EmbedDropout = c.Float64("embed-dropout")
	if err := cfg.Validate(); err != nil {
		return err
	}
	if !(cfg.Decoder.Dropout >= 0 && cfg.Decoder.Dropout < 1) {
		return fmt.Errorf("--dropout must be in [0, 1) (got %g)", cfg.Decoder.Dropout)
	}
	start := time.Now()
	corpus, err := tasks.LoadCorpus(c.String("data"), cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %d training and %d validation %ss, vocabulary %d\n",
		c.String("data"), len(corpus.Train), len(corpus.Val), cfg.Level, corpus.Tokenizer.Vocab().Size())
	meta := map[string]string{"data.file": c.String("data")}
	if cfg.Arch == "markov" {
		mc := markov.DefaultConfig()
		mc.Order = c.Int("order")
		if err := mc.Validate(); err != nil {
			return fmt.Errorf("--order: %w", err)
		}
		loss, err := tasks.TrainMarkov(corpus, cfg, mc, c.String("out"), meta)
		if err != nil {
			return err
		}
		fmt.Printf("val_loss %.4f\nperplexity %.2f\n", loss, expf(loss))
		fmt.Fprintf(os.Stderr, "wrote %s in %s\n", c.String("out"), time.Since(start).Round(time.Millisecond))
		return nil
	}
	task, err := tasks.NewTextGenTask(cfg, corpus, c.Uint64("seed"))
	if err != nil {
		return err
	}
	tc := loopConfig(c, c.String("out"))
	tc.Meta = meta
	fmt.Fprintf(os.Stderr, "model: %s %d x %d, embedding %d, %d parameters\n", cell, cfg.Decoder.Layers, cfg.Decoder.Hidden, cfg.Decoder.Embed, task.Params().Count())
	return trainLanguageModel(c, task, tc, start)
}
