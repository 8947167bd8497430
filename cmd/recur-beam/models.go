package main

// models.go is the ONLY file of recur-beam that calls recur's library
// (tasks, builtin, decoder, datasets, cnn). Everything else sees the small
// interface below, so when the library's packages are renamed or split,
// this file is the one place to re-point.
//
// Library calls made here:
//   builtin.EnFr, builtin.Captioner, builtin.Shakespeare           built-in models
//   models.LoadTranslator, models.LoadCaptioner, models.LoadLanguageModel
//   (*models.Translator).Translate, .LengthPenalty; models.TranslateOptions
//   (*models.Captioner).Caption; models.CaptionOptions; .Config.Image
//   cnn.DecodeImage                                                image bytes → model input
//   (*models.LanguageModel).Generate; .Tokenizer.Encode/.Vocab().ID; .Decoder.NewState/Prime/Step/VocabSize; .Markov
//   decoder.SampleConfig (+Validate), decoder.LogSoftmax

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"

	"github.com/recur-dev/recur/models"

	"github.com/recur-dev/recur/builtin"
	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/internal/kernels"
)

// ModelOptions are every subcommand's model settings, copied into the DoFn
// (exported fields: Beam serialises DoFns as JSON to ship them to workers).
type ModelOptions struct {
	Task  string `json:"task"`  // translate, caption, generate or score
	Model string `json:"model"` // model file path; "" = the built-in model of the task

	Beam             int     `json:"beam"`
	LengthPenalty    float64 `json:"length_penalty"`
	LengthPenaltySet bool    `json:"length_penalty_set"` // false: the model's tuned value
	MaxLen           int     `json:"max_len"`            // 0: the model's

	Sample      bool    `json:"sample"` // translate: sample instead of greedy
	Greedy      bool    `json:"greedy"` // generate: always the most likely token
	Temperature float64 `json:"temperature"`
	TopK        int     `json:"top_k"`
	TopP        float64 `json:"top_p"`
	Length      int     `json:"length"` // generate: tokens per prompt
	Seed        uint64  `json:"seed"`
}

// Outcome is a model's answer for one input: Output and its token count,
// or Reason (the item goes to the dead-letter output).
type Outcome struct {
	Output string
	Tokens int
	Reason string
}

// Runner runs a loaded model on a batch of inputs (text lines, or image
// file bytes for captioning with names for errors). ids are the items'
// stable ids, used to seed sampling per item.
type Runner interface {
	Run(ctx context.Context, ids []string, inputs [][]byte) ([]Outcome, error)
}

// sampleConfig is the sampling configuration the options describe.
func (o ModelOptions) sampleConfig() decoder.SampleConfig {
	return decoder.SampleConfig{Greedy: o.Greedy, Temperature: o.Temperature, TopK: o.TopK, TopP: o.TopP}
}

// ValidateSampling checks temperature/top-k/top-p with the library's rules.
func (o ModelOptions) ValidateSampling() error {
	return o.sampleConfig().Validate()
}

// ItemSeed derives an item's seed from the global seed and its id only, so
// results never depend on processing order, sharding or bundle sizes.
func ItemSeed(seed uint64, id string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(seed >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(id))
	return h.Sum64()
}

// LoadRunner loads the model of o.Task (a file path or the built-in one).
func LoadRunner(o ModelOptions) (Runner, error) {
	switch o.Task {
	case "translate":
		var m *models.Translator
		var err error
		if o.Model == "" {
			m, err = builtin.EnFr()
		} else {
			m, err = models.LoadTranslator(o.Model)
		}
		if err != nil {
			return nil, err
		}
		return &translateRunner{m: m, o: o}, nil
	case "caption":
		var m *models.Captioner
		var err error
		if o.Model == "" {
			m, err = builtin.Captioner()
		} else {
			m, err = models.LoadCaptioner(o.Model)
		}
		if err != nil {
			return nil, err
		}
		return &captionRunner{m: m, o: o}, nil
	case "generate", "score":
		var m *models.LanguageModel
		var err error
		if o.Model == "" {
			m, err = builtin.Shakespeare()
		} else {
			m, err = models.LoadLanguageModel(o.Model)
		}
		if err != nil {
			return nil, err
		}
		if o.Task == "generate" {
			return &generateRunner{m: m, o: o}, nil
		}
		return &scoreRunner{m: m}, nil
	}
	return nil, fmt.Errorf("unknown task %q (valid: translate, caption, generate, score)", o.Task)
}

type translateRunner struct {
	m *models.Translator
	o ModelOptions
}

func (r *translateRunner) Run(ctx context.Context, ids []string, inputs [][]byte) ([]Outcome, error) {
	// A nil LengthPenalty is the model's own tuned default, as in recur translate.
	o := models.TranslateOptions{Beam: max(r.o.Beam, 1), NBest: 1, MaxLen: r.o.MaxLen, Seed: r.o.Seed}
	if r.o.LengthPenaltySet {
		o.LengthPenalty = models.Penalty(r.o.LengthPenalty)
	}
	out := make([]Outcome, len(inputs))
	var batch []string
	var at []int
	for i, in := range inputs {
		if len(bytes.TrimSpace(in)) == 0 {
			out[i].Reason = "empty line: nothing to translate"
			continue
		}
		batch = append(batch, string(in))
		at = append(at, i)
	}
	if r.o.Sample {
		// Sampling: one call per item with the item's own seed.
		sc := r.o.sampleConfig()
		o.Sample = &sc
		for k, s := range batch {
			o.Seed = ItemSeed(r.o.Seed, ids[at[k]])
			tr, err := r.m.Translate(ctx, []string{s}, o)
			if err != nil {
				out[at[k]].Reason = err.Error()
				continue
			}
			out[at[k]] = translationOutcome(tr[0])
		}
		return out, nil
	}
	if len(batch) == 0 {
		return out, nil
	}
	tr, err := r.m.Translate(ctx, batch, o)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		// One bad sentence must not sink the batch: retry one by one.
		for k, s := range batch {
			t, err := r.m.Translate(ctx, []string{s}, o)
			if err != nil {
				out[at[k]].Reason = err.Error()
				continue
			}
			out[at[k]] = translationOutcome(t[0])
		}
		return out, nil
	}
	for k, t := range tr {
		out[at[k]] = translationOutcome(t)
	}
	return out, nil
}

func translationOutcome(t models.Translation) Outcome {
	if len(t.Hyps) == 0 {
		return Outcome{Reason: "no translation produced"}
	}
	h := t.Hyps[0]
	return Outcome{Output: h.Text, Tokens: len(h.Tokens)}
}

// MaxImageBytes bounds an image file read whole into memory.
const MaxImageBytes = 32 << 20

type captionRunner struct {
	m *models.Captioner
	o ModelOptions
}

// Run captions image files; inputs hold their bytes, ids their names.
func (r *captionRunner) Run(ctx context.Context, ids []string, inputs [][]byte) ([]Outcome, error) {
	out := make([]Outcome, len(inputs))
	var imgs [][]float32
	var at []int
	for i, b := range inputs {
		x, err := cnn.DecodeImage(bytes.NewReader(b), ids[i], r.m.Config.Image)
		if err != nil {
			out[i].Reason = err.Error()
			continue
		}
		imgs = append(imgs, x)
		at = append(at, i)
	}
	if len(imgs) == 0 {
		return out, nil
	}
	caps, err := r.m.Caption(ctx, imgs, models.CaptionOptions{Beam: max(r.o.Beam, 1), MaxLen: r.o.MaxLen})
	if err != nil {
		return nil, err
	}
	for k, c := range caps {
		text := c.Text
		if !c.Finished {
			text += " …" // as recur caption marks a caption cut at the maximum length
		}
		out[at[k]] = Outcome{Output: text, Tokens: len(c.Tokens)}
	}
	return out, nil
}

type generateRunner struct {
	m *models.LanguageModel
	o ModelOptions
}

// Run continues each prompt with its own seed (the library generates one
// prompt at a time).
func (r *generateRunner) Run(ctx context.Context, ids []string, inputs [][]byte) ([]Outcome, error) {
	out := make([]Outcome, len(inputs))
	for i, in := range inputs {
		g, err := r.m.Generate(ctx, string(in), r.o.Length, r.o.sampleConfig(), ItemSeed(r.o.Seed, ids[i]), nil)
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			out[i].Reason = err.Error()
			continue
		}
		out[i] = Outcome{Output: g.Text, Tokens: len(g.Tokens)}
	}
	return out, nil
}

type scoreRunner struct {
	m *models.LanguageModel
}

// Score is one line's log-loss: the model starts from a line break, reads
// the line and predicts each of its tokens and then the closing line break,
// so Tokens = len(line's tokens) + 1 and Nats = Σ −log p(token | before).
type Score struct {
	Nats   float64
	Tokens int
}

// Perplexity is exp(nats per token).
func (s Score) Perplexity() float64 { return math.Exp(s.Nats / float64(s.Tokens)) }

func (r *scoreRunner) Run(ctx context.Context, ids []string, inputs [][]byte) ([]Outcome, error) {
	lines := make([]string, len(inputs))
	for i, in := range inputs {
		lines[i] = string(in)
	}
	scores, err := ScoreLines(ctx, r.m, lines)
	if err != nil {
		return nil, err
	}
	out := make([]Outcome, len(inputs))
	for i, s := range scores {
		out[i] = Outcome{Output: fmt.Sprintf("%.6f\t%d\t%.6f", s.Nats, s.Tokens, s.Perplexity()), Tokens: s.Tokens}
	}
	return out, nil
}

// lineIDs are a line's token ids framed by line breaks (the vocabulary's
// "\n", else <unk>), as ScoreLines reads them.
func lineIDs(m *models.LanguageModel, line string) []int {
	nl, ok := m.Tokenizer.Vocab().ID("\n")
	if !ok {
		nl = 0
	}
	ids, _ := m.Tokenizer.Encode(line)
	return append(append([]int{nl}, ids...), nl)
}

// ScoreLines scores lines batched: all rows step together through the
// decoder (rows that have ended keep stepping on a pad token, their
// figures no longer counted); the rows never interact.
func ScoreLines(ctx context.Context, m *models.LanguageModel, lines []string) ([]Score, error) {
	out := make([]Score, len(lines))
	seqs := make([][]int, len(lines))
	longest := 0
	for i, l := range lines {
		seqs[i] = lineIDs(m, l)
		longest = max(longest, len(seqs[i]))
	}
	if m.Decoder == nil {
		if m.Markov == nil {
			return nil, errors.New("language model has no weights")
		}
		for i, ids := range seqs {
			loss := m.Markov.Eval(ids) // mean NLL over len(ids)-1 targets
			out[i] = Score{Nats: loss * float64(len(ids)-1), Tokens: len(ids) - 1}
		}
		return out, nil
	}
	d := m.Decoder
	B, V := len(lines), d.VocabSize()
	s := d.NewState(B)
	logits := make([]float32, B*V)
	logp := make([]float32, V)
	tok := make([]int, B)
	for t := 0; t+1 < longest; t++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for r, ids := range seqs {
			tok[r] = ids[min(t, len(ids)-1)]
		}
		if err := d.Step(s, tok, logits); err != nil {
			return nil, err
		}
		for r, ids := range seqs {
			if t+1 >= len(ids) {
				continue
			}
			decoder.LogSoftmax(logp, logits[r*V:(r+1)*V])
			out[r].Nats -= float64(logp[ids[t+1]])
			out[r].Tokens++
		}
	}
	return out, nil
}

// scoreLineReference scores one line on its own with batch 1, the
// reference the tests compare the batched pipeline against.
func scoreLineReference(m *models.LanguageModel, line string) (Score, error) {
	s, err := ScoreLines(context.Background(), m, []string{line})
	if err != nil {
		return Score{}, err
	}
	return s[0], nil
}

// The references below are what the tests compare the pipelines with: the
// library used the way the recur CLI uses it.

// referenceTranslate translates like `recur translate --beam 1` on
// standard input: greedy, batches of 64, the built-in model when path is "".
func referenceTranslate(path string, sentences []string) ([]string, error) {
	r, err := LoadRunner(ModelOptions{Task: "translate", Model: path})
	if err != nil {
		return nil, err
	}
	m := r.(*translateRunner).m
	o := models.TranslateOptions{Beam: 1, NBest: 1, Seed: 1}
	var out []string
	for start := 0; start < len(sentences); start += 64 {
		tr, err := m.Translate(context.Background(), sentences[start:min(start+64, len(sentences))], o)
		if err != nil {
			return nil, err
		}
		for _, t := range tr {
			out = append(out, t.Hyps[0].Text)
		}
	}
	return out, nil
}

// referenceCaption captions like `recur caption` (greedy, built-in model).
func referenceCaption(paths []string) ([]string, error) {
	m, err := builtin.Captioner()
	if err != nil {
		return nil, err
	}
	imgs, err := m.LoadImages(paths)
	if err != nil {
		return nil, err
	}
	caps, err := m.Caption(context.Background(), imgs, models.CaptionOptions{Beam: 1})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(caps))
	for i, c := range caps {
		out[i] = c.Text
		if !c.Finished {
			out[i] += " …"
		}
	}
	return out, nil
}

// referenceScore scores lines one at a time with the built-in language model.
func referenceScore(lines []string) ([]Score, error) {
	m, err := builtin.Shakespeare()
	if err != nil {
		return nil, err
	}
	out := make([]Score, len(lines))
	for i, l := range lines {
		if out[i], err = scoreLineReference(m, l); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// writeScenes renders n scenes of coloured shapes as PNG files in dir.
func writeScenes(dir string, n int, seed uint64) error {
	return datasets.WriteScenes(dir, n, seed, datasets.DefaultSceneConfig())
}

// SetThreads sets the cores the library's matrix kernels may use.
func SetThreads(n int) { kernels.SetThreads(n) }
