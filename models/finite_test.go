package models

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/internal/gpt2test"
)

// A NaN or an infinity stored in any weight is a corrupt file, refused with
// the tensor's name, for every task's loader (they share checkFinite).
func TestNonFiniteWeightsRefused(t *testing.T) {
	for _, name := range []string{"shakespeare.model", "en-fr.model", "caption.model"} {
		for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
			f := builtinFile(t, name)
			k := len(f.Tensors) - 1
			f.Tensors[k].F32[0] = bad
			_, err := FromFile(f)
			if err == nil || !strings.Contains(err.Error(), "non-finite") || !strings.Contains(err.Error(), f.Tensors[k].Name) {
				t.Errorf("%s with %v in %s: err = %v", name, bad, f.Tensors[k].Name, err)
			}
		}
	}
}

// A Hugging Face GPT-2 folder is checked the same way: a NaN or infinity in
// model.safetensors is refused naming the file and the tensor (before the
// check, such a folder loaded and produced NaN logits).
func TestNonFiniteGPT2FolderRefused(t *testing.T) {
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(-1))} {
		dir := t.TempDir()
		ts, err := gpt2test.WriteFolder(dir, gpt2test.Tiny(), gpt2test.Options{Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		k := len(ts) - 1
		ts[k].Data[3] = bad
		if err := gpt2test.WriteSafetensors(filepath.Join(dir, "model.safetensors"), ts, "F32"); err != nil {
			t.Fatal(err)
		}
		_, err = LoadLanguageModel(dir)
		if err == nil || !strings.Contains(err.Error(), "non-finite") || !strings.Contains(err.Error(), "model.safetensors") {
			t.Errorf("%v in %s: err = %v", bad, ts[k].Name, err)
		}
	}
}
