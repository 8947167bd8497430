package serve

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recur-dev/recur/builtin"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/tokenizers"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tasks"
)

// scenePath is the rendered scene committed for tests (datasets renders it).
const scenePath = "../testdata/scene.png"

var (
	modelDir     string
	modelDirOnce sync.Once
	modelDirErr  error
)

// tinyModelFiles writes an untrained tiny translator and captioner once per
// test binary. Untrained weights are enough here: the server's job is the
// plumbing (validation, limits, streaming, attention in the JSON), not the
// translations' quality, and a model file exercises Registry.LoadFile.
func tinyModelFiles(t testing.TB) (translator, captioner string) {
	t.Helper()
	modelDirOnce.Do(func() {
		modelDir, modelDirErr = os.MkdirTemp("", "recur-serve-test")
		if modelDirErr != nil {
			return
		}
		modelDirErr = writeTinyModels(modelDir)
	})
	if modelDirErr != nil {
		t.Fatal(modelDirErr)
	}
	return filepath.Join(modelDir, "tiny-en-fr.model"), filepath.Join(modelDir, "tiny-scenes.model")
}

func writeTinyModels(dir string) error {
	src := tokenizers.BuildSeqVocab([][]string{strings.Fields("i am cold . you are warm . the cat sleeps")}, 1)
	tgt := tokenizers.BuildSeqVocab([][]string{strings.Fields("j' ai froid . tu as chaud . le chat dort")}, 1)
	tcfg := models.TranslatorConfig{
		Encoder:   encoder.RNNConfig{Cell: nn.GRU, Embed: 8, Hidden: 16, Layers: 1, Bidirectional: true},
		Decoder:   decoder.Config{Cell: nn.GRU, Embed: 8, Hidden: 16, Layers: 1, Attention: nn.Additive, AttentionDim: 8},
		Lowercase: true, SrcLang: "en", TgtLang: "fr", MaxLen: 12,
	}
	tr, err := models.NewTranslator(tcfg, src, tgt, 1)
	if err != nil {
		return err
	}
	f, err := tr.File(map[string]string{"train.steps": "0", "note": "untrained test model"}, modelfile.F32)
	if err != nil {
		return err
	}
	if err := modelfile.Write(filepath.Join(dir, "tiny-en-fr.model"), f); err != nil {
		return err
	}
	ccfg := tasks.DefaultCaptionTaskConfig().Model
	ccfg.Image = cnn.DefaultInputConfig()
	ccfg.Image.Size = 32
	ccfg.Encoder.CNN = cnn.Config{Size: 32, Channels: []int{8, 16}}
	ccfg.Encoder.Attention = true
	ccfg.Decoder = decoder.Config{Cell: nn.LSTM, Embed: 8, Hidden: 16, Layers: 1}
	ccfg.MaxLen = 8
	vocab := tokenizers.BuildSeqVocab([][]string{strings.Fields("a red circle left of blue square")}, 1)
	c, err := models.NewCaptioner(ccfg, vocab, 1) // seed 1 says "square" about the scene (seed 2: an empty caption)
	if err != nil {
		return err
	}
	cf, err := c.File(map[string]string{"train.steps": "0"}, modelfile.F32)
	if err != nil {
		return err
	}
	if err := modelfile.Write(filepath.Join(dir, "tiny-scenes.model"), cf); err != nil {
		return err
	}
	// Classifiers: text (many-to-one) and image (one-to-one).
	txt, err := models.NewClassifier(models.ClassifierConfig{Kind: "text", Lowercase: true,
		Encoder: encoder.RNNConfig{Cell: nn.GRU, Embed: 8, Hidden: 8, Layers: 1}},
		[]string{"negative", "positive"}, tokenizers.BuildSeqVocab([][]string{strings.Fields("good bad film")}, 1), 1)
	if err != nil {
		return err
	}
	img, err := models.NewClassifier(models.ClassifierConfig{Kind: "image", CNN: cnn.Config{Size: 32, Channels: []int{4, 8}},
		Image: ccfg.Image}, []string{"circle", "square", "triangle"}, nil, 1)
	if err != nil {
		return err
	}
	for name, m := range map[string]*models.Classifier{"tiny-sentiment.model": txt, "tiny-shapes.model": img} {
		f, err := m.File(nil, modelfile.F32)
		if err != nil {
			return err
		}
		if err := modelfile.Write(filepath.Join(dir, name), f); err != nil {
			return err
		}
	}
	return nil
}

func TestMain(m *testing.M) {
	// RECUR_SERVE_MODELS_DIR=dir writes the tiny models there and keeps
	// them (for the load test: go run ./serve/loadtest -model dir/...).
	if dir := os.Getenv("RECUR_SERVE_MODELS_DIR"); dir != "" {
		if err := writeTinyModels(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	code := m.Run()
	if modelDir != "" {
		os.RemoveAll(modelDir)
	}
	os.Exit(code)
}

// testRegistry has the built-in Shakespeare model and the tiny models (not
// the other built-ins, so that each task's default model is a tiny one
// whatever this build embeds).
func testRegistry(t testing.TB) *Registry {
	t.Helper()
	reg := NewRegistry()
	if os.Getenv("RECUR_SCREENSHOT") != "" {
		reg.AddBuiltins() // the README's screenshot shows the real models
	} else {
		lm, err := builtin.Shakespeare()
		if err != nil {
			t.Fatal(err)
		}
		reg.Add(&Model{Name: "shakespeare", Source: "built-in", LM: lm})
	}
	trPath, capPath := tinyModelFiles(t)
	for _, p := range []string{trPath, capPath, filepath.Join(modelDir, "tiny-sentiment.model"), filepath.Join(modelDir, "tiny-shapes.model")} {
		if _, err := reg.LoadFile(p); err != nil {
			t.Fatal(err)
		}
	}
	return reg
}

// testConfig is DefaultConfig with caps small enough for fast tests.
func testConfig() Config {
	c := DefaultConfig()
	c.MaxConcurrency, c.MaxQueue = 4, 16
	c.Drain = 100 * time.Millisecond
	return c
}

func newTestServer(t testing.TB, cfg Config, logw io.Writer) *Server {
	t.Helper()
	var log *slog.Logger
	if logw != nil {
		log = slog.New(slog.NewJSONHandler(logw, nil))
	}
	s, err := New(cfg, testRegistry(t), log)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// do runs one request against the handler.
func do(s *Server, method, path, contentType string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w
}

// multipartBody builds a form with the image part (if data != nil) and fields.
func multipartBody(t testing.TB, filename string, data []byte, fields ...string) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	if data != nil {
		fw, err := mw.CreateFormFile("image", filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

func readScene(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(scenePath)
	if err != nil {
		t.Fatalf("%s: %v", scenePath, err)
	}
	return b
}

// sseEvents splits a server-sent-events body into (event, data) pairs.
func sseEvents(body string) [][2]string {
	var out [][2]string
	for _, block := range strings.Split(body, "\n\n") {
		var ev, data string
		for _, line := range strings.Split(block, "\n") {
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				ev = v
			} else if v, ok := strings.CutPrefix(line, "data: "); ok {
				data += v
			}
		}
		if ev != "" {
			out = append(out, [2]string{ev, data})
		}
	}
	return out
}

func statusOf(w *httptest.ResponseRecorder) string {
	return fmt.Sprintf("%d %s", w.Code, strings.TrimSpace(w.Body.String()))
}

var _ = http.StatusOK
