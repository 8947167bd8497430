// Package tasks puts models and data together, one file per task:
// textgen.go and lm.go (text generation), translator.go (the Translator:
// decoding, its training graph and Score) and translate.go (pairs and the
// TranslateTask), caption.go and caption_graph.go (captioning), classify.go
// (text and image classification).
//
// Each task has a model type that runs (LanguageModel, Translator,
// Captioner, Classifier) and applies its own stored defaults (a
// translator's tuned length penalty, lowercasing and maximum length) unless
// the caller's options override them, and a *Task type (TextGenTask,
// TranslateTask, CaptionTask, ClassifyTask) that training.Train drives;
// state.go keeps the stream position their checkpoints store. load.go has
// Load, the one place that reads a model file of any task.
//
// Errors name the options that are wrong (TranslateTaskConfig.Batch,
// TranslateOptions.LengthPenalty), never command-line flags: cmd/recur maps
// them to flags. The loop is package training, pictures package plots,
// data loading package datasets.
package tasks
