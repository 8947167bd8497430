// Package gpt2test builds tiny Hugging Face GPT-2 checkpoint folders with
// random weights for tests: config.json, model.safetensors in Hugging
// Face's layout (projection weights stored as Conv1D [in, out]), and a
// small byte-level vocab.json / merges.txt. Nothing here needs the network
// or the real GPT-2 files, so any package's tests can load a "GPT-2" in
// milliseconds.
//
// Files: folder.go (Config, Tiny, Options, Weights, WriteFolder,
// ConfigJSON, WriteConfig, WriteSafetensors, WriteVocab).
package gpt2test
