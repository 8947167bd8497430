package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
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
	Vocab  *tokenizers.Vocab // text only
	Enc    *encoder.RNN      // text only
	Net    *cnn.Net          // image only
	Head   *nn.Linear        // [len(Labels), features]
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
func NewClassifier(cfg ClassifierConfig, labels []string, vocab *tokenizers.Vocab, seed uint64) (*Classifier, error) {
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
	var vocab *tokenizers.Vocab
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
	toks := tokenizers.TokenizeMulti(tokenizers.Normalize(s, m.Config.Lowercase))
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
		enc, err := m.Enc.Encode(tokenizers.EncodeSeq(m.Vocab, toks))
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
