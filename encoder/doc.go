// Package encoder turns a task's input into the decoder's starting point:
// a text prompt run through the decoder itself (prompt.go), and, for the
// sequence-to-sequence and captioning tasks, an RNN encoder over a source
// sentence and a CNN over an image. Every encoder produces a decoder.State.
package encoder
