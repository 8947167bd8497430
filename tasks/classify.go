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
	"sort"

	G "gorgonia.org/gorgonia"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/training"
)

// Model-file tasks of the two classifiers.
const (
	TaskClassify      = "classify"       // many-to-one: text → label
	TaskClassifyImage = "classify-image" // one-to-one: image → label
)

// ClassifierConfig is what a classifier's model file records besides
// weights and labels. Text classifiers use Encoder (and Lowercase,
// MaxTokens); image classifiers use CNN and Image.
type ClassifierConfig struct {
	Kind      string            `json:"kind"` // "text" or "image"
	Encoder   encoder.RNNConfig `json:"encoder,omitempty"`
	Lowercase bool              `json:"lowercase,omitempty"`
	MaxTokens int               `json:"max_tokens,omitempty"` // longer texts are cut (their first tokens kept)
	CNN       cnn.Config        `json:"cnn,omitempty"`
	Image     cnn.InputConfig   `json:"image,omitempty"`
}

// Classifier is a text classifier (many-to-one: the RNN encoder's final
// state, through its bridge tanh(W h + b), then a softmax over labels) or an
// image classifier (one-to-one: the CNN's pooled features, then a softmax).
type Classifier struct {
	Config ClassifierConfig
	Labels []string
	Vocab  *datasets.Vocab // text only
	Enc    *encoder.RNN    // text only
	Net    *cnn.Net        // image only
	Head   *nn.Linear      // [len(Labels), features]
	Meta   map[string]string
}

// Task is the model-file task of the classifier's kind.
func (m *Classifier) Task() string {
	if m.Config.Kind == "image" {
		return TaskClassifyImage
	}
	return TaskClassify
}

// NewClassifier initialises a classifier over labels (vocab: text only).
func NewClassifier(cfg ClassifierConfig, labels []string, vocab *datasets.Vocab, seed uint64) (*Classifier, error) {
	if len(labels) < 2 {
		return nil, fmt.Errorf("a classifier needs at least 2 labels (got %d: %v)", len(labels), labels)
	}
	m := &Classifier{Config: cfg, Labels: labels, Vocab: vocab}
	rng := rand.New(rand.NewPCG(seed, 0xc1a))
	switch cfg.Kind {
	case "text":
		m.Config.Encoder.Vocab = vocab.Size()
		enc, err := encoder.NewRNN(m.Config.Encoder, 1, m.Config.Encoder.Hidden, seed)
		if err != nil {
			return nil, err
		}
		m.Enc = enc
		m.Head = nn.NewLinear("head", m.Config.Encoder.Hidden, len(labels), rng)
	case "image":
		if cfg.Image.Size != cfg.CNN.Size {
			return nil, fmt.Errorf("image size %d differs from the CNN's input size %d", cfg.Image.Size, cfg.CNN.Size)
		}
		net, err := cnn.New(cfg.CNN, seed)
		if err != nil {
			return nil, err
		}
		m.Net = net
		m.Head = nn.NewLinear("head", cfg.CNN.Features(), len(labels), rng)
	default:
		return nil, fmt.Errorf("unknown classifier kind %q (valid: text, image)", cfg.Kind)
	}
	return m, nil
}

// Params lists encoder (or CNN) then head weights.
func (m *Classifier) Params() nn.Params {
	var ps nn.Params
	if m.Enc != nil {
		ps = m.Enc.Params()
	} else {
		ps = m.Net.Params()
	}
	return append(ps, m.Head.Params()...)
}

// File assembles the model file.
func (m *Classifier) File(meta map[string]string, dtype modelfile.DType) (*modelfile.File, error) {
	cb, err := json.Marshal(m.Config)
	if err != nil {
		return nil, err
	}
	lb, _ := json.Marshal(m.Labels)
	f := &modelfile.File{Task: m.Task(), Metadata: map[string]string{"config": string(cb), "labels": string(lb)}}
	if m.Vocab != nil {
		vb, _ := json.Marshal(m.Vocab.Tokens())
		f.Metadata["vocab"] = string(vb)
	}
	return addWeights(f, meta, m.Params(), dtype), nil
}

// LoadClassifier reads a text or image classifier.
func LoadClassifier(path string) (*Classifier, error) {
	return readModel(path, modelfile.Read, classifierFromFile)
}

// classifierFromFile builds a text or image classifier from its file.
func classifierFromFile(f *modelfile.File) (*Classifier, error) {
	if f.Task != TaskClassify && f.Task != TaskClassifyImage {
		return nil, fmt.Errorf("is a %q model, not a classifier (%q or %q)", f.Task, TaskClassify, TaskClassifyImage)
	}
	var cfg ClassifierConfig
	if err := json.Unmarshal([]byte(f.Metadata["config"]), &cfg); err != nil {
		return nil, fmt.Errorf("corrupt model config: %v", err)
	}
	var labels []string
	if err := json.Unmarshal([]byte(f.Metadata["labels"]), &labels); err != nil {
		return nil, fmt.Errorf("corrupt labels: %v", err)
	}
	var vocab *datasets.Vocab
	var err error
	if cfg.Kind == "text" {
		if vocab, err = readVocab(f, "vocab", "text"); err != nil {
			return nil, err
		}
	} else if err := DefaultImageLimits().apply(&cfg.Image); err != nil {
		return nil, fmt.Errorf("corrupt model config: %v", err)
	}
	m, err := NewClassifier(cfg, labels, vocab, 0)
	if err != nil {
		return nil, fmt.Errorf("corrupt model config: %v", err)
	}
	if m.Task() != f.Task {
		return nil, fmt.Errorf("task %q does not match its config kind %q", f.Task, cfg.Kind)
	}
	if err := loadParams(f, m.Params()); err != nil {
		return nil, err
	}
	m.Meta = f.Metadata
	return m, nil
}

// Prediction is a classifier's answer for one input.
type Prediction struct {
	Label string
	Prob  float64   // probability of Label
	Probs []float64 // per label, in Labels order
}

func (m *Classifier) predict(logits []float32) Prediction {
	probs := make([]float64, len(logits))
	top := math.Inf(-1)
	for _, l := range logits {
		top = max(top, float64(l))
	}
	var sum float64
	for i, l := range logits {
		probs[i] = math.Exp(float64(l) - top)
		sum += probs[i]
	}
	best := 0
	for i := range probs {
		probs[i] /= sum
		if probs[i] > probs[best] {
			best = i
		}
	}
	return Prediction{Label: m.Labels[best], Prob: probs[best], Probs: probs}
}

// TokenizeText normalises and tokenizes a text as training did.
func (m *Classifier) TokenizeText(s string) []string {
	toks := datasets.TokenizeMulti(datasets.Normalize(s, m.Config.Lowercase))
	if n := m.Config.MaxTokens; n > 0 && len(toks) > n {
		toks = toks[:n]
	}
	return toks
}

// ClassifyText labels texts (text classifiers only).
func (m *Classifier) ClassifyText(texts []string) ([]Prediction, error) {
	if m.Enc == nil {
		return nil, errors.New("this is an image classifier: give it image files (PNG, JPEG, GIF), not text")
	}
	out := make([]Prediction, len(texts))
	logits := make([]float32, len(m.Labels))
	for i, s := range texts {
		toks := m.TokenizeText(s)
		if len(toks) == 0 {
			return nil, fmt.Errorf("text %d (%q) has no words", i+1, s)
		}
		enc, err := m.Enc.Encode(datasets.EncodeSeq(m.Vocab, toks))
		if err != nil {
			return nil, err
		}
		m.Head.MatMulT(1, enc.Init[0], logits)
		out[i] = m.predict(logits)
	}
	return out, nil
}

// ClassifyImages labels preprocessed images (image classifiers only).
func (m *Classifier) ClassifyImages(images [][]float32) ([]Prediction, error) {
	if m.Net == nil {
		return nil, errors.New("this is a text classifier: give it text, not images")
	}
	out := make([]Prediction, 0, len(images))
	logits := make([]float32, len(m.Labels))
	for start := 0; start < len(images); start += 64 {
		f, err := m.Net.Extract(images[start:min(start+64, len(images))])
		if err != nil {
			return nil, err
		}
		for b := 0; b < f.B; b++ {
			m.Head.MatMulT(1, f.Pooled[b*f.C:(b+1)*f.C], logits)
			out = append(out, m.predict(logits))
		}
	}
	return out, nil
}

// Example is one labelled input: a text or a preprocessed image.
type Example struct {
	Text  string
	Path  string
	Image []float32
	Label int
	ids   []int
}

// ClassifyData is a split, labelled data set.
type ClassifyData struct {
	Kind       string
	Labels     []string
	Train, Val []Example
	Vocab      *datasets.Vocab
	SHA256     string
}

// ClassifyTaskConfig describes a classification run.
type ClassifyTaskConfig struct {
	Model     ClassifierConfig
	MinCount  int // text: vocabulary threshold
	Val       int // held-out examples
	SplitSeed uint64
	Batch     int
}

// DefaultClassifyTaskConfig is a text classifier: a one-layer unidirectional
// GRU of 128 over 64-wide embeddings, lowercased, ≤ 50 tokens, batch 64,
// 1,000 validation examples.
func DefaultClassifyTaskConfig() ClassifyTaskConfig {
	return ClassifyTaskConfig{Model: ClassifierConfig{Kind: "text", Encoder: encoder.RNNConfig{Cell: nn.GRU, Embed: 64, Hidden: 128, Layers: 1},
		Lowercase: true, MaxTokens: 50, CNN: cnn.Config{Size: 64, Channels: []int{16, 32, 64}}, Image: cnn.DefaultInputConfig()},
		MinCount: 2, Val: 1000, SplitSeed: 1234, Batch: 64}
}

// NewClassifyData labels, splits and (for text) builds the vocabulary from
// the training split. Images are loaded with cfg.Model.Image.
func NewClassifyData(cfg ClassifyTaskConfig, inputs, labels []string) (*ClassifyData, error) {
	d := &ClassifyData{Kind: cfg.Model.Kind}
	index := map[string]int{}
	for _, l := range labels {
		index[l] = 0
	}
	for l := range index {
		d.Labels = append(d.Labels, l)
	}
	sort.Strings(d.Labels)
	for i, l := range d.Labels {
		index[l] = i
	}
	if len(d.Labels) < 2 {
		return nil, fmt.Errorf("only one label (%v) in the data: nothing to classify", d.Labels)
	}
	h := sha256.New()
	all := make([]Example, len(inputs))
	for i, in := range inputs {
		ex := Example{Label: index[labels[i]]}
		if d.Kind == "image" {
			x, err := cnn.LoadImage(in, cfg.Model.Image)
			if err != nil {
				return nil, err
			}
			ex.Path, ex.Image = in, x
		} else {
			ex.Text = in
		}
		fmt.Fprintf(h, "%s\t%s\n", labels[i], in)
		all[i] = ex
	}
	if len(all) <= cfg.Val {
		return nil, fmt.Errorf("%d examples, not enough for %d validation examples (lower ClassifyTaskConfig.Val)", len(all), cfg.Val)
	}
	rand.New(rand.NewPCG(cfg.SplitSeed, 0xc1a)).Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	d.Val, d.Train = all[:cfg.Val], all[cfg.Val:]
	d.SHA256 = hex.EncodeToString(h.Sum(nil))
	if d.Kind == "text" {
		tmp := &Classifier{Config: cfg.Model}
		var toks [][]string
		for _, ex := range d.Train {
			toks = append(toks, tmp.TokenizeText(ex.Text))
		}
		d.Vocab = datasets.BuildSeqVocab(toks, cfg.MinCount)
		for _, part := range [][]Example{d.Train, d.Val} {
			for i := range part {
				part[i].ids = datasets.EncodeSeq(d.Vocab, tmp.TokenizeText(part[i].Text))
				if len(part[i].ids) == 0 {
					part[i].ids = []int{datasets.UnkID}
				}
			}
		}
	}
	return d, nil
}

type clsGraph struct {
	g       *nn.Graph
	machine *nn.Machine
	B, S    int
	src     []int
	lens    []int
	x       []float32
	y       []int
	logits  *nnLogits
}

// nnLogits keeps the logits node so evaluation can read predictions.
type nnLogits struct{ data func() []float32 }

// ClassifyTask trains a Classifier with the shared loop.
type ClassifyTask struct {
	Config ClassifyTaskConfig
	Net    *Classifier
	Data   *ClassifyData
	seed   uint64
	streamPos
	perm      []int
	permE     int
	graphs    map[[3]int]*clsGraph
	Confusion [][]int // of the latest validation: [true][predicted]
}

// NewClassifyTask builds the model.
func NewClassifyTask(cfg ClassifyTaskConfig, data *ClassifyData, seed uint64) (*ClassifyTask, error) {
	if cfg.Batch < 1 || cfg.Batch > 4096 {
		return nil, fmt.Errorf("ClassifyTaskConfig.Batch must be in [1, 4096] (got %d)", cfg.Batch)
	}
	m, err := NewClassifier(cfg.Model, data.Labels, data.Vocab, seed)
	if err != nil {
		return nil, err
	}
	return &ClassifyTask{Config: cfg, Net: m, Data: data, seed: seed, permE: -1, streamPos: streamPos{unit: "example"}, graphs: map[[3]int]*clsGraph{}}, nil
}

func (t *ClassifyTask) graph(B, S int, train bool) (*clsGraph, error) {
	tr := 0
	if train {
		tr = 1
	}
	key := [3]int{B, S, tr}
	if g, ok := t.graphs[key]; ok {
		return g, nil
	}
	cg := &clsGraph{B: B, S: S, y: make([]int, B)}
	g := nn.NewGraph(train, t.seed)
	m := t.Net
	var logits *G.Node
	if m.Enc != nil {
		cg.src, cg.lens = make([]int, S*B), make([]int, B)
		_, init := m.Enc.Graph(g, g.Ints("src", cg.src), B, S, &cg.lens)
		logits = g.Linear(m.Head, init[0])
	} else {
		sz := m.Config.CNN.Size
		ch := m.Config.CNN.InputChannels()
		cg.x = make([]float32, B*ch*sz*sz)
		_, pooled, err := m.Net.Graph(g, g.Floats("images", cg.x, B, ch, sz, sz), B)
		if err != nil {
			return nil, err
		}
		logits = g.Linear(m.Head, pooled)
	}
	loss := g.CrossEntropy(logits, g.Ints("labels", cg.y), 0)
	var err error
	if train {
		cg.machine, err = g.Compile(loss)
	} else {
		cg.machine, err = g.CompileForward(loss)
	}
	if err != nil {
		return nil, err
	}
	ln := logits
	cg.logits = &nnLogits{data: func() []float32 { return ln.Value().Data().([]float32) }}
	cg.g = g
	t.graphs[key] = cg
	return cg, nil
}

// fill lays out a batch of examples.
func (t *ClassifyTask) fill(exs []*Example, train bool) (*clsGraph, error) {
	B, S := len(exs), 1
	for _, ex := range exs {
		S = max(S, len(ex.ids))
	}
	S = roundUp(S)
	if t.Net.Net != nil {
		S = 0
	}
	cg, err := t.graph(B, S, train)
	if err != nil {
		return nil, err
	}
	if cg.x != nil {
		imgs := make([][]float32, B)
		for r, ex := range exs {
			imgs[r] = ex.Image
		}
		t.Net.Config.CNN.FillInput(cg.x, imgs)
	}
	for r, ex := range exs {
		cg.y[r] = ex.Label
		if cg.x != nil {
			continue
		}
		cg.lens[r] = len(ex.ids)
		for s := 0; s < S; s++ {
			v := datasets.PadID
			if s < len(ex.ids) {
				v = ex.ids[s]
			}
			cg.src[s*B+r] = v
		}
	}
	return cg, nil
}

// Params implements Trainable.
func (t *ClassifyTask) Params() nn.Params { return t.Net.Params() }

// Unit implements Trainable.
func (t *ClassifyTask) Unit() string { return "examples" }

// TrainStep implements Trainable: a batch of examples in a per-epoch
// shuffled order.
func (t *ClassifyTask) TrainStep(step int) (float64, int, error) {
	N := len(t.Data.Train)
	exs := make([]*Example, t.Config.Batch)
	for r := range exs {
		p := t.pos + r
		if e := p / N; e != t.permE {
			t.perm = rand.New(rand.NewPCG(t.seed, uint64(e))).Perm(N)
			t.permE = e
		}
		exs[r] = &t.Data.Train[t.perm[p%N]]
	}
	t.pos += len(exs)
	cg, err := t.fill(exs, true)
	if err != nil {
		return 0, 0, err
	}
	cg.g.Step = uint64(step)
	loss, err := cg.machine.Run()
	return float64(loss), len(exs), err
}

// Evaluate implements Trainable: validation loss and accuracy (percent),
// and the confusion matrix in t.Confusion.
func (t *ClassifyTask) Evaluate(ctx context.Context) (training.Metrics, error) {
	loss, acc, conf, err := t.score(t.Data.Val)
	if err != nil {
		return nil, err
	}
	t.Confusion = conf
	return training.Metrics{"loss": loss, "accuracy": acc}, nil
}

func (t *ClassifyTask) score(exs []Example) (loss, acc float64, conf [][]int, err error) {
	L := len(t.Data.Labels)
	conf = make([][]int, L)
	for i := range conf {
		conf[i] = make([]int, L)
	}
	// Sort by length so batches pad little (text), in fixed-size chunks.
	order := make([]*Example, len(exs))
	for i := range exs {
		order[i] = &exs[i]
	}
	sort.SliceStable(order, func(i, j int) bool { return len(order[i].ids) < len(order[j].ids) })
	B := t.Config.Batch
	hits := 0
	for start := 0; start < len(order); start += B {
		batch := order[start:min(start+B, len(order))]
		cg, err := t.fill(batch, false)
		if err != nil {
			return 0, 0, nil, err
		}
		l, err := cg.machine.Forward()
		if err != nil {
			return 0, 0, nil, err
		}
		loss += float64(l) * float64(len(batch))
		lg := cg.logits.data()
		for r, ex := range batch {
			row := lg[r*L : (r+1)*L]
			best := 0
			for k := range row {
				if row[k] > row[best] {
					best = k
				}
			}
			conf[ex.Label][best]++
			if best == ex.Label {
				hits++
			}
		}
	}
	return loss / float64(len(exs)), 100 * float64(hits) / float64(len(exs)), conf, nil
}

// Model implements Trainable.
func (t *ClassifyTask) Model() (*modelfile.File, error) {
	meta := map[string]string{"data.sha256": t.Data.SHA256,
		"data.split": fmt.Sprintf("train %d, validation %d (seed %d)", len(t.Data.Train), len(t.Data.Val), t.Config.SplitSeed)}
	return t.Net.File(meta, modelfile.F32)
}
