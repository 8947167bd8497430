package encoder

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/nn"
)

// RNNConfig shapes a sentence encoder.
type RNNConfig struct {
	Cell          nn.Cell `json:"cell"`
	Vocab         int     `json:"vocab"`
	Embed         int     `json:"embed"`
	Hidden        int     `json:"hidden"`
	Layers        int     `json:"layers"`
	Bidirectional bool    `json:"bidirectional"`
	Dropout       float64 `json:"dropout"` // between layers, training only
}

// DefaultRNNConfig is the reference translator's encoder: one bidirectional
// GRU layer of 256 over 256-wide embeddings (Vocab set from the data).
func DefaultRNNConfig() RNNConfig {
	return RNNConfig{Cell: nn.GRU, Embed: 256, Hidden: 256, Layers: 1, Bidirectional: true}
}

// Validate names the first bad field.
func (c RNNConfig) Validate() error {
	if c.Vocab < 2 {
		return fmt.Errorf("source vocabulary size must be >= 2 (got %d)", c.Vocab)
	}
	if c.Embed < 1 {
		return fmt.Errorf("source embedding size must be >= 1 (got %d)", c.Embed)
	}
	return nn.RNNConfig{Cell: c.Cell, Input: c.Embed, Hidden: c.Hidden, Layers: c.Layers, Dropout: c.Dropout}.Validate()
}

// RNN encodes a padded batch of sentences: an embedding, then per layer a
// forward and (if bidirectional) a backward recurrent pass whose outputs
// are summed, as the reference translator does; the next layer reads the
// sum. Padding is masked: each row's backward pass starts at its last real
// token and neither direction's final state sees padding.
//
// Its products are the memory (every position's output, for attention) and,
// through Bridge, the decoder's initial state: tanh(W_l (h_fwd + h_bwd) + b_l)
// per decoder layer l, from the top layer's final states.
type RNN struct {
	Config   RNNConfig
	Embed    *nn.Embedding
	Fwd, Bwd []*nn.RNNLayer
	Bridge   []*nn.Linear
}

// NewRNN builds an encoder feeding a decoder with decLayers layers of
// decHidden units; weight names follow PyTorch (enc.rnn.weight_ih_l0,
// enc.rnn.weight_ih_l0_reverse, ...).
func NewRNN(cfg RNNConfig, decLayers, decHidden int, seed uint64) (*RNN, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0xe4c))
	e := &RNN{Config: cfg, Embed: nn.NewEmbedding("enc.embed", cfg.Vocab, cfg.Embed, rng)}
	for l := 0; l < cfg.Layers; l++ {
		in := cfg.Embed
		if l > 0 {
			in = cfg.Hidden
		}
		mk := func(suffix string) (*nn.RNNLayer, error) {
			r, err := nn.NewRNN("enc.rnn", nn.RNNConfig{Cell: cfg.Cell, Input: in, Hidden: cfg.Hidden, Layers: 1}, rng)
			if err != nil {
				return nil, err
			}
			layer := r.Layers[0]
			layer.Wih.Name = fmt.Sprintf("enc.rnn.weight_ih_l%d%s", l, suffix)
			layer.Whh.Name = fmt.Sprintf("enc.rnn.weight_hh_l%d%s", l, suffix)
			layer.Bih.Name = fmt.Sprintf("enc.rnn.bias_ih_l%d%s", l, suffix)
			layer.Bhh.Name = fmt.Sprintf("enc.rnn.bias_hh_l%d%s", l, suffix)
			return layer, nil
		}
		f, err := mk("")
		if err != nil {
			return nil, err
		}
		e.Fwd = append(e.Fwd, f)
		if cfg.Bidirectional {
			b, err := mk("_reverse")
			if err != nil {
				return nil, err
			}
			e.Bwd = append(e.Bwd, b)
		}
	}
	for l := 0; l < decLayers; l++ {
		e.Bridge = append(e.Bridge, nn.NewLinear(fmt.Sprintf("bridge.l%d", l), cfg.Hidden, decHidden, rng))
	}
	return e, nil
}

// Params lists the weights.
func (e *RNN) Params() nn.Params {
	ps := nn.Params{e.Embed.W}
	for l := range e.Fwd {
		ps = append(ps, e.Fwd[l].Params()...)
		if e.Bwd != nil {
			ps = append(ps, e.Bwd[l].Params()...)
		}
	}
	for _, b := range e.Bridge {
		ps = append(ps, b.Params()...)
	}
	return ps
}

func single(l *nn.RNNLayer) *nn.RNN {
	return &nn.RNN{Config: nn.RNNConfig{Cell: l.Cell, Input: l.In, Hidden: l.Hidden, Layers: 1}, Layers: []*nn.RNNLayer{l}}
}

// Graph adds the encoder to a training graph: src [S·B] time-major ids with
// per-row lengths → memory [S·B, Hidden] and one initial-state node per
// decoder layer.
func (e *RNN) Graph(g *nn.Graph, src *G.Node, B, S int, lengths *[]int) (memory *G.Node, init []*G.Node) {
	x := g.Embed(e.Embed, src)
	var final *G.Node
	for l := range e.Fwd {
		if l > 0 {
			x = g.Dropout(x, e.Config.Dropout)
		}
		yf, _ := g.RNNWith(single(e.Fwd[l]), x, B, nn.RNNOptions{Name: fmt.Sprintf("enc_f%d", l), Lengths: lengths})
		final = g.Rows(yf, (S-1)*B, B) // frozen past each row's end: its last real step
		y := yf
		if e.Bwd != nil {
			ybr, _ := g.RNNWith(single(e.Bwd[l]), g.Reverse(x, B, lengths), B, nn.RNNOptions{Name: fmt.Sprintf("enc_b%d", l), Lengths: lengths})
			y = g.Add(yf, g.Reverse(ybr, B, lengths))
			final = g.Add(final, g.Rows(ybr, (S-1)*B, B))
		}
		x = y
	}
	for _, b := range e.Bridge {
		init = append(init, g.Tanh(g.Linear(b, final)))
	}
	return x, init
}

// Encoded is one source sentence encoded for decoding.
type Encoded struct {
	Memory []float32   // [len, Hidden]
	Init   [][]float32 // per decoder layer [decHidden]
	Len    int
}

// Encode runs the encoder on one sentence (no padding: plain Go over the
// same weights as the graph).
func (e *RNN) Encode(ids []int) (*Encoded, error) {
	n := len(ids)
	if n == 0 {
		return nil, fmt.Errorf("empty source sentence")
	}
	H := e.Config.Hidden
	x := make([]float32, n*e.Config.Embed)
	if err := e.Embed.Lookup(ids, x); err != nil {
		return nil, err
	}
	var cache nn.SeqCache
	final := make([]float32, H)
	for l := range e.Fwd {
		h := make([]float32, H)
		var c []float32
		if e.Config.Cell == nn.LSTM {
			c = make([]float32, H)
		}
		y := append([]float32(nil), e.Fwd[l].ForwardState(&cache, n, 1, x, h, c)...)
		copy(final, h)
		if e.Bwd != nil {
			in := x
			width := len(x) / n
			rev := reverseRows(in, n, width)
			hb := make([]float32, H)
			var cb []float32
			if c != nil {
				cb = make([]float32, H)
			}
			yb := reverseRows(e.Bwd[l].ForwardState(&cache, n, 1, rev, hb, cb), n, H)
			for i := range y {
				y[i] += yb[i]
			}
			for i := range final {
				final[i] += hb[i]
			}
		}
		x = y
	}
	enc := &Encoded{Memory: x, Len: n}
	for _, b := range e.Bridge {
		out := make([]float32, b.Out)
		b.MatMulT(1, final, out)
		nn.TanhInPlace(out)
		enc.Init = append(enc.Init, out)
	}
	return enc, nil
}

func reverseRows(x []float32, n, width int) []float32 {
	out := make([]float32, len(x))
	for t := 0; t < n; t++ {
		copy(out[t*width:(t+1)*width], x[(n-1-t)*width:(n-t)*width])
	}
	return out
}

// Start makes a decoder state for encoded sentences: row r starts from
// srcs[r]'s bridged state and attends to its memory.
func Start(dec *decoder.Decoder, srcs []*Encoded) *decoder.State {
	s := dec.NewState(len(srcs))
	for r, enc := range srcs {
		startRow(dec, s, r, enc.Init, nil, enc.Memory, enc.Len)
	}
	return s
}
