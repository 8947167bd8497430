// Package decoder is recur's one RNN decoder, shared by text generation,
// translation and captioning: an embedding, a stack of LSTM or GRU layers and
// an output projection, trained through a gorgonia graph of fused kernels
// and run at inference one token at a time as plain Go over the same weights.
//
// The contract is the step. An encoder produces a State (the initial
// recurrent state, plus memory for attention); Step advances every row of
// the state by one token and writes next-token logits. Samplers and beam
// search see only the Stepper interface, so every task decodes the same way.
//
// Attention comes in two placements. Luong's (the default) attends with the
// top layer's output after the recurrence, so training stays one
// whole-sequence kernel per layer. Input feeding (Config.InputFeeding,
// Bahdanau's placement, one GRU layer) attends with the previous state
// before each step and feeds the context into the GRU, so the state carries
// what was looked at: a captioner that has named one shape knows where it
// is when it places the next one. Its training graph is nn's fused
// BahdanauGRU kernel; Step runs the same arithmetic one token at a time.
//
// GPT is the other Stepper: a GPT-2-layout decoder-only transformer whose
// State carries a key/value cache (State.KV) instead of recurrent state, so
// the samplers, beam search and serving drive it unchanged. Its Prime reads
// a whole prompt in one batched pass; its training graph is nn's fused
// LayerNorm, GELU and causal self-attention kernels.
//
// Files: decoder.go (the RNN model, Config, Step), gpt.go and kvcache.go
// (the GPT and its cache), generate.go (streaming
// sampling), sample.go (temperature, top-k, top-p), greedy.go (batched
// greedy or sampled decoding, DecodeBatch), beam.go (BeamSearch: the loop
// and the end rule), beam_select.go (the 2K best extensions of a step),
// beam_history.go (tokens and parents kept for backtracking),
// config_json.go (reading Configs stored under older JSON keys).
//
// A Config is stored in model files under snake_case JSON keys
// ("attention_dim"); files written before the keys were tagged, with Go
// field names ("AttentionDim"), still load.
package decoder
