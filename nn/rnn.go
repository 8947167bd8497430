package nn

// The recurrent layer: a stack of LSTM or GRU layers with PyTorch's
// parameterisation, and everything that runs it, in the rnn*.go files:
//
//   - rnn.go       the configuration, the layer and stack types, NewRNN;
//   - rnn_cells.go the gate arithmetic of one row, forward and backward,
//     for each cell (lstmCell, lstmCellBackward, gruCell, gruCellBackward);
//   - rnn_seq.go   the whole-sequence forward and backward passes used in
//     training (RNNLayer.Forward, RNNLayer.Backward);
//   - rnn_step.go  one step at a time for inference (RNNLayer.Step,
//     StepGates, InputGates, ForwardState);
//   - rnn_graph.go the gorgonia Op around the sequence passes and
//     Graph.RNN / Graph.RNNWith, which stack layers in a training graph.
//
// With x_t the input, h the previous state and σ the logistic function,
// an LSTM step (gates i, f, g, o) is
//
//	i = σ(W_ii x_t + b_ii + W_hi h + b_hi)    f = σ(W_if x_t + b_if + W_hf h + b_hf)
//	g = tanh(W_ig x_t + b_ig + W_hg h + b_hg) o = σ(W_io x_t + b_io + W_ho h + b_ho)
//	c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
//
// and a GRU step (gates r, z, n; the reset gate applies after the
// recurrent product, as in PyTorch and cuDNN)
//
//	r = σ(W_ir x_t + b_ir + W_hr h + b_hr),  z = σ(W_iz x_t + b_iz + W_hz h + b_hz)
//	n = tanh(W_in x_t + b_in + r ⊙ (W_hn h + b_hn))
//	h' = (1 − z) ⊙ n + z ⊙ h
//
// Layer l > 0 reads layer l−1's outputs h' as its x_t.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Cell is the recurrent cell kind.
type Cell string

const (
	LSTM Cell = "lstm"
	GRU  Cell = "gru"
)

// ParseCell checks a cell name.
func ParseCell(s string) (Cell, error) {
	switch c := Cell(strings.ToLower(s)); c {
	case LSTM, GRU:
		return c, nil
	}
	return "", fmt.Errorf("unknown cell %q (valid: lstm, gru)", s)
}

// Gates is the number of gate blocks stacked in the cell's weight matrices.
func (c Cell) Gates() int {
	if c == GRU {
		return 3
	}
	return 4
}

// RNNConfig describes a stack of recurrent layers.
type RNNConfig struct {
	Cell    Cell
	Input   int     // size of each input vector
	Hidden  int     // size of each layer's state
	Layers  int     // stacked layers; layer l > 0 reads layer l-1's outputs
	Dropout float64 // dropout on the outputs of every layer but the last, in training only
}

// DefaultRNNConfig is a 2 × 256 LSTM over 64-wide inputs.
func DefaultRNNConfig() RNNConfig {
	return RNNConfig{Cell: LSTM, Input: 64, Hidden: 256, Layers: 2, Dropout: 0.1}
}

// Validate names the first bad field.
func (c RNNConfig) Validate() error {
	if _, err := ParseCell(string(c.Cell)); err != nil {
		return err
	}
	switch {
	case c.Input < 1:
		return fmt.Errorf("rnn input size must be >= 1 (got %d)", c.Input)
	case c.Hidden < 1:
		return fmt.Errorf("rnn hidden size must be >= 1 (got %d)", c.Hidden)
	case c.Layers < 1:
		return fmt.Errorf("rnn layers must be >= 1 (got %d)", c.Layers)
	case !(c.Dropout >= 0 && c.Dropout < 1):
		return fmt.Errorf("dropout must be in [0, 1) (got %g)", c.Dropout)
	}
	return nil
}

// RNNLayer is one recurrent layer with PyTorch's parameterisation:
// W_ih [G·H, In], W_hh [G·H, H], b_ih [G·H], b_hh [G·H], gates stacked in
// PyTorch order (LSTM i, f, g, o; GRU r, z, n).
type RNNLayer struct {
	Cell               Cell
	In, Hidden         int
	Wih, Whh, Bih, Bhh *Param
}

// RNN is a stack of recurrent layers.
type RNN struct {
	Config RNNConfig
	Layers []*RNNLayer
}

// NewRNN makes a stack named like PyTorch's state dict under prefix
// (prefix "rnn" gives rnn.weight_ih_l0, ...), initialised as PyTorch does:
// every weight and bias from U(-1/√H, 1/√H).
func NewRNN(prefix string, cfg RNNConfig, rng *rand.Rand) (*RNN, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &RNN{Config: cfg}
	g := cfg.Cell.Gates() * cfg.Hidden
	bound := 1 / math.Sqrt(float64(cfg.Hidden))
	for l := 0; l < cfg.Layers; l++ {
		in := cfg.Input
		if l > 0 {
			in = cfg.Hidden
		}
		L := &RNNLayer{Cell: cfg.Cell, In: in, Hidden: cfg.Hidden,
			Wih: NewParam(fmt.Sprintf("%s.weight_ih_l%d", prefix, l), g, in),
			Whh: NewParam(fmt.Sprintf("%s.weight_hh_l%d", prefix, l), g, cfg.Hidden),
			Bih: NewParam(fmt.Sprintf("%s.bias_ih_l%d", prefix, l), g),
			Bhh: NewParam(fmt.Sprintf("%s.bias_hh_l%d", prefix, l), g),
		}
		if rng != nil {
			for _, p := range L.Params() {
				p.Uniform(rng, bound)
			}
		}
		r.Layers = append(r.Layers, L)
	}
	return r, nil
}

// Params lists the layer's parameters in state-dict order.
func (l *RNNLayer) Params() Params { return Params{l.Wih, l.Whh, l.Bih, l.Bhh} }

// Params lists all parameters, layer by layer.
func (r *RNN) Params() Params {
	var ps Params
	for _, l := range r.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}
