package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/metrics"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
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
	Vocab  *tokenizers.Vocab
	Enc    *encoder.Image
	Dec    *decoder.Decoder
	Meta   map[string]string
}

// NewCaptioner initialises a captioner for vocab.
func NewCaptioner(cfg CaptionerConfig, vocab *tokenizers.Vocab, seed uint64) (*Captioner, error) {
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
	if err := checkCaptionerConfig(cfg); err != nil {
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
				hyps, err := decoder.BeamSearch(ctx, m.Dec, s, tokenizers.BOSID, tokenizers.EOSID, cfg)
				if err != nil {
					return nil, fmt.Errorf("image %d: %w", start+i+1, err)
				}
				out = append(out, m.caption(hyps[0].Tokens, hyps[0].Score, hyps[0].Finished, hyps[0].Attention))
			}
			continue
		}
		s := encoder.StartImages(m.Dec, encs)
		rows, cut, att, err := decodeRows(ctx, m.Dec, s, len(encs), maxLen, decoder.Argmax)
		if err != nil {
			return nil, err
		}
		for r, ids := range rows {
			out = append(out, m.caption(ids, 0, !cut[r], att[r]))
		}
	}
	return out, nil
}

func (m *Captioner) caption(ids []int, score float64, finished bool, att [][]float32) Caption {
	toks := tokenizers.DecodeSeq(m.Vocab, ids)
	side := 0
	if att != nil {
		side = m.Config.Encoder.CNN.GridSide()
	}
	return Caption{Text: tokenizers.Detokenize(toks, "en", false), Tokens: toks, Score: score, Finished: finished, Attention: att, GridSide: side}
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
			in, out := tokenizers.PadID, nn.IgnoreTarget
			switch {
			case t == 0:
				in = tokenizers.BOSID
			case t <= len(c):
				in = c[t-1]
			}
			switch {
			case t < len(c):
				out = c[t]
			case t == len(c):
				out = tokenizers.EOSID
			}
			if out != nn.IgnoreTarget {
				n++
			}
			cg.tin[t*B+r], cg.tout[t*B+r] = in, out
		}
	}
	return n
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
