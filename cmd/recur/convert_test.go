package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/modelfile"
)

// convert --meta refuses every key the loader reads: setting config or vocab
// used to write a file that no longer loaded.
func TestConvertRefusesLoaderKeys(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.model")
	f := &modelfile.File{Task: "textgen", Metadata: map[string]string{"config": "{}", "vocab": "[]"}}
	f.Add(modelfile.Tensor{Name: "w", DType: modelfile.F32, Shape: []int{2}, F32: []float32{1, 2}})
	if err := modelfile.Write(in, f); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.model")
	for _, kv := range []string{"config={}", "vocab=[]", "src_vocab=[]", "tgt_bpe=[]", "labels=[]",
		"train.state={}", "state.carry=true", "recur.task=markov"} {
		err := run(t, "convert", "--model", in, "--out", out, "--meta", kv)
		if err == nil || !strings.Contains(err.Error(), "cannot be set") {
			t.Errorf("convert --meta %s: error %v, want a refusal", kv, err)
		}
	}
	if err := run(t, "convert", "--model", in, "--out", out, "--meta", "test.bleu=38.2"); err != nil {
		t.Fatalf("convert --meta test.bleu=38.2: %v", err)
	}
	g, err := modelfile.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if g.Metadata["test.bleu"] != "38.2" || g.Metadata["config"] != "{}" {
		t.Errorf("metadata after convert: %v", g.Metadata)
	}
}
