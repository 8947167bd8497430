package tasks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"sort"

	G "gorgonia.org/gorgonia"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
	"github.com/recur-dev/recur/training"
)

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
	Vocab      *tokenizers.Vocab
	SHA256     string
}

// ClassifyTaskConfig describes a classification run.
type ClassifyTaskConfig struct {
	Model     models.ClassifierConfig
	MinCount  int // text: vocabulary threshold
	Val       int // held-out examples
	SplitSeed uint64
	Batch     int
}

// DefaultClassifyTaskConfig is a text classifier: a one-layer unidirectional
// GRU of 128 over 64-wide embeddings, lowercased, ≤ 50 tokens, batch 64,
// 1,000 validation examples.
func DefaultClassifyTaskConfig() ClassifyTaskConfig {
	return ClassifyTaskConfig{Model: models.ClassifierConfig{Kind: "text", Encoder: encoder.RNNConfig{Cell: nn.GRU, Embed: 64, Hidden: 128, Layers: 1},
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
		tmp := &models.Classifier{Config: cfg.Model}
		var toks [][]string
		for _, ex := range d.Train {
			toks = append(toks, tmp.TokenizeText(ex.Text))
		}
		d.Vocab = tokenizers.BuildSeqVocab(toks, cfg.MinCount)
		for _, part := range [][]Example{d.Train, d.Val} {
			for i := range part {
				part[i].ids = tokenizers.EncodeSeq(d.Vocab, tmp.TokenizeText(part[i].Text))
				if len(part[i].ids) == 0 {
					part[i].ids = []int{tokenizers.UnkID}
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
	Net    *models.Classifier
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
	m, err := models.NewClassifier(cfg.Model, data.Labels, data.Vocab, seed)
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
			v := tokenizers.PadID
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
