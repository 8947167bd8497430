package tasks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/metrics"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/training"
)

// TaskCaption is the model-file task of image captioners.
const TaskCaption = "caption"

// CaptionerConfig is what a captioning model file records besides weights.
type CaptionerConfig struct {
	Encoder encoder.ImageConfig `json:"encoder"`
	Decoder decoder.Config      `json:"decoder"`
	// Image is the preprocessing, identical in training and inference
	// (its Size must equal the CNN's input size).
	Image  cnn.InputConfig `json:"image"`
	MaxLen int             `json:"max_len"` // longest caption decoded by default
}

// Captioner is the one-to-many model: a CNN encoder starting the shared
// decoder (optionally attending to the CNN's grid).
type Captioner struct {
	Config CaptionerConfig
	Vocab  *datasets.Vocab
	Enc    *encoder.Image
	Dec    *decoder.Decoder
	Meta   map[string]string
}

// NewCaptioner initialises a captioner for vocab.
func NewCaptioner(cfg CaptionerConfig, vocab *datasets.Vocab, seed uint64) (*Captioner, error) {
	if err := cfg.Encoder.CNN.Validate(); err != nil {
		return nil, err
	}
	if cfg.Image.Size != cfg.Encoder.CNN.Size {
		return nil, fmt.Errorf("image size %d differs from the CNN's input size %d", cfg.Image.Size, cfg.Encoder.CNN.Size)
	}
	cfg.Decoder.Vocab = vocab.Size()
	cfg.Decoder.Memory, cfg.Decoder.Attention = 0, ""
	if cfg.Encoder.Attention {
		cfg.Decoder.Attention = nn.Additive
		cfg.Decoder.Memory = cfg.Encoder.MemoryWidth()
		if cfg.Decoder.AttentionDim == 0 {
			cfg.Decoder.AttentionDim = cfg.Decoder.Hidden
		}
	}
	if err := CheckCaptionerConfig(cfg); err != nil {
		return nil, err
	}
	dec, err := decoder.New(cfg.Decoder, seed+1)
	if err != nil {
		return nil, fmt.Errorf("decoder: %w", err)
	}
	enc, err := encoder.NewImage(cfg.Encoder, cfg.Decoder, seed)
	if err != nil {
		return nil, fmt.Errorf("encoder: %w", err)
	}
	return &Captioner{Config: cfg, Vocab: vocab, Enc: enc, Dec: dec}, nil
}

// Params lists encoder then decoder weights.
func (m *Captioner) Params() nn.Params { return append(m.Enc.Params(), m.Dec.Params()...) }

// File assembles the model file.
func (m *Captioner) File(meta map[string]string, dtype modelfile.DType) (*modelfile.File, error) {
	cb, err := json.Marshal(m.Config)
	if err != nil {
		return nil, err
	}
	vb, _ := json.Marshal(m.Vocab.Tokens())
	f := &modelfile.File{Task: TaskCaption, Metadata: map[string]string{"config": string(cb), "vocab": string(vb)}}
	return addWeights(f, meta, m.Params(), dtype), nil
}

// LoadCaptioner reads a captioning model file.
func LoadCaptioner(path string) (*Captioner, error) {
	return loadModel(path, TaskCaption, captionerFromFile)
}

// DecodeCaptioner reads a captioner from memory (embedded models).
func DecodeCaptioner(data []byte, name string) (*Captioner, error) {
	return decodeModel(data, name, TaskCaption, captionerFromFile)
}

func captionerFromFile(f *modelfile.File) (*Captioner, error) {
	var cfg CaptionerConfig
	if err := json.Unmarshal([]byte(f.Metadata["config"]), &cfg); err != nil {
		return nil, fmt.Errorf("corrupt model config: %v", err)
	}
	v, err := readVocab(f, "vocab", "caption")
	if err != nil {
		return nil, err
	}
	if cfg.Decoder.Vocab != v.Size() {
		return nil, fmt.Errorf("corrupt model: config vocabulary %d, stored %d", cfg.Decoder.Vocab, v.Size())
	}
	if err := DefaultImageLimits().apply(&cfg.Image); err != nil {
		return nil, fmt.Errorf("corrupt model config: %v", err)
	}
	m, err := NewCaptioner(cfg, v, 0)
	if err != nil {
		return nil, fmt.Errorf("corrupt model config: %v", err)
	}
	if err := loadParams(f, m.Params()); err != nil {
		return nil, err
	}
	m.Meta = f.Metadata
	return m, nil
}

// CaptionOptions choose the decoding.
type CaptionOptions struct {
	Beam int // beam width; 1 = greedy
	// LengthPenalty is α of beam search, in [0, 5]; nil applies the
	// model's own (its MetaLengthPenalty, else 1).
	LengthPenalty *float64
	MaxLen        int // 0 = the model's default (CaptionerConfig.MaxLen)
}

// DefaultCaptionOptions: greedy, the model's length penalty and maximum
// length.
func DefaultCaptionOptions() CaptionOptions { return CaptionOptions{Beam: 1} }

// Caption is the result for one image.
type Caption struct {
	Text     string   // detokenized caption
	Tokens   []string // one per attention row (end token not included)
	Score    float64  // beam score; 0 for greedy
	Finished bool     // false when cut at the maximum length
	// Attention holds, per generated token (the end token included), the
	// weights over the CNN's grid cells in raster order; nil without attention.
	Attention [][]float32
	GridSide  int
}

// LoadImages preprocesses image files exactly as training did.
func (m *Captioner) LoadImages(paths []string) ([][]float32, error) {
	out := make([][]float32, len(paths))
	for i, p := range paths {
		x, err := cnn.LoadImage(p, m.Config.Image)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// Caption captions preprocessed images (3×Size×Size CHW each, from
// LoadImages or cnn.Preprocess with the model's Config.Image).
func (m *Captioner) Caption(ctx context.Context, images [][]float32, o CaptionOptions) ([]Caption, error) {
	maxLen := o.MaxLen
	if maxLen <= 0 {
		maxLen = max(m.Config.MaxLen, 1)
	}
	lp, err := chooseLengthPenalty(o.LengthPenalty, storedLengthPenalty(m.Meta), "CaptionOptions.LengthPenalty")
	if err != nil {
		return nil, err
	}
	out := make([]Caption, 0, len(images))
	const chunk = 64
	for start := 0; start < len(images); start += chunk {
		end := min(start+chunk, len(images))
		encs, err := m.Enc.Encode(images[start:end])
		if err != nil {
			return nil, err
		}
		if o.Beam > 1 {
			cfg := decoder.BeamConfig{Width: o.Beam, LengthPenalty: lp, MaxLen: maxLen, MinLen: 1, NBest: 1}
			for i, enc := range encs {
				s := encoder.StartImages(m.Dec, []*encoder.EncodedImage{enc})
				hyps, err := decoder.BeamSearch(ctx, m.Dec, s, datasets.BOSID, datasets.EOSID, cfg)
				if err != nil {
					return nil, fmt.Errorf("image %d: %w", start+i+1, err)
				}
				out = append(out, m.caption(hyps[0].Tokens, hyps[0].Score, hyps[0].Finished, hyps[0].Attention))
			}
			continue
		}
		s := encoder.StartImages(m.Dec, encs)
		var att [][][]float32
		if s.Weights != nil {
			att = make([][][]float32, len(encs))
		}
		rows, cut, err := decodeWithAttention(ctx, m.Dec, s, maxLen, decoder.Argmax, att)
		if err != nil {
			return nil, err
		}
		for r, ids := range rows {
			var a [][]float32
			if att != nil {
				a = att[r][:min(len(att[r]), len(ids)+1)]
			}
			out = append(out, m.caption(ids, 0, !cut[r], a))
		}
	}
	return out, nil
}

func (m *Captioner) caption(ids []int, score float64, finished bool, att [][]float32) Caption {
	toks := datasets.DecodeSeq(m.Vocab, ids)
	side := 0
	if att != nil {
		side = m.Config.Encoder.CNN.GridSide()
	}
	return Caption{Text: datasets.Detokenize(toks, "en", false), Tokens: toks, Score: score, Finished: finished, Attention: att, GridSide: side}
}

// CaptionTaskConfig describes a captioning run.
type CaptionTaskConfig struct {
	Model      CaptionerConfig
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
	return CaptionTaskConfig{Model: CaptionerConfig{Encoder: ec, Decoder: dc, Image: cnn.DefaultInputConfig()},
		MinCount: 1, Val: 500, SplitSeed: 1234, Batch: 32}
}

// CaptionItem is one preprocessed image with its reference captions.
type CaptionItem struct {
	Path   string
	Image  []float32  // 3×Size×Size
	Refs   [][]string // tokenized captions
	Tokens [][]int    // the same, as ids (filled once the vocabulary exists)
	// Targets indexes the captions trained on (all of them unless
	// CaptionTaskConfig.TrainCaptions narrows them).
	Targets []int
}

// CaptionData is a loaded, split captioning data set.
type CaptionData struct {
	Train, Val []CaptionItem
	Vocab      *datasets.Vocab
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
	h := sha256.New()
	all := make([]CaptionItem, len(items))
	for i, it := range items {
		x, err := cnn.LoadImage(it.Path, cfg.Model.Image)
		if err != nil {
			return nil, err
		}
		ci := CaptionItem{Path: it.Path, Image: x}
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
	if len(all) <= cfg.Val {
		return nil, fmt.Errorf("%d captioned images, not enough for %d validation images (lower CaptionTaskConfig.Val)", len(all), cfg.Val)
	}
	rng := rand.New(rand.NewPCG(cfg.SplitSeed, 0xca9))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	d := &CaptionData{Val: all[:cfg.Val], Train: all[cfg.Val:], SHA256: hex.EncodeToString(h.Sum(nil))}
	var toks [][]string
	for _, it := range d.Train {
		toks = append(toks, it.Refs...)
	}
	d.Vocab = datasets.BuildSeqVocab(toks, cfg.MinCount)
	var keep *regexp.Regexp
	if cfg.TrainCaptions != "" {
		var err error
		if keep, err = regexp.Compile(cfg.TrainCaptions); err != nil {
			return nil, fmt.Errorf("training-caption filter %q: %w", cfg.TrainCaptions, err)
		}
	}
	matched := 0
	for _, part := range [][]CaptionItem{d.Train, d.Val} {
		for i := range part {
			it := &part[i]
			for k, r := range it.Refs {
				it.Tokens = append(it.Tokens, datasets.EncodeSeq(d.Vocab, r))
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

// capGraph is the training (or evaluation) graph for one (batch, length).
type capGraph struct {
	machine   *nn.Machine
	g         *nn.Graph
	B, T      int
	cnn       cnn.Config
	x         []float32
	tin, tout []int
}

func (m *Captioner) buildGraph(B, T int, train bool, seed uint64) (*capGraph, error) {
	S := m.Config.Image.Size
	cc := m.Config.Encoder.CNN
	cg := &capGraph{B: B, T: T, cnn: cc, x: make([]float32, B*cc.InputChannels()*S*S), tin: make([]int, T*B), tout: make([]int, T*B)}
	g := nn.NewGraph(train, seed)
	in, _, err := m.Enc.Graph(g, g.Floats("images", cg.x, B, cc.InputChannels(), S, S), B)
	if err != nil {
		return nil, err
	}
	logits, _, _ := m.Dec.GraphWith(g, g.Ints("tin", cg.tin), B, in)
	loss := g.CrossEntropy(logits, g.Ints("tout", cg.tout), 0)
	if train {
		cg.machine, err = g.Compile(loss)
	} else {
		cg.machine, err = g.CompileForward(loss)
	}
	cg.g = g
	return cg, err
}

// fill lays out images and one caption each: decoder input <s> w1 … wn,
// target w1 … wn </s>, padded with IgnoreTarget (time-major).
func (cg *capGraph) fill(imgs [][]float32, caps [][]int) int {
	B := cg.B
	n := 0
	cg.cnn.FillInput(cg.x, imgs)
	for r := range imgs {
		c := caps[r]
		for t := 0; t < cg.T; t++ {
			in, out := datasets.PadID, nn.IgnoreTarget
			switch {
			case t == 0:
				in = datasets.BOSID
			case t <= len(c):
				in = c[t-1]
			}
			switch {
			case t < len(c):
				out = c[t]
			case t == len(c):
				out = datasets.EOSID
			}
			if out != nn.IgnoreTarget {
				n++
			}
			cg.tin[t*B+r], cg.tout[t*B+r] = in, out
		}
	}
	return n
}

// CaptionTask trains a Captioner with the shared loop.
type CaptionTask struct {
	Config CaptionTaskConfig
	Net    *Captioner
	Data   *CaptionData
	seed   uint64
	streamPos
	perm  []int
	permE int
	train map[[2]int]*capGraph
	eval  map[[2]int]*capGraph
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
	m, err := NewCaptioner(cfg.Model, data.Vocab, seed)
	if err != nil {
		return nil, err
	}
	return &CaptionTask{Config: cfg, Net: m, Data: data, seed: seed, permE: -1, streamPos: streamPos{unit: "image"},
		train: map[[2]int]*capGraph{}, eval: map[[2]int]*capGraph{}}, nil
}

func (t *CaptionTask) graph(cache map[[2]int]*capGraph, B, T int, train bool) (*capGraph, error) {
	key := [2]int{B, roundUp(T)}
	return cachedGraph(cache, key, func() (*capGraph, error) { return t.Net.buildGraph(key[0], key[1], train, t.seed) })
}

// Params implements Trainable.
func (t *CaptionTask) Params() nn.Params { return t.Net.Params() }

// Unit implements Trainable.
func (t *CaptionTask) Unit() string { return "images" }

// item returns the training image at stream position p and one of its
// captions chosen at random (seeded by the position, so a resumed run
// picks the same ones).
func (t *CaptionTask) item(p int) (*CaptionItem, []int) {
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
	g.fill(imgs, caps)
	g.g.Step = uint64(step)
	loss, err := g.machine.Run()
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
		n := g.fill(imgs, caps)
		loss, err := g.machine.Forward()
		if err != nil {
			return nil, err
		}
		total += float64(loss) * float64(n)
		count += n
	}
	if n := t.Config.BLEUSample; n > 0 && n < len(val) {
		val = val[:n]
	}
	bleu, exact, err := t.Net.Score(ctx, val, DefaultCaptionOptions())
	if err != nil {
		return nil, err
	}
	loss := total / float64(count)
	return training.Metrics{"loss": loss, "perplexity": math.Exp(loss), "bleu": bleu, "exact": exact}, nil
}

// Score captions the items and returns corpus BLEU-4 (sacrebleu-compatible,
// all references) and the exact-match rate in percent.
func (m *Captioner) Score(ctx context.Context, items []CaptionItem, o CaptionOptions) (bleu, exact float64, err error) {
	r, err := m.ScoreItems(ctx, items, o)
	if err != nil {
		return 0, 0, err
	}
	return r.BLEU, r.Exact, nil
}

// CaptionScores are a captioner's results on a set of images.
type CaptionScores struct {
	BLEU, Exact float64   // corpus BLEU-4 and exact-match rate in percent
	Captions    []Caption // per item, in order
	Hit         []bool    // per item: the finished caption equals one of its references
}

// ScoreItems is Score with the per-item captions and exact matches, for
// error analysis.
func (m *Captioner) ScoreItems(ctx context.Context, items []CaptionItem, o CaptionOptions) (*CaptionScores, error) {
	if len(items) == 0 {
		return nil, errors.New("no images to score")
	}
	imgs := make([][]float32, len(items))
	nref := 0
	for i, it := range items {
		imgs[i] = it.Image
		nref = max(nref, len(it.Refs))
	}
	caps, err := m.Caption(ctx, imgs, o)
	if err != nil {
		return nil, err
	}
	hyps := make([]string, len(items))
	refs := make([][]string, nref)
	for k := range refs {
		refs[k] = make([]string, len(items))
	}
	r := &CaptionScores{Captions: caps, Hit: make([]bool, len(items))}
	hits := 0
	for i, it := range items {
		hyps[i] = strings.Join(caps[i].Tokens, " ")
		for k, ref := range it.Refs {
			refs[k][i] = strings.Join(ref, " ")
			if refs[k][i] == hyps[i] && caps[i].Finished {
				r.Hit[i] = true
			}
		}
		if r.Hit[i] {
			hits++
		}
	}
	b, err := metrics.CorpusBLEU(hyps, refs, metrics.DefaultBLEUConfig())
	if err != nil {
		return nil, err
	}
	r.BLEU, r.Exact = b.Score, 100*float64(hits)/float64(len(items))
	return r, nil
}

// Model implements Trainable.
func (t *CaptionTask) Model() (*modelfile.File, error) {
	meta := map[string]string{"data.sha256": t.Data.SHA256,
		"data.split": fmt.Sprintf("train %d, validation %d images (seed %d)", len(t.Data.Train), len(t.Data.Val), t.Config.SplitSeed)}
	return t.Net.File(meta, modelfile.F32)
}
