package models

import (
	"fmt"

	"github.com/recur-dev/recur/modelfile"
)

// Model is a model of any task as Load returns it: exactly one of the
// model fields is set, the one Task names.
type Model struct {
	Task       string // the file's "recur.task": TaskTextGen, TaskTranslate, ...
	LM         *LanguageModel
	Translator *Translator
	Captioner  *Captioner
	Classifier *Classifier // text or image
}

// knownTasks lists every task Load knows, in the order errors name them.
var knownTasks = []string{TaskTextGen, TaskTranslate, TaskCaption, TaskClassify, TaskClassifyImage}

// Load reads a model file of any task and builds the right model for it:
// the one place that dispatches on a file's task (the CLI, the server and
// the PyTorch cross-check all load through it). Errors name the file.
//
// A directory is read as a Hugging Face GPT-2 checkpoint folder
// (loadGPT2Folder): a textgen model.
func Load(path string) (*Model, error) {
	if IsGPT2Folder(path) {
		lm, err := loadGPT2Folder(path)
		if err != nil {
			return nil, err
		}
		return &Model{Task: TaskTextGen, LM: lm}, nil
	}
	return readModel(path, modelfile.Read, FromFile)
}

// FromFile builds the model a parsed model file holds (see Load).
func FromFile(f *modelfile.File) (*Model, error) {
	m := &Model{Task: f.Task}
	if err := checkFile(f); err != nil {
		return nil, err
	}
	var err error
	switch f.Task {
	case TaskTextGen:
		m.LM, err = languageModelFromFile(f)
	case TaskTranslate:
		m.Translator, err = translatorFromFile(f)
	case TaskCaption:
		m.Captioner, err = captionerFromFile(f)
	case TaskClassify, TaskClassifyImage:
		m.Classifier, err = classifierFromFile(f)
	default:
		return nil, fmt.Errorf("model task %q is unknown (valid: %v)", f.Task, knownTasks)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}
