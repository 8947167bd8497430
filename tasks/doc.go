// Package tasks is how each model is trained: the *Task adapters that
// package training's loop drives, and the data preparation they need.
//
// textgen.go (TextGenTask, LoadCorpus) and markov.go (TrainMarkov) train
// language models, gpt_task.go (GPTTextGenTask, LoadCorpusFor) GPT ones;
// translate.go (TranslateTask, LoadPairs) translators;
// caption.go (CaptionTask, LoadCaptionData) and caption_splits.go
// (LoadCaptionSplitData: a folder's own train/val/test split) captioners; classify.go
// (ClassifyTask, NewClassifyData) classifiers. state.go keeps the stream
// position their checkpoints store. The model types they build and the
// files they write belong to package models.
//
// Errors name the options that are wrong (TranslateTaskConfig.Batch),
// never command-line flags: cmd/recur maps them to flags. The loop is
// package training, pictures package plots, data loading package datasets.
package tasks
