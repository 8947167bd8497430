package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/markov"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
	"github.com/recur-dev/recur/tokenizers/gpt2"
)

// LanguageModel is a loaded text-generation model, RNN or Markov baseline.
type LanguageModel struct {
	Arch      string
	Tokenizer tokenizers.Tokenizer
	Decoder   *decoder.Decoder // Arch "rnn"
	Markov    *markov.Model    // Arch "markov"
	GPT       *decoder.GPT     // Arch "gpt"
	Meta      map[string]string
	Lowercase bool
}

// LoadLanguageModel reads a textgen model file, or a Hugging Face GPT-2
// checkpoint folder when path is a directory (loadGPT2Folder).
func LoadLanguageModel(path string) (*LanguageModel, error) {
	if IsGPT2Folder(path) {
		return loadGPT2Folder(path)
	}
	return loadModel(path, TaskTextGen, languageModelFromFile)
}

// DecodeLanguageModel reads a textgen model from memory (embedded models);
// name appears in errors.
func DecodeLanguageModel(data []byte, name string) (*LanguageModel, error) {
	return decodeModel(data, name, TaskTextGen, languageModelFromFile)
}

func languageModelFromFile(f *modelfile.File) (*LanguageModel, error) {
	var h TextGenHeader
	if err := json.Unmarshal([]byte(f.Metadata["config"]), &h); err != nil {
		return nil, fmt.Errorf("corrupt model config: %v", err)
	}
	tok, err := textGenTokenizer(f, h)
	if err != nil {
		return nil, err
	}
	v := tok.Vocab()
	m := &LanguageModel{Arch: h.Arch, Tokenizer: tok, Meta: f.Metadata, Lowercase: h.Lowercase}
	switch h.Arch {
	case "rnn":
		if h.Decoder == nil {
			return nil, errors.New("corrupt model config: no decoder section")
		}
		if h.Decoder.Vocab != v.Size() {
			return nil, fmt.Errorf("corrupt model: decoder vocabulary %d but %d tokens stored", h.Decoder.Vocab, v.Size())
		}
		dec, err := decoder.New(*h.Decoder, 0)
		if err != nil {
			return nil, fmt.Errorf("corrupt model config: %v", err)
		}
		if err := loadParams(f, dec.Params()); err != nil {
			return nil, err
		}
		dec.Freeze() // a loaded model is for inference
		m.Decoder = dec
	case "markov":
		var cfg markov.Config
		if err := json.Unmarshal(h.Markov, &cfg); err != nil {
			return nil, fmt.Errorf("corrupt markov config: %v", err)
		}
		mk, err := markov.FromTensors(f.Get, cfg, v.Size())
		if err != nil {
			return nil, err
		}
		m.Markov = mk
	case "gpt":
		if m.GPT, err = gptFromFile(f, h.GPT, tok); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown arch %q in model (valid: rnn, markov, gpt)", h.Arch)
	}
	return m, nil
}

// loadParams copies each parameter's tensor from f, checking shapes.
func loadParams(f *modelfile.File, ps nn.Params) error {
	for _, p := range ps {
		t, err := f.Get(p.Name)
		if err != nil {
			return err
		}
		if len(t.F32) != p.Size() || fmt.Sprint(t.Shape) != fmt.Sprint(p.Shape) {
			return fmt.Errorf("tensor %s has shape %v, the config says %v", p.Name, t.Shape, p.Shape)
		}
		if err := checkFinite(p.Name, t.F32); err != nil {
			return err
		}
		copy(p.Data, t.F32)
	}
	return nil
}

// Generation is the result of Generate.
type Generation struct {
	Text    string   // the prompt followed by the continuation
	Tokens  []int    // generated token ids
	Unknown []string // prompt tokens outside the vocabulary (read as <unk>)
}

// Generate continues prompt with n tokens. emit, if set, receives each new
// piece of text as soon as it is sampled (return false to stop). opts are
// optional extras (GenerateOptions: per-token candidate distributions).
func (m *LanguageModel) Generate(ctx context.Context, prompt string, n int, cfg decoder.SampleConfig, seed uint64, emit func(piece string) bool, opts ...GenerateOptions) (*Generation, error) {
	if n < 1 {
		return nil, fmt.Errorf("length must be >= 1 (got %d)", n)
	}
	smp, err := decoder.NewSampler(cfg, seed)
	if err != nil {
		return nil, err
	}
	if err := m.watchCandidates(smp, cfg, opts); err != nil {
		return nil, err
	}
	var out []int
	var prev []int
	var unknown []string
	var text []byte
	text = append(text, prompt...)
	piece := func(tok int) string {
		if len(prev) == 0 {
			return m.Tokenizer.Decode([]int{tok})
		}
		last := prev[len(prev)-1]
		both := m.Tokenizer.Decode([]int{last, tok})
		one := m.Tokenizer.Decode([]int{last})
		return both[len(one):]
	}
	var stream *gpt2.StreamDecoder // byte-level BPE: never emit half a character
	if bt, ok := m.Tokenizer.(*tokenizers.BPETokenizer); ok {
		stream = bt.NewStreamDecoder()
		piece = func(tok int) string {
			p, _ := stream.Next(tok)
			if len(out) == n { // the last token carries what is still pending
				p += stream.Flush()
			}
			return p
		}
	}
	onToken := func(tok int) bool {
		out = append(out, tok)
		p := piece(tok)
		prev = append(prev[:0], tok)
		text = append(text, p...)
		if emit != nil {
			return emit(p)
		}
		return true
	}
	switch {
	case m.GPT != nil:
		ids, unk := m.Tokenizer.Encode(prompt)
		unknown = unk
		if len(ids) == 0 {
			primed, err := encoder.Prompt{Tokenizer: m.Tokenizer, Decoder: m.GPT}.Encode("")
			if err != nil {
				return nil, err
			}
			ids = primed.Tokens
		}
		if err := generateGPT(ctx, m.GPT, ids, n, smp, onToken); err != nil {
			return nil, err
		}
	case m.Decoder != nil:
		primed, err := encoder.Prompt{Tokenizer: m.Tokenizer, Decoder: m.Decoder}.Encode(prompt)
		if err != nil {
			return nil, err
		}
		unknown = primed.Unknown
		prev = []int{primed.Tokens[len(primed.Tokens)-1]}
		if _, err := decoder.Generate(ctx, m.Decoder, primed.State, primed.Logits, n, smp, onToken); err != nil {
			return nil, err
		}
	case m.Markov != nil:
		ids, unk := m.Tokenizer.Encode(prompt)
		unknown = unk
		if len(ids) > 0 {
			prev = []int{ids[len(ids)-1]}
		} else {
			nl, _ := m.Tokenizer.Vocab().ID("\n")
			ids = []int{nl}
		}
		// Stream like the recurrent case: each token reaches emit as soon as
		// it is drawn, and cancellation stops before the next is sampled.
		if _, err := m.Markov.GenerateStream(ctx, ids, n, smp, onToken); err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("language model has no weights")
	}
	if stream != nil && stream.Pending() > 0 { // stopped early
		text = append(text, stream.Flush()...)
	}
	return &Generation{Text: string(text), Tokens: out, Unknown: unknown}, nil
}

// EvalText scores the last valFrac of text the way training validates:
// mean NLL in nats per token (the first validation token has no target).
func (m *LanguageModel) EvalText(ctx context.Context, text string, valFrac float64) (loss float64, tokens int, unknown int, err error) {
	_, valText, err := datasets.SplitTextTrainVal(text, splitLevel(m.Tokenizer.Level()), m.Lowercase, valFrac)
	if err != nil {
		return 0, 0, 0, err
	}
	ids, _ := m.Tokenizer.Encode(valText)
	for _, id := range ids {
		if id == 0 && m.Tokenizer.Level() != gpt2.Level { // BPE has no <unk>
			unknown++
		}
	}
	if len(ids) < 2 {
		return 0, 0, 0, fmt.Errorf("the evaluated part has %d tokens, need at least 2", len(ids))
	}
	if m.Markov != nil {
		return m.Markov.Eval(ids), len(ids) - 1, unknown, nil
	}
	if m.GPT != nil {
		loss, err = EvalGPT(ctx, m.GPT, ids, 0)
		return loss, len(ids) - 1, unknown, err
	}
	eg, err := NewEvalGraph(m.Decoder, ids, 32, 100)
	if err != nil {
		return 0, 0, 0, err
	}
	loss, err = eg.Run(ctx)
	return loss, len(ids) - 1, unknown, err
}
