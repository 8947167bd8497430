package models

import (
	"fmt"

	"github.com/recur-dev/recur/cnn"
)

// ImageLimits are the program's safety limits on the images a captioner or
// an image classifier reads: they protect the process, so they are never
// taken from a model file (a downloaded file raising MaxPixels to 2^62 would
// otherwise disable the decompression-bomb check). The loaders apply
// DefaultImageLimits whatever the file stores; a program lowers or raises
// them with SetImageLimits (the CLI's --max-pixels and --max-file-bytes).
type ImageLimits struct {
	MaxPixels    int64 // width×height read from the header, checked before decoding
	MaxFileBytes int64 // size of the encoded file
}

// DefaultImageLimits are cnn.DefaultInputConfig's: Pillow's
// decompression-bomb limit of 89,478,485 pixels and 50 MB files.
func DefaultImageLimits() ImageLimits {
	d := cnn.DefaultInputConfig()
	return ImageLimits{MaxPixels: d.MaxPixels, MaxFileBytes: d.MaxFileBytes}
}

// Validate names the bad option.
func (l ImageLimits) Validate() error {
	if l.MaxPixels < 1 {
		return fmt.Errorf("ImageLimits.MaxPixels %d is invalid (valid: 1 or more, e.g. %d)", l.MaxPixels, DefaultImageLimits().MaxPixels)
	}
	if l.MaxFileBytes < 1 {
		return fmt.Errorf("ImageLimits.MaxFileBytes %d is invalid (valid: 1 or more, e.g. %d)", l.MaxFileBytes, DefaultImageLimits().MaxFileBytes)
	}
	return nil
}

// apply replaces c's limits with l and validates the result.
func (l ImageLimits) apply(c *cnn.InputConfig) error {
	if err := l.Validate(); err != nil {
		return err
	}
	c.MaxPixels, c.MaxFileBytes = l.MaxPixels, l.MaxFileBytes
	return c.Validate()
}

// SetImageLimits sets the limits the captioner's LoadImages enforces.
func (m *Captioner) SetImageLimits(l ImageLimits) error { return l.apply(&m.Config.Image) }

// SetImageLimits sets the limits an image classifier enforces on the
// files it reads (no effect on a text classifier).
func (m *Classifier) SetImageLimits(l ImageLimits) error {
	if m.Config.Kind != "image" {
		return nil
	}
	return l.apply(&m.Config.Image)
}

// LoadImage preprocesses one image file exactly as training did, within
// the captioner's image limits.
func (m *Captioner) LoadImage(path string) ([]float32, error) {
	return cnn.LoadImage(path, m.Config.Image)
}

// Input returns c with l's limits, validated, leaving c and any model
// that holds it untouched (a shared built-in model, say).
func (l ImageLimits) Input(c cnn.InputConfig) (cnn.InputConfig, error) {
	err := l.apply(&c)
	return c, err
}
