package tasks

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
	"github.com/recur-dev/recur/tokenizers/gpt2"
	"github.com/recur-dev/recur/training"
)

// DefaultBPEVocab is the vocabulary learned for Level "bpe" when
// TextGenTaskConfig.BPEVocab is 0: the 256 bytes, <|endoftext|> and 255
// merges, enough for the common words and word pieces of a small corpus.
const DefaultBPEVocab = 512

// loadBPECorpus splits text by character, learns a byte-level BPE of
// cfg.BPEVocab tokens on the training part (unless tok is given) and
// encodes both parts.
func loadBPECorpus(path, text string, cfg TextGenTaskConfig, tok *tokenizers.BPETokenizer) (*Corpus, error) {
	trainText, valText, err := datasets.SplitTextTrainVal(text, tokenizers.LevelChar, false, cfg.ValFrac)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if tok == nil {
		n := cfg.BPEVocab
		if n == 0 {
			n = DefaultBPEVocab
		}
		t, err := gpt2.Train([]byte(trainText), gpt2.TrainConfig{VocabSize: n})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if tok, err = tokenizers.NewBPETokenizer(t); err != nil {
			return nil, err
		}
	}
	return encodeCorpus(path, text, trainText, valText, tok)
}

func encodeCorpus(path, text, trainText, valText string, tok tokenizers.Tokenizer) (*Corpus, error) {
	train, _ := tok.Encode(trainText)
	val, _ := tok.Encode(valText)
	if len(val) < 2 {
		return nil, fmt.Errorf("%s: the validation part has %d tokens; use a longer corpus or a larger TextGenTaskConfig.ValFrac", path, len(val))
	}
	return &Corpus{Tokenizer: tok, Train: train, Val: val, SHA256: sha256File(text)}, nil
}

// LoadCorpusFor reads path for fine-tuning a model that already has its
// tokenizer tok: the text is split as cfg.ValFrac says (by character for
// byte-level BPE, else by tok's level) and encoded with tok; tokens tok
// lacks become <unk> (id 0).
func LoadCorpusFor(path string, cfg TextGenTaskConfig, tok tokenizers.Tokenizer) (*Corpus, error) {
	text, err := datasets.ReadText(path)
	if err != nil {
		return nil, err
	}
	if bt, ok := tok.(*tokenizers.BPETokenizer); ok {
		return loadBPECorpus(path, text, cfg, bt)
	}
	trainText, valText, err := datasets.SplitTextTrainVal(text, tok.Level(), cfg.Lowercase, cfg.ValFrac)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return encodeCorpus(path, text, trainText, valText, tok)
}

// GPTTextGenTask trains a GPT language model with the shared loop. Each
// step reads Batch windows of Seq+1 tokens starting at uniformly random
// positions of the training ids (nanoGPT's sampling), batch-major; the
// positions come from a generator seeded by (seed, step), so a resumed run
// draws exactly the batches the uninterrupted one would and there is no
// data position to checkpoint.
type GPTTextGenTask struct {
	Config TextGenTaskConfig
	Corpus *Corpus
	GPT    *decoder.GPT
	seed   uint64

	x, y    []int
	graph   *nn.Graph
	machine *nn.Machine
}

// NewGPTTextGenTask builds the task. With init nil a new GPT of
// cfg.GPT's shape is initialised from seed (its Vocab is the corpus
// tokenizer's); otherwise init (a pretrained model, e.g. GPT-2) is trained
// further with its own shapes, cfg.GPT.Dropout replacing its dropout, and
// the corpus must have been encoded with init's tokenizer (LoadCorpusFor).
func NewGPTTextGenTask(cfg TextGenTaskConfig, corpus *Corpus, init *decoder.GPT, seed uint64) (*GPTTextGenTask, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var m *decoder.GPT
	var err error
	if init == nil {
		cfg.GPT.Vocab = corpus.Tokenizer.Vocab().Size()
		if m, err = decoder.NewGPT(cfg.GPT, seed); err != nil {
			return nil, err
		}
	} else {
		if n := corpus.Tokenizer.Vocab().Size(); n > init.Config.Vocab {
			return nil, fmt.Errorf("the tokenizer has %d tokens but the initial model's GPTConfig.Vocab is %d", n, init.Config.Vocab)
		}
		if !(cfg.GPT.Dropout >= 0 && cfg.GPT.Dropout < 1) {
			return nil, fmt.Errorf("GPTConfig.Dropout: must be in [0, 1) (got %g)", cfg.GPT.Dropout)
		}
		m = init
		m.Config.Dropout = cfg.GPT.Dropout
		m.AllocGrads()
		cfg.GPT = m.Config
	}
	if cfg.Seq > m.Config.Context {
		return nil, fmt.Errorf("TextGenTaskConfig.Seq %d exceeds the model's context, GPTConfig.Context %d", cfg.Seq, m.Config.Context)
	}
	if len(corpus.Train) < cfg.Seq+1 {
		return nil, fmt.Errorf("training data: %d tokens, need at least TextGenTaskConfig.Seq+1 = %d", len(corpus.Train), cfg.Seq+1)
	}
	B, T := cfg.Batch, cfg.Seq
	t := &GPTTextGenTask{Config: cfg, Corpus: corpus, GPT: m, seed: seed, x: make([]int, B*T), y: make([]int, B*T)}
	g := nn.NewGraph(true, seed)
	loss := g.CrossEntropy(m.Graph(g, g.Ints("ids", t.x), B, T), g.Ints("targets", t.y), 0)
	if t.machine, err = g.Compile(loss); err != nil {
		return nil, err
	}
	t.graph = g
	return t, nil
}

// Params implements Trainable.
func (t *GPTTextGenTask) Params() nn.Params { return t.GPT.Params() }

// Unit implements Trainable.
func (t *GPTTextGenTask) Unit() string {
	if t.Corpus.Tokenizer.Level() == tokenizers.LevelChar {
		return "chars"
	}
	return "tokens"
}

// batch fills x and y with step's windows.
func (t *GPTTextGenTask) batch(step int) {
	rng := rand.New(rand.NewPCG(t.seed, uint64(step)))
	B, T, ids := t.Config.Batch, t.Config.Seq, t.Corpus.Train
	for b := 0; b < B; b++ {
		s := rng.IntN(len(ids) - T)
		copy(t.x[b*T:(b+1)*T], ids[s:s+T])
		copy(t.y[b*T:(b+1)*T], ids[s+1:s+T+1])
	}
}

// TrainStep implements Trainable.
func (t *GPTTextGenTask) TrainStep(step int) (float64, int, error) {
	t.batch(step)
	t.graph.Step = uint64(step)
	loss, err := t.machine.Run()
	if err != nil {
		return 0, 0, err
	}
	return float64(loss), len(t.x), nil
}

// Evaluate implements Trainable: mean NLL in nats per token over every
// validation target, read in non-overlapping windows of the model's context
// (half the cost of `recur eval`'s sliding windows, and a little higher:
// targets near a window's start see little history), and perplexity =
// exp(loss).
func (t *GPTTextGenTask) Evaluate(ctx context.Context) (training.Metrics, error) {
	loss, err := models.EvalGPT(ctx, t.GPT, t.Corpus.Val, t.GPT.Config.Context)
	if err != nil {
		return nil, err
	}
	return training.Metrics{"loss": loss, "perplexity": math.Exp(loss)}, nil
}

// SaveState implements Trainable: batches depend only on (seed, step), so
// there is nothing beyond the loop's own state.
func (t *GPTTextGenTask) SaveState() (map[string]string, []modelfile.Tensor) { return nil, nil }

// LoadState implements Trainable.
func (t *GPTTextGenTask) LoadState(*modelfile.File) error { return nil }

// Model implements Trainable.
func (t *GPTTextGenTask) Model() (*modelfile.File, error) {
	return models.GPTModelFile(t.GPT, t.Corpus.Tokenizer, t.Config.Lowercase, map[string]string{"data.sha256": t.Corpus.SHA256}, modelfile.F32)
}
