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
//   (*models.LanguageModel).Generate, .ScoreLines; models.LineScore (.TSV)
//   decoder.SampleConfig (+Validate)

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"

	"github.com/recur-dev/recur/models"

	"github.com/recur-dev/recur/builtin"
	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/decoder"
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

// Run continues each prompt with its own seed, one prompt at a time, on
// purpose. decoder.DecodeBatch does not fit: it starts every row from one
// bos token (no prompt to prime) and stops a row at eos, where generation
// primes each row with its own prompt and runs a fixed number of tokens.
// And a batched step is not the same arithmetic as a single-row step: the
// matrix kernels pick their method by the row count (matrix-vector for one
// row, row dots for up to 8, packed GEMM beyond) and each sums in its own
// order, so a row's logits move in the last float32 bits with the batch it
// shares (measured: ~1e-6 relative on the built-in model). Sampling turns
// such a difference into a different token once in a while, and every
// later token then differs: outputs would depend on how the runner cut the
// bundles, breaking the determinism promise. One prompt at a time, each
// item is exactly `recur generate --seed ItemSeed(seed, id)` on its
// prompt, whatever the bundles. (Stepping in groups of a fixed row count,
// padded, as models.LanguageModel.ScoreLines does, would be deterministic
// too, at the price of differing from recur generate; not done.)
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

// Run scores each line with the library's per-line definition
// (models.LineScore, the figures `recur eval --per-line` writes); they do
// not depend on how lines fall into bundles and batches.
func (r *scoreRunner) Run(ctx context.Context, ids []string, inputs [][]byte) ([]Outcome, error) {
	lines := make([]string, len(inputs))
	for i, in := range inputs {
		lines[i] = string(in)
	}
	scores, err := r.m.ScoreLines(ctx, lines)
	if err != nil {
		return nil, err
	}
	out := make([]Outcome, len(inputs))
	for i, s := range scores {
		out[i] = Outcome{Output: s.TSV(), Tokens: s.Tokens}
	}
	return out, nil
}
