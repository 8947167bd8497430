package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/recur-dev/recur/models"

	"github.com/recur-dev/recur/builtin"
	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/modelfile"
)

// Model tasks as the API names them (the model file's "recur.task").
const (
	TaskTextGen   = models.TaskTextGen
	TaskTranslate = models.TaskTranslate
	TaskCaption   = models.TaskCaption
	// Classifiers: text → label (JSON) and image → label (multipart).
	TaskClassify      = models.TaskClassify
	TaskClassifyImage = models.TaskClassifyImage
)

// ModelInfo is what /v1/models shows for one model.
type ModelInfo struct {
	Name         string            `json:"name"`
	Task         string            `json:"task"`
	Source       string            `json:"source"` // "built-in" or the file path
	Arch         string            `json:"arch,omitempty"`
	Level        string            `json:"level,omitempty"`
	VocabSize    int               `json:"vocab_size"`
	SrcVocabSize int               `json:"src_vocab_size,omitempty"`
	SrcLang      string            `json:"src_lang,omitempty"`
	TgtLang      string            `json:"tgt_lang,omitempty"`
	Params       int               `json:"params"`
	Config       json.RawMessage   `json:"config,omitempty"`
	Metadata     map[string]string `json:"metadata"`
	Attention    bool              `json:"attention"`        // responses carry attention weights
	Labels       []string          `json:"labels,omitempty"` // classifiers
}

// Caption is one image caption.
type Caption struct {
	Text     string   `json:"text"`
	Tokens   []string `json:"tokens"`
	Score    float64  `json:"score"`    // beam score; 0 for greedy
	Finished bool     `json:"finished"` // false when cut at the maximum length
	// Attention[i] weighs the image regions for token i (the end token
	// last): Grid×Grid cells in raster order. Empty without attention.
	Attention [][]float32 `json:"attention,omitempty"`
	Grid      int         `json:"grid,omitempty"`
}

// Captioner is an image captioning model as the server uses it; it must
// be safe for concurrent calls.
type Captioner interface {
	InputConfig() cnn.InputConfig
	Caption(ctx context.Context, pixels []float32, beam, maxLen int) ([]Caption, error)
	Info() ModelInfo
}

// Class is one label with its probability.
type Class struct {
	Label string  `json:"label"`
	Prob  float64 `json:"prob"`
}

// Model is one loaded model; exactly one of the task fields is set.
type Model struct {
	Name       string
	Source     string
	LM         *models.LanguageModel
	Translator *models.Translator
	Captioner  Captioner
	Classifier *models.Classifier // text or image (its Task says which)
}

// Task is the model's task.
func (m *Model) Task() string {
	switch {
	case m.LM != nil:
		return TaskTextGen
	case m.Translator != nil:
		return TaskTranslate
	case m.Captioner != nil:
		return TaskCaption
	case m.Classifier != nil:
		return m.Classifier.Task()
	}
	return ""
}

// Info describes the model for /v1/models.
func (m *Model) Info() ModelInfo {
	var in ModelInfo
	switch {
	case m.LM != nil:
		in = ModelInfo{Arch: m.LM.Arch, Level: m.LM.Tokenizer.Level(), VocabSize: m.LM.Tokenizer.Vocab().Size(), Metadata: m.LM.Meta}
		switch {
		case m.LM.Decoder != nil:
			in.Params = m.LM.Decoder.Params().Count()
		case m.LM.GPT != nil:
			in.Params = m.LM.GPT.Params().Count()
		case m.LM.Markov != nil:
			for _, t := range m.LM.Markov.Tensors() {
				n, _ := modelfile.NumElements(t.Shape)
				in.Params += n
			}
		}
	case m.Translator != nil:
		t := m.Translator
		in = ModelInfo{Arch: "seq2seq", Level: "word", VocabSize: t.TgtVocab.Size(), SrcVocabSize: t.SrcVocab.Size(),
			SrcLang: t.Config.SrcLang, TgtLang: t.Config.TgtLang, Params: t.Params().Count(), Metadata: t.Meta, Attention: true}
		if t.SrcBPE != nil {
			in.Level = "subword"
		}
	case m.Captioner != nil:
		in = m.Captioner.Info()
	case m.Classifier != nil:
		c := m.Classifier
		in = ModelInfo{Arch: "cnn", Params: c.Params().Count(), Metadata: c.Meta, Labels: c.Labels}
		if c.Vocab != nil {
			in.Arch, in.Level, in.VocabSize = "rnn", "word", c.Vocab.Size()
		}
	}
	in.Name, in.Task, in.Source = m.Name, m.Task(), m.Source
	in.Config, in.Metadata = splitMetadata(in.Metadata)
	return in
}

// splitMetadata keeps the training metadata worth showing: the config as
// JSON, and short entries, without vocabularies and merge tables (which can
// be megabytes).
func splitMetadata(meta map[string]string) (json.RawMessage, map[string]string) {
	out := map[string]string{}
	var cfg json.RawMessage
	for k, v := range meta {
		switch {
		case k == "config" && json.Valid([]byte(v)):
			cfg = json.RawMessage(v)
		case strings.Contains(k, "vocab"), strings.Contains(k, "bpe"), strings.Contains(k, "merges"), len(v) > 2000:
		default:
			out[k] = v
		}
	}
	return cfg, out
}

// Registry holds the loaded models by name, in load order.
type Registry struct {
	models []*Model
	byName map[string]*Model
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byName: map[string]*Model{}} }

// Add registers m; a name already taken gets a numeric suffix.
func (r *Registry) Add(m *Model) *Model {
	if m.Task() == "" {
		return nil
	}
	name := m.Name
	for i := 2; r.byName[name] != nil; i++ {
		name = fmt.Sprintf("%s-%d", m.Name, i)
	}
	m.Name = name
	r.models = append(r.models, m)
	r.byName[name] = m
	return m
}

// Models lists every model in load order.
func (r *Registry) Models() []*Model { return r.models }

// Lookup finds the model for task: by name, or the first of the task when
// name is empty. The error is a 404 naming what is available.
func (r *Registry) Lookup(task, name string) (*Model, *APIError) {
	if name != "" {
		m := r.byName[name]
		if m == nil {
			return nil, &APIError{Status: 404, Code: CodeUnknownModel, Field: "model",
				Message: fmt.Sprintf("unknown model %q (loaded: %s)", name, r.names(""))}
		}
		if m.Task() != task {
			return nil, &APIError{Status: 404, Code: CodeUnknownModel, Field: "model",
				Message: fmt.Sprintf("model %q is a %s model, not %s (%s models: %s)", name, m.Task(), task, task, r.names(task))}
		}
		return m, nil
	}
	for _, m := range r.models {
		if m.Task() == task {
			return m, nil
		}
	}
	return nil, &APIError{Status: 404, Code: CodeUnknownModel, Field: "model",
		Message: fmt.Sprintf("no %s model loaded (start the server with --model FILE holding a %s model)", task, task)}
}

func (r *Registry) names(task string) string {
	var ns []string
	for _, m := range r.models {
		if task == "" || m.Task() == task {
			ns = append(ns, m.Name)
		}
	}
	if len(ns) == 0 {
		return "none"
	}
	sort.Strings(ns)
	return strings.Join(ns, ", ")
}

// AddBuiltins registers the models compiled into the binary. A model this
// build does not have (the en-fr translator before it is trained) is
// skipped; the names of those skipped are returned for the log.
func (r *Registry) AddBuiltins() (skipped []string) {
	if lm, err := builtin.Shakespeare(); err == nil {
		r.Add(&Model{Name: "shakespeare", Source: "built-in", LM: lm})
	} else {
		skipped = append(skipped, "shakespeare: "+err.Error())
	}
	if tr, err := builtin.EnFr(); err == nil {
		r.Add(&Model{Name: "en-fr", Source: "built-in", Translator: tr})
	} else {
		skipped = append(skipped, "en-fr: "+err.Error())
	}
	if c, err := builtin.Captioner(); err == nil {
		r.Add(&Model{Name: "scenes", Source: "built-in", Captioner: CaptionerOf(c)})
	} else {
		skipped = append(skipped, "scenes: "+err.Error())
	}
	return skipped
}

// LoadFile loads a model file of any task the server knows (models.Load);
// the model is named after the file (without extension).
func (r *Registry) LoadFile(path string) (*Model, error) {
	lm, err := models.Load(path)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	m := &Model{Name: name, Source: path, LM: lm.LM, Translator: lm.Translator, Classifier: lm.Classifier}
	if lm.Captioner != nil {
		m.Captioner = CaptionerOf(lm.Captioner)
	}
	return r.Add(m), nil
}

// CaptionerOf adapts a models.Captioner to the server.
func CaptionerOf(c *models.Captioner) Captioner { return captioner{c} }

type captioner struct{ m *models.Captioner }

func (c captioner) InputConfig() cnn.InputConfig { return c.m.Config.Image }

func (c captioner) Caption(ctx context.Context, pixels []float32, beam, maxLen int) ([]Caption, error) {
	caps, err := c.m.Caption(ctx, [][]float32{pixels}, models.CaptionOptions{Beam: beam, MaxLen: maxLen})
	if err != nil {
		return nil, err
	}
	out := make([]Caption, len(caps))
	for i, k := range caps {
		out[i] = Caption{Text: k.Text, Tokens: k.Tokens, Score: k.Score, Finished: k.Finished, Attention: k.Attention, Grid: k.GridSide}
	}
	return out, nil
}

func (c captioner) Info() ModelInfo {
	return ModelInfo{Arch: "cnn-rnn", Level: "word", VocabSize: c.m.Vocab.Size(), Params: c.m.Params().Count(),
		Metadata: c.m.Meta, Attention: c.m.Config.Encoder.Attention}
}
