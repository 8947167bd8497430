// Package encoder turns a task's input into the decoder's starting point:
// a text prompt run through the decoder itself (prompt.go), and, for the
// sequence-to-sequence and captioning tasks, an RNN encoder over a source
// sentence and a CNN over an image. Every encoder produces a decoder.State.
//
// RNNConfig and ImageConfig are stored in model files under snake_case
// JSON keys; files written with Go field names ("Cell", "Hidden") still
// load.
//
// Files: prompt.go (Prompt, Primed), rnn.go (RNNConfig, RNN: the
// sentence encoder), image.go (ImageConfig, Image: the CNN encoder),
// start.go (a decoder state's row from an encoder's output),
// config_json.go (configs stored under older JSON keys).
package encoder
