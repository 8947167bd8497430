package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/metrics"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/tasks"
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

The text is cut into 32 chunks, each read from a zero state, and every token
but the first is predicted from the ones before it.

A translator scores a sentence-pair TSV (e.g. OUT.test.tsv written by
'recur train translate'): it translates every source and prints corpus BLEU
and chrF, sacrebleu-compatible (exp smoothing; chrF2; the tokenizer chosen by
the model's target language, zh for Chinese, char for Japanese and other
unspaced scripts, else 13a; --tokenize overrides it and the signature names it), of
the detokenized output against the raw references, and the same on
lowercased tokens as the reference training scripts report.

Without --model, a .tsv file is scored with the built-in translator and
a folder with the built-in captioner and anything else with the built-in
character model. A captioner scores a captioned folder (see recur train
caption): corpus BLEU-4 against all true captions and the exact-match rate
(percent of captions equal to one of the true ones). When the folder has a
labels.tsv with a count column (rendered scenes), the exact-match rate is
also printed per number of shapes; --errors FILE writes every image whose
caption matched none of its references, with those references.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "model file (default: the built-in character model)"},
			&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Required: true, Usage: "UTF-8 text file (textgen), sentence-pair TSV (translate) or captioned folder (caption)"},
			&cli.IntFlag{Name: "beam", Value: 1, Usage: "translate: beam width, 1 to 100"},
			&cli.Float64Flag{Name: "length-penalty", Value: 1, Usage: "translate: beam score = log P / length^α; α in [0, 5] (default: the model's tuned value, else 1)"},
			tokenizeFlag,
			&cli.StringFlag{Name: "errors", Usage: "caption: write 'image<TAB>caption<TAB>references joined by |' for every miss to this file"},
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
			task := tasks.TaskTextGen
			if c.String("model") != "" {
				f, err := modelfile.Read(c.String("model"))
				if err != nil {
					return err
				}
				task = f.Task
			} else if strings.HasSuffix(strings.ToLower(c.String("data")), ".tsv") {
				task = tasks.TaskTranslate
			}
			if task == tasks.TaskTranslate {
				return evalTranslate(c)
			}
			if task == tasks.TaskCaption || (c.String("model") == "" && isDir(c.String("data"))) {
				return evalCaption(c)
			}
			if task != tasks.TaskTextGen {
				return fmt.Errorf("%s: eval does not know %q models yet", c.String("model"), task)
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
	o := tasks.DefaultTranslateOptions()
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
