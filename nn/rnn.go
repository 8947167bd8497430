package nn

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

// seqCache holds what a whole-sequence forward pass keeps for its backward
// pass, reused across calls of the same shape so training allocates nothing
// per step once warm.
type seqCache struct {
	T, B int
	x    []float32 // the input [T·B, In], as given (not copied)
	hs   []float32 // [(T+1)·B, H]: h₀, then the output of every step
	cs   []float32 // LSTM: [(T+1)·B, H]: c₀, then every cell state
	tc   []float32 // LSTM: tanh(c_t) [T·B, H]
	act  []float32 // activated gates [T·B, G·H] (LSTM i f g o; GRU r z n)
	hn   []float32 // GRU: W_hn h_{t-1} + b_hn [T·B, H]
	bias []float32 // LSTM: b_ih + b_hh
	hg   []float32 // GRU: per-step recurrent product [B, 3H]
	// lengths, when set, gives each row's real length: steps t >= lengths[b]
	// leave row b's state unchanged (so the state after the last step is
	// the state after its last real token) and pass gradients straight
	// through. Padding never reaches the final state.
	lengths []int
	// backward scratch
	dG, dHG    []float32
	dh, dc, dt []float32
}

// frozen reports whether row b is past its end at step t.
func (c *seqCache) frozen(t, b int) bool { return c.lengths != nil && t >= c.lengths[b] }

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

func (c *seqCache) prepare(l *RNNLayer, T, B int) {
	H, G := l.Hidden, l.Cell.Gates()*l.Hidden
	c.T, c.B = T, B
	c.hs = grow(c.hs, (T+1)*B*H)
	c.act = grow(c.act, T*B*G)
	if l.Cell == LSTM {
		c.cs = grow(c.cs, (T+1)*B*H)
		c.tc = grow(c.tc, T*B*H)
		c.bias = grow(c.bias, G)
	} else {
		c.hn = grow(c.hn, T*B*H)
		c.hg = grow(c.hg, B*G)
	}
}

// Final returns views of the last step's hidden and (LSTM) cell state, [B, H].
func (c *seqCache) Final() (h, cell []float32) {
	n := len(c.hs) / (c.T + 1) // B·H
	h = c.hs[c.T*n : (c.T+1)*n]
	if c.cs != nil {
		cell = c.cs[c.T*n : (c.T+1)*n]
	}
	return h, cell
}

// Forward runs the layer over a whole time-major sequence x [T·B, In] from
// state h0 (and c0 for an LSTM; nil means zeros), keeping activations in c.
//
// The input projection of all steps is one product X·W_ihᵀ; each step then
// adds its recurrent product h_{t-1}·W_hhᵀ and applies the gate arithmetic
// in place. LSTM (PyTorch):
//
//	i = σ(·), f = σ(·), g = tanh(·), o = σ(·)
//	c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
//
// GRU (PyTorch, reset gate applied after the recurrent product):
//
//	r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz)
//	n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
func (l *RNNLayer) Forward(c *seqCache, T, B int, x, h0, c0 []float32) {
	c.prepare(l, T, B)
	c.x = x
	H, G := l.Hidden, l.Cell.Gates()*l.Hidden
	N := T * B
	copyOrZero(c.hs[:B*H], h0)
	gemm(false, true, N, G, l.In, 1, x, l.In, l.Wih.Data, l.In, 0, c.act, G)
	if l.Cell == LSTM {
		copyOrZero(c.cs[:B*H], c0)
		for j := range c.bias {
			c.bias[j] = l.Bih.Data[j] + l.Bhh.Data[j]
		}
		addRowVec(c.act, N, c.bias)
		for t := 0; t < T; t++ {
			gt := c.act[t*B*G : (t+1)*B*G]
			gemm(false, true, B, G, H, 1, c.hs[t*B*H:(t+1)*B*H], H, l.Whh.Data, H, 1, gt, G)
			for b := 0; b < B; b++ {
				cp := c.cs[(t*B+b)*H : (t*B+b+1)*H]
				cn := c.cs[((t+1)*B+b)*H : ((t+1)*B+b+1)*H]
				hn := c.hs[((t+1)*B+b)*H : ((t+1)*B+b+1)*H]
				lstmCell(gt[b*G:(b+1)*G], cp, cn, c.tc[(t*B+b)*H:(t*B+b+1)*H], hn)
				if c.frozen(t, b) {
					copy(cn, cp)
					copy(hn, c.hs[(t*B+b)*H:(t*B+b+1)*H])
				}
			}
		}
		return
	}
	addRowVec(c.act, N, l.Bih.Data)
	for t := 0; t < T; t++ {
		gt := c.act[t*B*G : (t+1)*B*G]
		hp := c.hs[t*B*H : (t+1)*B*H]
		for b := 0; b < B; b++ {
			copy(c.hg[b*G:(b+1)*G], l.Bhh.Data)
		}
		gemm(false, true, B, G, H, 1, hp, H, l.Whh.Data, H, 1, c.hg, G)
		for b := 0; b < B; b++ {
			hprev := hp[b*H : (b+1)*H]
			hnew := c.hs[((t+1)*B+b)*H : ((t+1)*B+b+1)*H]
			gruCell(gt[b*G:(b+1)*G], c.hg[b*G:(b+1)*G], c.hn[(t*B+b)*H:(t*B+b+1)*H], hprev, hnew)
			if c.frozen(t, b) {
				copy(hnew, hprev)
			}
		}
	}
}

func copyOrZero(dst, src []float32) {
	if src == nil {
		clear(dst)
		return
	}
	copy(dst, src)
}

// RNNGrads receives a layer's gradients; nil fields are not computed.
type RNNGrads struct {
	X, H0, C0          []float32
	Wih, Whh, Bih, Bhh []float32
}

// Backward propagates dY [T·B, H] (the loss gradient w.r.t. every step's
// output) and optionally dhT, dcT (w.r.t. the final state) back through time,
// overwriting the non-nil fields of g.
//
// Per step only the B×G×H product dh_{t-1} = dA_t·W_hh is sequential. The
// weight gradients are then one product each over all steps,
// dW_hh = dAᵀ·[h₀ … h_{T-1}] and dW_ih = dAᵀ·X, and the input gradient is
// dX = dA·W_ih, where dA holds the pre-activation gate gradients.
func (l *RNNLayer) Backward(c *seqCache, dY, dhT, dcT []float32, g RNNGrads) {
	T, B := c.T, c.B
	H, G := l.Hidden, l.Cell.Gates()*l.Hidden
	N := T * B
	c.dG = grow(c.dG, N*G)
	c.dh = grow(c.dh, B*H)
	copyOrZero(c.dh, dhT)
	dhh := c.dG // gradient w.r.t. the recurrent pre-activations
	c.dt = grow(c.dt, B*H)
	if l.Cell == LSTM {
		c.dc = grow(c.dc, B*H)
		copyOrZero(c.dc, dcT)
		for t := T - 1; t >= 0; t-- {
			for b := 0; b < B; b++ {
				k := t*B + b
				row := c.act[k*G : (k+1)*G]
				i, f, gg, o := row[:H], row[H:2*H], row[2*H:3*H], row[3*H:]
				d := c.dG[k*G : (k+1)*G]
				tc := c.tc[k*H : (k+1)*H]
				cp := c.cs[k*H : (k+1)*H]
				dy := dY[k*H : (k+1)*H]
				dh := c.dh[b*H : (b+1)*H]
				dc := c.dc[b*H : (b+1)*H]
				if c.frozen(t, b) {
					// h_t = h_{t-1}, c_t = c_{t-1}: gradients pass through.
					clear(d)
					st := c.dt[b*H : (b+1)*H]
					for j := range st {
						st[j] = dh[j] + dy[j]
					}
					continue
				}
				for j := 0; j < H; j++ {
					h := dh[j] + dy[j]
					cc := dc[j] + h*o[j]*(1-tc[j]*tc[j])
					d[j] = cc * gg[j] * i[j] * (1 - i[j])
					d[H+j] = cc * cp[j] * f[j] * (1 - f[j])
					d[2*H+j] = cc * i[j] * (1 - gg[j]*gg[j])
					d[3*H+j] = h * tc[j] * o[j] * (1 - o[j])
					dc[j] = cc * f[j]
				}
			}
			gemm(false, false, B, H, G, 1, c.dG[t*B*G:(t+1)*B*G], G, l.Whh.Data, H, 0, c.dh, H)
			if c.lengths != nil {
				for b := 0; b < B; b++ {
					if c.frozen(t, b) {
						copy(c.dh[b*H:(b+1)*H], c.dt[b*H:(b+1)*H])
					}
				}
			}
		}
		if g.C0 != nil {
			copy(g.C0, c.dc)
		}
	} else {
		c.dHG = grow(c.dHG, N*G)
		dhh = c.dHG
		for t := T - 1; t >= 0; t-- {
			for b := 0; b < B; b++ {
				k := t*B + b
				dx := c.dG[k*G : (k+1)*G]
				dr := c.dHG[k*G : (k+1)*G]
				dy := dY[k*H : (k+1)*H]
				dh := c.dh[b*H : (b+1)*H]
				if c.frozen(t, b) {
					clear(dx)
					clear(dr)
					for j := range dh {
						dh[j] += dy[j]
					}
					continue
				}
				gruCellBackward(c.act[k*G:(k+1)*G], c.hn[k*H:(k+1)*H], c.hs[k*H:(k+1)*H], dh, dy, dx, dr, dh)
			}
			gemm(false, false, B, H, G, 1, c.dHG[t*B*G:(t+1)*B*G], G, l.Whh.Data, H, 1, c.dh, H)
		}
	}
	if g.H0 != nil {
		copy(g.H0, c.dh)
	}
	if g.Whh != nil {
		gemm(true, false, G, H, N, 1, dhh, G, c.hs[:N*H], H, 0, g.Whh, H)
	}
	if g.Bhh != nil {
		clear(g.Bhh)
		colSum(g.Bhh, dhh, N)
	}
	if g.Wih != nil {
		gemm(true, false, G, l.In, N, 1, c.dG, G, c.x, l.In, 0, g.Wih, l.In)
	}
	if g.Bih != nil {
		clear(g.Bih)
		colSum(g.Bih, c.dG, N)
	}
	if g.X != nil {
		gemm(false, false, N, l.In, G, 1, c.dG, G, l.Wih.Data, l.In, 0, g.X, l.In)
	}
}
