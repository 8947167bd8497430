package decoder

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"

	"github.com/recur-dev/recur/nn"
)

// Stepper advances a decoding state one token at a time. Implementations
// must be safe for concurrent use with distinct States (weights are read-only
// at inference).
type Stepper interface {
	// VocabSize is the number of logits per row.
	VocabSize() int
	// NewState returns a zero state for batch rows.
	NewState(batch int) *State
	// Step feeds tokens[r] to row r of s and writes the next-token logits of
	// row r into logits[r*V:(r+1)*V]. It allocates nothing once s is warm.
	Step(s *State, tokens []int, logits []float32) error
}

// State is a decoder state for Batch rows: the hidden state of every layer
// (H[l] is [Batch, Hidden]), the LSTM cell state (C, nil for GRU) and
// scratch space, so each goroutine decoding with its own State shares
// nothing mutable.
type State struct {
	Batch int
	H, C  [][]float32
	// Attention memory, one block per row: Mem[r] is [len, Memory] and
	// Keys[r] its precomputed keys; Weights[r] receives the attention
	// weights of the latest step (what --attention draws).
	Mem, Keys, Weights [][]float32
	work               nn.StepWork
	att                nn.AttendWork
	x, ctx, comb       []float32
	// Reorder's scratch: the previous buffers, reused by the next call.
	spareH, spareC              [][]float32
	spareMem, spareKeys, spareW [][]float32

	// KV is a GPT's key/value cache and position (nil for the RNN decoder).
	KV *KVCache
}

// SetMemory attaches attention memory to row r (mem is [n, width]).
func (d *Decoder) SetMemory(s *State, r int, mem []float32, n int) {
	if s.Mem == nil {
		s.Mem = make([][]float32, s.Batch)
		s.Keys = make([][]float32, s.Batch)
		s.Weights = make([][]float32, s.Batch)
	}
	s.Mem[r] = mem
	s.Keys[r] = make([]float32, n*d.Attn.KeySize())
	d.Attn.Keys(mem, n, s.Keys[r])
	s.Weights[r] = make([]float32, n)
}

// Reorder makes row i of s a copy of old row src[i]; the state then has
// len(src) rows. Beam search keeps its surviving hypotheses this way (and
// first expands one input into K identical rows). The rows are gathered
// into scratch buffers kept in s and swapped in, so a beam search of fixed
// width reorders without allocating.
func (s *State) Reorder(src []int) {
	if s.Batch == 0 {
		return
	}
	reorder := func(m []float32, spare *[]float32) []float32 {
		n := len(m) / s.Batch
		out := grow(*spare, len(src)*n)
		for i, r := range src {
			copy(out[i*n:(i+1)*n], m[r*n:(r+1)*n])
		}
		*spare = m
		return out
	}
	if len(s.spareH) < len(s.H) {
		s.spareH = make([][]float32, len(s.H))
		s.spareC = make([][]float32, len(s.H))
	}
	for l := range s.H {
		s.H[l] = reorder(s.H[l], &s.spareH[l])
		if s.C != nil {
			s.C[l] = reorder(s.C[l], &s.spareC[l])
		}
	}
	if s.Mem != nil {
		mem, keys, w := growRows(s.spareMem, len(src)), growRows(s.spareKeys, len(src)), growRows(s.spareW, len(src))
		for i, r := range src {
			mem[i], keys[i] = s.Mem[r], s.Keys[r]
			// Weights rows are written by the next step; each row needs
			// its own buffer (the old ones are recycled through spareW).
			w[i] = append(w[i][:0], s.Weights[r]...)
		}
		s.spareMem, s.spareKeys, s.spareW = s.Mem, s.Keys, s.Weights
		s.Mem, s.Keys, s.Weights = mem, keys, w
	}
	if s.KV != nil {
		s.KV.reorder(s.Batch, src)
	}
	s.Batch = len(src)
}

// growRows returns rows resized to n entries, keeping its buffers.
func growRows(rows [][]float32, n int) [][]float32 {
	if cap(rows) < n {
		rows = append(rows[:cap(rows)], make([][]float32, n-cap(rows))...)
	}
	return rows[:n]
}

// Clone deep-copies the recurrent state and any key/value cache (not the
// scratch).
func (s *State) Clone() *State {
	c := &State{Batch: s.Batch}
	for l := range s.H {
		c.H = append(c.H, append([]float32(nil), s.H[l]...))
		if s.C != nil {
			c.C = append(c.C, append([]float32(nil), s.C[l]...))
		}
	}
	if s.Mem != nil {
		c.Mem = append([][]float32(nil), s.Mem...) // memory is read-only: shared
		c.Keys = append([][]float32(nil), s.Keys...)
		for _, w := range s.Weights {
			c.Weights = append(c.Weights, append([]float32(nil), w...))
		}
	}
	if s.KV != nil {
		c.KV = s.KV.clone()
	}
	return c
}

// Config is the decoder's shape.
type Config struct {
	Cell    nn.Cell `json:"cell"`
	Vocab   int     `json:"vocab"`   // output (and input) vocabulary size
	Embed   int     `json:"embed"`   // token embedding width
	Hidden  int     `json:"hidden"`  // recurrent state width of every layer
	Layers  int     `json:"layers"`  // stacked recurrent layers
	Dropout float64 `json:"dropout"` // between layers and before the output projection, training only
	// EmbedDropout drops embedding units in training (word-level models
	// regularise there too); 0 = off.
	EmbedDropout float64 `json:"embed_dropout,omitempty"`
	// Attention over an encoder's memory ("", "additive", "multiplicative"),
	// Luong placement: the top layer's output h_t attends to the memory, and
	// the output layer reads tanh(W_c[h_t; c_t]).
	Attention    string `json:"attention,omitempty"`
	AttentionDim int    `json:"attention_dim,omitempty"` // additive scoring width
	Memory       int    `json:"memory,omitempty"`        // width of one memory vector
	// InputFeeding moves attention before the recurrence (Bahdanau
	// placement): step t attends with the previous state s_{t-1}, the GRU
	// reads [x_t; c_t], and the output layer reads tanh(W_c[s_t; c_t]).
	// The context then shapes the state itself, so what was attended at
	// one step is known at the next (a caption's second shape, say, is
	// placed relative to the first). Needs additive attention and one GRU
	// layer.
	InputFeeding bool `json:"input_feeding,omitempty"`
}

// DefaultConfig is a 2 × 256 LSTM with 64-wide embeddings and dropout 0.1
// (Vocab is set from the data).
func DefaultConfig() Config {
	return Config{Cell: nn.LSTM, Embed: 64, Hidden: 256, Layers: 2, Dropout: 0.1}
}

// Validate names the first bad field.
func (c Config) Validate() error {
	if c.Vocab < 2 {
		return fmt.Errorf("vocabulary size must be >= 2 (got %d)", c.Vocab)
	}
	if c.Embed < 1 {
		return fmt.Errorf("embedding size must be >= 1 (got %d)", c.Embed)
	}
	if !(c.EmbedDropout >= 0 && c.EmbedDropout < 1) {
		return fmt.Errorf("embedding dropout must be in [0, 1) (got %g)", c.EmbedDropout)
	}
	switch c.Attention {
	case "":
	case nn.Additive, nn.Multiplicative:
		if c.Memory < 1 {
			return fmt.Errorf("attention needs a memory width >= 1 (got %d)", c.Memory)
		}
		if c.Attention == nn.Additive && c.AttentionDim < 1 {
			return fmt.Errorf("additive attention needs a size >= 1 (got %d)", c.AttentionDim)
		}
	default:
		return fmt.Errorf("unknown attention %q (valid: additive, multiplicative, or none)", c.Attention)
	}
	if c.InputFeeding && (c.Attention != nn.Additive || c.Cell != nn.GRU || c.Layers != 1) {
		return fmt.Errorf("input feeding needs additive attention and one GRU layer (got attention %q, cell %s, %d layers)", c.Attention, c.Cell, c.Layers)
	}
	return c.rnn().Validate()
}

func (c Config) rnn() nn.RNNConfig {
	in := c.Embed
	if c.InputFeeding {
		in += c.Memory
	}
	return nn.RNNConfig{Cell: c.Cell, Input: in, Hidden: c.Hidden, Layers: c.Layers, Dropout: c.Dropout}
}

// Decoder holds the weights, named like PyTorch's state dict:
// embed.weight, rnn.weight_ih_l0 …, out.weight, out.bias.
type Decoder struct {
	Config  Config
	Embed   *nn.Embedding
	RNN     *nn.RNN
	Out     *nn.Linear
	Attn    *nn.Attention // nil without attention
	Combine *nn.Linear    // [Hidden, Hidden+Memory]: h̃ = tanh(W_c[h; c] + b)

	// inputTable, once Freeze has run, holds layer 0's input gates
	// E[v]·W_ihᵀ + b_ih for every token v [Vocab, G·H]: a step then reads
	// them instead of multiplying (a quarter of a 2-layer LSTM's work).
	inputTable []float32
}

// Freeze tabulates layer 0's input projection for every token. Call it
// once the weights stop changing (a loaded model); training must not, since
// the table would go stale.
func (d *Decoder) Freeze() {
	if d.Config.InputFeeding {
		return // layer 0 also reads the attention context: nothing to tabulate
	}
	l := d.RNN.Layers[0]
	G := l.Cell.Gates() * l.Hidden
	t := make([]float32, d.Config.Vocab*G)
	l.InputGates(d.Config.Vocab, d.Embed.W.Data, t)
	d.inputTable = t
}

var _ Stepper = (*Decoder)(nil)

// New initialises a decoder with PyTorch's default initialisation, seeded.
func New(cfg Config, seed uint64) (*Decoder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	r, err := nn.NewRNN("rnn", cfg.rnn(), rng)
	if err != nil {
		return nil, err
	}
	d := &Decoder{
		Config: cfg,
		Embed:  nn.NewEmbedding("embed", cfg.Vocab, cfg.Embed, rng),
		RNN:    r,
		Out:    nn.NewLinear("out", cfg.Hidden, cfg.Vocab, rng),
	}
	if cfg.Attention != "" {
		if d.Attn, err = nn.NewAttention("attn", cfg.Attention, cfg.Hidden, cfg.Memory, cfg.AttentionDim, rng); err != nil {
			return nil, err
		}
		d.Combine = nn.NewLinear("combine", cfg.Hidden+cfg.Memory, cfg.Hidden, rng)
	}
	return d, nil
}

// Params lists every weight in model-file order.
func (d *Decoder) Params() nn.Params {
	ps := nn.Params{d.Embed.W}
	ps = append(ps, d.RNN.Params()...)
	if d.Attn != nil {
		ps = append(ps, d.Attn.Params()...)
		ps = append(ps, d.Combine.Params()...)
	}
	return append(ps, d.Out.Params()...)
}

// Graph adds the decoder's training forward pass to g: ids [T·B]
// (time-major) → logits [T·B, Vocab]. The returned run exposes the initial
// and final recurrent states.
func (d *Decoder) Graph(g *nn.Graph, ids *G.Node, B int) (*G.Node, *nn.RNNRun) {
	logits, run, _ := d.GraphWith(g, ids, B, GraphInputs{})
	return logits, run
}

// GraphInputs connect the decoder to an encoder in a training graph.
type GraphInputs struct {
	H0, C0     []*G.Node // per-layer initial states (nil: zero inputs)
	Memory     *G.Node   // [S·B, Memory], time-major, for attention
	SrcLengths *[]int    // real length of each row's memory
}

// GraphWith is Graph for a decoder fed by an encoder: initial states from
// the encoder's graph and attention over its memory.
func (d *Decoder) GraphWith(g *nn.Graph, ids *G.Node, B int, in GraphInputs) (*G.Node, *nn.RNNRun, nn.AttentionNode) {
	x := g.Dropout(g.Embed(d.Embed, ids), d.Config.EmbedDropout)
	if d.Config.InputFeeding {
		h0 := g.Floats("dec.h0", make([]float32, B*d.Config.Hidden), B, d.Config.Hidden)
		if len(in.H0) > 0 {
			h0 = in.H0[0]
		}
		y := g.BahdanauGRU(d.Attn, d.RNN.Layers[0], x, in.Memory, h0, B, in.SrcLengths)
		y = g.Dropout(g.Tanh(g.Linear(d.Combine, y)), d.Config.Dropout)
		return g.Linear(d.Out, y), nil, nn.AttentionNode{}
	}
	y, run := g.RNNWith(d.RNN, x, B, nn.RNNOptions{Name: "dec", H0: in.H0, C0: in.C0})
	var an nn.AttentionNode
	if d.Attn != nil {
		var ctx *G.Node
		ctx, an = g.Attend(d.Attn, y, in.Memory, B, in.SrcLengths)
		y = g.Tanh(g.Linear(d.Combine, g.Concat(y, ctx)))
	}
	y = g.Dropout(y, d.Config.Dropout)
	return g.Linear(d.Out, y), run, an
}

// VocabSize implements Stepper.
func (d *Decoder) VocabSize() int { return d.Config.Vocab }

// NewState implements Stepper.
func (d *Decoder) NewState(batch int) *State {
	s := &State{Batch: batch}
	H := d.Config.Hidden
	for range d.RNN.Layers {
		s.H = append(s.H, make([]float32, batch*H))
		if d.Config.Cell == nn.LSTM {
			s.C = append(s.C, make([]float32, batch*H))
		}
	}
	return s
}

func (d *Decoder) checkTokens(tokens []int) error {
	for i, t := range tokens {
		if t < 0 || t >= d.Config.Vocab {
			return fmt.Errorf("token id %d (row %d) out of range [0, %d)", t, i, d.Config.Vocab)
		}
	}
	return nil
}

// Step implements Stepper: embed → each layer's cell step → output projection.
func (d *Decoder) Step(s *State, tokens []int, logits []float32) error {
	B := s.Batch
	if len(tokens) != B || len(logits) < B*d.Config.Vocab {
		return fmt.Errorf("step: %d tokens and %d logits for a batch of %d (vocabulary %d)", len(tokens), len(logits), B, d.Config.Vocab)
	}
	if err := d.checkTokens(tokens); err != nil {
		return err
	}
	if d.Attn != nil && len(s.Mem) != B {
		return fmt.Errorf("step: an attention decoder needs memory on every row (SetMemory)")
	}
	if d.Config.InputFeeding {
		d.feedStep(s, tokens, logits)
		return nil
	}
	E := d.Config.Embed
	s.x = grow(s.x, B*max(E, d.Config.Hidden))
	x := s.x[:B*E]
	if d.inputTable == nil {
		for r, t := range tokens {
			copy(x[r*E:(r+1)*E], d.Embed.Row(t))
		}
	}
	for l, layer := range d.RNN.Layers {
		var c []float32
		if s.C != nil {
			c = s.C[l]
		}
		if l == 0 && d.inputTable != nil {
			G := layer.Cell.Gates() * layer.Hidden
			gates := s.work.Gates(B, G)
			for r, t := range tokens {
				copy(gates[r*G:(r+1)*G], d.inputTable[t*G:(t+1)*G])
			}
			layer.StepGates(&s.work, B, gates, s.H[l], c)
		} else {
			layer.Step(&s.work, B, x, s.H[l], c)
		}
		x = s.H[l]
	}
	if d.Attn != nil {
		x = d.attend(s, x)
	}
	d.Out.MatMulT(B, x, logits[:B*d.Config.Vocab])
	return nil
}

// feedStep is Step with input feeding: each row attends with its previous
// state, the GRU reads [embedding; context], and the output layer reads
// tanh(W_c[s_t; c_t]).
func (d *Decoder) feedStep(s *State, tokens []int, logits []float32) {
	B, E, H, M := s.Batch, d.Config.Embed, d.Config.Hidden, d.Config.Memory
	s.x = grow(s.x, B*(E+M))
	s.ctx = grow(s.ctx, B*(H+M))
	s.comb = grow(s.comb, B*H)
	h := s.H[0]
	for r, t := range tokens {
		x := s.x[r*(E+M) : (r+1)*(E+M)]
		copy(x[:E], d.Embed.Row(t))
		d.Attn.Attend(&s.att, h[r*H:(r+1)*H], s.Mem[r], s.Keys[r], len(s.Weights[r]), s.Weights[r], x[E:])
	}
	d.RNN.Layers[0].Step(&s.work, B, s.x, h, nil)
	for r := 0; r < B; r++ {
		y := s.ctx[r*(H+M) : (r+1)*(H+M)]
		copy(y[:H], h[r*H:(r+1)*H])
		copy(y[H:], s.x[r*(E+M)+E:(r+1)*(E+M)])
	}
	d.Combine.MatMulT(B, s.ctx, s.comb)
	nn.TanhInPlace(s.comb)
	d.Out.MatMulT(B, s.comb, logits[:B*d.Config.Vocab])
}

// attend applies attention and the combination layer to the top layer's
// states h [B, Hidden], returning h̃ [B, Hidden].
func (d *Decoder) attend(s *State, h []float32) []float32 {
	B, H, M := s.Batch, d.Config.Hidden, d.Config.Memory
	s.ctx = grow(s.ctx, B*(H+M))
	s.comb = grow(s.comb, B*H)
	for r := 0; r < B; r++ {
		row := s.ctx[r*(H+M) : (r+1)*(H+M)]
		copy(row[:H], h[r*H:(r+1)*H])
		n := len(s.Weights[r])
		d.Attn.Attend(&s.att, h[r*H:(r+1)*H], s.Mem[r], s.Keys[r], n, s.Weights[r], row[H:])
	}
	d.Combine.MatMulT(B, s.ctx, s.comb)
	nn.TanhInPlace(s.comb)
	return s.comb
}

// Prime feeds a whole prompt to row 0..B-1 of s at once (tokens is
// time-major [T·B]) with the whole-sequence kernels, leaving s after the
// last token and writing that token's next-token logits for each row. It is
// Step applied T times, only faster: one input product for all steps.
func (d *Decoder) Prime(s *State, tokens []int, logits []float32) error {
	B := s.Batch
	if d.Attn != nil {
		return fmt.Errorf("prime: an attention decoder reads its input with Step")
	}
	if len(tokens) == 0 || len(tokens)%B != 0 {
		return fmt.Errorf("prime: %d tokens do not fill a batch of %d", len(tokens), B)
	}
	if err := d.checkTokens(tokens); err != nil {
		return err
	}
	T := len(tokens) / B
	E := d.Config.Embed
	x := make([]float32, T*B*E)
	if err := d.Embed.Lookup(tokens, x); err != nil {
		return err
	}
	var cache nn.SeqCache
	for l, layer := range d.RNN.Layers {
		var c []float32
		if s.C != nil {
			c = s.C[l]
		}
		x = append([]float32(nil), layer.ForwardState(&cache, T, B, x, s.H[l], c)...)
	}
	d.Out.MatMulT(B, s.H[len(s.H)-1], logits[:B*d.Config.Vocab])
	return nil
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
