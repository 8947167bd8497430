package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/recur-dev/recur/models"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/plots"
	"github.com/recur-dev/recur/tasks"
)

// looksLikeImage reports whether arg names an existing image file.
func looksLikeImage(arg string) bool {
	switch strings.ToLower(filepath.Ext(arg)) {
	case ".png", ".jpg", ".jpeg", ".gif":
		_, err := os.Stat(arg)
		return err == nil
	}
	return false
}

func classifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "classify",
		Usage:     "label texts or images with a trained classifier",
		ArgsUsage: "TEXT-or-IMAGE...",
		Description: `Prints one line per input: the input, a tab, the predicted label, a tab and
its probability. A text classifier ('recur train classify') takes texts; an
image classifier ('recur train classify-image') takes image files (PNG, JPEG,
GIF). Giving one kind of model the other kind of input is an error.

    recur classify --model lang.model "Je suis là." "I am here."
    recur classify --model shapes.model scenes/00001.png`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Required: true, Usage: "classifier model file (task classify or classify-image)"},
			maxPixelsFlag, maxFileBytesFlag,
			threadsFlag,
		},
		Action: func(c *cli.Context) error {
			if err := applyThreads(c); err != nil {
				return err
			}
			args := c.Args().Slice()
			if len(args) == 0 {
				return fmt.Errorf("nothing to classify: recur classify --model M TEXT-or-IMAGE...")
			}
			m, err := models.LoadClassifier(c.String("model"))
			if err != nil {
				return err
			}
			var preds []models.Prediction
			var failed []string
			total := len(args)
			if m.Net != nil {
				ic, err := imageLimits(c).Input(m.Config.Image)
				if err != nil {
					return err
				}
				// Only text given to an image classifier is a usage error;
				// among images, each unreadable one is reported by name.
				if !slices.ContainsFunc(args, looksLikeImage) {
					return fmt.Errorf("%s is an image classifier: %q is not an image file (PNG, JPEG or GIF)", c.String("model"), args[0])
				}
				var imgs [][]float32
				args, imgs, failed = loadEach(c.App.ErrWriter, args, func(a string) ([]float32, error) { return cnn.LoadImage(a, ic) })
				if len(imgs) == 0 {
					return batchFailed(failed, total, "images")
				}
				preds, err = m.ClassifyImages(imgs)
			} else {
				for _, a := range args {
					if looksLikeImage(a) {
						return fmt.Errorf("%s is a text classifier: %q is an image file; give it text", c.String("model"), a)
					}
				}
				preds, err = m.ClassifyText(args)
			}
			if err != nil {
				return err
			}
			for i, p := range preds {
				fmt.Fprintf(c.App.Writer, "%s\t%s\t%.4f\n", args[i], p.Label, p.Prob)
			}
			return batchFailed(failed, total, "images")
		},
	}
}

func classifyTrainFlags(d tasks.ClassifyTaskConfig, steps int) []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Required: true, Usage: "model file to write (also OUT.confusion.png)"},
		&cli.IntFlag{Name: "val", Value: d.Val, Usage: "validation examples held out"},
		&cli.Uint64Flag{Name: "split-seed", Value: d.SplitSeed, Usage: "shuffle seed of the split"},
		&cli.IntFlag{Name: "batch", Value: d.Batch, Usage: "examples per step, 1 to 4096"},
		threadsFlag,
	}, loopFlags(loopDefaults{Steps: steps, LR: 2e-3, LRDecay: 1, EvalEvery: 250, CheckpointEvery: 250, Watches: "accuracy"})...)
}

func runClassifyTraining(c *cli.Context, cfg tasks.ClassifyTaskConfig, inputs, labels []string) error {
	cfg.Val, cfg.SplitSeed, cfg.Batch = c.Int("val"), c.Uint64("split-seed"), c.Int("batch")
	if cfg.Val < 1 {
		return fmt.Errorf("--val must be >= 1 (got %d)", cfg.Val)
	}
	start := time.Now()
	data, err := tasks.NewClassifyData(cfg, inputs, labels)
	if err != nil {
		return fmt.Errorf("%s: %w", c.String("data"), err)
	}
	fmt.Fprintf(os.Stderr, "%s: %d training and %d validation examples, labels %s\n", c.String("data"), len(data.Train), len(data.Val), strings.Join(data.Labels, ", "))
	task, err := tasks.NewClassifyTask(cfg, data, c.Uint64("seed"))
	if err != nil {
		return err
	}
	out := c.String("out")
	tc := loopConfig(c, out)
	tc.Primary, tc.Maximize = "accuracy", true
	tc.Meta = map[string]string{"data.file": c.String("data")}
	res, err := runTraining(c, task, tc)
	if err != nil {
		return err
	}
	// The confusion matrix of the best model, on the validation split.
	best, err := models.LoadClassifier(out)
	if err != nil {
		return err
	}
	task.Net = best
	if _, err := task.Evaluate(c.Context); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "val_accuracy %.2f\nval_loss %.4f\nbest_step %d\n\n%s", res.Best["accuracy"], res.Best["loss"], res.BestStep, plots.ConfusionTable(data.Labels, task.Confusion))
	png := out + ".confusion.png"
	if err := plots.Confusion(png, data.Labels, task.Confusion); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s (best validation accuracy) and %s in %s\n", out, png, time.Since(start).Round(time.Second))
	return nil
}

func trainClassifyCommand() *cli.Command {
	d := tasks.DefaultClassifyTaskConfig()
	return &cli.Command{
		Name:      "classify",
		Usage:     "train a text classifier on label<TAB>text lines",
		ArgsUsage: " ",
		Description: `Many-to-one: an RNN encoder reads the words of a text and its final state,
through tanh(W h + b), gives a softmax over the labels. Texts are normalised
and tokenized as for translation (words and punctuation), lowercased unless
--keep-case. Exact duplicate lines are kept once. Prints validation accuracy
and the confusion matrix, which is also drawn in OUT.confusion.png.

    cut -f1,2 eng-fra.tsv | awk -F'\t' '{print "en\t" $1; print "fr\t" $2}' > lang.tsv
    recur train classify --data lang.tsv --out lang.model
    recur classify --model lang.model "Je suis là."`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Required: true, Usage: "label<TAB>text file"},
			&cli.StringFlag{Name: "cell", Value: string(d.Model.Encoder.Cell), Usage: "encoder cell: lstm or gru"},
			&cli.IntFlag{Name: "hidden", Value: d.Model.Encoder.Hidden, Usage: "encoder state size, 1 to 4096"},
			&cli.IntFlag{Name: "embed", Value: d.Model.Encoder.Embed, Usage: "word embedding size, 1 to 4096"},
			&cli.BoolFlag{Name: "bidirectional", Usage: "read the text in both directions"},
			&cli.IntFlag{Name: "min-count", Value: d.MinCount, Usage: "words seen fewer times in training become <unk>"},
			&cli.IntFlag{Name: "max-tokens", Value: d.Model.MaxTokens, Usage: "read at most this many tokens of each text, 1 to 10000"},
			&cli.BoolFlag{Name: "keep-case", Usage: "do not lowercase"},
		}, classifyTrainFlags(d, 1000)...),
		Action: func(c *cli.Context) error {
			if err := applyThreads(c); err != nil {
				return err
			}
			cfg := tasks.DefaultClassifyTaskConfig()
			shape, err := readRNNShape(c, false)
			if err != nil {
				return err
			}
			cell, hidden, embed := shape.Cell, shape.Hidden, shape.Embed
			maxTok, err := rangeInt(c, "max-tokens", 1, 10000)
			if err != nil {
				return err
			}
			e := &cfg.Model.Encoder
			e.Cell, e.Hidden, e.Embed, e.Bidirectional = cell, hidden, embed, c.Bool("bidirectional")
			cfg.Model.MaxTokens, cfg.Model.Lowercase, cfg.MinCount = maxTok, !c.Bool("keep-case"), c.Int("min-count")
			texts, labels, err := datasets.ReadLabelledText(c.String("data"))
			if err != nil {
				return err
			}
			return runClassifyTraining(c, cfg, texts, labels)
		},
	}
}

func trainClassifyImageCommand() *cli.Command {
	d := tasks.DefaultClassifyTaskConfig()
	return &cli.Command{
		Name:      "classify-image",
		Usage:     "train an image classifier on rendered scenes or class folders",
		ArgsUsage: " ",
		Description: `One-to-one: the CNN alone (its pooled features, then a softmax over labels).
--data is either a rendered-scenes folder, whose labels.tsv gives each image's
first shape's attributes (--label shape, colour or size, or the count of
shapes), or a folder with one sub-folder of images per class (DIR/cat/*.jpg).
Prints validation accuracy and the confusion matrix (also OUT.confusion.png).

    recur datasets scenes --out scenes/ --n 5000 --seed 1
    recur train classify-image --data scenes/ --label shape --out shapes.model
    recur classify --model shapes.model scenes/00001.png`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Required: true, Usage: "rendered-scenes folder or a folder of class folders"},
			&cli.StringFlag{Name: "label", Value: "shape", Usage: "labels.tsv column to learn: shape, colour, size or count"},
			&cli.IntFlag{Name: "size", Value: d.Model.CNN.Size, Usage: "image side after resizing and cropping, a multiple of 2^(number of --channels)"},
			&cli.IntSliceFlag{Name: "channels", Value: cli.NewIntSlice(d.Model.CNN.Channels...), Usage: "output channels of each conv block, comma-separated"},
			&cli.BoolFlag{Name: "coords", Usage: "give the CNN two extra input planes with each pixel's x and y"},
			&cli.BoolFlag{Name: "batch-norm", Usage: "normalise each conv block's output channels (batch statistics in training, running estimates at inference)"},
		}, classifyTrainFlags(d, 1500)...),
		Action: func(c *cli.Context) error {
			if err := applyThreads(c); err != nil {
				return err
			}
			cfg := tasks.DefaultClassifyTaskConfig()
			cfg.Model.Kind = "image"
			cfg.Model.CNN = cnn.Config{Size: c.Int("size"), Channels: c.IntSlice("channels"), Coords: c.Bool("coords"), BatchNorm: c.Bool("batch-norm")}
			cfg.Model.Image.Size = c.Int("size")
			if err := cfg.Model.CNN.Validate(); err != nil {
				return fmt.Errorf("--size/--channels: %w", err)
			}
			if err := cfg.Model.Image.Validate(); err != nil {
				return fmt.Errorf("--size: %w", err)
			}
			paths, labels, err := datasets.ReadLabelledImages(c.String("data"), c.String("label"))
			if err != nil {
				return err
			}
			return runClassifyTraining(c, cfg, paths, labels)
		},
	}
}
