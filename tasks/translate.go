package tasks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
	"github.com/recur-dev/recur/training"
)

// TranslateTaskConfig describes a translation run: data handling and model.
type TranslateTaskConfig struct {
	Pairs     datasets.PairsConfig
	MinCount  int    // vocabulary threshold on the training split
	Val, Test int    // held-out pairs
	SplitSeed uint64 // shuffle before the split
	Batch     int
	Model     models.TranslatorConfig
	Smoothing float64 // label smoothing ε
	// TeacherForcing is the probability that the decoder reads the true
	// previous token in training; below 1, the rest of the inputs are the
	// model's own predictions (scheduled sampling, in two passes: a
	// forward pass predicts every position, then the training pass reads
	// the mixed inputs).
	TeacherForcing float64
	BLEUSample     int // validation sentences decoded for BLEU (0 = all)
}

// DefaultTranslateTaskConfig is the reference translator: English → French,
// lowercased, ≤ 15 tokens, 1,000 validation and 2,000 test pairs, batch 64;
// bidirectional GRU encoder 256 (directions summed), GRU decoder 256 with
// additive attention 256, embeddings 256, no dropout.
func DefaultTranslateTaskConfig() TranslateTaskConfig {
	dc := decoder.Config{Cell: nn.GRU, Embed: 256, Hidden: 256, Layers: 1, Attention: nn.Additive, AttentionDim: 256}
	return TranslateTaskConfig{
		Pairs: datasets.DefaultPairsConfig(), MinCount: 2, Val: 1000, Test: 2000, SplitSeed: 1234, Batch: 64, TeacherForcing: 1,
		Model: models.TranslatorConfig{Encoder: encoder.DefaultRNNConfig(), Decoder: dc, Lowercase: true},
	}
}

// LangsFromName guesses source and target language codes from a file
// named like eng-fra.tsv (three-letter codes mapped to two-letter ones
// where known); empty when the name says nothing.
func LangsFromName(path string, reverse bool) (string, string) {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	parts := strings.Split(base, "-")
	if len(parts) != 2 {
		return "", ""
	}
	short := map[string]string{"eng": "en", "fra": "fr", "deu": "de", "spa": "es", "ita": "it", "por": "pt", "jpn": "ja", "cmn": "zh", "tha": "th", "rus": "ru", "nld": "nl"}
	code := func(s string) string {
		if c, ok := short[s]; ok {
			return c
		}
		return s
	}
	a, b := code(parts[0]), code(parts[1])
	if reverse {
		a, b = b, a
	}
	return a, b
}

// PairSplits is a tokenized, split sentence-pair corpus.
type PairSplits struct {
	Train, Val, Test []datasets.Pair
	SrcVocab         *tokenizers.Vocab
	TgtVocab         *tokenizers.Vocab
	SrcBPE, TgtBPE   *tokenizers.BPE // nil for word models
	Report           datasets.PairsReport
	SHA256           string
	// trainSrc and trainTgt are the training split as tokens (subwords
	// with BPE), tokenized once by LoadPairs for the vocabularies and
	// reused for the training ids (Tokenize depends only on Lowercase).
	trainSrc, trainTgt [][]string
	lowercase          bool
}

// LoadPairs reads, filters, splits and builds vocabularies (from the
// training split only).
func LoadPairs(path string, cfg TranslateTaskConfig) (*PairSplits, error) {
	pairs, rep, err := datasets.ReadPairs(path, cfg.Pairs)
	if err != nil {
		return nil, err
	}
	if len(pairs) <= cfg.Val+cfg.Test {
		return nil, fmt.Errorf("%s: %s", path, tooFewPairs(len(pairs), rep, cfg))
	}
	train, val, test, err := datasets.SplitPairs(pairs, cfg.Val, cfg.Test, cfg.SplitSeed)
	if err != nil {
		return nil, err
	}
	var src, tgt [][]string
	for _, p := range train {
		src = append(src, cfg.Pairs.Tokenize(p.Src))
		tgt = append(tgt, cfg.Pairs.Tokenize(p.Tgt))
	}
	var srcBPE, tgtBPE *tokenizers.BPE
	if n := cfg.Model.Subwords; n > 0 {
		if srcBPE, err = learnBPE(src, n); err != nil {
			return nil, fmt.Errorf("source subwords: %w", err)
		}
		if tgtBPE, err = learnBPE(tgt, n); err != nil {
			return nil, fmt.Errorf("target subwords: %w", err)
		}
		for i := range src {
			src[i], tgt[i] = srcBPE.Encode(src[i]), tgtBPE.Encode(tgt[i])
		}
	}
	h := sha256.New()
	for _, p := range pairs {
		fmt.Fprintf(h, "%s\t%s\n", p.Src, p.Tgt)
	}
	return &PairSplits{Train: train, Val: val, Test: test, Report: rep, SrcBPE: srcBPE, TgtBPE: tgtBPE,
		SrcVocab: tokenizers.BuildSeqVocab(src, cfg.MinCount), TgtVocab: tokenizers.BuildSeqVocab(tgt, cfg.MinCount),
		SHA256: hex.EncodeToString(h.Sum(nil)), trainSrc: src, trainTgt: tgt, lowercase: cfg.Pairs.Lowercase}, nil
}

func learnBPE(sents [][]string, size int) (*tokenizers.BPE, error) {
	counts := map[string]int{}
	for _, s := range sents {
		for _, w := range s {
			counts[w]++
		}
	}
	return tokenizers.LearnBPE(counts, size)
}

// trainIDs is the training split as ids: from the tokens LoadPairs kept
// when it tokenized the same way, else tokenized now.
func (data *PairSplits) trainIDs(cfg datasets.PairsConfig) (s, t [][]int) {
	if data.trainSrc == nil || len(data.trainSrc) != len(data.Train) || cfg.Lowercase != data.lowercase {
		return encodePairs(cfg, data, data.Train)
	}
	for i := range data.trainSrc {
		s = append(s, tokenizers.EncodeSeq(data.SrcVocab, data.trainSrc[i]))
		t = append(t, tokenizers.EncodeSeq(data.TgtVocab, data.trainTgt[i]))
	}
	return s, t
}

// encodePairs tokenizes pairs as cfg and the splits' subwords say and
// encodes them with the splits' vocabularies.
func encodePairs(cfg datasets.PairsConfig, data *PairSplits, pairs []datasets.Pair) (s, t [][]int) {
	for _, p := range pairs {
		s = append(s, tokenizers.EncodeSeq(data.SrcVocab, models.Subwords(data.SrcBPE, cfg.Tokenize(p.Src))))
		t = append(t, tokenizers.EncodeSeq(data.TgtVocab, models.Subwords(data.TgtBPE, cfg.Tokenize(p.Tgt))))
	}
	return s, t
}

// TranslateTask trains a Translator with the shared loop.
type TranslateTask struct {
	Config  TranslateTaskConfig
	Net     *models.Translator
	Data    *PairSplits
	seed    uint64
	batcher *datasets.PairBatcher
	train   map[[3]int]*models.BatchGraph
	eval    map[[3]int]*models.BatchGraph
	valSrc  [][]int
	valTgt  [][]int
}

// NewTranslateTask builds the model and batcher.
func NewTranslateTask(cfg TranslateTaskConfig, data *PairSplits, seed uint64) (*TranslateTask, error) {
	if cfg.Batch < 1 || cfg.Batch > 4096 {
		return nil, fmt.Errorf("TranslateTaskConfig.Batch must be in [1, 4096] (got %d)", cfg.Batch)
	}
	if !(cfg.TeacherForcing > 0 && cfg.TeacherForcing <= 1) {
		return nil, fmt.Errorf("TranslateTaskConfig.TeacherForcing must be in (0, 1] (got %g)", cfg.TeacherForcing)
	}
	if !(cfg.Smoothing >= 0 && cfg.Smoothing < 1) {
		return nil, fmt.Errorf("TranslateTaskConfig.Smoothing must be in [0, 1) (got %g)", cfg.Smoothing)
	}
	// The model records how its data were read, so that it normalises new
	// sentences the same way.
	cfg.Model.Lowercase = cfg.Pairs.Lowercase
	src, tgt := data.trainIDs(cfg.Pairs)
	if cfg.Model.MaxLen == 0 {
		// Decode at most 1.5 times the longest training target, plus slack.
		longest := 0
		for _, t := range tgt {
			longest = max(longest, len(t))
		}
		cfg.Model.MaxLen = longest*3/2 + 5
	}
	if cfg.Model.MaxSrcLen == 0 {
		longest := 0
		for _, s := range src {
			longest = max(longest, len(s))
		}
		cfg.Model.MaxSrcLen = 2 * longest
	}
	m, err := models.NewTranslator(cfg.Model, data.SrcVocab, data.TgtVocab, seed)
	if err != nil {
		return nil, err
	}
	m.SrcBPE, m.TgtBPE = data.SrcBPE, data.TgtBPE
	b, err := datasets.NewPairBatcher(src, tgt, cfg.Batch, seed)
	if err != nil {
		return nil, err
	}
	vs, vt := encodePairs(cfg.Pairs, data, data.Val)
	return &TranslateTask{Config: cfg, Net: m, Data: data, seed: seed, batcher: b,
		train: map[[3]int]*models.BatchGraph{}, eval: map[[3]int]*models.BatchGraph{}, valSrc: vs, valTgt: vt}, nil
}

func (t *TranslateTask) graph(cache map[[3]int]*models.BatchGraph, b *datasets.SeqBatch, train bool) (*models.BatchGraph, error) {
	key := [3]int{b.B, roundUp(b.SrcLen), roundUp(b.TgtLen)}
	return cachedGraph(cache, key, func() (*models.BatchGraph, error) {
		return t.Net.NewBatchGraph(key[0], key[1], key[2], train, t.seed, t.Config.Smoothing)
	})
}

// Params implements Trainable.
func (t *TranslateTask) Params() nn.Params { return t.Net.Params() }

// Unit implements Trainable.
func (t *TranslateTask) Unit() string { return "pairs" }

// TrainStep implements Trainable: one padded batch, teacher forced.
func (t *TranslateTask) TrainStep(step int) (float64, int, error) {
	b := t.batcher.Next()
	g, err := t.graph(t.train, b, true)
	if err != nil {
		return 0, 0, err
	}
	g.Fill(b)
	if t.Config.TeacherForcing < 1 {
		if err := t.scheduleSampling(g, b, step); err != nil {
			return 0, 0, err
		}
	}
	loss, err := g.Run(step)
	return float64(loss), b.B, err
}

// scheduleSampling replaces decoder inputs by the model's own greedy
// predictions with probability 1 − TeacherForcing. The predictions come
// from a forward pass of the evaluation graph over the gold inputs, so
// position t reads the model's guess for position t−1.
func (t *TranslateTask) scheduleSampling(g *models.BatchGraph, b *datasets.SeqBatch, step int) error {
	eg, err := t.graph(t.eval, b, false)
	if err != nil {
		return err
	}
	eg.Fill(b)
	if _, err := eg.Forward(); err != nil {
		return err
	}
	logits := eg.Logits()
	V := t.Net.TgtVocab.Size()
	rng := rand.New(rand.NewPCG(t.seed^0x5c4ed, uint64(step)))
	B := g.B
	for tt := 1; tt < b.TgtLen; tt++ {
		for r := 0; r < B; r++ {
			if tt >= b.TgtLens[r] || rng.Float64() < t.Config.TeacherForcing {
				continue
			}
			g.TgtIn[tt*B+r] = decoder.Argmax(r, logits[((tt-1)*B+r)*V:((tt-1)*B+r+1)*V])
		}
	}
	return nil
}

// Evaluate implements Trainable: validation loss per target token
// (teacher forced) and BLEU/chrF of greedy free-running translations,
// tokenised on both sides as the reference scores.
func (t *TranslateTask) Evaluate(ctx context.Context) (training.Metrics, error) {
	batches, err := datasets.EvalBatches(t.valSrc, t.valTgt, t.Config.Batch)
	if err != nil {
		return nil, err
	}
	var total float64
	var count int
	for _, b := range batches {
		g, err := t.graph(t.eval, b, false)
		if err != nil {
			return nil, err
		}
		g.Fill(b)
		loss, err := g.Forward()
		if err != nil {
			return nil, err
		}
		total += float64(loss) * float64(b.Tokens())
		count += b.Tokens()
	}
	val := t.Data.Val
	if n := t.Config.BLEUSample; n > 0 && n < len(val) {
		val = val[:n]
	}
	bleu, chrf, err := t.Net.Score(ctx, val, t.Config.Pairs, models.DefaultTranslateOptions())
	if err != nil {
		return nil, err
	}
	loss := total / float64(count)
	return training.Metrics{"loss": loss, "perplexity": math.Exp(loss), "bleu": bleu, "chrf": chrf}, nil
}

// Model implements Trainable.
func (t *TranslateTask) Model() (*modelfile.File, error) {
	meta := map[string]string{"data.sha256": t.Data.SHA256,
		"data.split": fmt.Sprintf("train %d, validation %d, test %d (seed %d)", len(t.Data.Train), len(t.Data.Val), len(t.Data.Test), t.Config.SplitSeed)}
	return t.Net.File(meta, modelfile.F32)
}

// SaveState implements Trainable: the batcher position.
func (t *TranslateTask) SaveState() (map[string]string, []modelfile.Tensor) {
	return map[string]string{"batcher.pos": strconv.Itoa(t.batcher.Pos())}, nil
}

// LoadState implements Trainable.
func (t *TranslateTask) LoadState(f *modelfile.File) error {
	pos, err := checkpointPos(f, "batcher.pos", "batcher")
	if err != nil {
		return err
	}
	return t.batcher.SetPos(pos)
}
