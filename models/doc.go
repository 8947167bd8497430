// Package models is what a trained model is and how it runs: the model
// types, their model files, and inference.
//
// lm.go has the LanguageModel (recurrent, GPT or Markov; Generate streams
// each piece as it is sampled and honours cancellation) and textgen_file.go
// its file format; gpt_model.go the GPT's part of it (the
// merges and weights a GPT's file stores); perline.go ScoreLines, every
// line's own score; translator.go the Translator (decoding, Score and its
// BatchGraph, the compiled training graph the tasks package drives);
// caption.go and caption_graph.go the Captioner and its CaptionBatchGraph;
// classify.go the text and image Classifier; eval.go the forward-only
// EvalGraph that scores a long text.
//
// Each model applies its own stored defaults (a translator's tuned length
// penalty, lowercasing and maximum length) unless the caller's options
// override them. load.go has Load and FromFile, the one place that reads a
// model file of any task; modelio.go the reading and writing every model
// shares. Training lives in package tasks (the adapters) and training (the
// loop); errors name options (TranslateOptions.LengthPenalty), never
// command-line flags.
package models
