package modelfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Limits on a GPT-2 checkpoint's config.json, checked before any tensor is
// allocated. They are generous (GPT-2 XL is 1600 channels, 25 heads, 48
// layers, 1024 positions, 50257 tokens, 1.56 billion parameters) but keep
// a hostile config from asking for more memory than a machine has.
const (
	MaxGPT2Embd      = 8192
	MaxGPT2Layers    = 256
	MaxGPT2Positions = 65536
	MaxGPT2Vocab     = 1 << 20
	MaxGPT2Params    = 4_000_000_000
)

// GPT2Config is the part of a Hugging Face GPT-2 config.json that fixes
// the model's shapes and arithmetic.
type GPT2Config struct {
	Embd      int     `json:"n_embd"`
	Layers    int     `json:"n_layer"`
	Heads     int     `json:"n_head"`
	Positions int     `json:"n_positions"` // n_ctx in old configs
	Vocab     int     `json:"vocab_size"`
	LayerNorm float64 `json:"layer_norm_epsilon"`
}

// GPT2Checkpoint is a Hugging Face GPT-2 checkpoint folder loaded into
// recur's (nanoGPT's) layout.
type GPT2Checkpoint struct {
	Dir    string
	Config GPT2Config
	// RawConfig is config.json as read.
	RawConfig json.RawMessage
	// Tensors are in recur's names and layout, in the order wte, wpe, the
	// blocks, ln_f (then lm_head.weight when untied): e.g.
	// transformer.h.0.attn.c_attn.weight [3C, C], PyTorch nn.Linear's
	// [out, in]. Values are float32; DType is F16 when the file stored
	// float16 (so writing the tensors back as F16 is lossless), F32
	// otherwise (bfloat16 widens exactly to float32).
	Tensors []Tensor
	// TiedHead is true when the output head is wte: no lm_head.weight, or
	// one equal to wte (bit for bit) unless config.json sets
	// tie_word_embeddings false. When false, Tensors ends with
	// lm_head.weight [V, C] (Hugging Face's layout, logits = h·Wᵀ, kept
	// as is) and the model must use an untied head.
	TiedHead bool
	// TieWordEmbeddings is config.json's tie_word_embeddings: nil when
	// absent or null (Hugging Face then ties, its default).
	TieWordEmbeddings *bool
	// StoredDType is the dtype of the weights in model.safetensors (F32,
	// F16 or BF16; "mixed" when they differ from tensor to tensor).
	StoredDType DType
	// Skipped lists the tensors of the file that were read past: the
	// attention mask buffers attn.bias and attn.masked_bias.
	Skipped []string
	// VocabPath and MergesPath are the tokenizer files.
	VocabPath, MergesPath string
}

// Get returns the tensor called name (recur's name).
func (c *GPT2Checkpoint) Get(name string) (*Tensor, error) {
	for i := range c.Tensors {
		if c.Tensors[i].Name == name {
			return &c.Tensors[i], nil
		}
	}
	return nil, fmt.Errorf("%s: no tensor %q", c.Dir, name)
}

// GPT2Names lists recur's tensor names and shapes for a GPT with cfg's
// sizes, in file order, with a tied head (no lm_head.weight).
func GPT2Names(cfg GPT2Config) []TensorInfo {
	c, v, p := cfg.Embd, cfg.Vocab, cfg.Positions
	out := []TensorInfo{
		{Name: "transformer.wte.weight", DType: F32, Shape: []int{v, c}},
		{Name: "transformer.wpe.weight", DType: F32, Shape: []int{p, c}},
	}
	for i := range cfg.Layers {
		h := "transformer.h." + strconv.Itoa(i) + "."
		for _, t := range []struct {
			name  string
			shape []int
		}{
			{"ln_1.weight", []int{c}}, {"ln_1.bias", []int{c}},
			{"attn.c_attn.weight", []int{3 * c, c}}, {"attn.c_attn.bias", []int{3 * c}},
			{"attn.c_proj.weight", []int{c, c}}, {"attn.c_proj.bias", []int{c}},
			{"ln_2.weight", []int{c}}, {"ln_2.bias", []int{c}},
			{"mlp.c_fc.weight", []int{4 * c, c}}, {"mlp.c_fc.bias", []int{4 * c}},
			{"mlp.c_proj.weight", []int{c, 4 * c}}, {"mlp.c_proj.bias", []int{c}},
		} {
			out = append(out, TensorInfo{Name: h + t.name, DType: F32, Shape: t.shape})
		}
	}
	return append(out,
		TensorInfo{Name: "transformer.ln_f.weight", DType: F32, Shape: []int{c}},
		TensorInfo{Name: "transformer.ln_f.bias", DType: F32, Shape: []int{c}})
}

// conv1D reports whether a recur tensor name is one Hugging Face stores as
// a Conv1D weight, [in, out], the transpose of recur's [out, in].
func conv1D(name string) bool {
	return strings.HasSuffix(name, ".attn.c_attn.weight") || strings.HasSuffix(name, ".attn.c_proj.weight") ||
		strings.HasSuffix(name, ".mlp.c_fc.weight") || strings.HasSuffix(name, ".mlp.c_proj.weight")
}

// maskBuffer matches the causal-mask buffers older transformers versions
// saved with the weights; they are constants, not parameters.
var maskBuffer = regexp.MustCompile(`^h\.[0-9]+\.attn\.(bias|masked_bias)$`)

// ReadGPT2Folder loads a Hugging Face GPT-2 checkpoint folder: config.json,
// model.safetensors (float32, float16 or bfloat16; keys with or without the
// "transformer." prefix; mask buffers skipped; lm_head.weight optional),
// vocab.json and merges.txt. It checks the config's sizes and every
// tensor's name, dtype and shape against the config before allocating any
// tensor memory. Every error names the file it is about.
//
// The output head is lm_head.weight when the file has one that differs
// from wte, or has one at all when config.json says tie_word_embeddings
// false; it is wte otherwise. A config and weights that contradict each
// other (tie_word_embeddings true with a different lm_head.weight, or
// false with none) are refused: Hugging Face would tie the first (which
// of the two matrices survives then depends on its loading order) and
// draw a random head for the second, so no answer would be the model's.
func ReadGPT2Folder(dir string) (*GPT2Checkpoint, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("GPT-2 checkpoint folder: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s: not a directory (a GPT-2 checkpoint folder holds config.json, model.safetensors, vocab.json, merges.txt)", dir)
	}
	ck := &GPT2Checkpoint{Dir: dir}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"vocab.json", &ck.VocabPath}, {"merges.txt", &ck.MergesPath}} {
		p := filepath.Join(dir, f.name)
		if err := regularFile(p); err != nil {
			return nil, fmt.Errorf("%s: %w (a GPT-2 checkpoint folder needs the tokenizer files vocab.json and merges.txt)", p, err)
		}
		*f.dst = p
	}
	cfgPath := filepath.Join(dir, "config.json")
	ck.Config, ck.RawConfig, err = readGPT2Config(cfgPath)
	if err != nil {
		return nil, err
	}
	if ck.TieWordEmbeddings, err = tieWordEmbeddings(ck.RawConfig); err != nil {
		return nil, fmt.Errorf("%s: %w", cfgPath, err)
	}
	modelPath := filepath.Join(dir, "model.safetensors")
	if err := regularFile(modelPath); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if regularFile(filepath.Join(dir, "model.safetensors.index.json")) == nil {
				return nil, fmt.Errorf("%s: missing; the folder holds a sharded checkpoint (model.safetensors.index.json), which recur does not read: save it as one model.safetensors", modelPath)
			}
			if regularFile(filepath.Join(dir, "pytorch_model.bin")) == nil {
				return nil, fmt.Errorf("%s: missing; the folder has only pytorch_model.bin (a pickle, which recur does not read): convert it to safetensors, e.g. in Python: "+
					"GPT2LMHeadModel.from_pretrained(DIR).save_pretrained(DIR, safe_serialization=True)", modelPath)
			}
		}
		return nil, fmt.Errorf("%s: %w", modelPath, err)
	}
	want := GPT2Names(ck.Config)
	var plan gpt2Plan
	f, err := ReadPlain(modelPath, func(_ map[string]string, infos []TensorInfo) (map[string]bool, error) {
		var err error
		plan, err = planGPT2(ck.Config, want, infos)
		return plan.skip, err
	})
	if err != nil {
		if head, _ := readHead(modelPath, 64); bytes.HasPrefix(head, []byte("version https://git-lfs")) {
			return nil, fmt.Errorf("%s: is a Git LFS pointer, not the weights: fetch them with git lfs pull", modelPath)
		}
		return nil, err
	}
	ck.StoredDType = plan.dtype
	ck.Skipped = plan.skipped
	byName := make(map[string]*Tensor, len(f.Tensors))
	for i := range f.Tensors {
		t := &f.Tensors[i]
		byName[plan.rename[t.Name]] = t
	}
	ck.Tensors = make([]Tensor, 0, len(want)+1)
	for _, w := range want {
		t := byName[w.Name] // present: planGPT2 checked every name
		t.Name = w.Name
		if conv1D(w.Name) {
			// Hugging Face's GPT-2 stores c_attn, c_proj and c_fc as
			// Conv1D weights of shape [in, out] (y = x·W + b); recur, like
			// nanoGPT and nn.Linear, stores [out, in] (y = x·Wᵀ + b).
			// THIS is the one place the checkpoint is transposed.
			t.F32 = transpose(t.F32, t.Shape[0], t.Shape[1])
			t.Shape = []int{t.Shape[1], t.Shape[0]}
		}
		ck.Tensors = append(ck.Tensors, *t)
	}
	explicit := func(v bool) bool { return ck.TieWordEmbeddings != nil && *ck.TieWordEmbeddings == v }
	ck.TiedHead = true
	head := byName["lm_head.weight"]
	switch {
	case head == nil && explicit(false):
		return nil, fmt.Errorf("%s: no lm_head.weight, but %s sets tie_word_embeddings false: the untied output head is missing", modelPath, cfgPath)
	case head == nil:
	case !equalF32(head.F32, byName["transformer.wte.weight"].F32):
		if explicit(true) {
			return nil, fmt.Errorf("%s: lm_head.weight differs from wte.weight, but %s sets tie_word_embeddings true: set it false to use the separate head", modelPath, cfgPath)
		}
		ck.TiedHead = false
	case explicit(false):
		// Equal now, but declared separate: fine-tuning must keep them so.
		ck.TiedHead = false
	}
	if !ck.TiedHead {
		ck.Tensors = append(ck.Tensors, *head)
	}
	for i := range ck.Tensors {
		if ck.Tensors[i].DType != F16 {
			ck.Tensors[i].DType = F32
		}
	}
	return ck, nil
}

// readHead returns up to n bytes from the start of path.
func readHead(path string, n int) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b := make([]byte, n)
	k, err := io.ReadFull(fh, b)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return b[:k], err
}

func regularFile(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("missing or unreadable: %w", pe.Err)
		}
		return err
	}
	if !fi.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	return nil
}

// equalF32 compares bit patterns, so a tied head saved twice is recognised
// exactly (and NaNs do not make it look untied).
func equalF32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(a[i] != a[i] && b[i] != b[i]) {
			return false
		}
	}
	return true
}

// transpose returns the [cols, rows] transpose of the row-major [rows,
// cols] matrix m.
func transpose(m []float32, rows, cols int) []float32 {
	out := make([]float32, len(m))
	for r := range rows {
		row := m[r*cols : (r+1)*cols]
		for c, v := range row {
			out[c*rows+r] = v
		}
	}
	return out
}

// maxConfigSize bounds config.json (real ones are under 1 kB).
const maxConfigSize = 1 << 20

// readGPT2Config reads and checks config.json.
func readGPT2Config(path string) (GPT2Config, json.RawMessage, error) {
	var cfg GPT2Config
	if err := regularFile(path); err != nil {
		return cfg, nil, fmt.Errorf("%s: %w", path, err)
	}
	fh, err := os.Open(path)
	if err != nil {
		return cfg, nil, err
	}
	defer fh.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(fh, maxConfigSize+1)); err != nil {
		return cfg, nil, fmt.Errorf("%s: %w", path, err)
	}
	if buf.Len() > maxConfigSize {
		return cfg, nil, fmt.Errorf("%s: over %d bytes, not a GPT-2 config", path, maxConfigSize)
	}
	raw := buf.Bytes()
	cfg, err = parseGPT2Config(raw)
	if err != nil {
		return cfg, nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, json.RawMessage(raw), nil
}

// parseGPT2Config interprets config.json. Fields that would change the
// arithmetic recur implements (another activation, unscaled attention, an
// MLP width other than 4·n_embd, cross-attention) are rejected by name
// rather than silently ignored.
func parseGPT2Config(raw []byte) (GPT2Config, error) {
	var cfg GPT2Config
	var m gpt2ConfigJSON
	if err := json.Unmarshal(raw, &m); err != nil {
		return cfg, fmt.Errorf("not a JSON object: %v", err)
	}
	if mt, ok := m["model_type"]; ok {
		var s string
		if json.Unmarshal(mt, &s) == nil && s != "gpt2" {
			return cfg, fmt.Errorf("model_type is %q, want \"gpt2\" (recur reads GPT-2 checkpoints)", s)
		}
	}
	if err := m.sizes(&cfg); err != nil {
		return cfg, err
	}
	if err := m.positions(&cfg); err != nil {
		return cfg, err
	}
	if cfg.Embd%cfg.Heads != 0 {
		return cfg, fmt.Errorf("n_embd = %d is not divisible by n_head = %d", cfg.Embd, cfg.Heads)
	}
	inner, haveInner, err := m.intField("n_inner", false)
	if err != nil {
		return cfg, err
	}
	if haveInner && inner != 4*cfg.Embd {
		return cfg, fmt.Errorf("n_inner = %d is not supported (recur's MLP is 4 × n_embd = %d)", inner, 4*cfg.Embd)
	}
	cfg.LayerNorm = 1e-5 // GPT2Config's default
	if v, ok := m["layer_norm_epsilon"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &cfg.LayerNorm); err != nil || !(cfg.LayerNorm > 0 && cfg.LayerNorm < 1) {
			return cfg, fmt.Errorf("layer_norm_epsilon must be a number in (0, 1), found %s", v)
		}
	}
	if err := m.supported(); err != nil {
		return cfg, err
	}
	n := cfg.paramCount()
	if n > MaxGPT2Params {
		return cfg, fmt.Errorf("n_embd %d, n_layer %d, n_positions %d, vocab_size %d make %d parameters, over recur's limit of %d",
			cfg.Embd, cfg.Layers, cfg.Positions, cfg.Vocab, n, int64(MaxGPT2Params))
	}
	return cfg, nil
}

// tieWordEmbeddings reads config.json's tie_word_embeddings: nil when
// absent or null, else the boolean it must be.
func tieWordEmbeddings(raw []byte) (*bool, error) {
	var m gpt2ConfigJSON
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	v, ok := m["tie_word_embeddings"]
	if !ok || string(v) == "null" {
		return nil, nil
	}
	var tie bool
	if err := json.Unmarshal(v, &tie); err != nil {
		return nil, fmt.Errorf("tie_word_embeddings must be true or false, found %s", v)
	}
	return &tie, nil
}

// gpt2ConfigJSON is config.json as its keys and their raw values.
type gpt2ConfigJSON map[string]json.RawMessage

// intField reads key as a positive integer; ok is false when the key is
// absent or null, which is an error only when required.
func (m gpt2ConfigJSON) intField(key string, required bool) (n int, ok bool, err error) {
	v, ok := m[key]
	if !ok || string(v) == "null" {
		if required {
			return 0, false, fmt.Errorf("missing %s", key)
		}
		return 0, false, nil
	}
	i, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%s must be an integer, found %s", key, v)
	}
	if i < 1 {
		return 0, false, fmt.Errorf("%s must be >= 1, found %d", key, i)
	}
	if i > 1<<40 {
		return 0, false, fmt.Errorf("%s = %d is absurdly large", key, i)
	}
	return int(i), true, nil
}

// sizes reads the required sizes into cfg, each within recur's limit.
func (m gpt2ConfigJSON) sizes(cfg *GPT2Config) error {
	var err error
	for _, f := range []struct {
		key string
		dst *int
		max int
	}{
		{"n_embd", &cfg.Embd, MaxGPT2Embd},
		{"n_layer", &cfg.Layers, MaxGPT2Layers},
		{"n_head", &cfg.Heads, MaxGPT2Embd},
		{"vocab_size", &cfg.Vocab, MaxGPT2Vocab},
	} {
		if *f.dst, _, err = m.intField(f.key, true); err != nil {
			return err
		}
		if *f.dst > f.max {
			return fmt.Errorf("%s = %d is over recur's limit of %d", f.key, *f.dst, f.max)
		}
	}
	return nil
}

// positions reads the context length into cfg.Positions from n_positions
// or its older name n_ctx (which must agree when both are given).
func (m gpt2ConfigJSON) positions(cfg *GPT2Config) error {
	pos, havePos, err := m.intField("n_positions", false)
	if err != nil {
		return err
	}
	ctx, haveCtx, err := m.intField("n_ctx", false)
	if err != nil {
		return err
	}
	switch {
	case havePos && haveCtx && pos != ctx:
		return fmt.Errorf("n_positions = %d and n_ctx = %d disagree", pos, ctx)
	case havePos:
		cfg.Positions = pos
	case haveCtx:
		cfg.Positions = ctx
	default:
		return errors.New("missing n_positions (or n_ctx)")
	}
	if cfg.Positions > MaxGPT2Positions {
		return fmt.Errorf("n_positions = %d is over recur's limit of %d", cfg.Positions, MaxGPT2Positions)
	}
	return nil
}

// supported rejects the options recur's GPT does not implement, when set
// to anything but the one value it does.
func (m gpt2ConfigJSON) supported() error {
	checks := []struct {
		key  string
		ok   func(json.RawMessage) bool
		want string
	}{
		{"activation_function", func(v json.RawMessage) bool {
			var s string
			return json.Unmarshal(v, &s) == nil && (s == "gelu_new" || s == "gelu_pytorch_tanh")
		}, `"gelu_new" (tanh-approximated GELU)`},
		{"scale_attn_weights", isJSON("true"), "true"},
		{"scale_attn_by_inverse_layer_idx", isJSON("false"), "false"},
		{"add_cross_attention", isJSON("false"), "false"},
	}
	for _, c := range checks {
		if v, ok := m[c.key]; ok && !c.ok(v) {
			return fmt.Errorf("%s is %s; recur's GPT supports only %s", c.key, v, c.want)
		}
	}
	return nil
}

func isJSON(want string) func(json.RawMessage) bool {
	return func(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == want }
}

// paramCount is the number of parameters (tied head; planGPT2 adds an
// lm_head.weight's V·C when the file has one), computed in int64: every
// size is already bounded, so it cannot overflow.
func (c GPT2Config) paramCount() int64 {
	e, l, p, v := int64(c.Embd), int64(c.Layers), int64(c.Positions), int64(c.Vocab)
	block := 4*e + (3*e*e + 3*e) + (e*e + e) + (4*e*e + 4*e) + (4*e*e + e)
	return v*e + p*e + l*block + 2*e
}

// gpt2Plan is what planGPT2 decided from the header.
type gpt2Plan struct {
	rename  map[string]string // file name → recur name (lm_head.weight stays)
	skip    map[string]bool
	skipped []string
	dtype   DType
}

// planGPT2 matches the header of model.safetensors against the tensors the
// config implies, before anything is allocated: every expected tensor
// present once (with or without the "transformer." prefix) with the
// expected shape (Conv1D weights [in, out]), float dtype, no unknown
// tensors; mask buffers are skipped.
func planGPT2(cfg GPT2Config, want []TensorInfo, infos []TensorInfo) (gpt2Plan, error) {
	p := gpt2Plan{rename: map[string]string{}, skip: map[string]bool{}}
	expect := make(map[string][]int, len(want)+1)
	for _, w := range want {
		shape := w.Shape
		if conv1D(w.Name) {
			shape = []int{shape[1], shape[0]} // as stored by Hugging Face
		}
		expect[w.Name] = shape
	}
	expect["lm_head.weight"] = []int{cfg.Vocab, cfg.Embd}
	implied := fmt.Sprintf("config.json's n_embd %d, n_layer %d, n_positions %d, vocab_size %d", cfg.Embd, cfg.Layers, cfg.Positions, cfg.Vocab)
	found := map[string]string{} // recur name → file name
	for _, in := range infos {
		bare := strings.TrimPrefix(in.Name, "transformer.")
		if maskBuffer.MatchString(bare) {
			p.skip[in.Name] = true
			p.skipped = append(p.skipped, in.Name)
			continue
		}
		name := "transformer." + bare
		if bare == "lm_head.weight" {
			name = bare
		}
		shape, ok := expect[name]
		if !ok {
			return p, fmt.Errorf("unexpected tensor %q (not a GPT-2 weight for %s)", in.Name, implied)
		}
		if prev, dup := found[name]; dup {
			return p, fmt.Errorf("tensors %q and %q are the same weight", prev, in.Name)
		}
		found[name] = in.Name
		p.rename[in.Name] = name
		if !slices.Equal(in.Shape, shape) {
			layout := ""
			if conv1D(name) {
				layout = " (Hugging Face Conv1D layout [in, out])"
			}
			return p, fmt.Errorf("tensor %q has shape %v, %s imply %v%s", in.Name, in.Shape, implied, shape, layout)
		}
		switch in.DType {
		case F32, F16, BF16:
		default:
			return p, fmt.Errorf("tensor %q has dtype %s; GPT-2 weights must be F32, F16 or BF16", in.Name, in.DType)
		}
		if p.dtype == "" {
			p.dtype = in.DType
		} else if p.dtype != in.DType {
			p.dtype = "mixed"
		}
	}
	for _, w := range want {
		if _, ok := found[w.Name]; !ok {
			return p, fmt.Errorf("missing tensor %q (or %q), which %s imply", w.Name, strings.TrimPrefix(w.Name, "transformer."), implied)
		}
	}
	// A separate head is read into memory too (even one equal to wte), so
	// the parameter limit config.json was checked against must cover it.
	if _, ok := found["lm_head.weight"]; ok {
		if n := cfg.paramCount() + int64(cfg.Vocab)*int64(cfg.Embd); n > MaxGPT2Params {
			return p, fmt.Errorf("with lm_head.weight, %s make %d parameters, over recur's limit of %d", implied, n, int64(MaxGPT2Params))
		}
	}
	return p, nil
}
