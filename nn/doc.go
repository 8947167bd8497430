// Package nn holds the layers every recur model is made of (embedding,
// linear, stacked LSTM and GRU, dropout, LayerNorm, GELU, causal
// multi-head self-attention), the fused whole-sequence kernels
// that compute them with hand-written backward passes, the gorgonia Ops that
// plug those kernels into a graph so that gorgonia.Grad can compose them, and
// the optimizer (Adam with global-norm clipping and learning-rate decay, or
// AdamW with decoupled weight decay and a warm-up + cosine Schedule).
//
// Layout conventions follow PyTorch so weights are interchangeable:
//
//   - matrices are row-major; a Linear or recurrent weight is [out, in] and
//     applied as y = x·Wᵀ + b;
//   - sequences are time-major and flattened: row t*B+b holds step t of
//     batch element b (except SelfAttention, a transformer's, which is
//     batch-major: row b*T+t);
//   - LSTM gates are ordered i, f, g, o and GRU gates r, z, n, each cell with
//     two bias vectors (b_ih, b_hh);
//   - tensor names are PyTorch's state_dict names (rnn.weight_ih_l0, ...).
//
// The recurrent layer is whole in the rnn*.go files (rnn.go states its
// equations and lists them): cells, whole-sequence passes, the inference
// step and the graph Op. AdamConfig is stored in checkpoints under
// snake_case JSON keys; checkpoints with Go field names still load.
//
// Training runs through a gorgonia graph whose nodes are the fused Ops in
// this package; inference (sampling, beam search) runs as plain Go over the
// same Param slices, without a graph.
package nn
