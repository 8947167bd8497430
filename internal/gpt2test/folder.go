package gpt2test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/recur-dev/recur/modelfile"
)

// Config is the size of the model written: n_embd, n_layer, n_head,
// n_positions and vocab_size of config.json.
type Config struct {
	Embd, Layers, Heads, Positions, Vocab int
}

// Tiny is a 2-layer, 2-head, 8-channel GPT-2 with 16 positions and a
// 300-token vocabulary (the 256 byte symbols, 43 merges, <|endoftext|>).
func Tiny() Config { return Config{Embd: 8, Layers: 2, Heads: 2, Positions: 16, Vocab: 300} }

// LMHead says whether and how lm_head.weight is written.
type LMHead int

const (
	NoLMHead     LMHead = iota // no lm_head.weight: the head is tied to wte
	TiedLMHead                 // lm_head.weight written, equal to wte
	UntiedLMHead               // lm_head.weight written with its own values; config.json's tie_word_embeddings false
)

// Options choose the storage variants a loader must accept.
type Options struct {
	Float16     bool   // store weights as F16 (default F32)
	BFloat16    bool   // store weights as BF16
	Prefix      bool   // "transformer." before every key but lm_head.weight
	LMHead      LMHead // lm_head.weight absent, tied or untied
	MaskBuffers bool   // also write h.{i}.attn.bias [1,1,P,P] and h.{i}.attn.masked_bias []
	Seed        uint64
}

// Tensor is one weight as written: its Hugging Face name (without the
// "transformer." prefix), its stored shape (Conv1D weights are [in, out])
// and its values after rounding to the stored dtype, so a loader's result
// can be compared exactly.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// WriteFolder writes config.json, model.safetensors, vocab.json and
// merges.txt into dir (created if needed) and returns the weights written,
// in file order. The same Config, Options and Seed give the same files.
func WriteFolder(dir string, cfg Config, o Options) ([]Tensor, error) {
	if cfg.Embd < 1 || cfg.Layers < 1 || cfg.Heads < 1 || cfg.Positions < 1 || cfg.Vocab < 257 {
		return nil, fmt.Errorf("gpt2test: config %+v: sizes must be positive and Vocab >= 257", cfg)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cj := ConfigJSON(cfg)
	if o.LMHead == UntiedLMHead {
		cj["tie_word_embeddings"] = false // as Hugging Face saves an untied model
	}
	if err := WriteConfig(dir, cj); err != nil {
		return nil, err
	}
	ts := Weights(cfg, o)
	dtype := "F32"
	switch {
	case o.Float16:
		dtype = "F16"
	case o.BFloat16:
		dtype = "BF16"
	}
	for i := range ts {
		if strings.HasSuffix(ts[i].Name, ".attn.bias") || strings.HasSuffix(ts[i].Name, ".attn.masked_bias") {
			continue // mask buffers stay F32, as Hugging Face saves them
		}
		for j, v := range ts[i].Data {
			ts[i].Data[j] = round(v, dtype)
		}
	}
	named := make([]Tensor, len(ts))
	for i, t := range ts {
		named[i] = t
		if o.Prefix && t.Name != "lm_head.weight" {
			named[i].Name = "transformer." + t.Name
		}
	}
	if err := WriteSafetensors(filepath.Join(dir, "model.safetensors"), named, dtype); err != nil {
		return nil, err
	}
	if err := WriteVocab(dir, cfg.Vocab); err != nil {
		return nil, err
	}
	return ts, nil
}

// ConfigJSON is a config.json object for cfg, with the keys and defaults of
// Hugging Face's GPT2Config that a loader may look at.
func ConfigJSON(cfg Config) map[string]any {
	return map[string]any{
		"architectures":       []string{"GPT2LMHeadModel"},
		"model_type":          "gpt2",
		"activation_function": "gelu_new",
		"n_embd":              cfg.Embd,
		"n_layer":             cfg.Layers,
		"n_head":              cfg.Heads,
		"n_positions":         cfg.Positions,
		"n_ctx":               cfg.Positions,
		"n_inner":             nil,
		"vocab_size":          cfg.Vocab,
		"layer_norm_epsilon":  1e-5,
		"bos_token_id":        cfg.Vocab - 1,
		"eos_token_id":        cfg.Vocab - 1,
		"scale_attn_weights":  true,
		"tie_word_embeddings": true,
	}
}

// WriteConfig writes m as dir/config.json.
func WriteConfig(dir string, m map[string]any) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644)
}

// Weights draws a GPT-2's weights in Hugging Face's layout and order (no
// prefix): embeddings N(0, 0.2²), LayerNorm gains 1 + N(0, 0.1²), every
// bias N(0, 0.1²), so no tensor is trivially 0 or 1.
func Weights(cfg Config, o Options) []Tensor {
	rng := rand.New(rand.NewPCG(o.Seed, 0x67707432))
	c, p := cfg.Embd, cfg.Positions
	var ts []Tensor
	add := func(name string, base, std float64, shape ...int) []float32 {
		n := 1
		for _, d := range shape {
			n *= d
		}
		data := make([]float32, n)
		for i := range data {
			data[i] = float32(base + std*rng.NormFloat64())
		}
		ts = append(ts, Tensor{Name: name, Shape: shape, Data: data})
		return data
	}
	wte := add("wte.weight", 0, 0.2, cfg.Vocab, c)
	add("wpe.weight", 0, 0.2, p, c)
	for i := range cfg.Layers {
		h := "h." + strconv.Itoa(i) + "."
		add(h+"ln_1.weight", 1, 0.1, c)
		add(h+"ln_1.bias", 0, 0.1, c)
		if o.MaskBuffers {
			mask := make([]float32, p*p)
			for r := range p {
				for k := 0; k <= r; k++ {
					mask[r*p+k] = 1
				}
			}
			ts = append(ts, Tensor{Name: h + "attn.bias", Shape: []int{1, 1, p, p}, Data: mask})
			ts = append(ts, Tensor{Name: h + "attn.masked_bias", Shape: []int{}, Data: []float32{-1e4}})
		}
		std := 0.5 / math.Sqrt(float64(c))
		add(h+"attn.c_attn.weight", 0, std, c, 3*c) // Conv1D: [in, out]
		add(h+"attn.c_attn.bias", 0, 0.1, 3*c)
		add(h+"attn.c_proj.weight", 0, std, c, c)
		add(h+"attn.c_proj.bias", 0, 0.1, c)
		add(h+"ln_2.weight", 1, 0.1, c)
		add(h+"ln_2.bias", 0, 0.1, c)
		add(h+"mlp.c_fc.weight", 0, std, c, 4*c)
		add(h+"mlp.c_fc.bias", 0, 0.1, 4*c)
		add(h+"mlp.c_proj.weight", 0, std/2, 4*c, c)
		add(h+"mlp.c_proj.bias", 0, 0.1, c)
	}
	add("ln_f.weight", 1, 0.1, c)
	add("ln_f.bias", 0, 0.1, c)
	switch o.LMHead {
	case TiedLMHead:
		ts = append(ts, Tensor{Name: "lm_head.weight", Shape: []int{cfg.Vocab, c}, Data: append([]float32(nil), wte...)})
	case UntiedLMHead:
		add("lm_head.weight", 0, 0.2, cfg.Vocab, c)
	}
	return ts
}

// round returns v as stored in dtype and read back.
func round(v float32, dtype string) float32 {
	switch dtype {
	case "F16":
		return modelfile.F16ToF32(modelfile.F32ToF16(v))
	case "BF16":
		return math.Float32frombits(uint32(bf16(v)) << 16)
	}
	return v
}

// bf16 rounds a (finite) float32 to bfloat16, to nearest with ties to even.
func bf16(v float32) uint16 {
	b := math.Float32bits(v)
	b += 0x7fff + (b>>16)&1
	return uint16(b >> 16)
}

// WriteSafetensors writes a plain safetensors file (metadata {"format":
// "pt"}, as PyTorch's save_file writes) holding ts in order. Float tensors
// are stored as dtype ("F32", "F16" or "BF16"), except the attention mask
// buffers, which stay F32.
func WriteSafetensors(path string, ts []Tensor, dtype string) error {
	var hdr strings.Builder
	hdr.WriteString(`{"__metadata__":{"format":"pt"}`)
	var data []byte
	for _, t := range ts {
		dt := dtype
		if strings.HasSuffix(t.Name, ".attn.bias") && len(t.Shape) == 4 || strings.HasSuffix(t.Name, ".attn.masked_bias") {
			dt = "F32"
		}
		begin := len(data)
		for _, v := range t.Data {
			switch dt {
			case "F16":
				data = binary.LittleEndian.AppendUint16(data, modelfile.F32ToF16(v))
			case "BF16":
				data = binary.LittleEndian.AppendUint16(data, bf16(v))
			default:
				data = binary.LittleEndian.AppendUint32(data, math.Float32bits(v))
			}
		}
		name, _ := json.Marshal(t.Name)
		shape, _ := json.Marshal(append([]int{}, t.Shape...))
		fmt.Fprintf(&hdr, `,%s:{"dtype":%q,"shape":%s,"data_offsets":[%d,%d]}`, name, dt, shape, begin, len(data))
	}
	hdr.WriteString("}")
	for hdr.Len()%8 != 0 {
		hdr.WriteByte(' ')
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(hdr.Len()))
	out = append(append(out, hdr.String()...), data...)
	return os.WriteFile(path, out, 0o644)
}

// ByteSymbols is GPT-2's byte-to-character table: the character standing for
// each byte in vocab.json and merges.txt. Printable Latin-1 bytes stand for
// themselves; the other 68 bytes take the characters U+0100, U+0101, ... in
// byte order, so no symbol is whitespace or a control character.
func ByteSymbols() [256]rune {
	var t [256]rune
	n := 0
	for b := range 256 {
		if b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF {
			t[b] = rune(b)
		} else {
			t[b] = rune(256 + n)
			n++
		}
	}
	return t
}

// WriteVocab writes a byte-level vocab.json of size vocab and the matching
// merges.txt into dir: ids 0..255 are the byte symbols in GPT-2's order
// (printable bytes first), then one token per merge ("Ġt", "he", ...), and
// the last id is <|endoftext|>.
func WriteVocab(dir string, vocab int) error {
	sym := ByteSymbols()
	var order []int // GPT-2 numbers the printable bytes first
	for b := range 256 {
		if sym[b] == rune(b) {
			order = append(order, b)
		}
	}
	for b := range 256 {
		if sym[b] != rune(b) {
			order = append(order, b)
		}
	}
	ids := map[string]int{}
	for id, b := range order {
		ids[string(sym[b])] = id
	}
	// Merges: "Ġ" + letter, then letter pairs, each a new token.
	var merges []string
	space := string(sym[' '])
	letters := "etaoinshrdlucmfwypvbgk"
	for _, a := range letters {
		if len(ids)+1 >= vocab {
			break
		}
		merges = append(merges, space+" "+string(a))
		ids[space+string(a)] = len(ids)
	}
	for _, a := range letters {
		for _, b := range letters {
			if len(ids)+1 >= vocab {
				break
			}
			if _, ok := ids[string(a)+string(b)]; ok {
				continue
			}
			merges = append(merges, string(a)+" "+string(b))
			ids[string(a)+string(b)] = len(ids)
		}
	}
	if len(ids)+1 != vocab {
		return fmt.Errorf("gpt2test: cannot make a vocabulary of %d tokens (at most %d)", vocab, len(ids)+1)
	}
	ids["<|endoftext|>"] = len(ids)
	b, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "vocab.json"), b, 0o644); err != nil {
		return err
	}
	m := "#version: 0.2\n" + strings.Join(merges, "\n") + "\n"
	return os.WriteFile(filepath.Join(dir, "merges.txt"), []byte(m), 0o644)
}
