package builtin

import (
	_ "embed"
	"sync"

	"github.com/recur-dev/recur/tasks"
)

//go:embed shakespeare.model
var shakespeareModel []byte

var shakespeare = sync.OnceValues(func() (*tasks.LanguageModel, error) {
	return tasks.DecodeLanguageModel(shakespeareModel, "built-in shakespeare.model")
})

// Shakespeare is a character-level LSTM trained on tiny Shakespeare.
// The model is decoded once and shared (inference is read-only).
func Shakespeare() (*tasks.LanguageModel, error) { return shakespeare() }
