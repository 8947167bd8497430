package models

import (
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
)

// builtinFile reads one of the embedded models from ../builtin.
func builtinFile(t testing.TB, name string) *modelfile.File {
	t.Helper()
	f, err := modelfile.Read(filepath.Join("..", "builtin", name))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// craft returns f with the config value at path (dot-separated keys of the
// JSON config, created when absent) set to v; the tensor table is kept.
func craft(t testing.TB, f *modelfile.File, path string, v any) *modelfile.File {
	t.Helper()
	var cfg map[string]any
	if err := json.Unmarshal([]byte(f.Metadata["config"]), &cfg); err != nil {
		t.Fatal(err)
	}
	keys := strings.Split(path, ".")
	m := cfg
	for _, k := range keys[:len(keys)-1] {
		m = m[k].(map[string]any)
	}
	m[keys[len(keys)-1]] = v
	b, _ := json.Marshal(cfg)
	out := *f
	out.Metadata = map[string]string{}
	for k, val := range f.Metadata {
		out.Metadata[k] = val
	}
	out.Metadata["config"] = string(b)
	return &out
}

// smallTextClassifierFile is a text classifier's model file with a
// 3-word vocabulary (no classifier is built in).
func smallTextClassifierFile(t testing.TB) *modelfile.File {
	t.Helper()
	v, err := tokenizers.NewVocab(append(tokenizers.BuildSeqVocab(nil, 1).Tokens(), "a", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := ClassifierConfig{Kind: "text", MaxTokens: 50, Encoder: encoder.RNNConfig{Cell: nn.GRU, Embed: 4, Hidden: 8, Layers: 1}}
	m, err := NewClassifier(cfg, []string{"x", "y"}, v, 1)
	if err != nil {
		t.Fatal(err)
	}
	f, err := m.File(nil, modelfile.F32)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestCraftedConfigsRefusedBeforeAllocating loads model files whose config
// asks for absurd sizes over an otherwise valid tensor table (the files of
// issue 12, item 1). Before checkFile these allocated until the process
// died (or, for max_len, decoded without end); now each is refused with an
// error naming the option, and the refusal allocates almost nothing.
func TestCraftedConfigsRefusedBeforeAllocating(t *testing.T) {
	enfr, capt, shk, cls := builtinFile(t, "en-fr.model"), builtinFile(t, "caption.model"), builtinFile(t, "shakespeare.model"), smallTextClassifierFile(t)
	cases := []struct {
		name string
		f    *modelfile.File
		path string
		v    any
		want string
	}{
		{"decoder Hidden 1e8", shk, "decoder.Hidden", 100000000, "TextGenTaskConfig.Decoder.Hidden 100000000 is out of range (valid: 1 to 4096)"},
		{"decoder Layers 1e6", shk, "decoder.Layers", 1000000, "TextGenTaskConfig.Decoder.Layers 1000000 is out of range (valid: 1 to 8)"},
		{"translator decoder Hidden 1e8", enfr, "decoder.Hidden", 100000000, "TranslatorConfig.Decoder.Hidden 100000000"},
		{"encoder Layers 1e5", enfr, "encoder.Layers", 100000, "TranslatorConfig.Encoder.Layers 100000 is out of range (valid: 1 to 8)"},
		{"AttentionDim 1e8", enfr, "decoder.AttentionDim", 100000000, "TranslatorConfig.Decoder.AttentionDim 100000000"},
		{"translator max_len 2e9", enfr, "max_len", 2000000000, "TranslatorConfig.MaxLen 2000000000 is out of range (valid: 0 to 1000)"},
		{"captioner max_len 2e9", capt, "max_len", 2000000000, "CaptionerConfig.MaxLen 2000000000"},
		{"captioner decoder Hidden 1e8", capt, "decoder.Hidden", 100000000, "CaptionerConfig.Decoder.Hidden 100000000"},
		{"classifier Hidden 1e8", cls, "encoder.hidden", 100000000, "ClassifierConfig.Encoder.Hidden 100000000"},
		{"classifier MaxTokens 2e9", cls, "max_tokens", 2000000000, "ClassifierConfig.MaxTokens 2000000000"},
		// Within the limits but contradicting the table: still refused
		// before anything is built.
		{"Hidden within limits, not the table's", shk, "decoder.Hidden", 4096, "tensor rnn.weight_hh_l0 has shape [1024 256], the config (Cell, Hidden, Layers) says [16384 4096]"},
		{"Layers within limits, not the table's", shk, "decoder.Layers", 8, "tensor \"rnn.weight_hh_l2\""},
		{"AttentionDim within limits", enfr, "decoder.AttentionDim", 4096, "tensor attn.wk.weight has shape [256 256]"},
		{"flat init over a larger grid", capt, "encoder.init", "pooled", "tensor img.init_h.l0.weight has shape [128 4096], the config"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := craft(t, c.f, c.path, c.v)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := FromFile(f)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one containing %q", err, c.want)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
				t.Errorf("refusing the file allocated %d MB", grew>>20)
			}
		})
	}
}

// TestCraftedFileRefusedByLoad writes a crafted file and loads it through
// Load and the per-task loader: both check the config first and name the
// file.
func TestCraftedFileRefusedByLoad(t *testing.T) {
	f := craft(t, builtinFile(t, "shakespeare.model"), "decoder.Layers", 1000000)
	path := filepath.Join(t.TempDir(), "evil.model")
	if err := modelfile.Write(path, f); err != nil {
		t.Fatal(err)
	}
	for name, load := range map[string]func(string) error{
		"Load":              func(p string) error { _, err := Load(p); return err },
		"LoadLanguageModel": func(p string) error { _, err := LoadLanguageModel(p); return err },
	} {
		err := load(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "Layers 1000000") {
			t.Errorf("%s: err = %v, want the path and the Layers error", name, err)
		}
	}
}

// TestImageLimitsNotFromFile: a captioner whose file raises MaxPixels to
// 2^62 (and MaxFileBytes to 2^62) loads with the program's limits (issue
// 12, item 2); SetImageLimits changes them and validates.
func TestImageLimitsNotFromFile(t *testing.T) {
	f := craft(t, builtinFile(t, "caption.model"), "image.MaxPixels", int64(1)<<62)
	f = craft(t, f, "image.MaxFileBytes", int64(1)<<62)
	m, err := FromFile(f)
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultImageLimits()
	if got := m.Captioner.Config.Image; got.MaxPixels != def.MaxPixels || got.MaxFileBytes != def.MaxFileBytes {
		t.Fatalf("limits %d, %d came from the file; want the program's %d, %d", got.MaxPixels, got.MaxFileBytes, def.MaxPixels, def.MaxFileBytes)
	}
	if err := m.Captioner.SetImageLimits(ImageLimits{MaxPixels: 100, MaxFileBytes: 1000}); err != nil {
		t.Fatal(err)
	}
	if m.Captioner.Config.Image.MaxPixels != 100 {
		t.Errorf("SetImageLimits did not apply")
	}
	if err := m.Captioner.SetImageLimits(ImageLimits{MaxPixels: 0, MaxFileBytes: 1}); err == nil || !strings.Contains(err.Error(), "ImageLimits.MaxPixels") {
		t.Errorf("err = %v, want ImageLimits.MaxPixels named", err)
	}
}

// FuzzModelConfig feeds arbitrary config JSON to the loader over the
// tables of the built-in text generator and captioner and a small text
// classifier: it must return a model or an error, never panic, hang or
// allocate without bound (the fuzzer's memory limit catches that).
func FuzzModelConfig(f *testing.F) {
	files := []*modelfile.File{builtinFile(f, "shakespeare.model"), builtinFile(f, "caption.model"), smallTextClassifierFile(f)}
	for i, mf := range files {
		f.Add(uint8(i), mf.Metadata["config"])
	}
	f.Add(uint8(0), `{"arch":"rnn","level":"char","decoder":{"Cell":"lstm","Vocab":66,"Embed":64,"Hidden":100000000,"Layers":2}}`)
	f.Add(uint8(1), `{"decoder":{"Vocab":25,"Layers":1000000},"max_len":2000000000}`)
	f.Add(uint8(2), `{"kind":"text","encoder":{"vocab":6,"hidden":100000000}}`)
	f.Fuzz(func(t *testing.T, which uint8, cfg string) {
		base := files[int(which)%len(files)]
		mf := *base
		mf.Metadata = map[string]string{}
		for k, v := range base.Metadata {
			mf.Metadata[k] = v
		}
		mf.Metadata["config"] = cfg
		m, err := FromFile(&mf)
		if err == nil && m == nil {
			t.Fatal("no model and no error")
		}
	})
}
