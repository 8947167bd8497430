package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
	"github.com/recur-dev/recur/tokenizers/gpt2"
)

// metaBPEMerges is the metadata key of a byte-level BPE's merges (JSON
// [[left, right], ...] in rank order); its tokens are under "vocab", in id
// order, spelled as in GPT-2's vocab.json.
const metaBPEMerges = "bpe_merges"

// textGenTokenizer rebuilds a textgen file's tokenizer: char or word from
// "vocab", byte-level BPE from "vocab" and "bpe_merges".
func textGenTokenizer(f *modelfile.File, h TextGenHeader) (tokenizers.Tokenizer, error) {
	var tokens []string
	if err := json.Unmarshal([]byte(f.Metadata["vocab"]), &tokens); err != nil {
		return nil, fmt.Errorf("corrupt vocabulary: %v", err)
	}
	if h.Level == gpt2.Level {
		var merges [][2]string
		if err := json.Unmarshal([]byte(f.Metadata[metaBPEMerges]), &merges); err != nil {
			return nil, fmt.Errorf("corrupt BPE merges (%s): %v", metaBPEMerges, err)
		}
		t, err := gpt2.New(tokens, merges)
		if err != nil {
			return nil, fmt.Errorf("corrupt BPE vocabulary: %v", err)
		}
		return tokenizers.NewBPETokenizer(t)
	}
	v, err := tokenizers.NewVocab(tokens)
	if err != nil {
		return nil, fmt.Errorf("corrupt vocabulary: %v", err)
	}
	return tokenizers.NewTokenizer(h.Level, v, h.Lowercase)
}

// addMerges stores a BPE tokenizer's merges in f (other tokenizers have
// none).
func addMerges(f *modelfile.File, tok tokenizers.Tokenizer) error {
	bt, ok := tok.(*tokenizers.BPETokenizer)
	if !ok {
		return nil
	}
	mb, err := json.Marshal(bt.Merges())
	if err != nil {
		return err
	}
	f.Metadata[metaBPEMerges] = string(mb)
	return nil
}

// gptFromFile builds the GPT of a textgen file around its tensors (no
// copy): the config's shapes are checked against every tensor by
// decoder.NewGPTFromParams, and every value must be finite.
func gptFromFile(f *modelfile.File, cfg *decoder.GPTConfig, tok tokenizers.Tokenizer) (*decoder.GPT, error) {
	if cfg == nil {
		return nil, errors.New("corrupt model config: no gpt section")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("corrupt model config: %v", err)
	}
	if n := tok.Vocab().Size(); n > cfg.Vocab {
		return nil, fmt.Errorf("corrupt model: %d tokens stored but GPTConfig.Vocab is %d", n, cfg.Vocab)
	}
	var ps nn.Params
	for i := range f.Tensors {
		t := &f.Tensors[i]
		if strings.HasPrefix(t.Name, "adam.") || strings.HasPrefix(t.Name, "state.") {
			continue // a checkpoint's optimizer and task state
		}
		if err := checkFinite(t.Name, t.F32); err != nil {
			return nil, err
		}
		ps = append(ps, &nn.Param{Name: t.Name, Shape: t.Shape, Data: t.F32})
	}
	m, err := decoder.NewGPTFromParams(*cfg, ps)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// GPTModelFile is the textgen model file of a GPT language model
// (lowercase: a word-level tokenizer's setting).
func GPTModelFile(m *decoder.GPT, tok tokenizers.Tokenizer, lowercase bool, meta map[string]string, dtype modelfile.DType) (*modelfile.File, error) {
	cfg := m.Config
	f, err := NewTextGenFile(TextGenHeader{Arch: "gpt", Level: tok.Level(), Lowercase: lowercase, GPT: &cfg}, tok, meta)
	if err != nil {
		return nil, err
	}
	return addWeights(f, nil, m.Params(), dtype), nil
}

// IsGPT2Folder reports whether path is a directory: where a model file is
// expected, a directory is read as a Hugging Face GPT-2 checkpoint folder.
func IsGPT2Folder(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// metaGPT2DType records the dtype a checkpoint folder stored its weights
// in (F32, F16, BF16), so a conversion can keep float16.
const metaGPT2DType = "gpt2.stored_dtype"

// loadGPT2Folder loads a Hugging Face GPT-2 checkpoint folder (config.json,
// model.safetensors, vocab.json, merges.txt; see modelfile.ReadGPT2Folder)
// as a GPT language model with GPT-2's byte-level BPE. The output head is
// tied to transformer.wte (GPT-2's own checkpoints) unless the folder has
// a separate lm_head.weight (one that differs from wte, or any with
// tie_word_embeddings false): the GPT is then built with
// GPTConfig.UntiedHead and uses it, and so do a conversion and a
// fine-tuning that start from the folder. Errors name the file.
func loadGPT2Folder(dir string) (*LanguageModel, error) {
	ck, err := modelfile.ReadGPT2Folder(dir)
	if err != nil {
		return nil, err
	}
	st := filepath.Join(dir, "model.safetensors")
	cfg := decoder.GPTConfig{Vocab: ck.Config.Vocab, Context: ck.Config.Positions, Layers: ck.Config.Layers,
		Heads: ck.Config.Heads, Embed: ck.Config.Embd, Bias: true, LNEps: ck.Config.LayerNorm, UntiedHead: !ck.TiedHead}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "config.json"), err)
	}
	ps := make(nn.Params, len(ck.Tensors))
	for i, t := range ck.Tensors {
		// A downloaded checkpoint is as untrusted as a recur file: NaN or
		// ±Inf weights would turn every logit into NaN without an error.
		if err := checkFinite(t.Name, t.F32); err != nil {
			return nil, fmt.Errorf("%s: %w", st, err)
		}
		ps[i] = &nn.Param{Name: t.Name, Shape: t.Shape, Data: t.F32}
	}
	g, err := decoder.NewGPTFromParams(cfg, ps)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", st, err)
	}
	bpe, err := gpt2.Load(dir)
	if err != nil {
		return nil, err
	}
	if bpe.Size() > cfg.Vocab {
		return nil, fmt.Errorf("%s: %d tokens, but config.json's vocab_size is %d", filepath.Join(dir, "vocab.json"), bpe.Size(), cfg.Vocab)
	}
	tok, err := tokenizers.NewBPETokenizer(bpe)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "vocab.json"), err)
	}
	meta := map[string]string{"source": dir, metaGPT2DType: string(ck.StoredDType)}
	return &LanguageModel{Arch: "gpt", Tokenizer: tok, GPT: g, Meta: meta}, nil
}

// ConvertGPT2Folder reads a GPT-2 checkpoint folder and returns it as a
// recur textgen model file with weights stored as dtype; "" keeps the
// folder's precision (F16 for a float16 folder, F32 otherwise).
func ConvertGPT2Folder(dir string, dtype modelfile.DType) (*modelfile.File, error) {
	m, err := loadGPT2Folder(dir)
	if err != nil {
		return nil, err
	}
	if dtype == "" {
		dtype = modelfile.F32
		if m.Meta[metaGPT2DType] == string(modelfile.F16) {
			dtype = modelfile.F16
		}
	}
	return GPTModelFile(m.GPT, m.Tokenizer, false, map[string]string{"source": filepath.Base(filepath.Clean(dir))}, dtype)
}

// generateGPT samples n tokens after ids with a GPT, emitting each. When
// the cache reaches the model's context (GPTConfig.Context positions), it
// slides: the state is rebuilt by priming with the last Context/2 tokens
// (one batched pass), so generation may run past the window, each token
// then seeing at least the previous Context/2. A prompt longer than the
// context is cut to its last Context tokens.
func generateGPT(ctx context.Context, g *decoder.GPT, ids []int, n int, smp *decoder.Sampler, emit func(tok int) bool) error {
	window := g.Config.Context
	if len(ids) > window {
		ids = ids[len(ids)-window:]
	}
	hist := append([]int(nil), ids...)
	logits := make([]float32, g.VocabSize())
	s := g.NewState(1)
	if err := g.Prime(s, ids, logits); err != nil {
		return err
	}
	tok := []int{0}
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		tok[0] = smp.Sample(logits)
		hist = append(hist, tok[0])
		if !emit(tok[0]) || i == n-1 {
			return nil
		}
		if s.KV.Pos < window {
			if err := g.Step(s, tok, logits); err != nil {
				return err
			}
			continue
		}
		keep := hist[len(hist)-max(window/2, 1):]
		s = g.NewState(1)
		if err := g.Prime(s, keep, logits); err != nil {
			return err
		}
	}
	return nil
}

// EvalGPT is the mean NLL in nats per target of ids under g, read in
// windows of the model's Context T that start every stride positions, each
// from an empty cache: every target is scored once, in the first window that
// holds it, so it sees at least T−stride tokens of history (all of them in
// the first window). stride = T reads non-overlapping windows (a target at a
// window's start then sees no history at all: the average context is T/2);
// stride ≤ 0 means T/2, the sliding evaluation `recur eval` reports, which
// costs two reads of the text instead of one and is the transformer's
// counterpart of an RNN that carries its state through the whole text.
func EvalGPT(ctx context.Context, g *decoder.GPT, ids []int, stride int) (float64, error) {
	T, V := g.Config.Context, g.Config.Vocab
	if stride <= 0 {
		stride = max(T/2, 1)
	}
	stride = min(stride, T)
	n := len(ids) - 1 // targets
	var total float64
	scored := 0 // targets [0, scored) are done
	for start := 0; scored < n; start += stride {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		end := min(start+T, n)
		if end <= scored {
			continue
		}
		logits, err := g.Logits(ids[start:end])
		if err != nil {
			return 0, err
		}
		for p := scored; p < end; p++ {
			total += nll(logits[(p-start)*V:(p-start+1)*V], ids[p+1])
		}
		scored = end
	}
	if n <= 0 {
		return 0, nil
	}
	return total / float64(n), nil
}

// nll is −log softmax(row)[target], computed stably; a target outside the
// row (a token the model cannot produce) costs +Inf.
func nll(row []float32, target int) float64 {
	if target < 0 || target >= len(row) {
		return math.Inf(1)
	}
	mx := row[0]
	for _, x := range row {
		mx = max(mx, x)
	}
	var sum float64
	for _, x := range row {
		sum += math.Exp(float64(x - mx))
	}
	return math.Log(sum) - float64(row[target]-mx)
}

// splitLevel is the unit the train/validation split counts for a tokenizer
// level: byte-level BPE splits by character (the same last-10% cut as a
// char model), and the tokenizer is then learned on the training part only.
func splitLevel(level string) string {
	if level == gpt2.Level {
		return tokenizers.LevelChar
	}
	return level
}
