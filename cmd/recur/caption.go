package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/recur-dev/recur/models"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/builtin"
	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/plots"
	"github.com/recur-dev/recur/tasks"
)

func loadCaptioner(path string) (*models.Captioner, error) {
	if path == "" {
		return builtin.Captioner()
	}
	return models.LoadCaptioner(path)
}

func captionCommand() *cli.Command {
	return &cli.Command{
		Name:      "caption",
		Usage:     "describe images in words with a captioning model",
		ArgsUsage: "IMAGE...",
		Description: `Prints one line per image: the file name, a tab and the caption. Images
(PNG, JPEG or GIF) are resized and centre-cropped to the model's input size
and normalised exactly as in training. A caption that reaches --max-len
without the end token is printed with " …" appended and a warning.

Without --model the built-in model (trained on rendered scenes of coloured
shapes) is used:

    recur caption testdata/scene.png
    recur caption --model my.model --beam 3 --attention att.png photo.jpg

--attention (for models trained with --attention) draws, for each image, the
image followed by one panel per generated word with the cells it looked at
highlighted; with several images the file name gets the image's index.
--sheet draws all the images with their captions into one PNG:

    recur caption --beam 3 --sheet captions.png testdata/*.png`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "captioning model file (default: the built-in scenes model)"},
			&cli.IntFlag{Name: "beam", Value: 1, Usage: "beam width, 1 (greedy) to 100"},
			&cli.IntFlag{Name: "max-len", Value: 0, Usage: "longest caption in tokens, 0 to 1000 (0: the model's default)"},
			&cli.StringFlag{Name: "attention", Usage: "write the attention over each image to this PNG"},
			&cli.StringFlag{Name: "sheet", Usage: "also draw the images with their captions, four to a row, into this PNG"},
			maxPixelsFlag, maxFileBytesFlag,
			threadsFlag,
		},
		Action: func(c *cli.Context) error {
			if err := applyThreads(c); err != nil {
				return err
			}
			beam, err := rangeInt(c, "beam", 1, 100)
			if err != nil {
				return err
			}
			maxLen, err := rangeInt(c, "max-len", 0, 1000)
			if err != nil {
				return err
			}
			paths := c.Args().Slice()
			if len(paths) == 0 {
				return fmt.Errorf("no images given: recur caption IMAGE... (PNG, JPEG or GIF)")
			}
			m, err := loadCaptioner(c.String("model"))
			if err != nil {
				return err
			}
			if c.String("attention") != "" && !m.Config.Encoder.Attention {
				return fmt.Errorf("--attention: the model was trained without attention (train with --attention)")
			}
			ic, err := imageLimits(c).Input(m.Config.Image)
			if err != nil {
				return err
			}
			total := len(paths)
			paths, imgs, failed := loadEach(c.App.ErrWriter, paths, func(p string) ([]float32, error) { return cnn.LoadImage(p, ic) })
			if len(imgs) == 0 {
				return batchFailed(failed, total, "images")
			}
			caps, err := m.Caption(c.Context, imgs, models.CaptionOptions{Beam: beam, MaxLen: maxLen})
			if err != nil {
				return err
			}
			if out := c.String("sheet"); out != "" {
				texts := make([]string, len(caps))
				for i, cp := range caps {
					texts[i] = cp.Text
				}
				if err := plots.Sheet(out, imgs, m.Config.Image, texts); err != nil {
					return fmt.Errorf("--sheet: %w", err)
				}
			}
			for i, cp := range caps {
				text := cp.Text
				if !cp.Finished {
					text += " …"
					fmt.Fprintf(os.Stderr, "warning: %s: caption cut at the maximum length\n", paths[i])
				}
				fmt.Fprintf(c.App.Writer, "%s\t%s\n", paths[i], text)
				if out := c.String("attention"); out != "" {
					if len(caps) > 1 {
						ext := filepath.Ext(out)
						out = fmt.Sprintf("%s.%d%s", strings.TrimSuffix(out, ext), i+1, ext)
					}
					if err := drawAttention(out, paths[i], imgs[i], m.Config.Image, cp); err != nil {
						return err
					}
				}
			}
			return batchFailed(failed, total, "images")
		},
	}
}

// drawAttention writes the attention panels of one caption (see
// plots.ImageAttention) and says on stderr what the panels are.
func drawAttention(out, name string, x []float32, ic cnn.InputConfig, cp models.Caption) error {
	if len(cp.Attention) == 0 || cp.GridSide == 0 {
		return fmt.Errorf("--attention: no attention weights for %s", name)
	}
	if err := plots.ImageAttention(out, x, ic, cp.Tokens, cp.Attention, cp.GridSide); err != nil {
		return fmt.Errorf("--attention: %w", err)
	}
	fmt.Fprintf(os.Stderr, "%s: attention of %q (panel 1: the image; then one per word: %s </s>)\n", out, name, strings.Join(cp.Tokens, " "))
	return nil
}

func trainCaptionCommand() *cli.Command {
	d := tasks.DefaultCaptionTaskConfig()
	return &cli.Command{
		Name:      "caption",
		Usage:     "train an image captioner on a folder of captioned images",
		ArgsUsage: " ",
		Description: `--data is a folder in one of the usual layouts (see 'recur datasets scenes'):
captions.txt / token.txt / Flickr8k.token.txt lines "image.png#0<TAB>caption"
with the images beside it or in Images/; or COCO captions_*.json with the
images in the folder, <split>/ or images/<split>/. Every image is loaded and
preprocessed once (resized, centre-cropped to --size, normalised).

Splits: a Karpathy split JSON in the folder (dataset_flickr8k.json …) or the
official Flickr8k lists (Flickr_8k.trainImages.txt, .devImages.txt,
.testImages.txt) are used when present: train on train (plus restval),
select the model on val, and keep test out: its images and captions are
written to OUT.test.txt for 'recur eval --model OUT --data OUT.test.txt'.
--split-file names the split file; a folder with none is split at random
(--val images for validation, --split-seed, no test split). The split used
is printed and recorded in the model (data.split); the vocabulary comes from
the training captions only.

The model: a CNN (conv 3×3 → ReLU → max-pool 2×2 per entry of --channels)
whose averaged features start the shared decoder (h0 = tanh(W f + b)); with
--attention the decoder also attends to the CNN's grid of features. Each
epoch shows every training image once with one of its captions at random.
Validation reports loss, BLEU-4 and the exact-match rate (percent of greedy
captions equal to one of the true captions); the best exact match is kept.

Examples:
    recur datasets scenes --out scenes/ --n 20000 --seed 1
    recur train caption --data scenes/ --out scenes.model
    recur train caption --data flickr8k/ --out flickr.model --attention --steps 20000

The built-in scenes model (98.8% exact match on fresh scenes) was trained with
attention that feeds the GRU (--input-feeding), grid coordinates in the
attention memory (--grid-coords), and one caption of each mirrored pair
(--train-captions; "A left of B" and "B right of A" are the same fact, and
learning one way to say it is what made the relations learnable); see
scripts/train-builtin-caption.sh:

    recur train caption --data scenes/ --out scenes.model --channels 16,32,64 \
      --attention --input-feeding --grid-coords --init flat --hidden 128 --embed 32 \
      --train-captions 'left of|above' --lr 3e-3 --lr-decay 0.9 --decay-every 1500 --steps 20000`,
		Flags:  trainCaptionFlags(d),
		Action: trainCaption,
	}
}

// trainCaptionFlags are the flags of recur train caption, defaults from d.
func trainCaptionFlags(d tasks.CaptionTaskConfig) []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Required: true, Usage: "folder of captioned images (Flickr8k, COCO or rendered-scenes layout)"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Required: true, Usage: "model file to write"},
		&cli.IntFlag{Name: "size", Value: d.Model.Image.Size, Usage: "image side after resizing and cropping, a multiple of 2^(number of --channels)"},
		&cli.IntSliceFlag{Name: "channels", Value: cli.NewIntSlice(d.Model.Encoder.CNN.Channels...), Usage: "output channels of each conv block, comma-separated"},
		&cli.BoolFlag{Name: "coords", Value: true, Usage: "give the CNN two extra input planes with each pixel's x and y, so its features know where they are (--coords=false: plain RGB)"},
		&cli.BoolFlag{Name: "batch-norm", Usage: "normalise each conv block's output channels (batch statistics in training, running estimates at inference)"},
		&cli.BoolFlag{Name: "attention", Usage: "the decoder attends to the CNN's grid (Show, Attend and Tell)"},
		&cli.BoolFlag{Name: "grid-coords", Usage: "with --attention: append each grid cell's x, y to its features, so the attended context says where the decoder looked"},
		&cli.BoolFlag{Name: "input-feeding", Usage: "with --attention: attend before each GRU step and feed the context into it (Bahdanau), so the state knows where it looked; needs --cell gru --layers 1"},
		&cli.StringFlag{Name: "init", Value: "pooled", Usage: "what starts the decoder: pooled (the average feature vector) or flat (the whole feature map, which keeps where things are)"},
		&cli.StringFlag{Name: "cell", Value: string(d.Model.Decoder.Cell), Usage: "decoder cell: lstm or gru"},
		&cli.IntFlag{Name: "hidden", Value: d.Model.Decoder.Hidden, Usage: "decoder state size, 1 to 4096"},
		&cli.IntFlag{Name: "embed", Value: d.Model.Decoder.Embed, Usage: "word embedding size, 1 to 4096"},
		&cli.IntFlag{Name: "layers", Value: d.Model.Decoder.Layers, Usage: "decoder layers, 1 to 8"},
		&cli.Float64Flag{Name: "dropout", Usage: "decoder dropout, in [0, 1)"},
		&cli.StringFlag{Name: "train-captions", Usage: "train only on the captions matching this regular expression (an image with no match keeps all); e.g. 'left of|above' trains on one of each mirrored pair of scene captions"},
		&cli.IntFlag{Name: "min-count", Value: d.MinCount, Usage: "words seen fewer times in training captions become <unk>"},
		&cli.IntFlag{Name: "val", Value: d.Val, Usage: "validation images held out, for a folder without split files"},
		splitFileFlag,
		&cli.Uint64Flag{Name: "split-seed", Value: d.SplitSeed, Usage: "shuffle seed of the split"},
		&cli.IntFlag{Name: "batch", Value: d.Batch, Usage: "images per step, 1 to 1024"},
		threadsFlag,
	}, loopFlags(loopDefaults{Steps: 3000, LR: 2e-3, LRDecay: 1, EvalEvery: 250, CheckpointEvery: 250, Watches: "exact match"})...)
}

// captionConfigFromFlags reads recur train caption's model and data flags.
func captionConfigFromFlags(c *cli.Context) (tasks.CaptionTaskConfig, error) {
	cfg := tasks.DefaultCaptionTaskConfig()
	shape, err := readRNNShape(c, true)
	if err != nil {
		return cfg, err
	}
	if _, err := rangeInt(c, "val", 1, 1_000_000); err != nil {
		return cfg, err
	}
	cfg.Model.Image.Size = c.Int("size")
	cfg.Model.Encoder.CNN = cnn.Config{Size: c.Int("size"), Channels: c.IntSlice("channels"), Coords: c.Bool("coords"), BatchNorm: c.Bool("batch-norm")}
	if err := cfg.Model.Encoder.CNN.Validate(); err != nil {
		return cfg, fmt.Errorf("--size/--channels: %w", err)
	}
	if err := cfg.Model.Image.Validate(); err != nil {
		return cfg, fmt.Errorf("--size: %w", err)
	}
	cfg.Model.Encoder.Attention = c.Bool("attention")
	cfg.Model.Encoder.GridCoords = c.Bool("grid-coords")
	if c.Bool("grid-coords") && !c.Bool("attention") {
		return cfg, fmt.Errorf("--grid-coords extends the attention memory: add --attention")
	}
	if c.Bool("input-feeding") && !c.Bool("attention") {
		return cfg, fmt.Errorf("--input-feeding feeds the attention context into the decoder: add --attention")
	}
	switch c.String("init") {
	case "pooled", "flat":
		cfg.Model.Encoder.Init = c.String("init")
	default:
		return cfg, fmt.Errorf("unknown --init %q (valid: pooled, flat)", c.String("init"))
	}
	dc := &cfg.Model.Decoder
	dc.Cell, dc.Hidden, dc.Embed, dc.Layers, dc.Dropout = shape.Cell, shape.Hidden, shape.Embed, shape.Layers, c.Float64("dropout")
	dc.InputFeeding = c.Bool("input-feeding")
	if dc.InputFeeding && (shape.Cell != nn.GRU || shape.Layers != 1) {
		return cfg, fmt.Errorf("--input-feeding needs --cell gru --layers 1 (got --cell %s --layers %d)", shape.Cell, shape.Layers)
	}
	cfg.MinCount, cfg.Val, cfg.SplitSeed, cfg.Batch = c.Int("min-count"), c.Int("val"), c.Uint64("split-seed"), c.Int("batch")
	cfg.TrainCaptions = c.String("train-captions")
	if _, err := regexp.Compile(cfg.TrainCaptions); err != nil {
		return cfg, fmt.Errorf("--train-captions %q is not a valid regular expression (RE2 syntax, e.g. 'left of|above'): %w", cfg.TrainCaptions, err)
	}
	return cfg, nil
}

// trainCaption is recur train caption.
func trainCaption(c *cli.Context) error {
	if err := applyThreads(c); err != nil {
		return err
	}
	cfg, err := captionConfigFromFlags(c)
	if err != nil {
		return err
	}
	start := time.Now()
	data, splits, err := loadTrainCaptionData(c, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %d training and %d validation images, vocabulary %d words (loaded in %s)\n",
		c.String("data"), len(data.Train), len(data.Val), data.Vocab.Size(), time.Since(start).Round(time.Millisecond))
	task, err := tasks.NewCaptionTask(cfg, data, c.Uint64("seed"))
	if err != nil {
		return err
	}
	out := c.String("out")
	tc := loopConfig(c, out)
	tc.Primary, tc.Maximize = "exact", true
	tc.Meta = map[string]string{"data.dir": c.String("data"), "data.split": splits.Source}
	dc := cfg.Model.Decoder
	fmt.Fprintf(os.Stderr, "model: CNN %v on %d×%d, %s decoder %d x %d, attention %v, input feeding %v, %d parameters\n",
		cfg.Model.Encoder.CNN.Channels, cfg.Model.Image.Size, cfg.Model.Image.Size, dc.Cell, dc.Layers, dc.Hidden, cfg.Model.Encoder.Attention, dc.InputFeeding, task.Params().Count())
	res, err := runTraining(c, task, tc)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "val_exact %.2f\nval_bleu %.2f\nval_loss %.4f\nbest_step %d\n", res.Best["exact"], res.Best["bleu"], res.Best["loss"], res.BestStep)
	if len(splits.Test) > 0 {
		fmt.Fprintf(c.App.Writer, "test_list %s\n", captionTestList(out))
	}
	fmt.Fprintf(os.Stderr, "wrote %s (best validation exact match) in %s\n", out, time.Since(start).Round(time.Second))
	return nil
}

func datasetsCommand() *cli.Command {
	d := datasets.DefaultSceneConfig()
	return &cli.Command{
		Name:  "datasets",
		Usage: "make data sets (rendered scenes for captioning and image classification)",
		Description: `recur datasets scenes renders synthetic captioning data: images of one to
three coloured shapes with captions that are true by construction.`,
		Subcommands: []*cli.Command{{
			Name:      "scenes",
			Usage:     "render captioned images of coloured shapes",
			ArgsUsage: " ",
			Description: `Writes OUT/00000.png … , OUT/captions.txt in the Flickr8k layout
("00000.png#0<TAB>a large green triangle left of a small red circle") and
OUT/labels.tsv (file, shape, colour, size and count of the first shape) for
'recur train caption' and 'recur train classify-image'. Scene i depends only on
--seed and i: use a different seed for a held-out test set.

    recur datasets scenes --out scenes/ --n 20000 --seed 1
    recur datasets scenes --out scenes-test/ --n 2000 --seed 99`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Required: true, Usage: "folder to write (created if needed)"},
				&cli.IntFlag{Name: "n", Value: 1000, Usage: "number of images, 1 to 1000000"},
				&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed"},
				&cli.IntFlag{Name: "size", Value: d.Size, Usage: "image side in pixels, 32 to 1024"},
				&cli.IntFlag{Name: "min-shapes", Value: d.MinShapes, Usage: "fewest shapes per image, 1 to 3"},
				&cli.IntFlag{Name: "max-shapes", Value: d.MaxShapes, Usage: "most shapes per image, --min-shapes to 3"},
				&cli.Float64Flag{Name: "noise", Value: d.Noise, Usage: "pixel noise standard deviation as a fraction of full scale, 0 to 1"},
				&cli.BoolFlag{Name: "texture", Usage: "faint random background patterns"},
				&cli.IntFlag{Name: "captions", Value: d.Captions, Usage: "captions per image, 1 to 100"},
			},
			Action: func(c *cli.Context) error {
				n, err := rangeInt(c, "n", 1, 1_000_000)
				if err != nil {
					return err
				}
				cfg := datasets.SceneConfig{Size: c.Int("size"), MinShapes: c.Int("min-shapes"), MaxShapes: c.Int("max-shapes"),
					Noise: c.Float64("noise"), Texture: c.Bool("texture"), Captions: c.Int("captions")}
				if err := cfg.Validate(); err != nil {
					return err
				}
				start := time.Now()
				if err := datasets.WriteScenes(c.String("out"), n, c.Uint64("seed"), cfg); err != nil {
					return err
				}
				fmt.Fprintf(os.Stderr, "wrote %d scenes to %s in %s\n", n, c.String("out"), time.Since(start).Round(time.Millisecond))
				return nil
			},
		}},
	}
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// evalCaption scores a captioner on a captioned folder: corpus BLEU-4
// against all reference captions and the exact-match rate.
func evalCaption(c *cli.Context) error {
	beam, err := rangeInt(c, "beam", 1, 100)
	if err != nil {
		return err
	}
	m, err := loadCaptioner(c.String("model"))
	if err != nil {
		return err
	}
	set, err := captionEvalItems(c.String("data"))
	if err != nil {
		return err
	}
	items := set.Items
	fmt.Fprintf(c.App.Writer, "split %s\n", set.Split)
	counts, err := sceneCounts(set.Dir)
	if err != nil {
		return err
	}
	scored := make([]models.CaptionItem, len(items))
	listed := make([]models.CaptionItem, len(items)) // the listed captions only
	for i, it := range items {
		x, err := cnn.LoadImage(it.Path, m.Config.Image)
		if err != nil {
			return err
		}
		scored[i] = models.CaptionItem{Path: it.Path, Image: x}
		listed[i] = scored[i]
		for _, cp := range it.Captions {
			listed[i].Refs = append(listed[i].Refs, datasets.CaptionTokens(cp))
		}
		scored[i].Refs = listed[i].Refs
		if counts != nil {
			// Rendered scenes: judge a caption true by the scene grammar,
			// not only against the few captions the folder lists.
			n, _ := strconv.Atoi(counts[filepath.Base(it.Path)])
			scored[i].Refs = nil
			for _, cp := range datasets.SceneTruths(it.Captions, n) {
				scored[i].Refs = append(scored[i].Refs, datasets.CaptionTokens(cp))
			}
		}
	}
	r, err := m.ScoreItems(c.Context, scored, models.CaptionOptions{Beam: beam})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "images %d\nbeam %d\nexact_match %.2f\nbleu %.2f\n", len(items), beam, r.Exact, r.BLEU)
	if counts != nil {
		hit := 0
		for i := range items {
			if slices.ContainsFunc(listed[i].Refs, func(ref []string) bool { return r.Captions[i].Finished && slices.Equal(ref, r.Captions[i].Tokens) }) {
				hit++
			}
		}
		fmt.Fprintf(c.App.Writer, "# exact_match judges a caption true by the scene grammar (every true caption the listed ones imply); against the listed captions only: %.2f\n", 100*float64(hit)/float64(len(items)))
	}
	if err := printCocoScores(c.App.Writer, items, r.Captions); err != nil {
		return err
	}
	if counts != nil {
		n, hit := map[string]int{}, map[string]int{}
		for i, it := range items {
			k := counts[filepath.Base(it.Path)]
			n[k]++
			if r.Hit[i] {
				hit[k]++
			}
		}
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(c.App.Writer, "exact_match.shapes=%s %.2f (%d images)\n", k, 100*float64(hit[k])/float64(n[k]), n[k])
		}
	}
	if out := c.String("errors"); out != "" {
		var b strings.Builder
		for i, it := range items {
			if !r.Hit[i] {
				fmt.Fprintf(&b, "%s\t%s\t%s\n", it.Path, strings.Join(r.Captions[i].Tokens, " "), strings.Join(it.Captions, " | "))
			}
		}
		if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
			return fmt.Errorf("--errors: %w", err)
		}
	}
	return nil
}

// sceneCounts reads the count column of DIR/labels.tsv (rendered scenes),
// keyed by file name; nil without such a file or column.
func sceneCounts(dir string) (map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "labels.tsv"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	col := slices.Index(strings.Split(lines[0], "\t"), "count")
	if col < 0 {
		return nil, nil
	}
	counts := map[string]string{}
	for i, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) <= col {
			return nil, fmt.Errorf("%s:%d: %d columns, want at least %d", filepath.Join(dir, "labels.tsv"), i+2, len(f), col+1)
		}
		counts[f[0]] = f[col]
	}
	return counts, nil
}
