package tasks

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/tokenizers"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/markov"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
)

// update rewrites the golden headers: go test ./tasks -run TestGoldenHeaders -update
var update = flag.Bool("update", false, "rewrite testdata/headers/*.json from the current code")

// storedHeader is what a model file stores besides the weights' values:
// its task, its metadata (the config JSON, vocabularies, labels) and the
// name, type and shape of every tensor.
type storedHeader struct {
	Task     string                     `json:"task"`
	Metadata map[string]json.RawMessage `json:"metadata"` // JSON values inline, others as strings
	Tensors  []string                   `json:"tensors"`
}

// tinyModelFiles builds one tiny untrained model file per task, from fixed
// configs and seeds, as each task's File (or TrainMarkov) writes it.
func tinyModelFiles(t *testing.T) map[string]*modelfile.File {
	t.Helper()
	files := map[string]*modelfile.File{}
	add := func(name string, f *modelfile.File, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		files[name] = f
	}
	vocab := tokenizers.BuildSeqVocab([][]string{strings.Fields("a red circle left of blue square")}, 1)
	dc := decoder.Config{Cell: nn.GRU, Embed: 4, Hidden: 6, Layers: 1}

	tg := DefaultTextGenTaskConfig()
	tg.Decoder = dc
	tok, err := tokenizers.NewTokenizer(tokenizers.LevelChar, vocab, false)
	if err != nil {
		t.Fatal(err)
	}
	dcv := dc
	dcv.Vocab = vocab.Size()
	d, err := decoder.New(dcv, 1)
	if err != nil {
		t.Fatal(err)
	}
	f, err := models.TextGenModelFile(tg.Decoder, tg.Lowercase, tok, d.Params(), map[string]string{"note": "golden"}, modelfile.F32)
	add("textgen", f, err)

	tg.Level = tokenizers.LevelWord
	corpus, err := LoadCorpus(tinyCorpus(t), tg)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "markov.model")
	if _, err := TrainMarkov(corpus, tg, markov.DefaultConfig(), out, nil); err != nil {
		t.Fatal(err)
	}
	f, err = modelfile.Read(out)
	add("markov", f, err)

	tr, err := models.NewTranslator(models.TranslatorConfig{Encoder: encoder.RNNConfig{Cell: nn.GRU, Embed: 4, Hidden: 6, Layers: 1, Bidirectional: true},
		Decoder:   decoder.Config{Cell: nn.LSTM, Embed: 4, Hidden: 6, Layers: 1, Attention: nn.Additive, AttentionDim: 4},
		Lowercase: true, SrcLang: "en", TgtLang: "fr", MaxLen: 9, MaxSrcLen: 12}, vocab, vocab, 1)
	if err != nil {
		t.Fatal(err)
	}
	f, err = tr.File(map[string]string{models.MetaLengthPenalty: "0.6"}, modelfile.F32)
	add("translate", f, err)

	cc := DefaultCaptionTaskConfig().Model
	cc.Image.Size, cc.Encoder.CNN, cc.Encoder.Attention, cc.Decoder, cc.MaxLen = 16, cnn.Config{Size: 16, Channels: []int{2, 4}}, true, dc, 5
	cp, err := models.NewCaptioner(cc, vocab, 1)
	if err != nil {
		t.Fatal(err)
	}
	f, err = cp.File(nil, modelfile.F32)
	add("caption", f, err)

	txt, err := models.NewClassifier(models.ClassifierConfig{Kind: "text", Lowercase: true, MaxTokens: 7,
		Encoder: encoder.RNNConfig{Cell: nn.GRU, Embed: 4, Hidden: 6, Layers: 1}}, []string{"neg", "pos"}, vocab, 1)
	if err != nil {
		t.Fatal(err)
	}
	f, err = txt.File(nil, modelfile.F32)
	add("classify", f, err)

	img, err := models.NewClassifier(models.ClassifierConfig{Kind: "image", CNN: cnn.Config{Size: 16, Channels: []int{2, 4}}, Image: cc.Image},
		[]string{"circle", "square"}, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	f, err = img.File(nil, modelfile.F32)
	add("classify-image", f, err)
	return files
}

// TestGoldenHeaders fails when what a model file stores changes: a renamed
// Go field without a JSON tag, a new config field, a reordered tensor. The
// golden files in testdata/headers were written by this test with -update
// from the code of the commit that added them; when a change of format is
// intended, rerun with -update and make sure old files still load.
func TestGoldenHeaders(t *testing.T) {
	for name, f := range tinyModelFiles(t) {
		t.Run(name, func(t *testing.T) {
			// Round-trip through the file format, as a saved model is read.
			path := filepath.Join(t.TempDir(), name+".model")
			if err := modelfile.Write(path, f); err != nil {
				t.Fatal(err)
			}
			back, err := modelfile.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			h := storedHeader{Task: back.Task, Metadata: map[string]json.RawMessage{}}
			for k, v := range back.Metadata {
				if json.Valid([]byte(v)) && strings.ContainsAny(v[:1], "{[") {
					h.Metadata[k] = json.RawMessage(v)
				} else {
					h.Metadata[k] = jsonString(t, v)
				}
			}
			for _, tt := range back.Tensors {
				h.Tensors = append(h.Tensors, fmt.Sprintf("%s %s %v", tt.Name, tt.DType, tt.Shape))
			}
			got, err := json.MarshalIndent(h, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "headers", name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (write it with go test ./tasks -run TestGoldenHeaders -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the stored header of a %s model changed; if intended, rerun with -update and keep old files loading.\ngot:\n%s\nwant:\n%s", name, got, want)
			}
			if _, err := models.Load(path); err != nil {
				t.Errorf("Load: %v", err)
			}
		})
	}
}

func jsonString(t *testing.T, v string) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
