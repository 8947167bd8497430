package tasks

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/tokenizers"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers/gpt2"
	"github.com/recur-dev/recur/training"
)

// TextGenTaskConfig describes a text-generation model and how to cut its data.
type TextGenTaskConfig struct {
	Arch      string  // "rnn" or "markov"
	Level     string  // "char" or "word"
	Lowercase bool    // word level only
	MinCount  int     // vocabulary threshold (0 = level default: char 1, word 2)
	ValFrac   float64 // last fraction of the corpus held out for validation
	Batch     int     // contiguous streams per batch
	Seq       int     // time steps per window (truncated backpropagation length)
	EvalBatch int     // validation chunks run in parallel
	Decoder   decoder.Config
	GPT       decoder.GPTConfig // Arch "gpt" (Vocab is set from the data)
	BPEVocab  int               // Level "bpe": the byte-level BPE's vocabulary size to learn (0 = 512)
}

// DefaultTextGenTaskConfig is the char-rnn recipe of the acceptance figures:
// char level, 2 × 256 LSTM, embedding 64, dropout 0.1, 32 streams × 100 steps,
// the last 10% for validation.
func DefaultTextGenTaskConfig() TextGenTaskConfig {
	return TextGenTaskConfig{Arch: "rnn", Level: tokenizers.LevelChar, Lowercase: true, ValFrac: 0.1,
		Batch: 32, Seq: 100, EvalBatch: 32, Decoder: decoder.DefaultConfig()}
}

// Validate names the bad setting and the valid choices.
func (c TextGenTaskConfig) Validate() error {
	switch {
	case c.Arch != "rnn" && c.Arch != "markov" && c.Arch != "gpt":
		return fmt.Errorf("unknown TextGenTaskConfig.Arch %q (valid: rnn, markov, gpt)", c.Arch)
	case c.Level != tokenizers.LevelChar && c.Level != tokenizers.LevelWord && c.Level != gpt2.Level:
		return fmt.Errorf("unknown TextGenTaskConfig.Level %q (valid: char, word, bpe)", c.Level)
	case c.Level == gpt2.Level && c.Arch == "markov":
		return fmt.Errorf("TextGenTaskConfig.Level %q needs TextGenTaskConfig.Arch rnn or gpt", c.Level)
	case c.BPEVocab < 0 || c.BPEVocab > gpt2.MaxTokens:
		return fmt.Errorf("TextGenTaskConfig.BPEVocab must be in [0, %d] (got %d)", gpt2.MaxTokens, c.BPEVocab)
	case c.MinCount < 0:
		return fmt.Errorf("TextGenTaskConfig.MinCount must be >= 0 (got %d)", c.MinCount)
	case !(c.ValFrac > 0 && c.ValFrac < 1):
		return fmt.Errorf("TextGenTaskConfig.ValFrac must be in (0, 1) (got %g)", c.ValFrac)
	case c.Batch < 1 || c.Batch > 4096:
		return fmt.Errorf("TextGenTaskConfig.Batch must be in [1, 4096] (got %d)", c.Batch)
	case c.Seq < 1 || c.Seq > 10000:
		return fmt.Errorf("TextGenTaskConfig.Seq must be in [1, 10000] (got %d)", c.Seq)
	case c.EvalBatch < 1:
		return fmt.Errorf("eval batch must be >= 1 (got %d)", c.EvalBatch)
	}
	return nil
}

// Corpus is a text split into training and validation ids with the
// tokenizer built from the training part.
type Corpus struct {
	Tokenizer  tokenizers.Tokenizer
	Train, Val []int
	SHA256     string
}

// LoadCorpus reads and tokenizes path as cfg says: the split is by token
// position (first 1−ValFrac train), the vocabulary is built from the
// training part only, and validation tokens outside it become <unk>.
func LoadCorpus(path string, cfg TextGenTaskConfig) (*Corpus, error) {
	text, err := datasets.ReadText(path)
	if err != nil {
		return nil, err
	}
	if cfg.Level == gpt2.Level {
		return loadBPECorpus(path, text, cfg, nil)
	}
	trainText, valText, err := datasets.SplitTextTrainVal(text, cfg.Level, cfg.Lowercase, cfg.ValFrac)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var tok tokenizers.Tokenizer
	if cfg.Level == tokenizers.LevelChar {
		cc := tokenizers.DefaultCharConfig()
		if cfg.MinCount > 0 {
			cc.MinCount = cfg.MinCount
		}
		tok, err = tokenizers.BuildChar(trainText, cc)
	} else {
		wc := tokenizers.DefaultWordConfig()
		wc.Lowercase = cfg.Lowercase
		if cfg.MinCount > 0 {
			wc.MinCount = cfg.MinCount
		}
		tok, err = tokenizers.BuildWord(trainText, wc)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	train, _ := tok.Encode(trainText)
	val, _ := tok.Encode(valText)
	if len(val) < 2 {
		return nil, fmt.Errorf("%s: the validation part has %d tokens; use a longer corpus or a larger TextGenTaskConfig.ValFrac", path, len(val))
	}
	return &Corpus{Tokenizer: tok, Train: train, Val: val, SHA256: sha256File(text)}, nil
}

// TextGenTask trains an RNN language model with the shared loop.
type TextGenTask struct {
	Config  TextGenTaskConfig
	Corpus  *Corpus
	Decoder *decoder.Decoder
	seed    uint64

	streams   *datasets.Streams
	x, y      []int
	graph     *nn.Graph
	machine   *nn.Machine
	run       *nn.RNNRun
	carry     bool
	evalGraph *models.EvalGraph
}

// NewTextGenTask builds the model for corpus; the decoder's vocabulary is the
// corpus tokenizer's.
func NewTextGenTask(cfg TextGenTaskConfig, corpus *Corpus, seed uint64) (*TextGenTask, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Decoder.Vocab = corpus.Tokenizer.Vocab().Size()
	dec, err := decoder.New(cfg.Decoder, seed)
	if err != nil {
		return nil, err
	}
	streams, err := datasets.NewStreams(corpus.Train, cfg.Batch, cfg.Seq)
	if err != nil {
		return nil, fmt.Errorf("training data: %w", err)
	}
	t := &TextGenTask{Config: cfg, Corpus: corpus, Decoder: dec, seed: seed, streams: streams,
		x: make([]int, cfg.Batch*cfg.Seq), y: make([]int, cfg.Batch*cfg.Seq)}
	g := nn.NewGraph(true, seed)
	logits, run := dec.Graph(g, g.Ints("ids", t.x), cfg.Batch)
	loss := g.CrossEntropy(logits, g.Ints("targets", t.y), 0)
	if t.machine, err = g.Compile(loss); err != nil {
		return nil, err
	}
	t.graph, t.run = g, run
	return t, nil
}

// Params implements Trainable.
func (t *TextGenTask) Params() nn.Params { return t.Decoder.Params() }

// Unit implements Trainable.
func (t *TextGenTask) Unit() string { return t.Config.Level + "s" }

// TrainStep implements Trainable: the next window of every stream, with the
// recurrent state carried over from the previous window (detached) and reset
// when the streams wrap around, as char-rnn does.
func (t *TextGenTask) TrainStep(step int) (float64, int, error) {
	wrapped := t.streams.Next(t.x, t.y)
	if wrapped || !t.carry {
		t.run.ResetState()
	}
	t.graph.Step = uint64(step)
	loss, err := t.machine.Run()
	if err != nil {
		return 0, 0, err
	}
	t.run.CarryState()
	t.carry = true
	return float64(loss), len(t.x), nil
}

// Evaluate implements Trainable: mean NLL in nats per token over every
// validation target, the text cut into EvalBatch chunks each read from a
// zero state (the reference protocol), and perplexity = exp(loss).
func (t *TextGenTask) Evaluate(ctx context.Context) (training.Metrics, error) {
	if t.evalGraph == nil {
		eg, err := models.NewEvalGraph(t.Decoder, t.Corpus.Val, t.Config.EvalBatch, t.Config.Seq)
		if err != nil {
			return nil, err
		}
		t.evalGraph = eg
	}
	loss, err := t.evalGraph.Run(ctx)
	if err != nil {
		return nil, err
	}
	return training.Metrics{"loss": loss, "perplexity": math.Exp(loss)}, nil
}

// SaveState implements Trainable: stream position and carried state.
func (t *TextGenTask) SaveState() (map[string]string, []modelfile.Tensor) {
	meta := map[string]string{"streams.pos": strconv.Itoa(t.streams.Pos()), "carry": strconv.FormatBool(t.carry)}
	var ts []modelfile.Tensor
	B, H := t.Config.Batch, t.Config.Decoder.Hidden
	for l := range t.run.H0 {
		ts = append(ts, modelfile.Tensor{Name: fmt.Sprintf("h_l%d", l), DType: modelfile.F32, Shape: []int{B, H}, F32: t.run.H0[l]})
		if t.run.C0 != nil {
			ts = append(ts, modelfile.Tensor{Name: fmt.Sprintf("c_l%d", l), DType: modelfile.F32, Shape: []int{B, H}, F32: t.run.C0[l]})
		}
	}
	return meta, ts
}

// LoadState implements Trainable.
func (t *TextGenTask) LoadState(f *modelfile.File) error {
	pos, err := checkpointPos(f, "streams.pos", "stream")
	if err != nil {
		return err
	}
	if err := t.streams.SetPos(pos); err != nil {
		return err
	}
	t.carry = f.Metadata["carry"] == "true"
	load := func(name string, dst []float32) error {
		tt, err := f.Get(name)
		if err != nil {
			return err
		}
		if len(tt.F32) != len(dst) {
			return fmt.Errorf("checkpoint state %s has %d values, want %d (different TextGenTaskConfig.Batch or decoder Config.Hidden?)", name, len(tt.F32), len(dst))
		}
		copy(dst, tt.F32)
		return nil
	}
	for l := range t.run.H0 {
		if err := load(fmt.Sprintf("h_l%d", l), t.run.H0[l]); err != nil {
			return err
		}
		if t.run.C0 != nil {
			if err := load(fmt.Sprintf("c_l%d", l), t.run.C0[l]); err != nil {
				return err
			}
		}
	}
	return nil
}

// Model implements Trainable.
func (t *TextGenTask) Model() (*modelfile.File, error) {
	return models.TextGenModelFile(t.Config.Decoder, t.Config.Lowercase, t.Corpus.Tokenizer, t.Decoder.Params(), map[string]string{"data.sha256": t.Corpus.SHA256}, modelfile.F32)
}
