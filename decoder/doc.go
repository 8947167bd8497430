// Package decoder is recur's one RNN decoder, shared by text generation,
// translation and captioning: an embedding, a stack of LSTM or GRU layers and
// an output projection, trained through a gorgonia graph of fused kernels
// and run at inference one token at a time as plain Go over the same weights.
//
// The contract is the step. An encoder produces a State (the initial
// recurrent state, plus memory for attention); Step advances every row of
// the state by one token and writes next-token logits. Samplers and beam
// search see only the Stepper interface, so every task decodes the same way.
package decoder
