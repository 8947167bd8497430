package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	G "gorgonia.org/gorgonia"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/metrics"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
)

// TaskTranslate is the model-file task of translators.
const TaskTranslate = "translate"

// TranslatorConfig is what a translation model file records besides weights.
type TranslatorConfig struct {
	Encoder   encoder.RNNConfig `json:"encoder"`
	Decoder   decoder.Config    `json:"decoder"`
	Lowercase bool              `json:"lowercase"`
	SrcLang   string            `json:"src_lang"`
	TgtLang   string            `json:"tgt_lang"`
	MaxLen    int               `json:"max_len"` // longest output decoded by default
	// MaxSrcLen is the longest source accepted (tokens), twice the longest
	// training source: far beyond it the model is extrapolating blindly.
	MaxSrcLen int `json:"max_src_len,omitempty"`
	// Subwords > 0 splits words into byte-pair-encoding subwords learned by
	// recur on the training split (about this many symbols per side), so
	// rare words and names are spelled out instead of becoming <unk>.
	Subwords int `json:"subwords,omitempty"`
}

// Translator is a sequence-to-sequence model: an RNN encoder with a bridge
// into the shared attention decoder.
type Translator struct {
	Config   TranslatorConfig
	SrcVocab *tokenizers.Vocab
	TgtVocab *tokenizers.Vocab
	SrcBPE   *tokenizers.BPE // nil: whole words
	TgtBPE   *tokenizers.BPE
	Enc      *encoder.RNN
	Dec      *decoder.Decoder
	Meta     map[string]string
}

// NewTranslator initialises a model for the two vocabularies.
func NewTranslator(cfg TranslatorConfig, src, tgt *tokenizers.Vocab, seed uint64) (*Translator, error) {
	cfg.Encoder.Vocab = src.Size()
	cfg.Decoder.Vocab = tgt.Size()
	cfg.Decoder.Memory = cfg.Encoder.Hidden
	if cfg.Decoder.Attention == "" {
		return nil, errors.New("a translator needs attention (additive or multiplicative)")
	}
	if err := checkTranslatorConfig(cfg); err != nil {
		return nil, err
	}
	dec, err := decoder.New(cfg.Decoder, seed+1)
	if err != nil {
		return nil, fmt.Errorf("decoder: %w", err)
	}
	enc, err := encoder.NewRNN(cfg.Encoder, cfg.Decoder.Layers, cfg.Decoder.Hidden, seed)
	if err != nil {
		return nil, fmt.Errorf("encoder: %w", err)
	}
	return &Translator{Config: cfg, SrcVocab: src, TgtVocab: tgt, Enc: enc, Dec: dec}, nil
}

// Params lists encoder then decoder weights.
func (m *Translator) Params() nn.Params { return append(m.Enc.Params(), m.Dec.Params()...) }

// File assembles the model file.
func (m *Translator) File(meta map[string]string, dtype modelfile.DType) (*modelfile.File, error) {
	cb, err := json.Marshal(m.Config)
	if err != nil {
		return nil, err
	}
	sb, _ := json.Marshal(m.SrcVocab.Tokens())
	tb, _ := json.Marshal(m.TgtVocab.Tokens())
	f := &modelfile.File{Task: TaskTranslate, Metadata: map[string]string{"config": string(cb), "src_vocab": string(sb), "tgt_vocab": string(tb)}}
	if m.SrcBPE != nil {
		bs, _ := json.Marshal(m.SrcBPE.Merges())
		bt, _ := json.Marshal(m.TgtBPE.Merges())
		f.Metadata["src_bpe"], f.Metadata["tgt_bpe"] = string(bs), string(bt)
	}
	return addWeights(f, meta, m.Params(), dtype), nil
}

// LoadTranslator reads a translation model file.
func LoadTranslator(path string) (*Translator, error) {
	return loadModel(path, TaskTranslate, translatorFromFile)
}

// DecodeTranslator reads a translator from memory (embedded models).
func DecodeTranslator(data []byte, name string) (*Translator, error) {
	return decodeModel(data, name, TaskTranslate, translatorFromFile)
}

func readVocab(f *modelfile.File, key, side string) (*tokenizers.Vocab, error) {
	var toks []string
	if err := json.Unmarshal([]byte(f.Metadata[key]), &toks); err != nil {
		return nil, fmt.Errorf("corrupt %s vocabulary: %v", side, err)
	}
	v, err := tokenizers.NewVocab(toks)
	if err != nil {
		return nil, fmt.Errorf("corrupt %s vocabulary: %v", side, err)
	}
	if err := tokenizers.CheckSeqVocab(v, side); err != nil {
		return nil, err
	}
	return v, nil
}

func translatorFromFile(f *modelfile.File) (*Translator, error) {
	var cfg TranslatorConfig
	if err := json.Unmarshal([]byte(f.Metadata["config"]), &cfg); err != nil {
		return nil, fmt.Errorf("corrupt model config: %v", err)
	}
	src, err := readVocab(f, "src_vocab", "source")
	if err != nil {
		return nil, err
	}
	tgt, err := readVocab(f, "tgt_vocab", "target")
	if err != nil {
		return nil, err
	}
	if cfg.Encoder.Vocab != src.Size() || cfg.Decoder.Vocab != tgt.Size() {
		return nil, fmt.Errorf("corrupt model: config vocabularies %d/%d, stored %d/%d", cfg.Encoder.Vocab, cfg.Decoder.Vocab, src.Size(), tgt.Size())
	}
	m, err := NewTranslator(cfg, src, tgt, 0)
	if err != nil {
		return nil, fmt.Errorf("corrupt model config: %v", err)
	}
	if err := loadParams(f, m.Params()); err != nil {
		return nil, err
	}
	m.Dec.Freeze() // a loaded model is for inference
	if cfg.Subwords > 0 {
		for _, side := range []struct {
			key string
			dst **tokenizers.BPE
		}{{"src_bpe", &m.SrcBPE}, {"tgt_bpe", &m.TgtBPE}} {
			var merges [][2]string
			if err := json.Unmarshal([]byte(f.Metadata[side.key]), &merges); err != nil {
				return nil, fmt.Errorf("corrupt subword merges %s: %v", side.key, err)
			}
			if *side.dst, err = tokenizers.NewBPE(merges); err != nil {
				return nil, fmt.Errorf("corrupt subword merges %s: %v", side.key, err)
			}
		}
	}
	m.Meta = f.Metadata
	return m, nil
}

// TranslateOptions choose the decoding.
type TranslateOptions struct {
	Beam  int // beam width; 1 = greedy (or sampling when Sample is set)
	NBest int // hypotheses per sentence (<= Beam)
	// LengthPenalty is α of beam search, in [0, 5]; nil applies the
	// model's own tuned value (see Translator.LengthPenalty).
	LengthPenalty *float64
	MaxLen        int // 0 = the model's default (TranslatorConfig.MaxLen)
	Sample        *decoder.SampleConfig
	Seed          uint64
}

// DefaultTranslateOptions: greedy, the model's length penalty and maximum
// length.
func DefaultTranslateOptions() TranslateOptions {
	return TranslateOptions{Beam: 1, NBest: 1}
}

// Penalty is a length penalty option: Penalty(0.6) overrides the model's.
func Penalty(alpha float64) *float64 { return &alpha }

// EvalPairsConfig is how to read held-out pairs for this model: normalised
// as its training data were (the model's Lowercase), every pair kept.
func (m *Translator) EvalPairsConfig() datasets.PairsConfig {
	pc := datasets.DefaultPairsConfig()
	pc.Lowercase, pc.MaxTokens, pc.Dedup = m.Config.Lowercase, 0, false
	return pc
}

// MetaLengthPenalty is the metadata key of a model's tuned beam length
// penalty (chosen on the validation split, never the test split).
const MetaLengthPenalty = "decode.length_penalty"

// LengthPenalty is the model's tuned beam length penalty, or 1.
func (m *Translator) LengthPenalty() float64 { return storedLengthPenalty(m.Meta) }

// storedLengthPenalty is the tuned beam length penalty a model file's
// metadata records under MetaLengthPenalty, or 1 (none, or out of [0, 5]).
func storedLengthPenalty(meta map[string]string) float64 {
	if v, err := strconv.ParseFloat(meta[MetaLengthPenalty], 64); err == nil && v >= 0 && v <= 5 {
		return v
	}
	return 1
}

// chooseLengthPenalty is the α decoding uses: the caller's (option names
// the option in errors), else the model's.
func chooseLengthPenalty(alpha *float64, model float64, option string) (float64, error) {
	if alpha == nil {
		return model, nil
	}
	if lp := *alpha; !(lp >= 0 && lp <= 5) {
		return 0, fmt.Errorf("%s must be in [0, 5] (got %g)", option, lp)
	}
	return *alpha, nil
}

// Hyp is one translation of a sentence.
type Hyp struct {
	Text      string   // detokenized
	Words     []string // target words
	Tokens    []string // target tokens as shown to people (subwords: "-" ends a piece the next one continues), one per attention row
	Score     float64  // beam score (log-probability per token, α = 1); 0 for greedy
	Finished  bool     // false when cut at the maximum length
	Attention [][]float32
}

// Translation is the result for one source sentence.
type Translation struct {
	Source       string
	SourceTokens []string
	Unknown      []string // source tokens read as <unk>
	Hyps         []Hyp
}

// Tokenize normalises and tokenizes a source sentence as training did
// (words, then subwords if the model uses them).
func (m *Translator) Tokenize(s string) []string {
	return Subwords(m.SrcBPE, tokenizers.TokenizeMulti(tokenizers.Normalize(s, m.Config.Lowercase)))
}

// Subwords splits words into b's subwords, or returns them unchanged when
// b is nil (a word-level model).
func Subwords(b *tokenizers.BPE, words []string) []string {
	if b == nil {
		return words
	}
	return b.Encode(words)
}

// displayTokens writes subwords for people: the end-of-word marker is
// dropped and a piece that continues into the next one ends in "-"
// ("nerv- ously"). Word tokens are unchanged.
func displayTokens(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		if w, ok := strings.CutSuffix(t, tokenizers.EndOfWord); ok {
			out[i] = w
		} else if i+1 < len(toks) && !isSpecialToken(t) && anySubword(toks) {
			out[i] = t + "-"
		} else {
			out[i] = t
		}
	}
	return out
}

func anySubword(toks []string) bool {
	for _, t := range toks {
		if strings.HasSuffix(t, tokenizers.EndOfWord) {
			return true
		}
	}
	return false
}

func isSpecialToken(t string) bool { return strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">") }

// words joins subword tokens back into words (identity for word models).
func (m *Translator) words(toks []string) []string {
	if m.TgtBPE == nil {
		return toks
	}
	return tokenizers.DecodeBPE(toks)
}

// encode prepares one source sentence.
func (m *Translator) encode(s string) (*encoder.Encoded, []string, []string, error) {
	toks := m.Tokenize(s)
	if len(toks) == 0 {
		return nil, nil, nil, fmt.Errorf("source %q is empty: nothing to translate", s)
	}
	if n := m.Config.MaxSrcLen; n > 0 && len(toks) > n {
		return nil, nil, nil, fmt.Errorf("source has %d tokens; this model accepts at most %d (twice its longest training sentence): split the text into sentences", len(toks), n)
	}
	var unknown []string
	ids := tokenizers.EncodeSeq(m.SrcVocab, toks)
	for i, id := range ids {
		if id == tokenizers.UnkID {
			unknown = append(unknown, toks[i])
		}
	}
	enc, err := m.Enc.Encode(ids)
	return enc, toks, unknown, err
}

func (m *Translator) hyp(ids []int, score float64, finished bool, att [][]float32) Hyp {
	toks := tokenizers.DecodeSeq(m.TgtVocab, ids)
	words := m.words(toks)
	return Hyp{Text: tokenizers.Detokenize(words, m.Config.TgtLang, true), Words: words, Tokens: displayTokens(toks), Score: score, Finished: finished, Attention: att}
}

// Translate translates sentences. Greedy and sampled decoding run all
// sentences together in batched steps; beam search runs sentence by
// sentence, its hypotheses batched.
func (m *Translator) Translate(ctx context.Context, sentences []string, o TranslateOptions) ([]Translation, error) {
	maxLen := o.MaxLen
	if maxLen == 0 {
		maxLen = max(m.Config.MaxLen, 1)
	}
	lp, err := chooseLengthPenalty(o.LengthPenalty, m.LengthPenalty(), "TranslateOptions.LengthPenalty")
	if err != nil {
		return nil, err
	}
	out := make([]Translation, len(sentences))
	encs := make([]*encoder.Encoded, len(sentences))
	for i, s := range sentences {
		enc, toks, unk, err := m.encode(s)
		if err != nil {
			return nil, fmt.Errorf("sentence %d: %w", i+1, err)
		}
		encs[i] = enc
		out[i] = Translation{Source: s, SourceTokens: displayTokens(toks), Unknown: unk}
	}
	if o.Beam > 1 {
		cfg := decoder.BeamConfig{Width: o.Beam, LengthPenalty: lp, MaxLen: maxLen, MinLen: 1, NBest: max(o.NBest, 1)}
		for i, enc := range encs {
			s := encoder.Start(m.Dec, []*encoder.Encoded{enc})
			hyps, err := decoder.BeamSearch(ctx, m.Dec, s, tokenizers.BOSID, tokenizers.EOSID, cfg)
			if err != nil {
				return nil, fmt.Errorf("sentence %d: %w", i+1, err)
			}
			for _, h := range hyps {
				out[i].Hyps = append(out[i].Hyps, m.hyp(h.Tokens, h.Score, h.Finished, h.Attention))
			}
		}
		return out, nil
	}
	const chunk = 64
	for start := 0; start < len(encs); start += chunk {
		end := min(start+chunk, len(encs))
		s := encoder.Start(m.Dec, encs[start:end])
		pick := decoder.Argmax
		if o.Sample != nil {
			smp, err := decoder.NewSampler(*o.Sample, o.Seed+uint64(start))
			if err != nil {
				return nil, err
			}
			pick = func(_ int, logits []float32) int { return smp.Sample(logits) }
		}
		rows, cut, att, err := decodeRows(ctx, m.Dec, s, end-start, maxLen, pick)
		if err != nil {
			return nil, err
		}
		for r, ids := range rows {
			out[start+r].Hyps = []Hyp{m.hyp(ids, 0, !cut[r], att[r])}
		}
	}
	return out, nil
}

// decodeRows decodes the n rows of s greedily or by pick, with each row's
// attention weights when the decoder attends (att[r] nil otherwise): one
// step of weights per token and the end, as Caption and Hyp keep them.
func decodeRows(ctx context.Context, dec *decoder.Decoder, s *decoder.State, n, maxLen int, pick func(int, []float32) int) (rows [][]int, cut []bool, att [][][]float32, err error) {
	var all [][][]float32
	if s.Weights != nil {
		all = make([][][]float32, n)
	}
	rows, cut, err = decodeWithAttention(ctx, dec, s, maxLen, pick, all)
	if err != nil {
		return nil, nil, nil, err
	}
	att = make([][][]float32, len(rows))
	if all != nil {
		for r, ids := range rows {
			att[r] = all[r][:min(len(all[r]), len(ids)+1)]
		}
	}
	return rows, cut, att, nil
}

// decodeWithAttention is DecodeBatch that also records each row's
// attention weights per step.
func decodeWithAttention(ctx context.Context, dec *decoder.Decoder, s *decoder.State, maxLen int, pick func(int, []float32) int, att [][][]float32) ([][]int, []bool, error) {
	wrapped := pick
	if att != nil {
		wrapped = func(row int, logits []float32) int {
			att[row] = append(att[row], append([]float32(nil), s.Weights[row]...))
			return pick(row, logits)
		}
	}
	return decoder.DecodeBatch(ctx, dec, s, tokenizers.BOSID, tokenizers.EOSID, maxLen, wrapped)
}

// joinTokens renders tokens for "tokenised" scoring: joined by spaces.
func joinTokens(toks []string) string { return strings.Join(toks, " ") }

// Score translates the pairs' sources and returns corpus BLEU and chrF of
// the tokenised hypotheses against the tokenised references.
func (m *Translator) Score(ctx context.Context, pairs []datasets.Pair, pc datasets.PairsConfig, o TranslateOptions) (bleu, chrf float64, err error) {
	srcs := make([]string, len(pairs))
	refs := make([]string, len(pairs))
	for i, p := range pairs {
		srcs[i] = p.Src
		refs[i] = joinTokens(pc.Tokenize(p.Tgt))
	}
	tr, err := m.Translate(ctx, srcs, o)
	if err != nil {
		return 0, 0, err
	}
	hyps := make([]string, len(tr))
	for i, x := range tr {
		hyps[i] = joinTokens(x.Hyps[0].Words)
	}
	b, err := metrics.CorpusBLEU(hyps, [][]string{refs}, metrics.DefaultBLEUConfig())
	if err != nil {
		return 0, 0, err
	}
	c, err := metrics.CorpusChrF(hyps, [][]string{refs}, metrics.DefaultChrFConfig())
	if err != nil {
		return 0, 0, err
	}
	return b.Score, c.Score, nil
}

// BatchGraph is the training (or evaluation) graph of a Translator for
// one padded shape: B rows, S source and T target steps. The task pads
// batches up to a multiple of 4 steps on each side so that a handful of
// graphs serve every batch. Fill Src, Lens, TgtIn, TgtOut (time-major,
// PadID / IgnoreTarget past each row's end) before each run.
type BatchGraph struct {
	g                  *nn.Graph
	logits             *G.Node
	machine            *nn.Machine
	B, S, T            int
	Src, TgtIn, TgtOut []int
	Lens               []int
}

// Run trains: forward, backward, gradients into the model's Params; step
// seeds the dropout masks. It returns the mean loss per target token.
func (sg *BatchGraph) Run(step int) (float32, error) {
	sg.g.Step = uint64(step)
	return sg.machine.Run()
}

// Forward runs the forward pass only (evaluation graphs) and returns the
// mean loss per target token; Logits then holds the predictions.
func (sg *BatchGraph) Forward() (float32, error) { return sg.machine.Forward() }

// Logits returns the last run's logits, (T·B)×V time-major.
func (sg *BatchGraph) Logits() []float32 { return sg.g.Output(sg.logits) }

// NewBatchGraph compiles a graph for B×S sources and B×T targets; train
// adds the backward pass and dropout.
func (m *Translator) NewBatchGraph(B, S, T int, train bool, seed uint64, smoothing float64) (*BatchGraph, error) {
	return m.buildGraph(B, S, T, train, seed, smoothing)
}

func (m *Translator) buildGraph(B, S, T int, train bool, seed uint64, smoothing float64) (*BatchGraph, error) {
	sg := &BatchGraph{B: B, S: S, T: T, Src: make([]int, S*B), TgtIn: make([]int, T*B), TgtOut: make([]int, T*B), Lens: make([]int, B)}
	g := nn.NewGraph(train, seed)
	mem, init := m.Enc.Graph(g, g.Ints("src", sg.Src), B, S, &sg.Lens)
	logits, _, _ := m.Dec.GraphWith(g, g.Ints("tin", sg.TgtIn), B, decoder.GraphInputs{H0: init, Memory: mem, SrcLengths: &sg.Lens})
	loss := g.CrossEntropy(logits, g.Ints("tout", sg.TgtOut), smoothing)
	sg.logits = logits
	var err error
	if train {
		sg.machine, err = g.Compile(loss)
	} else {
		sg.machine, err = g.CompileForward(loss)
	}
	sg.g = g
	return sg, err
}

// Fill copies a batch into the graph's inputs, padding to its shape.
func (sg *BatchGraph) Fill(b *datasets.SeqBatch) {
	B := sg.B
	for t := 0; t < sg.S; t++ {
		for r := 0; r < B; r++ {
			v := tokenizers.PadID
			if t < b.SrcLen {
				v = b.Src[t*B+r]
			}
			sg.Src[t*B+r] = v
		}
	}
	copy(sg.Lens, b.SrcLens)
	for t := 0; t < sg.T; t++ {
		for r := 0; r < B; r++ {
			in, out := tokenizers.PadID, nn.IgnoreTarget
			if t < b.TgtLen {
				in, out = b.TgtIn[t*B+r], b.TgtOut[t*B+r]
			}
			sg.TgtIn[t*B+r], sg.TgtOut[t*B+r] = in, out
		}
	}
}
