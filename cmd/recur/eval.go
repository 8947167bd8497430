package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/recur-dev/recur/models"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/metrics"
	"github.com/recur-dev/recur/modelfile"
)

func expf(x float64) float64 { return math.Exp(x) }

func evalCommand() *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "score a model on held-out data",
		ArgsUsage: " ",
		Description: `What is scored depends on the model's task.

A language model (textgen) scores the last --val-frac of a text file (the
part training held out, when the same file and fraction are used) and prints

    val_loss <nats per token>
    perplexity <exp(val_loss)>

An RNN cuts the text into 32 chunks, each read from a zero state, and every
token but the first is predicted from the ones before it. A GPT reads windows
of its context that start every half context, and scores each token in the
first window that holds it, so every token sees at least half a context of
history (training's periodic validation reads non-overlapping windows, which
is cheaper and a little higher).

A translator scores a sentence-pair TSV (e.g. OUT.test.tsv written by
'recur train translate'): it translates every source and prints corpus BLEU
and chrF, sacrebleu-compatible (exp smoothing; chrF2; the tokenizer chosen by
the model's target language, zh for Chinese, char for Japanese and other
unspaced scripts, else 13a; --tokenize overrides it and the signature names it), of
the detokenized output against the raw references, and the same on
lowercased tokens as the reference training scripts report.

Without --model, a .tsv file is scored with the built-in translator and
a folder with the built-in captioner and anything else with the built-in
character model. A captioner scores the test split of a captioned folder
(a Karpathy split JSON or the official Flickr8k lists, see recur train
caption), the caption list OUT.test.txt written at training, or, for a
folder without split files (rendered scenes), every image of it; the
"split" line says which. It prints

    exact_match  percent of greedy (or --beam) captions equal to one of
                 the true ones, on recur's caption tokens
    bleu         corpus BLEU-4 ×100 against all true captions, on recur's
                 caption tokens (as training's validation reports it)
    bleu_1..4    coco-caption's corpus BLEU-N, 0..1, after its tokenization
                 (PTB-like: lowercased, clitics split, punctuation tokens
                 removed); per image, n-gram matches clipped by the
                 most of that n-gram in any one reference, and the
                 reference length closest to the caption's (ties: the
                 shorter); summed over images, p_n = matches/n-grams,
                 BLEU-N = BP·(p_1⋯p_N)^(1/N), BP = exp(1 − r/c) if c < r
                 else 1; no smoothing
    cider_d      CIDEr-D as on the COCO leaderboard, 0..10, same
                 tokenization: per n = 1..4, TF-IDF vectors of n-grams
                 (weight tf·ln(M/df), df counted over the references of
                 this set's M images), cosine with the caption's weights
                 clipped to the reference's, times exp(−δ²/72) for a
                 length difference δ; 10 × the mean over n and references,
                 averaged over images

When the folder has a labels.tsv with a count column (rendered scenes), the
exact-match rate is also printed per number of shapes; --errors FILE writes
every image whose caption matched none of its references, with those
references.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "model file (default: the built-in character model)"},
			&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Required: true, Usage: "UTF-8 text file (textgen), sentence-pair TSV (translate) or captioned folder (caption)"},
			&cli.IntFlag{Name: "beam", Value: 1, Usage: "translate: beam width, 1 to 100"},
			&cli.Float64Flag{Name: "length-penalty", Value: 1, Usage: "translate: beam score = log P / length^α; α in [0, 5] (default: the model's tuned value, else 1)"},
			tokenizeFlag,
			&cli.StringFlag{Name: "errors", Usage: "caption: write 'image<TAB>caption<TAB>references joined by |' for every miss to this file"},
			&cli.Float64Flag{Name: "val-frac", Value: 0.1, Usage: "score the last fraction of the text, in (0, 1]"},
			perLineFlag,
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
			task, err := evalTask(c)
			if err != nil {
				return err
			}
			if c.IsSet("per-line") && task != models.TaskTextGen {
				return fmt.Errorf("--per-line scores the lines of a text with a language model, not a %s model", task)
			}
			if task == models.TaskTranslate {
				return evalTranslate(c)
			}
			if task == models.TaskCaption || (c.String("model") == "" && isDir(c.String("data"))) {
				return evalCaption(c)
			}
			if task != models.TaskTextGen {
				return fmt.Errorf("%s: eval does not know %q models yet", c.String("model"), task)
			}
			if c.IsSet("per-line") {
				return evalPerLine(c)
			}
			return evalTextGen(c, frac)
		},
	}
}

// evalTask is the task of --model, or without one the task its --data
// implies (a .tsv file: translate; anything else: textgen).
func evalTask(c *cli.Context) (string, error) {
	task := models.TaskTextGen
	if c.String("model") != "" && !models.IsGPT2Folder(c.String("model")) {
		f, err := modelfile.Read(c.String("model"))
		if err != nil {
			return "", err
		}
		task = f.Task
	} else if strings.HasSuffix(strings.ToLower(c.String("data")), ".tsv") {
		task = models.TaskTranslate
	}
	return task, nil
}

// evalTextGen scores the last frac of --data with a language model.
func evalTextGen(c *cli.Context, frac float64) error {
	text, m, err := readTextAndModel(c)
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
}

func evalTranslate(c *cli.Context) error {
	beam, err := rangeInt(c, "beam", 1, 100)
	if err != nil {
		return err
	}
	m, err := loadTranslator(c.String("model"))
	if err != nil {
		return err
	}
	bc, why, err := bleuConfigFor(m.Config.TgtLang, c.String("tokenize"))
	if err != nil {
		return err
	}
	pc := m.EvalPairsConfig()
	pairs, _, err := datasets.ReadPairs(c.String("data"), pc)
	if err != nil {
		return err
	}
	srcs := make([]string, len(pairs))
	refs := make([]string, len(pairs))
	for i, p := range pairs {
		srcs[i], refs[i] = p.Src, p.Tgt
	}
	o := models.DefaultTranslateOptions()
	o.Beam = beam
	o.LengthPenalty = lengthPenalty(c)
	tr, err := m.Translate(c.Context, srcs, o)
	if err != nil {
		return err
	}
	hyps := make([]string, len(tr))
	tokHyps := make([]string, len(tr))
	tokRefs := make([]string, len(tr))
	for i, t := range tr {
		hyps[i] = t.Hyps[0].Text
		tokHyps[i] = strings.Join(t.Hyps[0].Words, " ")
		tokRefs[i] = strings.Join(pc.Tokenize(refs[i]), " ")
	}
	bleu, err := metrics.CorpusBLEU(hyps, [][]string{refs}, bc)
	if err != nil {
		return err
	}
	chrf, err := metrics.CorpusChrF(hyps, [][]string{refs}, metrics.DefaultChrFConfig())
	if err != nil {
		return err
	}
	tb, err := metrics.CorpusBLEU(tokHyps, [][]string{tokRefs}, metrics.DefaultBLEUConfig())
	if err != nil {
		return err
	}
	tc, err := metrics.CorpusChrF(tokHyps, [][]string{tokRefs}, metrics.DefaultChrFConfig())
	if err != nil {
		return err
	}
	fmt.Printf("sentences %d\n", len(pairs))
	fmt.Printf("bleu %.2f\nchrf %.2f\n", bleu.Score, chrf.Score)
	fmt.Printf("bleu_tokenized %.2f\nchrf_tokenized %.2f\n", tb.Score, tc.Score)
	fmt.Printf("# %s\n# %s (signature %s; tokenizer %s chosen by %s)\n", bleu, chrf, bc.Signature(1), bc.Tokenize, why)
	return nil
}
