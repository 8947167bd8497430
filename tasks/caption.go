package tasks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
	"github.com/recur-dev/recur/training"
)

// CaptionTaskConfig describes a captioning run.
type CaptionTaskConfig struct {
	Model      models.CaptionerConfig
	MinCount   int    // vocabulary threshold on the training captions
	Val        int    // held-out images
	SplitSeed  uint64 // shuffle before the split
	Batch      int
	BLEUSample int // validation images decoded for BLEU and exact match (0 = all)
	// TrainCaptions, a regular expression, limits the captions trained on
	// to those it matches; an image none of whose captions match keeps all
	// of them. Validation still accepts every true caption. Where a data
	// set lists each fact several ways ("A left of B" and "B right of A"),
	// training on one canonical way gives the decoder one answer to learn
	// instead of a coin toss it must keep consistent across the caption.
	TrainCaptions string `json:",omitempty"`
}

// DefaultCaptionTaskConfig: the benchmark CNN (3→32→64→128 on 64×64) with
// coordinate planes, a one-layer GRU decoder of 256 over 64-wide
// embeddings, no attention, batch 32, 500 validation images.
func DefaultCaptionTaskConfig() CaptionTaskConfig {
	dc := decoder.Config{Cell: nn.GRU, Embed: 64, Hidden: 256, Layers: 1}
	ec := encoder.DefaultImageConfig()
	ec.CNN.Coords = true
	return CaptionTaskConfig{Model: models.CaptionerConfig{Encoder: ec, Decoder: dc, Image: cnn.DefaultInputConfig()},
		MinCount: 1, Val: 500, SplitSeed: 1234, Batch: 32}
}

// CaptionData is a loaded, split captioning data set.
type CaptionData struct {
	Train, Val []models.CaptionItem
	Vocab      *tokenizers.Vocab
	SHA256     string
}

// LoadCaptionData reads a captioning folder (rendered scenes, Flickr8k or
// COCO layout, see datasets.ReadCaptionDir), preprocesses every image with
// cfg.Model.Image, splits off cfg.Val images and builds the vocabulary from
// the training captions.
func LoadCaptionData(dir string, cfg CaptionTaskConfig) (*CaptionData, error) {
	items, err := datasets.ReadCaptionDir(dir)
	if err != nil {
		return nil, err
	}
	return captionDataFrom(items, cfg)
}

func captionDataFrom(items []datasets.CaptionedImage, cfg CaptionTaskConfig) (*CaptionData, error) {
	if len(items) <= cfg.Val {
		// A bad image is reported before the count, as it always was.
		if len(items) > 0 {
			if _, err := captionDataSplit(items, nil, cfg); err != nil {
				return nil, err
			}
		}
		return nil, fmt.Errorf("%d captioned images, not enough for %d validation images (lower CaptionTaskConfig.Val)", len(items), cfg.Val)
	}
	train, val, err := datasets.RandomCaptionSplit(items, cfg.Val, cfg.SplitSeed)
	if err != nil {
		return nil, err
	}
	return captionDataSplit(train, val, cfg)
}

// captionDataSplit preprocesses the images of a given split with
// cfg.Model.Image and builds the vocabulary from the training captions
// only.
func captionDataSplit(train, val []datasets.CaptionedImage, cfg CaptionTaskConfig) (*CaptionData, error) {
	items := append(train[:len(train):len(train)], val...)
	h := sha256.New()
	all := make([]models.CaptionItem, len(items))
	for i, it := range items {
		x, err := cnn.LoadImage(it.Path, cfg.Model.Image)
		if err != nil {
			return nil, err
		}
		ci := models.CaptionItem{Path: it.Path, Image: x}
		for _, c := range it.Captions {
			if toks := datasets.CaptionTokens(c); len(toks) > 0 {
				ci.Refs = append(ci.Refs, toks)
			}
			fmt.Fprintf(h, "%s\t%s\n", it.Path, c)
		}
		if len(ci.Refs) == 0 {
			return nil, fmt.Errorf("%s: no caption has any word", it.Path)
		}
		all[i] = ci
	}
	d := &CaptionData{Train: all[:len(train)], Val: all[len(train):], SHA256: hex.EncodeToString(h.Sum(nil))}
	var toks [][]string
	for _, it := range d.Train {
		toks = append(toks, it.Refs...)
	}
	d.Vocab = tokenizers.BuildSeqVocab(toks, cfg.MinCount)
	var keep *regexp.Regexp
	if cfg.TrainCaptions != "" {
		var err error
		if keep, err = regexp.Compile(cfg.TrainCaptions); err != nil {
			return nil, fmt.Errorf("training-caption filter %q: %w", cfg.TrainCaptions, err)
		}
	}
	matched := 0
	for _, part := range [][]models.CaptionItem{d.Train, d.Val} {
		for i := range part {
			it := &part[i]
			for k, r := range it.Refs {
				it.Tokens = append(it.Tokens, tokenizers.EncodeSeq(d.Vocab, r))
				if keep != nil && keep.MatchString(strings.Join(r, " ")) {
					it.Targets = append(it.Targets, k)
				}
			}
			matched += len(it.Targets)
			if len(it.Targets) == 0 {
				for k := range it.Refs {
					it.Targets = append(it.Targets, k)
				}
			}
		}
	}
	if keep != nil && matched == 0 {
		return nil, fmt.Errorf("training-caption filter %q matches none of the captions (e.g. %q)", cfg.TrainCaptions, strings.Join(d.Train[0].Refs[0], " "))
	}
	return d, nil
}

// CaptionTask trains a Captioner with the shared loop.
type CaptionTask struct {
	Config CaptionTaskConfig
	Net    *models.Captioner
	Data   *CaptionData
	seed   uint64
	streamPos
	perm  []int
	permE int
	train map[[2]int]*models.CaptionBatchGraph
	eval  map[[2]int]*models.CaptionBatchGraph
}

// NewCaptionTask builds the model.
func NewCaptionTask(cfg CaptionTaskConfig, data *CaptionData, seed uint64) (*CaptionTask, error) {
	if cfg.Batch < 1 || cfg.Batch > 1024 {
		return nil, fmt.Errorf("CaptionTaskConfig.Batch must be in [1, 1024] (got %d)", cfg.Batch)
	}
	if cfg.Model.MaxLen == 0 {
		longest := 0
		for _, it := range data.Train {
			for _, r := range it.Refs {
				longest = max(longest, len(r))
			}
		}
		cfg.Model.MaxLen = longest*3/2 + 5
	}
	m, err := models.NewCaptioner(cfg.Model, data.Vocab, seed)
	if err != nil {
		return nil, err
	}
	return &CaptionTask{Config: cfg, Net: m, Data: data, seed: seed, permE: -1, streamPos: streamPos{unit: "image"},
		train: map[[2]int]*models.CaptionBatchGraph{}, eval: map[[2]int]*models.CaptionBatchGraph{}}, nil
}

func (t *CaptionTask) graph(cache map[[2]int]*models.CaptionBatchGraph, B, T int, train bool) (*models.CaptionBatchGraph, error) {
	key := [2]int{B, roundUp(T)}
	return cachedGraph(cache, key, func() (*models.CaptionBatchGraph, error) { return t.Net.NewBatchGraph(key[0], key[1], train, t.seed) })
}

// Params implements Trainable.
func (t *CaptionTask) Params() nn.Params { return t.Net.Params() }

// Unit implements Trainable.
func (t *CaptionTask) Unit() string { return "images" }

// item returns the training image at stream position p and one of its
// captions chosen at random (seeded by the position, so a resumed run
// picks the same ones).
func (t *CaptionTask) item(p int) (*models.CaptionItem, []int) {
	N := len(t.Data.Train)
	if e := p / N; e != t.permE {
		t.perm = rand.New(rand.NewPCG(t.seed, uint64(e))).Perm(N)
		t.permE = e
	}
	it := &t.Data.Train[t.perm[p%N]]
	k := rand.New(rand.NewPCG(t.seed^0x5eed, uint64(p))).IntN(len(it.Targets))
	return it, it.Tokens[it.Targets[k]]
}

// TrainStep implements Trainable: one batch of images, each with one
// random true caption, teacher forced.
func (t *CaptionTask) TrainStep(step int) (float64, int, error) {
	B := t.Config.Batch
	imgs := make([][]float32, B)
	caps := make([][]int, B)
	T := 0
	for r := range B {
		it, c := t.item(t.pos + r)
		imgs[r], caps[r] = it.Image, c
		T = max(T, len(c)+1)
	}
	t.pos += B
	g, err := t.graph(t.train, B, T, true)
	if err != nil {
		return 0, 0, err
	}
	g.Fill(imgs, caps)
	loss, err := g.Run(step)
	return float64(loss), B, err
}

// Evaluate implements Trainable: teacher-forced loss on the first caption
// of every validation image that training would use (see TrainCaptions),
// then greedy free-running captions scored by
// BLEU-4 against all references and by exact match (the caption equals
// one of the references, token for token).
func (t *CaptionTask) Evaluate(ctx context.Context) (training.Metrics, error) {
	val := t.Data.Val
	var total float64
	var count int
	B := t.Config.Batch
	for start := 0; start < len(val); start += B {
		end := min(start+B, len(val))
		imgs := make([][]float32, end-start)
		caps := make([][]int, end-start)
		T := 0
		for i := range imgs {
			imgs[i], caps[i] = val[start+i].Image, val[start+i].Tokens[val[start+i].Targets[0]]
			T = max(T, len(caps[i])+1)
		}
		g, err := t.graph(t.eval, end-start, T, false)
		if err != nil {
			return nil, err
		}
		n := g.Fill(imgs, caps)
		loss, err := g.Forward()
		if err != nil {
			return nil, err
		}
		total += float64(loss) * float64(n)
		count += n
	}
	if n := t.Config.BLEUSample; n > 0 && n < len(val) {
		val = val[:n]
	}
	bleu, exact, err := t.Net.Score(ctx, val, models.DefaultCaptionOptions())
	if err != nil {
		return nil, err
	}
	loss := total / float64(count)
	return training.Metrics{"loss": loss, "perplexity": math.Exp(loss), "bleu": bleu, "exact": exact}, nil
}

// Model implements Trainable.
func (t *CaptionTask) Model() (*modelfile.File, error) {
	meta := map[string]string{"data.sha256": t.Data.SHA256,
		"data.split": fmt.Sprintf("train %d, validation %d images (seed %d)", len(t.Data.Train), len(t.Data.Val), t.Config.SplitSeed)}
	return t.Net.File(meta, modelfile.F32)
}
