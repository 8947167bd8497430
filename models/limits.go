package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/modelfile"
)

// The largest sizes a model may have: the training flags enforce the same
// ranges, and a model file whose config exceeds them is refused before
// anything is built. Without them a crafted config (a decoder Hidden of 10^8,
// a million layers, a max_len of 2·10^9) made the loader allocate until the
// process died, or decoding run without end.
const (
	maxWidth        = 4096    // Embed, Hidden, AttentionDim of every encoder and decoder
	maxLayers       = 8       // recurrent layers of an encoder or decoder
	maxOutputLen    = 1000    // TranslatorConfig.MaxLen, CaptionerConfig.MaxLen
	maxSourceTokens = 10000   // TranslatorConfig.MaxSrcLen, ClassifierConfig.MaxTokens
	maxVocab        = 1 << 20 // tokens of a vocabulary
)

// checkFile validates the config of a model file of any task before any of
// the model is allocated: every size against the limits above (the ones the
// training flags enforce) and every size that shapes a weight against that
// weight's shape in the file's tensor table, so a file cannot ask for more
// memory than it holds. Load, the per-task loaders and FromFile call it; the
// CLI's training commands check their configs with the same per-config
// functions (checkTranslatorConfig, checkCaptionerConfig, ...). Errors name
// the option (TranslatorConfig.Decoder.Hidden) and what would be valid.
func checkFile(f *modelfile.File) error {
	raw := []byte(f.Metadata["config"])
	switch f.Task {
	case TaskTranslate:
		var c TranslatorConfig
		if err := json.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("corrupt model config: %v", err)
		}
		return checkAgainst(f, checkTranslatorConfig(c), func() []shape { return translatorShapes(c) })
	case TaskCaption:
		var c CaptionerConfig
		if err := json.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("corrupt model config: %v", err)
		}
		return checkAgainst(f, checkCaptionerConfig(c), func() []shape { return captionerShapes(c) })
	case TaskClassify, TaskClassifyImage:
		var c ClassifierConfig
		if err := json.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("corrupt model config: %v", err)
		}
		var labels []string
		if err := json.Unmarshal([]byte(f.Metadata["labels"]), &labels); err != nil {
			return fmt.Errorf("corrupt labels: %v", err)
		}
		return checkAgainst(f, checkClassifierConfig(c), func() []shape { return classifierShapes(c, len(labels)) })
	case TaskTextGen:
		var h TextGenHeader
		if err := json.Unmarshal(raw, &h); err != nil {
			return fmt.Errorf("corrupt model config: %v", err)
		}
		if h.Arch != "rnn" || h.Decoder == nil {
			return nil // other architectures validate their own configs
		}
		return checkAgainst(f, checkDecoderConfig(*h.Decoder, "TextGenTaskConfig.Decoder"), func() []shape { return decoderShapes(*h.Decoder) })
	}
	return nil
}

// checkAgainst reports the config's first error, else the first tensor of
// shapes() whose shape the file's table contradicts.
func checkAgainst(f *modelfile.File, cfgErr error, shapes func() []shape) error {
	if cfgErr != nil {
		return fmt.Errorf("corrupt model config: %w", cfgErr)
	}
	// shapes runs only once the sizes are known to be small.
	for _, w := range shapes() {
		t, err := f.Get(w.name)
		if err != nil {
			return fmt.Errorf("corrupt model: %w (the config needs it with shape %v)", err, w.dims)
		}
		if !slices.Equal(t.Shape, w.dims) {
			return fmt.Errorf("corrupt model: tensor %s has shape %v, the config (%s) says %v", w.name, t.Shape, w.from, w.dims)
		}
	}
	return nil
}

// shape is one weight a config implies: its name, dimensions and the
// option the dimensions come from.
type shape struct {
	name string
	dims []int
	from string
}

// inRange names the option and the valid range when v is outside [lo, hi].
func inRange(option string, v, lo, hi int) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s %d is out of range (valid: %d to %d)", option, v, lo, hi)
	}
	return nil
}

// checkDecoderConfig checks the sizes of a recurrent decoder; option
// prefixes the field names in errors.
func checkDecoderConfig(c decoder.Config, option string) error {
	return errors.Join(
		inRange(option+".Vocab", c.Vocab, 2, maxVocab),
		inRange(option+".Embed", c.Embed, 1, maxWidth),
		inRange(option+".Hidden", c.Hidden, 1, maxWidth),
		inRange(option+".Layers", c.Layers, 1, maxLayers),
		inRange(option+".AttentionDim", c.AttentionDim, 0, maxWidth),
		inRange(option+".Memory", c.Memory, 0, maxWidth+2),
	)
}

// checkRNNEncoder checks the sizes of a sentence encoder.
func checkRNNEncoder(c encoder.RNNConfig, option string) error {
	return errors.Join(
		inRange(option+".Vocab", c.Vocab, 2, maxVocab),
		inRange(option+".Embed", c.Embed, 1, maxWidth),
		inRange(option+".Hidden", c.Hidden, 1, maxWidth),
		inRange(option+".Layers", c.Layers, 1, maxLayers),
	)
}

// checkTranslatorConfig checks every size of a translator's config.
func checkTranslatorConfig(c TranslatorConfig) error {
	return errors.Join(
		checkRNNEncoder(c.Encoder, "TranslatorConfig.Encoder"),
		checkDecoderConfig(c.Decoder, "TranslatorConfig.Decoder"),
		inRange("TranslatorConfig.MaxLen", c.MaxLen, 0, maxOutputLen),
		inRange("TranslatorConfig.MaxSrcLen", c.MaxSrcLen, 0, maxSourceTokens),
		inRange("TranslatorConfig.Subwords", c.Subwords, 0, maxVocab),
	)
}

// checkCaptionerConfig checks every size of a captioner's config.
func checkCaptionerConfig(c CaptionerConfig) error {
	err := errors.Join(
		checkDecoderConfig(c.Decoder, "CaptionerConfig.Decoder"),
		inRange("CaptionerConfig.MaxLen", c.MaxLen, 0, maxOutputLen),
	)
	if err != nil {
		return err
	}
	if err := c.Encoder.CNN.Validate(); err != nil {
		return fmt.Errorf("CaptionerConfig.Encoder.CNN: %w", err)
	}
	return checkImageSize(c.Image, c.Encoder.CNN, "CaptionerConfig.Image.Size")
}

// checkClassifierConfig checks every size of a text or image classifier.
func checkClassifierConfig(c ClassifierConfig) error {
	switch c.Kind {
	case "text":
		return errors.Join(
			checkRNNEncoder(c.Encoder, "ClassifierConfig.Encoder"),
			inRange("ClassifierConfig.MaxTokens", c.MaxTokens, 0, maxSourceTokens),
		)
	case "image":
		if err := c.CNN.Validate(); err != nil {
			return fmt.Errorf("ClassifierConfig.CNN: %w", err)
		}
		return checkImageSize(c.Image, c.CNN, "ClassifierConfig.Image.Size")
	}
	return fmt.Errorf("ClassifierConfig.Kind %q is unknown (valid: text, image)", c.Kind)
}

// checkImageSize: the preprocessing must produce the CNN's input.
func checkImageSize(in cnn.InputConfig, net cnn.Config, option string) error {
	if in.Size != net.Size {
		return fmt.Errorf("%s %d differs from the CNN's input size %d", option, in.Size, net.Size)
	}
	return nil
}

// decoderShapes lists the weights whose shapes pin every size of a
// decoder: the embedding, each layer's recurrent matrix, the attention and
// the output layer.
func decoderShapes(c decoder.Config) []shape {
	g := c.Cell.Gates()
	s := []shape{{"embed.weight", []int{c.Vocab, c.Embed}, "Vocab, Embed"}}
	for l := 0; l < c.Layers; l++ {
		s = append(s, shape{fmt.Sprintf("rnn.weight_hh_l%d", l), []int{g * c.Hidden, c.Hidden}, "Cell, Hidden, Layers"})
	}
	switch c.Attention {
	case "additive":
		s = append(s, shape{"attn.wk.weight", []int{c.AttentionDim, c.Memory}, "AttentionDim, Memory"})
	case "multiplicative":
		s = append(s, shape{"attn.w.weight", []int{c.Hidden, c.Memory}, "Hidden, Memory"})
	}
	if c.Attention != "" {
		s = append(s, shape{"combine.weight", []int{c.Hidden, c.Hidden + c.Memory}, "Hidden, Memory"})
	}
	return append(s, shape{"out.weight", []int{c.Vocab, c.Hidden}, "Vocab, Hidden"})
}

// rnnEncoderShapes: the embedding and every direction's recurrent matrix.
func rnnEncoderShapes(c encoder.RNNConfig) []shape {
	g := c.Cell.Gates()
	s := []shape{{"enc.embed.weight", []int{c.Vocab, c.Embed}, "Encoder.Vocab, Encoder.Embed"}}
	for l := 0; l < c.Layers; l++ {
		s = append(s, shape{fmt.Sprintf("enc.rnn.weight_hh_l%d", l), []int{g * c.Hidden, c.Hidden}, "Encoder.Cell, Encoder.Hidden, Encoder.Layers"})
		if c.Bidirectional {
			s = append(s, shape{fmt.Sprintf("enc.rnn.weight_hh_l%d_reverse", l), []int{g * c.Hidden, c.Hidden}, "Encoder.Cell, Encoder.Hidden, Encoder.Layers"})
		}
	}
	return s
}

// cnnShapes: every conv block's filters.
func cnnShapes(c cnn.Config) []shape {
	var s []shape
	in := c.InputChannels()
	for i, ch := range c.Channels {
		s = append(s, shape{fmt.Sprintf("cnn.conv%d.weight", i), []int{ch, in, 3, 3}, "CNN.Channels, CNN.Coords"})
		in = ch
	}
	return s
}

func translatorShapes(c TranslatorConfig) []shape {
	return append(rnnEncoderShapes(c.Encoder), decoderShapes(c.Decoder)...)
}

func captionerShapes(c CaptionerConfig) []shape {
	s := append(cnnShapes(c.Encoder.CNN), decoderShapes(c.Decoder)...)
	// The initial-state projection reads the pooled features or, with
	// Init "flat", the whole grid: its width is what the CNN's size allows.
	side := c.Encoder.CNN.GridSide()
	width := c.Encoder.CNN.Features()
	if c.Encoder.Init == "flat" {
		width *= side * side
	}
	return append(s, shape{"img.init_h.l0.weight", []int{c.Decoder.Hidden, width}, "Encoder.Init, Encoder.CNN, Decoder.Hidden"})
}

func classifierShapes(c ClassifierConfig, labels int) []shape {
	if c.Kind == "text" {
		return append(rnnEncoderShapes(c.Encoder), shape{"head.weight", []int{labels, c.Encoder.Hidden}, "Encoder.Hidden, labels"})
	}
	return append(cnnShapes(c.CNN), shape{"head.weight", []int{labels, c.CNN.Features()}, "CNN.Channels, labels"})
}
