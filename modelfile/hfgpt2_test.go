package modelfile_test

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/internal/gpt2test"
	"github.com/recur-dev/recur/modelfile"
)

// recurName maps a Hugging Face name (no prefix) to recur's.
func recurName(hf string) string {
	if hf == "lm_head.weight" {
		return hf
	}
	return "transformer." + hf
}

func isConv1D(name string) bool {
	for _, s := range []string{".attn.c_attn.weight", ".attn.c_proj.weight", ".mlp.c_fc.weight", ".mlp.c_proj.weight"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// Every storage variant loads to the same recur layout: each value written
// by gpt2test must land at its (transposed, for Conv1D weights) place.
func TestReadGPT2FolderVariants(t *testing.T) {
	cfg := gpt2test.Tiny()
	tests := []struct {
		name string
		o    gpt2test.Options
		tied bool
		want modelfile.DType
	}{
		{"f32 no prefix", gpt2test.Options{}, true, modelfile.F32},
		{"f32 prefix", gpt2test.Options{Prefix: true}, true, modelfile.F32},
		{"f16 prefix", gpt2test.Options{Float16: true, Prefix: true}, true, modelfile.F16},
		{"f16 no prefix masks", gpt2test.Options{Float16: true, MaskBuffers: true}, true, modelfile.F16},
		{"bf16", gpt2test.Options{BFloat16: true, Prefix: true}, true, modelfile.BF16},
		{"tied lm_head", gpt2test.Options{LMHead: gpt2test.TiedLMHead, MaskBuffers: true}, true, modelfile.F32},
		{"untied lm_head", gpt2test.Options{LMHead: gpt2test.UntiedLMHead, Prefix: true}, false, modelfile.F32},
		{"untied lm_head f16", gpt2test.Options{LMHead: gpt2test.UntiedLMHead, Float16: true}, false, modelfile.F16},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.o.Seed = uint64(i)
			written, err := gpt2test.WriteFolder(dir, cfg, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			ck, err := modelfile.ReadGPT2Folder(dir)
			if err != nil {
				t.Fatal(err)
			}
			wantCfg := modelfile.GPT2Config{Embd: 8, Layers: 2, Heads: 2, Positions: 16, Vocab: 300, LayerNorm: 1e-5}
			if ck.Config != wantCfg {
				t.Errorf("Config = %+v, want %+v", ck.Config, wantCfg)
			}
			if ck.TiedHead != tt.tied || ck.StoredDType != tt.want {
				t.Errorf("TiedHead %v StoredDType %s, want %v %s", ck.TiedHead, ck.StoredDType, tt.tied, tt.want)
			}
			if ck.VocabPath != filepath.Join(dir, "vocab.json") || ck.MergesPath != filepath.Join(dir, "merges.txt") {
				t.Errorf("tokenizer paths %q %q", ck.VocabPath, ck.MergesPath)
			}
			if !strings.Contains(string(ck.RawConfig), `"gelu_new"`) {
				t.Errorf("RawConfig lost config.json: %s", ck.RawConfig)
			}
			wantSkipped := 0
			if tt.o.MaskBuffers {
				wantSkipped = 2 * cfg.Layers
			}
			if len(ck.Skipped) != wantSkipped {
				t.Errorf("Skipped = %v, want %d mask buffers", ck.Skipped, wantSkipped)
			}
			names := modelfile.GPT2Names(ck.Config)
			wantN := len(names)
			if !tt.tied {
				wantN++
			}
			if len(ck.Tensors) != wantN {
				t.Fatalf("%d tensors, want %d", len(ck.Tensors), wantN)
			}
			for j, n := range names {
				got := ck.Tensors[j]
				if got.Name != n.Name || !sameShape(got.Shape, n.Shape) {
					t.Errorf("tensor %d = %s %v, want %s %v", j, got.Name, got.Shape, n.Name, n.Shape)
				}
				wantDT := modelfile.F32
				if tt.o.Float16 {
					wantDT = modelfile.F16
				}
				if got.DType != wantDT {
					t.Errorf("%s: DType %s, want %s", got.Name, got.DType, wantDT)
				}
			}
			checkGPT2Values(t, ck, written, tt.tied)
		})
	}
}

// checkGPT2Values checks that every tensor written (but the mask buffers,
// and lm_head when tied) reads back with its values, Conv1D weights
// transposed to recur's [out, in].
func checkGPT2Values(t *testing.T, ck *modelfile.GPT2Checkpoint, written []gpt2test.Tensor, tied bool) {
	t.Helper()
	for _, w := range written {
		if strings.Contains(w.Name, "attn.bias") && len(w.Shape) == 4 || strings.Contains(w.Name, "masked_bias") {
			continue
		}
		if w.Name == "lm_head.weight" && tied {
			continue
		}
		got, err := ck.Get(recurName(w.Name))
		if err != nil {
			t.Fatal(err)
		}
		if isConv1D(w.Name) {
			in, out := w.Shape[0], w.Shape[1]
			for r := range in {
				for c := range out {
					if got.F32[c*in+r] != w.Data[r*out+c] {
						t.Fatalf("%s: recur[%d][%d] = %g, want HF[%d][%d] = %g", got.Name, c, r, got.F32[c*in+r], r, c, w.Data[r*out+c])
					}
				}
			}
			continue
		}
		for k := range w.Data {
			if got.F32[k] != w.Data[k] {
				t.Fatalf("%s[%d] = %g, want %g", got.Name, k, got.F32[k], w.Data[k])
			}
		}
	}
}

// One element traced by hand: Hugging Face's c_attn weight is Conv1D
// [in=C, out=3C] and q = x·W, so W_hf[1][5] multiplies input channel 1 into
// output 5; in recur's nn.Linear layout [out, in] it is row 5, column 1.
func TestReadGPT2FolderTransposesConv1D(t *testing.T) {
	dir := t.TempDir()
	cfg := gpt2test.Tiny()
	ts := gpt2test.Weights(cfg, gpt2test.Options{})
	c := cfg.Embd
	for i := range ts {
		if ts[i].Name == "h.1.attn.c_attn.weight" {
			ts[i].Data[1*3*c+5] = 42 // HF [1][5]
		}
		if ts[i].Name == "h.0.mlp.c_proj.weight" { // HF [4C, C]
			ts[i].Data[7*c+2] = -7 // HF [7][2]
		}
	}
	if err := gpt2test.WriteSafetensors(filepath.Join(dir, "model.safetensors"), ts, "F32"); err != nil {
		t.Fatal(err)
	}
	writeAux(t, dir, cfg)
	ck, err := modelfile.ReadGPT2Folder(dir)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ck.Get("transformer.h.1.attn.c_attn.weight")
	if w.Shape[0] != 3*c || w.Shape[1] != c || w.F32[5*c+1] != 42 {
		t.Errorf("c_attn: shape %v, [5][1] = %g, want [24 8] and 42", w.Shape, w.F32[5*c+1])
	}
	p, _ := ck.Get("transformer.h.0.mlp.c_proj.weight")
	if p.Shape[0] != c || p.Shape[1] != 4*c || p.F32[2*4*c+7] != -7 {
		t.Errorf("mlp.c_proj: shape %v, [2][7] = %g, want [8 32] and -7", p.Shape, p.F32[2*4*c+7])
	}
}

// writeAux writes config.json, vocab.json and merges.txt for cfg.
func writeAux(t *testing.T, dir string, cfg gpt2test.Config) {
	t.Helper()
	if err := gpt2test.WriteConfig(dir, gpt2test.ConfigJSON(cfg)); err != nil {
		t.Fatal(err)
	}
	if err := gpt2test.WriteVocab(dir, cfg.Vocab); err != nil {
		t.Fatal(err)
	}
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Bad folders fail with errors naming the file and what is wrong.
// folderBreak spoils one thing in a GPT-2 folder written by gpt2test.
type folderBreak func(t *testing.T, dir string)

// setGPT2Config rewrites config.json with key set to v (deleted if nil).
func setGPT2Config(cfg gpt2test.Config, key string, v any) folderBreak {
	return func(t *testing.T, dir string) {
		m := gpt2test.ConfigJSON(cfg)
		if v == nil {
			delete(m, key)
		} else {
			m[key] = v
		}
		if err := gpt2test.WriteConfig(dir, m); err != nil {
			t.Fatal(err)
		}
	}
}

// removeFile deletes one file of the folder.
func removeFile(name string) folderBreak {
	return func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, name)) }
}

// rewriteWeights writes model.safetensors with the tensors ts makes of
// the folder's own.
func rewriteWeights(cfg gpt2test.Config, ts func([]gpt2test.Tensor) []gpt2test.Tensor) folderBreak {
	return func(t *testing.T, dir string) {
		w := ts(gpt2test.Weights(cfg, gpt2test.Options{}))
		if err := gpt2test.WriteSafetensors(filepath.Join(dir, "model.safetensors"), w, "F32"); err != nil {
			t.Fatal(err)
		}
	}
}

// rawSafetensors writes model.safetensors as the given JSON header
// followed by data zero bytes.
func rawSafetensors(header string, data int) folderBreak {
	return func(t *testing.T, dir string) {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
		b = append(append(b, header...), make([]byte, data)...)
		if err := os.WriteFile(filepath.Join(dir, "model.safetensors"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// gpt2RejectCase is a broken folder and what its error must mention.
type gpt2RejectCase struct {
	name   string
	break_ folderBreak
	want   []string
}

// gpt2RejectCases are the broken folders ReadGPT2Folder must refuse, each
// a folder of cfg with one thing spoilt.
func gpt2RejectCases(cfg gpt2test.Config) []gpt2RejectCase {
	return []gpt2RejectCase{
		{"missing merges.txt", removeFile("merges.txt"), []string{"merges.txt", "missing"}},
		{"missing vocab.json", removeFile("vocab.json"), []string{"vocab.json", "missing"}},
		{"missing config.json", removeFile("config.json"), []string{"config.json", "missing"}},
		{"only pytorch_model.bin", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "model.safetensors"))
			os.WriteFile(filepath.Join(dir, "pytorch_model.bin"), []byte("PK"), 0o644)
		}, []string{"model.safetensors", "pytorch_model.bin", "convert it to safetensors"}},
		{"no weights", removeFile("model.safetensors"), []string{"model.safetensors", "missing"}},
		{"n_layer disagrees", setGPT2Config(cfg, "n_layer", 3), []string{"model.safetensors", `missing tensor "transformer.h.2.ln_1.weight"`, "n_layer 3"}},
		{"fewer layers in config", setGPT2Config(cfg, "n_layer", 1), []string{"model.safetensors", `unexpected tensor "h.1.ln_1.weight"`}},
		{"n_embd disagrees", setGPT2Config(cfg, "n_embd", 16), []string{"model.safetensors", `tensor "wte.weight" has shape [300 8]`, "imply [300 16]"}},
		{"vocab disagrees", setGPT2Config(cfg, "vocab_size", 301), []string{"model.safetensors", "wte.weight", "[301 8]"}},
		{"n_embd not divisible", setGPT2Config(cfg, "n_head", 3), []string{"config.json", "n_embd = 8 is not divisible by n_head = 3"}},
		{"n_positions vs n_ctx", setGPT2Config(cfg, "n_ctx", 32), []string{"config.json", "n_positions = 16 and n_ctx = 32 disagree"}},
		{"no n_embd", setGPT2Config(cfg, "n_embd", nil), []string{"config.json", "missing n_embd"}},
		{"fractional n_head", setGPT2Config(cfg, "n_head", 2.5), []string{"config.json", "n_head must be an integer"}},
		{"negative n_layer", setGPT2Config(cfg, "n_layer", -1), []string{"config.json", "n_layer must be >= 1"}},
		{"huge n_embd", setGPT2Config(cfg, "n_embd", 1_000_000), []string{"config.json", "n_embd = 1000000 is over recur's limit"}},
		{"huge total", func(t *testing.T, dir string) {
			m := gpt2test.ConfigJSON(cfg)
			m["n_embd"], m["n_layer"] = 8192, 256 // each within its limit, 206 billion parameters together
			gpt2test.WriteConfig(dir, m)
		}, []string{"config.json", "parameters, over recur's limit"}},
		{"relu", setGPT2Config(cfg, "activation_function", "relu"), []string{"config.json", "activation_function", "gelu_new"}},
		{"n_inner", setGPT2Config(cfg, "n_inner", 20), []string{"config.json", "n_inner = 20"}},
		{"not gpt2", setGPT2Config(cfg, "model_type", "llama"), []string{"config.json", `"llama"`}},
		{"config not JSON", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "config.json"), []byte("{n_embd: 8"), 0o644)
		}, []string{"config.json", "not a JSON object"}},
		{"truncated header", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "model.safetensors")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:40], 0o644)
		}, []string{"model.safetensors", "truncated"}},
		{"truncated data", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "model.safetensors")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-4], 0o644)
		}, []string{"model.safetensors", "truncated"}},
		{"huge declared size", rawSafetensors(`{"wte.weight":{"dtype":"F32","shape":[300,100000000000],"data_offsets":[0,120000000000000]}}`, 16),
			[]string{"model.safetensors", "truncated", "wte.weight"}},
		{"unknown tensor", rewriteWeights(cfg, func(ts []gpt2test.Tensor) []gpt2test.Tensor {
			return append(ts, gpt2test.Tensor{Name: "h.0.attn.extra", Shape: []int{2}, Data: []float32{1, 2}})
		}), []string{"model.safetensors", `unexpected tensor "h.0.attn.extra"`}},
		{"same weight twice", rewriteWeights(cfg, func(ts []gpt2test.Tensor) []gpt2test.Tensor {
			return append(ts, gpt2test.Tensor{Name: "transformer.ln_f.bias", Shape: []int{8}, Data: make([]float32, 8)})
		}), []string{"model.safetensors", `"ln_f.bias" and "transformer.ln_f.bias"`}},
		{"missing tensor", rewriteWeights(cfg, func(ts []gpt2test.Tensor) []gpt2test.Tensor { return ts[1:] }),
			[]string{"model.safetensors", `missing tensor "transformer.wte.weight"`}},
		{"linear layout", rewriteWeights(cfg, func(ts []gpt2test.Tensor) []gpt2test.Tensor {
			for i := range ts {
				if ts[i].Name == "h.0.attn.c_attn.weight" {
					ts[i].Shape = []int{24, 8}
				}
			}
			return ts
		}), []string{"model.safetensors", "h.0.attn.c_attn.weight", "[24 8]", "imply [8 24]", "Conv1D"}},
		{"git lfs pointer", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "model.safetensors"), []byte("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 548105171\n"), 0o644)
		}, []string{"model.safetensors", "Git LFS pointer"}},
		{"integer weights", rawSafetensors(`{"wte.weight":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}`, 8),
			[]string{"model.safetensors", "has shape [1]"}},
	}
}

func TestReadGPT2FolderRejects(t *testing.T) {
	cfg := gpt2test.Tiny()
	tests := gpt2RejectCases(cfg)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := gpt2test.WriteFolder(dir, cfg, gpt2test.Options{}); err != nil {
				t.Fatal(err)
			}
			tt.break_(t, dir)
			ck, err := modelfile.ReadGPT2Folder(dir)
			if err == nil {
				t.Fatalf("loaded a broken folder: %+v", ck.Config)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	if _, err := modelfile.ReadGPT2Folder(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("missing folder: %v", err)
	}
}

// A float16 checkpoint converts to a recur file without loss: the tensors
// keep DType F16 and round-trip exactly.
func ExampleReadGPT2Folder() {
	dir, _ := os.MkdirTemp("", "gpt2")
	defer os.RemoveAll(dir)
	gpt2test.WriteFolder(dir, gpt2test.Tiny(), gpt2test.Options{Float16: true, MaskBuffers: true})
	ck, err := modelfile.ReadGPT2Folder(dir)
	if err != nil {
		panic(err)
	}
	w, _ := ck.Get("transformer.h.0.attn.c_attn.weight")
	fmt.Println(ck.Config.Embd, ck.Config.Layers, ck.Config.Heads, ck.TiedHead, ck.StoredDType, len(ck.Skipped))
	fmt.Println(w.Shape, w.DType)
	// Output:
	// 8 2 2 true F16 4
	// [24 8] F16
}

// BenchmarkReadGPT2Folder loads a 4 x 256 GPT-2 (3.7 M parameters, float16
// on disk) and reports the load rate in million parameters per second.
func BenchmarkReadGPT2Folder(b *testing.B) {
	dir := b.TempDir()
	cfg := gpt2test.Config{Embd: 256, Layers: 4, Heads: 4, Positions: 256, Vocab: 500}
	if _, err := gpt2test.WriteFolder(dir, cfg, gpt2test.Options{Float16: true, MaskBuffers: true}); err != nil {
		b.Fatal(err)
	}
	var params int
	b.ResetTimer()
	for range b.N {
		ck, err := modelfile.ReadGPT2Folder(dir)
		if err != nil {
			b.Fatal(err)
		}
		params = 0
		for _, t := range ck.Tensors {
			params += len(t.F32)
		}
	}
	b.ReportMetric(float64(params)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mparams/s")
}

// Which head a folder gets, from lm_head.weight (absent, equal to wte,
// different) and config.json's tie_word_embeddings (absent, true, false):
// a different head is used unless the config says the two are tied, an
// explicitly untied model keeps its head even when equal to wte, and the
// contradictions are refused naming both files.
func TestReadGPT2FolderHead(t *testing.T) {
	cfg := gpt2test.Tiny()
	absent := "absent"
	tests := []struct {
		head gpt2test.LMHead
		tie  any    // config.json's tie_word_embeddings; absent deletes it
		want string // "tied", "untied" or a piece of the error
	}{
		{gpt2test.NoLMHead, absent, "tied"},
		{gpt2test.NoLMHead, true, "tied"},
		{gpt2test.NoLMHead, nil, "tied"},
		{gpt2test.NoLMHead, false, "sets tie_word_embeddings false: the untied output head is missing"},
		{gpt2test.TiedLMHead, absent, "tied"},
		{gpt2test.TiedLMHead, true, "tied"},
		{gpt2test.TiedLMHead, false, "untied"},
		{gpt2test.UntiedLMHead, absent, "untied"},
		{gpt2test.UntiedLMHead, false, "untied"},
		{gpt2test.UntiedLMHead, true, "sets tie_word_embeddings true: set it false"},
		{gpt2test.NoLMHead, "yes", `tie_word_embeddings must be true or false, found "yes"`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("head %d tie %v", tt.head, tt.tie), func(t *testing.T) {
			dir := t.TempDir()
			written, err := gpt2test.WriteFolder(dir, cfg, gpt2test.Options{LMHead: tt.head, Seed: 4})
			if err != nil {
				t.Fatal(err)
			}
			if tt.tie == absent {
				setGPT2Config(cfg, "tie_word_embeddings", nil)(t, dir)
			} else {
				m := gpt2test.ConfigJSON(cfg)
				m["tie_word_embeddings"] = tt.tie
				if err := gpt2test.WriteConfig(dir, m); err != nil {
					t.Fatal(err)
				}
			}
			ck, err := modelfile.ReadGPT2Folder(dir)
			if tt.want != "tied" && tt.want != "untied" {
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "config.json") {
					t.Fatalf("error %v, want one naming config.json and containing %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ck.TiedHead != (tt.want == "tied") {
				t.Fatalf("TiedHead %v, want %s", ck.TiedHead, tt.want)
			}
			last := ck.Tensors[len(ck.Tensors)-1]
			if (last.Name == "lm_head.weight") == ck.TiedHead {
				t.Fatalf("last tensor %s with TiedHead %v", last.Name, ck.TiedHead)
			}
			checkGPT2Values(t, ck, written, ck.TiedHead)
		})
	}
}
