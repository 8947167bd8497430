package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/internal/gpt2test"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/models"
)

// gptCorpus writes a small repetitive text a tiny GPT can start to learn.
func gptCorpus(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < 60; i++ {
		b.WriteString("ROMEO: the cat sat on the mat.\nJULIET: the dog ran to the cat!\n")
	}
	p := filepath.Join(dir, "corpus.txt")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// captureStdout runs fn and returns what it wrote to os.Stdout (the
// commands print results there).
func captureStdout(t *testing.T, fn func() error) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	err = fn()
	w.Close()
	os.Stdout = old
	return <-done, err
}

// sameWeights fails unless the two files hold bit-identical GPT tensors.
func sameWeights(t *testing.T, a, b string) {
	t.Helper()
	fa, err := modelfile.Read(a)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := modelfile.Read(b)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ta := range fa.Tensors {
		if !strings.HasPrefix(ta.Name, "transformer.") && ta.Name != "lm_head.weight" {
			continue
		}
		tb, err := fb.Get(ta.Name)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ta.F32 {
			if ta.F32[i] != tb.F32[i] {
				t.Fatalf("%s[%d]: %v in %s, %v in %s", ta.Name, i, ta.F32[i], a, tb.F32[i], b)
			}
		}
		n++
	}
	if n == 0 {
		t.Fatalf("%s holds no GPT tensors", a)
	}
}

// train textgen --arch gpt, char, bpe and word level: N+N steps with --resume give the
// same weights, to the bit, as 2N steps; the model then generates (past
// its context, through the sliding window), evaluates and tokenizes.
func TestGPTTrainResumeGenerateEval(t *testing.T) {
	for _, level := range []string{"char", "bpe", "word"} {
		t.Run(level, func(t *testing.T) {
			dir := t.TempDir()
			data := gptCorpus(t, dir)
			common := []string{"train", "textgen", "--arch", "gpt", "--level", level, "--vocab-size", "280", "--data", data,
				"--layers", "1", "--heads", "2", "--embed", "16", "--context", "16", "--batch", "4", "--dropout", "0.1",
				"--eval-every", "0", "--checkpoint-every", "0", "--cosine-steps", "8", "--warmup", "2", "--seed", "3", "--threads", "1"}
			full, half := filepath.Join(dir, "full.model"), filepath.Join(dir, "half.model")
			args := func(out string, steps string, extra ...string) []string {
				return append(append(append([]string(nil), common...), "--out", out, "--steps", steps), extra...)
			}
			if err := run(t, args(full, "8")...); err != nil {
				t.Fatal(err)
			}
			if err := run(t, args(half, "4")...); err != nil {
				t.Fatal(err)
			}
			if err := run(t, args(half, "8", "--resume")...); err != nil {
				t.Fatal(err)
			}
			sameWeights(t, full+".ckpt", half+".ckpt")

			m, err := models.LoadLanguageModel(full)
			if err != nil {
				t.Fatal(err)
			}
			if m.GPT == nil || m.Tokenizer.Level() != level || m.GPT.Config.Context != 16 {
				t.Fatalf("loaded arch %q level %q", m.Arch, m.Tokenizer.Level())
			}
			g, err := m.Generate(context.Background(), "ROMEO:", 40, decoder.SampleConfig{Temperature: 0.8, TopK: 5, TopP: 1}, 7, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Tokens) != 40 || !strings.HasPrefix(g.Text, "ROMEO:") {
				t.Fatalf("generated %d tokens: %q", len(g.Tokens), g.Text)
			}
			if err := run(t, "generate", "--model", full, "--prompt", "ROMEO:", "--length", "30", "--top-k", "40", "--seed", "7"); err != nil {
				t.Fatal(err)
			}
			out, err := captureStdout(t, func() error { return run(t, "eval", "--model", full, "--data", data) })
			if err != nil || !strings.Contains(out, "val_loss") || !strings.Contains(out, "perplexity") {
				t.Fatalf("eval: %v\n%s", err, out)
			}
			tok, err := runOut(t, "tokenize", "--model", full, "the cat", "ROMEO")
			if err != nil || len(strings.Split(strings.TrimSpace(tok), "\n")) != 2 {
				t.Fatalf("tokenize: %v\n%q", err, tok)
			}
		})
	}
}

// A GPT-2 checkpoint folder works wherever a text model does: tokenize,
// logits, generate, eval, convert (float16 kept), and --init fine-tuning;
// with an untied lm_head.weight too, which conversion and fine-tuning
// keep (and fine-tuning trains).
func TestGPT2FolderCommands(t *testing.T) {
	dir := t.TempDir()
	data := gptCorpus(t, dir)
	for _, v := range []struct{ f16, untied bool }{{false, false}, {true, false}, {false, true}} {
		f16 := v.f16
		name := map[bool]string{false: "f32", true: "f16"}[f16]
		o := gpt2test.Options{Float16: f16, Prefix: f16, Seed: 5}
		if v.untied {
			name += "-untied"
			o.LMHead = gpt2test.UntiedLMHead
		}
		t.Run(name, func(t *testing.T) {
			folder := filepath.Join(dir, name)
			written, err := gpt2test.WriteFolder(folder, gpt2test.Tiny(), o)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := runOut(t, "tokenize", "--model", folder, "the cat", "at")
			if err != nil || len(strings.Split(strings.TrimSpace(tok), "\n")) != 2 {
				t.Fatalf("tokenize: %v\n%q", err, tok)
			}
			logits := func(model string) [][]float32 {
				out, err := captureStdout(t, func() error { return run(t, "logits", "--model", model, "--tokens", "1,40,299,7") })
				if err != nil {
					t.Fatalf("logits %s: %v", model, err)
				}
				var r struct{ Logits [][]float32 }
				if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Logits) != 4 || len(r.Logits[0]) != 300 {
					t.Fatalf("logits %s: %v, %d rows", model, err, len(r.Logits))
				}
				return r.Logits
			}
			want := logits(folder)
			conv := filepath.Join(dir, name+".model")
			if err := run(t, "convert", "--model", folder, "--out", conv); err != nil {
				t.Fatal(err)
			}
			f, err := modelfile.Read(conv)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Get("lm_head.weight"); (err == nil) != v.untied {
				t.Errorf("converted file: lm_head.weight present %v, want %v", err == nil, v.untied)
			}
			wantDT := map[bool]modelfile.DType{false: modelfile.F32, true: modelfile.F16}[f16]
			if dt := f.Tensors[0].DType; dt != wantDT {
				t.Errorf("converted tensors stored as %s, want %s", dt, wantDT)
			}
			got := logits(conv)
			for i := range want {
				for j := range want[i] {
					if want[i][j] != got[i][j] {
						t.Fatalf("logit [%d][%d]: folder %v, converted file %v", i, j, want[i][j], got[i][j])
					}
				}
			}
			// 30 tokens run past the 16-position context (sliding window).
			if err := run(t, "generate", "--model", folder, "--prompt", "the", "--length", "30"); err != nil {
				t.Fatal(err)
			}
			if err := run(t, "eval", "--model", folder, "--data", data); err != nil {
				t.Fatal(err)
			}
			for i, init := range []string{folder, conv} {
				out := filepath.Join(dir, fmt.Sprintf("%s-tuned%d.model", name, i))
				if err := run(t, "train", "textgen", "--init", init, "--data", data, "--steps", "3", "--batch", "2", "--seq", "8", "--out", out, "--threads", "1"); err != nil {
					t.Fatalf("--init %s: %v", init, err)
				}
				m, err := models.LoadLanguageModel(out)
				if err != nil {
					t.Fatal(err)
				}
				if m.GPT == nil || m.GPT.Config.Vocab != 300 || m.GPT.Config.Layers != 2 || m.Tokenizer.Level() != "bpe" || m.Tokenizer.Vocab().Size() != 300 {
					t.Fatalf("fine-tuned model: %+v level %s", m.GPT.Config, m.Tokenizer.Level())
				}
				if m.GPT.Config.UntiedHead != v.untied {
					t.Fatalf("fine-tuned model: UntiedHead %v, want %v", m.GPT.Config.UntiedHead, v.untied)
				}
				if v.untied {
					head := written[len(written)-1]
					if head.Name != "lm_head.weight" || len(m.GPT.LMHead.Data) != len(head.Data) {
						t.Fatalf("fine-tuned head %v, folder's %s %v", m.GPT.LMHead.Shape, head.Name, head.Shape)
					}
					moved := 0
					for k := range head.Data {
						if m.GPT.LMHead.Data[k] != head.Data[k] {
							moved++
						}
					}
					if moved < len(head.Data)/2 {
						t.Errorf("fine-tuning changed %d of %d lm_head values", moved, len(head.Data))
					}
				}
			}
			if v.untied {
				// The head's optimizer state is checkpointed with the rest:
				// 2+2 steps with --resume give 4 steps' weights, the head's too.
				tune := func(out, steps string, extra ...string) {
					args := append([]string{"train", "textgen", "--init", folder, "--data", data, "--steps", steps, "--cosine-steps", "4",
						"--batch", "2", "--seq", "8", "--eval-every", "0", "--checkpoint-every", "0", "--seed", "3", "--out", out, "--threads", "1"}, extra...)
					if err := run(t, args...); err != nil {
						t.Fatal(err)
					}
				}
				full, half := filepath.Join(dir, name+"-full.model"), filepath.Join(dir, name+"-half.model")
				tune(full, "4")
				tune(half, "2")
				tune(half, "4", "--resume")
				sameWeights(t, full+".ckpt", half+".ckpt")
			}
		})
	}
	err := run(t, "train", "textgen", "--init", filepath.Join(dir, "f32"), "--layers", "3", "--data", data, "--out", filepath.Join(dir, "x.model"))
	if err == nil || !strings.Contains(err.Error(), "--layers cannot be combined with --init") {
		t.Errorf("--init with --layers: %v", err)
	}
}

// Bad checkpoint folders fail with errors naming the file at fault.
func TestGPT2FolderErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name  string
		spoil func(folder string)
		want  string
	}{
		{"missing merges", func(f string) { os.Remove(filepath.Join(f, "merges.txt")) }, "merges.txt"},
		{"size mismatch", func(f string) {
			c := gpt2test.ConfigJSON(gpt2test.Tiny())
			c["n_embd"] = 12
			gpt2test.WriteConfig(f, c)
		}, "model.safetensors"},
		{"heads do not divide", func(f string) {
			c := gpt2test.ConfigJSON(gpt2test.Tiny())
			c["n_head"] = 3
			gpt2test.WriteConfig(f, c)
		}, "config.json"},
		// An untied head loads (TestGPT2FolderCommands); one that config.json
		// declares tied is a contradiction.
		{"untied head declared tied", func(f string) {
			gpt2test.WriteConfig(f, gpt2test.ConfigJSON(gpt2test.Tiny())) // tie_word_embeddings true
		}, "tie_word_embeddings true"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			folder := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
			o := gpt2test.Options{}
			if strings.HasPrefix(c.name, "untied") {
				o.LMHead = gpt2test.UntiedLMHead
			}
			if _, err := gpt2test.WriteFolder(folder, gpt2test.Tiny(), o); err != nil {
				t.Fatal(err)
			}
			if c.spoil != nil {
				c.spoil(folder)
			}
			for _, args := range [][]string{
				{"generate", "--model", folder, "--length", "3"},
				{"tokenize", "--model", folder, "x"},
				{"convert", "--model", folder, "--out", filepath.Join(dir, "x.model")},
			} {
				err := run(t, args...)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s: got %v, want an error naming %s", args[0], err, c.want)
				}
			}
		})
	}
}

// GPT-2's own vocabulary: "Hello world" is 15496 995.
func TestTokenizeGPT2Vocabulary(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared", "datasets", "gpt2")
	if _, err := os.Stat(filepath.Join(shared, "vocab.json")); err != nil {
		shared = filepath.Join("..", "..", "..", "..", "shared", "datasets", "gpt2")
	}
	vocab, err := os.ReadFile(filepath.Join(shared, "vocab.json"))
	if err != nil {
		t.Skipf("GPT-2's vocab.json is not here (%v): put it in shared/datasets/gpt2", err)
	}
	merges, err := os.ReadFile(filepath.Join(shared, "merges.txt"))
	if err != nil {
		t.Skipf("GPT-2's merges.txt is not here (%v)", err)
	}
	folder := t.TempDir()
	cfg := gpt2test.Tiny()
	cfg.Vocab = 50257
	if err := gpt2test.WriteConfig(folder, gpt2test.ConfigJSON(cfg)); err != nil {
		t.Fatal(err)
	}
	if err := gpt2test.WriteSafetensors(filepath.Join(folder, "model.safetensors"), gpt2test.Weights(cfg, gpt2test.Options{}), "F32"); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(folder, "vocab.json"), vocab, 0o644)
	os.WriteFile(filepath.Join(folder, "merges.txt"), merges, 0o644)
	out, err := runOut(t, "tokenize", "--model", folder, "Hello world", " Hello")
	if err != nil {
		t.Fatal(err)
	}
	if out != "15496 995\n18435\n" {
		t.Errorf("got %q, want \"15496 995\\n18435\\n\"", out)
	}
}
