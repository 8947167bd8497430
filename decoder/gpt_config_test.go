package decoder

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/recur-dev/recur/nn"
)

// Validate names the bad field for each limit.
func TestGPTConfigValidate(t *testing.T) {
	ok := tinyGPTConfig()
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	d := DefaultGPTConfig()
	d.Vocab = 65
	if err := d.Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	cases := []struct {
		field string
		edit  func(c *GPTConfig)
	}{
		{"GPTConfig.Vocab", func(c *GPTConfig) { c.Vocab = 0 }},
		{"GPTConfig.Vocab", func(c *GPTConfig) { c.Vocab = 1<<20 + 1 }},
		{"GPTConfig.Context", func(c *GPTConfig) { c.Context = 0 }},
		{"GPTConfig.Context", func(c *GPTConfig) { c.Context = 8193 }},
		{"GPTConfig.Layers", func(c *GPTConfig) { c.Layers = 0 }},
		{"GPTConfig.Layers", func(c *GPTConfig) { c.Layers = 65 }},
		{"GPTConfig.Heads", func(c *GPTConfig) { c.Heads = 0 }},
		{"GPTConfig.Embed", func(c *GPTConfig) { c.Embed = 0 }},
		{"GPTConfig.Embed", func(c *GPTConfig) { c.Embed = 8193 }},
		{"GPTConfig.Heads", func(c *GPTConfig) { c.Heads = 3 }}, // 8 % 3 != 0
		{"GPTConfig.Dropout", func(c *GPTConfig) { c.Dropout = 1 }},
		{"GPTConfig.LNEps", func(c *GPTConfig) { c.LNEps = -1 }},
	}
	for _, tc := range cases {
		c := ok
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%+v: error %v, want one naming %s", c, err, tc.field)
		}
		if _, err := NewGPT(c, 1); err == nil {
			t.Errorf("NewGPT accepted %+v", c)
		}
	}
}

// The JSON form of GPTConfig is part of the model-file format and must not
// change by accident. testdata/gpt_config.golden.json (GPT-2 124M's shapes)
// was generated once with UPDATE_GOLDEN=1 and its keys checked by hand
// against the contract in issue #11; regenerate only for a deliberate
// format change.
func TestGPTConfigGoldenJSON(t *testing.T) {
	cfg := GPTConfig{Vocab: 50257, Context: 1024, Layers: 12, Heads: 12, Embed: 768, Dropout: 0.1, Bias: true, LNEps: 1e-5}
	got, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "gpt_config.golden.json")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("GPTConfig JSON changed:\n%s\nwant\n%s", got, want)
	}
	var back GPTConfig
	if err := json.Unmarshal(want, &back); err != nil || back != cfg {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
}

// Params are named and shaped exactly like nanoGPT's state dict.
func TestGPTParamNames(t *testing.T) {
	m, err := NewGPT(GPTConfig{Vocab: 10, Context: 4, Layers: 1, Heads: 2, Embed: 4, Bias: true}, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name  string
		shape []int
	}{
		{"transformer.wte.weight", []int{10, 4}},
		{"transformer.wpe.weight", []int{4, 4}},
		{"transformer.h.0.ln_1.weight", []int{4}},
		{"transformer.h.0.ln_1.bias", []int{4}},
		{"transformer.h.0.attn.c_attn.weight", []int{12, 4}},
		{"transformer.h.0.attn.c_attn.bias", []int{12}},
		{"transformer.h.0.attn.c_proj.weight", []int{4, 4}},
		{"transformer.h.0.attn.c_proj.bias", []int{4}},
		{"transformer.h.0.ln_2.weight", []int{4}},
		{"transformer.h.0.ln_2.bias", []int{4}},
		{"transformer.h.0.mlp.c_fc.weight", []int{16, 4}},
		{"transformer.h.0.mlp.c_fc.bias", []int{16}},
		{"transformer.h.0.mlp.c_proj.weight", []int{4, 16}},
		{"transformer.h.0.mlp.c_proj.bias", []int{4}},
		{"transformer.ln_f.weight", []int{4}},
		{"transformer.ln_f.bias", []int{4}},
	}
	ps := m.Params()
	if len(ps) != len(want) {
		t.Fatalf("%d params, want %d", len(ps), len(want))
	}
	for i, w := range want {
		if ps[i].Name != w.name || !slices.Equal(ps[i].Shape, w.shape) {
			t.Errorf("param %d: %s %v, want %s %v", i, ps[i].Name, ps[i].Shape, w.name, w.shape)
		}
	}
	// GPT-2's init: LayerNorm γ 1, biases 0.
	if m.Blocks[0].LN1.W.Data[0] != 1 || m.Blocks[0].Attn.B.Data[0] != 0 || m.WTE.W.Data[0] == 0 {
		t.Error("initialisation is not GPT-2's")
	}
}

// NewGPTFromParams adopts a complete set (no copy) and names the tensor
// that is missing, misshapen, duplicated or unexpected.
func TestNewGPTFromParams(t *testing.T) {
	cfg := tinyGPTConfig()
	src := tinyGPT(t, cfg)
	clone := func() nn.Params {
		var ps nn.Params
		for _, p := range src.Params() {
			c := *p
			c.Shape = append([]int(nil), p.Shape...)
			ps = append(ps, &c)
		}
		return ps
	}
	m, err := NewGPTFromParams(cfg, clone())
	if err != nil {
		t.Fatal(err)
	}
	logits, want := make([]float32, cfg.Vocab), make([]float32, cfg.Vocab)
	if err := m.Step(m.NewState(1), []int{3}, logits); err != nil {
		t.Fatal(err)
	}
	if err := src.Step(src.NewState(1), []int{3}, want); err != nil {
		t.Fatal(err)
	}
	closeTo(t, "loaded", logits, float64s(want), 0)

	cases := []struct {
		name, wantErr string
		edit          func(ps nn.Params) nn.Params
	}{
		{"missing", `"transformer.h.1.mlp.c_fc.bias" is missing`, func(ps nn.Params) nn.Params {
			for i, p := range ps {
				if p.Name == "transformer.h.1.mlp.c_fc.bias" {
					return append(ps[:i:i], ps[i+1:]...)
				}
			}
			return ps
		}},
		{"shape", `"transformer.wpe.weight" has shape [8 16]`, func(ps nn.Params) nn.Params {
			ps[1].Shape = []int{8, 16}
			return ps
		}},
		{"data length", `"transformer.wte.weight" has shape [13 8] (5 values)`, func(ps nn.Params) nn.Params {
			ps[0].Data = ps[0].Data[:5]
			return ps
		}},
		{"duplicate", `"transformer.wte.weight" appears twice`, func(ps nn.Params) nn.Params { return append(ps, ps[0]) }},
		{"unexpected", `unexpected tensor "lm_head.weight"`, func(ps nn.Params) nn.Params {
			return append(ps, nn.NewParam("lm_head.weight", 13, 8))
		}},
	}
	for _, tc := range cases {
		_, err := NewGPTFromParams(cfg, tc.edit(clone()))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: error %v, want one containing %s", tc.name, err, tc.wantErr)
		}
	}
	bad := cfg
	bad.Heads = 3
	if _, err := NewGPTFromParams(bad, clone()); err == nil || !strings.Contains(err.Error(), "GPTConfig.Heads") {
		t.Errorf("bad config: %v", err)
	}
}

func float64s(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

// NewGPT draws weights with GPT-2's standard deviations: 0.02, and
// 0.02/√(2·Layers) for the residual projections.
func TestNewGPTInitScale(t *testing.T) {
	cfg := GPTConfig{Vocab: 100, Context: 64, Layers: 8, Heads: 4, Embed: 64, Bias: true}
	m, err := NewGPT(cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	std := func(x []float32) float64 {
		var s float64
		for _, v := range x {
			s += float64(v) * float64(v)
		}
		return math.Sqrt(s / float64(len(x)))
	}
	resid := 0.02 / math.Sqrt(16)
	for _, c := range []struct {
		p    *nn.Param
		want float64
	}{
		{m.WTE.W, 0.02}, {m.WPE.W, 0.02}, {m.Blocks[3].Attn.W, 0.02}, {m.Blocks[3].FC.W, 0.02},
		{m.Blocks[3].AttnProj.W, resid}, {m.Blocks[3].Proj.W, resid},
	} {
		if got := std(c.p.Data); math.Abs(got-c.want) > 0.05*c.want {
			t.Errorf("%s: std %.5f, want %.5f", c.p.Name, got, c.want)
		}
	}
}
