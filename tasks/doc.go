// Package tasks puts models, data and the training loop together, one file
// per task: textgen.go and lm.go (text generation), translator.go and
// translate.go (translation), caption.go (captioning), classify.go (text
// and image classification).
//
// Each task has a model type that runs (LanguageModel, Translator,
// Captioner, Classifier) and applies its own stored defaults (a
// translator's tuned length penalty, lowercasing and maximum length) unless
// the caller's options override them, and a *Task type (TextGenTask,
// TranslateTask, CaptionTask, ClassifyTask) that Train drives. load.go has
// Load, the one place that reads a model file of any task; train.go the one
// training loop, with validation, checkpoints that a killed run resumes
// from exactly, early stopping and a progress line.
//
// Errors name the options that are wrong (TrainConfig.Steps,
// TranslateOptions.LengthPenalty), never command-line flags: cmd/recur maps
// them to flags. Pictures are drawn by package plots, data read by package
// datasets.
package tasks
