package models_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/internal/gpt2test"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/models"
)

var untiedIDs = []int{1, 40, 299, 7, 256, 12}

func gptLogits(t *testing.T, g *decoder.GPT) []float32 {
	t.Helper()
	out, err := g.Logits(untiedIDs)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A folder with an untied lm_head.weight (float32 with the "transformer."
// prefix, float16 without) loads as a GPT with GPTConfig.UntiedHead whose
// head holds the file's values in Hugging Face's [vocab, n_embd] layout;
// its logits are the tied model's once the head is overwritten with wte
// (the two folders share every other weight), and differ before. The
// conversion keeps the head (last tensor, untied_head in the config,
// float16 kept) and gives the same logits bit for bit after a write and
// a read, and so does a model file written from the loaded GPT.
func TestGPT2FolderUntiedHead(t *testing.T) {
	for _, f16 := range []bool{false, true} {
		name := map[bool]string{false: "f32", true: "f16"}[f16]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := gpt2test.Tiny()
			untiedDir, tiedDir := filepath.Join(dir, "untied"), filepath.Join(dir, "tied")
			o := gpt2test.Options{Float16: f16, Prefix: !f16, Seed: 11, LMHead: gpt2test.UntiedLMHead}
			written, err := gpt2test.WriteFolder(untiedDir, cfg, o)
			if err != nil {
				t.Fatal(err)
			}
			o.LMHead = gpt2test.NoLMHead
			if _, err := gpt2test.WriteFolder(tiedDir, cfg, o); err != nil {
				t.Fatal(err)
			}
			um, err := models.LoadLanguageModel(untiedDir)
			if err != nil {
				t.Fatal(err)
			}
			tm, err := models.LoadLanguageModel(tiedDir)
			if err != nil {
				t.Fatal(err)
			}
			g := um.GPT
			if !g.Config.UntiedHead || g.LMHead == nil || tm.GPT.Config.UntiedHead || tm.GPT.LMHead != nil {
				t.Fatalf("untied folder: UntiedHead %v; tied folder: UntiedHead %v", g.Config.UntiedHead, tm.GPT.Config.UntiedHead)
			}
			head := written[len(written)-1]
			if head.Name != "lm_head.weight" || !slices.Equal(g.LMHead.Data, head.Data) || !slices.Equal(g.LMHead.Shape, []int{cfg.Vocab, cfg.Embd}) {
				t.Fatalf("loaded head %v differs from the file's %s %v", g.LMHead.Shape, head.Name, head.Shape)
			}
			want := gptLogits(t, g)
			if slices.Equal(want, gptLogits(t, tm.GPT)) {
				t.Fatal("the untied head does not change the logits")
			}
			saved := slices.Clone(g.LMHead.Data)
			copy(g.LMHead.Data, g.WTE.W.Data)
			if !slices.Equal(gptLogits(t, g), gptLogits(t, tm.GPT)) {
				t.Fatal("with lm_head = wte the untied model's logits are not the tied model's")
			}
			copy(g.LMHead.Data, saved)

			// recur convert's path: the folder as a model file, on disk.
			f, err := models.ConvertGPT2Folder(untiedDir, "")
			if err != nil {
				t.Fatal(err)
			}
			last := f.Tensors[len(f.Tensors)-1]
			wantDT := map[bool]modelfile.DType{false: modelfile.F32, true: modelfile.F16}[f16]
			if last.Name != "lm_head.weight" || last.DType != wantDT {
				t.Fatalf("converted file ends with %s %s, want lm_head.weight %s", last.Name, last.DType, wantDT)
			}
			var h models.TextGenHeader
			if err := json.Unmarshal([]byte(f.Metadata["config"]), &h); err != nil || h.GPT == nil || !h.GPT.UntiedHead {
				t.Fatalf("converted config %s, %v", f.Metadata["config"], err)
			}
			conv := filepath.Join(dir, "conv.model")
			if err := modelfile.Write(conv, f); err != nil {
				t.Fatal(err)
			}
			// A model file written from the loaded GPT (what training saves).
			sf, err := models.GPTModelFile(g, um.Tokenizer, false, nil, modelfile.F32)
			if err != nil {
				t.Fatal(err)
			}
			saveP := filepath.Join(dir, "saved.model")
			if err := modelfile.Write(saveP, sf); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{conv, saveP} {
				back, err := models.LoadLanguageModel(p)
				if err != nil {
					t.Fatal(err)
				}
				if !back.GPT.Config.UntiedHead || !slices.Equal(back.GPT.LMHead.Data, g.LMHead.Data) {
					t.Fatalf("%s: head not kept (UntiedHead %v)", filepath.Base(p), back.GPT.Config.UntiedHead)
				}
				if !slices.Equal(gptLogits(t, back.GPT), want) {
					t.Fatalf("%s: logits differ from the folder's", filepath.Base(p))
				}
			}
		})
	}
}

// A model file whose config and tensors disagree about the head is
// refused naming lm_head.weight: untied_head without the tensor, and the
// tensor without untied_head.
func TestGPTFileHeadMismatch(t *testing.T) {
	dir := t.TempDir()
	if _, err := gpt2test.WriteFolder(dir, gpt2test.Tiny(), gpt2test.Options{LMHead: gpt2test.UntiedLMHead}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(f *modelfile.File, h *models.TextGenHeader)
		want string
	}{
		{"head without untied_head", func(f *modelfile.File, h *models.TextGenHeader) { h.GPT.UntiedHead = false }, `unexpected tensor "lm_head.weight"`},
		{"untied_head without head", func(f *modelfile.File, h *models.TextGenHeader) { f.Tensors = f.Tensors[:len(f.Tensors)-1] }, `"lm_head.weight" is missing`},
	} {
		f, err := models.ConvertGPT2Folder(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		var h models.TextGenHeader
		if err := json.Unmarshal([]byte(f.Metadata["config"]), &h); err != nil {
			t.Fatal(err)
		}
		tc.edit(f, &h)
		b, _ := json.Marshal(h)
		f.Metadata["config"] = string(b)
		p := filepath.Join(t.TempDir(), "x.model")
		if err := modelfile.Write(p, f); err != nil {
			t.Fatal(err)
		}
		if _, err := models.LoadLanguageModel(p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %s", tc.name, err, tc.want)
		}
	}
}
