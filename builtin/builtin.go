package builtin

import (
	"embed"
	"fmt"
	"sync"

	"github.com/recur-dev/recur/models"
)

//go:embed *.model
var files embed.FS

func load(name string) ([]byte, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("this build has no built-in %s: load a model file you trained instead", name)
	}
	return b, nil
}

var shakespeare = sync.OnceValues(func() (*models.LanguageModel, error) {
	b, err := load("shakespeare.model")
	if err != nil {
		return nil, err
	}
	return models.DecodeLanguageModel(b, "built-in shakespeare.model")
})

// Shakespeare is a character-level LSTM trained on tiny Shakespeare.
// The model is decoded once and shared (inference is read-only).
func Shakespeare() (*models.LanguageModel, error) { return shakespeare() }

var enFr = sync.OnceValues(func() (*models.Translator, error) {
	b, err := load("en-fr.model")
	if err != nil {
		return nil, err
	}
	return models.DecodeTranslator(b, "built-in en-fr.model")
})

// EnFr is an English to French translator trained on the Tatoeba pairs.
func EnFr() (*models.Translator, error) { return enFr() }

var captioner = sync.OnceValues(func() (*models.Captioner, error) {
	b, err := load("caption.model")
	if err != nil {
		return nil, err
	}
	return models.DecodeCaptioner(b, "built-in caption.model")
})

// Captioner describes rendered scenes of coloured shapes ("a large red
// circle left of a small blue square").
func Captioner() (*models.Captioner, error) { return captioner() }
