package models

import (
	"encoding/json"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
)

// TaskTextGen is the model-file task of language models (RNN and Markov).

// TaskTextGen is the model-file task of language models (RNN or Markov).
const TaskTextGen = "textgen"

// TextGenHeader is the config stored in a textgen model file ("config").
type TextGenHeader struct {
	Arch      string          `json:"arch"`
	Level     string          `json:"level"`
	Lowercase bool            `json:"lowercase"`
	Decoder   *decoder.Config `json:"decoder,omitempty"`
	Markov    json.RawMessage `json:"markov,omitempty"`

	GPT *decoder.GPTConfig `json:"gpt,omitempty"` // Arch "gpt"
}

// TextGenModelFile assembles the model file of a recurrent language model
// with decoder config dc (its Vocab is set from tok), lowercasing as
// trained, the parameters stored as dtype and meta added to the metadata.
func TextGenModelFile(dc decoder.Config, lowercase bool, tok tokenizers.Tokenizer, params nn.Params, meta map[string]string, dtype modelfile.DType) (*modelfile.File, error) {
	dc.Vocab = tok.Vocab().Size()
	h := TextGenHeader{Arch: "rnn", Level: tok.Level(), Lowercase: lowercase, Decoder: &dc}
	f, err := NewTextGenFile(h, tok, meta)
	if err != nil {
		return nil, err
	}
	return addWeights(f, nil, params, dtype), nil
}

// NewTextGenFile starts a textgen model file: header h, tok's vocabulary
// and meta; the caller adds the weights (Markov counts or parameters).
func NewTextGenFile(h TextGenHeader, tok tokenizers.Tokenizer, meta map[string]string) (*modelfile.File, error) {
	hb, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	vb, err := json.Marshal(tok.Vocab().Tokens())
	if err != nil {
		return nil, err
	}
	f := &modelfile.File{Task: TaskTextGen, Metadata: map[string]string{"config": string(hb), "vocab": string(vb)}}
	if err := addMerges(f, tok); err != nil {
		return nil, err
	}
	return addWeights(f, meta, nil, ""), nil
}
