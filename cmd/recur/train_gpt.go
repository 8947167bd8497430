package main

import (
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tasks"
	"github.com/recur-dev/recur/training"
)

// gptTextGenDescription is appended to train textgen's help.
const gptTextGenDescription = `

--arch gpt trains a GPT-2-layout transformer (pre-LayerNorm blocks of causal
self-attention and a 4x GELU MLP, head tied to the token embedding). Unless
set, its shape is nanoGPT's character Shakespeare model: --layers 6 --heads 6
--embed 384 --context 256 --dropout 0.2; --seq defaults to the context and
--batch to 16 windows drawn at random positions of the text. It trains with
AdamW (weight decay --weight-decay on the weight matrices, not on biases,
LayerNorms or embeddings), --warmup steps of linear warm-up then cosine decay
to lr/10 at --cosine-steps, clipping at 1, peak --lr 1e-3 (each overridable;
--lr-decay and --decay-every do not apply). A run continued with --resume
and a larger --steps follows the same learning-rate curve only when both runs
set the same --cosine-steps.

--level bpe learns a byte-level BPE of --vocab-size tokens on the training
part (GPT-2's algorithm), for --arch gpt or rnn.

--init FILE|DIR fine-tunes a pretrained GPT (a recur GPT model or a Hugging
Face GPT-2 checkpoint folder), keeping its tokenizer, its shapes and its
output head (an untied lm_head.weight is trained, and decayed), with
fine-tuning defaults: --lr 3e-5, warm-up min(20, steps/10), dropout 0.1,
--batch 4 windows of --seq min(context, 256) tokens.

    recur train textgen --arch gpt --data tinyshakespeare.txt --out gpt.model
    recur train textgen --arch gpt --level bpe --vocab-size 2000 --data corpus.txt --out gpt-bpe.model
    recur train textgen --init ./gpt2/ --data corpus.txt --steps 500 --out tuned.model`

// gptTextGenFlags are train textgen's flags for --arch gpt, --level bpe
// and --init (the shared --layers, --embed, --dropout, --seq, --batch,
// --lr and --clip take GPT defaults when not set).
func gptTextGenFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "heads", DefaultText: "6", Usage: "gpt: attention heads per block, dividing --embed"},
		&cli.IntFlag{Name: "context", DefaultText: "256", Usage: "gpt: the most positions the model attends over, 1 to 8192"},
		&cli.IntFlag{Name: "vocab-size", Value: tasks.DefaultBPEVocab, Usage: "--level bpe: tokens to learn (256 bytes + <|endoftext|> + merges)"},
		&cli.StringFlag{Name: "init", Usage: "gpt: fine-tune this pretrained GPT (recur model file or GPT-2 checkpoint folder)"},
		&cli.IntFlag{Name: "warmup", DefaultText: "min(100, steps/10); with --init min(20, steps/10)", Usage: "gpt: steps of linear learning-rate warm-up"},
		&cli.IntFlag{Name: "cosine-steps", DefaultText: "--steps", Usage: "gpt: step at which the cosine decay reaches lr/10"},
		&cli.Float64Flag{Name: "weight-decay", Value: 0.1, Usage: "gpt: AdamW decoupled weight decay on the weight matrices"},
	}
}

// trainTextGenGPT is `recur train textgen --arch gpt` (or --init).
func trainTextGenGPT(c *cli.Context, cfg tasks.TextGenTaskConfig) error {
	start := time.Now()
	cfg, init, err := gptTaskConfig(c, cfg)
	if err != nil {
		return err
	}
	var corpus *tasks.Corpus
	if init != nil {
		corpus, err = tasks.LoadCorpusFor(c.String("data"), cfg, init.Tokenizer)
	} else {
		corpus, err = tasks.LoadCorpus(c.String("data"), cfg)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %d training and %d validation tokens (%s), vocabulary %d\n",
		c.String("data"), len(corpus.Train), len(corpus.Val), corpus.Tokenizer.Level(), corpus.Tokenizer.Vocab().Size())
	var initGPT *decoder.GPT
	if init != nil {
		initGPT = init.GPT
	}
	task, err := tasks.NewGPTTextGenTask(cfg, corpus, initGPT, c.Uint64("seed"))
	if err != nil {
		return err
	}
	tc := loopConfig(c, c.String("out"))
	tc.Meta = map[string]string{"data.file": c.String("data")}
	if init != nil {
		tc.Meta["init"] = c.String("init")
	}
	tc.Optim = gptOptim(c, tc.Steps, init != nil)
	if err := tc.Optim.Validate(); err != nil {
		return err
	}
	g := task.GPT.Config
	fmt.Fprintf(os.Stderr, "model: gpt %d layers x %d heads, embedding %d, context %d, %d parameters; batch %d x %d\n",
		g.Layers, g.Heads, g.Embed, g.Context, task.Params().Count(), cfg.Batch, cfg.Seq)
	return trainLanguageModel(c, task, tc, start)
}

// gptTaskConfig completes cfg for a GPT from the flags: the shapes from
// --layers, --heads, --embed, --context and --dropout over the defaults,
// or over the --init model's own (returned, for fine-tuning), and the
// sequence length, batch and level a GPT wants unless the flags set them.
func gptTaskConfig(c *cli.Context, cfg tasks.TextGenTaskConfig) (tasks.TextGenTaskConfig, *models.LanguageModel, error) {
	var init *models.LanguageModel
	var err error
	cfg.Arch = "gpt"
	gc := decoder.DefaultGPTConfig()
	if p := c.String("init"); p != "" {
		if init, err = models.LoadLanguageModel(p); err != nil {
			return cfg, nil, fmt.Errorf("--init: %w", err)
		}
		if init.GPT == nil {
			return cfg, nil, fmt.Errorf("--init %s: a %s model, not a GPT", p, init.Arch)
		}
		for _, f := range []string{"layers", "heads", "embed", "context", "level", "vocab-size"} {
			if c.IsSet(f) {
				return cfg, nil, fmt.Errorf("--%s cannot be combined with --init: the model keeps its own shapes and tokenizer", f)
			}
		}
		gc = init.GPT.Config
		gc.Dropout = 0.1
		cfg.Lowercase = init.Lowercase // a word-level model's own setting
		cfg.Level = init.Tokenizer.Level()
	}
	if c.IsSet("layers") {
		gc.Layers = c.Int("layers")
	}
	if c.IsSet("heads") {
		gc.Heads = c.Int("heads")
	}
	if c.IsSet("embed") {
		gc.Embed = c.Int("embed")
	}
	if c.IsSet("context") {
		gc.Context = c.Int("context")
	}
	if c.IsSet("dropout") {
		gc.Dropout = c.Float64("dropout")
	}
	gc.Vocab = 1 // set from the data
	if err := gc.Validate(); err != nil {
		return cfg, nil, err
	}
	cfg.GPT = gc
	if !c.IsSet("seq") {
		cfg.Seq = gc.Context
		if init != nil {
			cfg.Seq = min(gc.Context, 256) // GPT-2's 1,024 would need gigabytes of attention activations
		}
	}
	if !c.IsSet("batch") {
		cfg.Batch = 16
		if init != nil {
			cfg.Batch = 4
		}
	}
	if init == nil && !c.IsSet("level") {
		cfg.Level = "char"
	}
	if err := cfg.Validate(); err != nil {
		return cfg, nil, err
	}
	return cfg, init, nil
}

// gptOptim is AdamW with warm-up and cosine decay (nn.DefaultAdamWConfig,
// or nn.FineTuneAdamWConfig with --init), each part overridable by a flag.
func gptOptim(c *cli.Context, steps int, fineTune bool) nn.AdamConfig {
	o := nn.DefaultAdamWConfig(steps)
	if fineTune {
		o = nn.FineTuneAdamWConfig(steps)
	}
	if c.IsSet("lr") {
		o.LR = c.Float64("lr")
	}
	if c.IsSet("clip") {
		o.Clip = c.Float64("clip")
	}
	o.WeightDecay = c.Float64("weight-decay")
	warm, decay := o.Schedule.Warmup, steps
	if c.IsSet("warmup") {
		warm = c.Int("warmup")
	}
	if c.IsSet("cosine-steps") {
		decay = c.Int("cosine-steps")
	}
	o.Schedule = nn.CosineSchedule(o.LR, warm, max(decay, warm+1))
	return o
}

// trainLanguageModel runs the training of a language model (RNN or GPT)
// and reports it: the best validation figures on stdout, the files
// written on stderr.
func trainLanguageModel(c *cli.Context, task training.Trainable, tc training.Config, start time.Time) error {
	res, err := runTraining(c, task, tc)
	if err != nil {
		return err
	}
	fmt.Printf("val_loss %.4f\nperplexity %.2f\nbest_step %d\n", res.Best["loss"], res.Best["perplexity"], res.BestStep)
	fmt.Fprintf(os.Stderr, "wrote %s (best validation), %s (checkpoint), %s.loss.png in %s\n",
		tc.Out, training.Checkpoint(tc.Out), tc.Out, time.Since(start).Round(time.Second))
	return nil
}
