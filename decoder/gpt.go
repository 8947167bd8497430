package decoder

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	G "gorgonia.org/gorgonia"

	"github.com/recur-dev/recur/internal/kernels"
	"github.com/recur-dev/recur/nn"
)

// GPTConfig is the shape of a GPT-2-layout decoder-only transformer.
type GPTConfig struct {
	Vocab   int     `json:"vocab"`   // token vocabulary
	Context int     `json:"context"` // block size: the most positions a sequence may have
	Layers  int     `json:"layers"`  // transformer blocks
	Heads   int     `json:"heads"`   // attention heads per block
	Embed   int     `json:"embed"`   // model width C (a multiple of Heads)
	Dropout float64 `json:"dropout"` // one p for embeddings, attention probabilities and residual branches (training only)
	Bias    bool    `json:"bias"`    // linear layers and LayerNorms have biases (GPT-2: true)
	LNEps   float64 `json:"ln_eps"`  // LayerNorm ε; 0 means 1e-5, GPT-2's
	// UntiedHead gives the model its own output head, lm_head.weight
	// [Vocab, Embed], instead of reusing the token embedding (logits =
	// h·lm_headᵀ rather than h·wteᵀ). GPT-2 ties them; a checkpoint saved
	// with tie_word_embeddings false does not. Omitted from JSON when
	// false, so files of tied models are unchanged.
	UntiedHead bool `json:"untied_head,omitempty"`
}

// DefaultGPTConfig is nanoGPT's character-level Shakespeare model: 6 blocks
// of 6 heads, 384 wide, 256 positions, dropout 0.2 (Vocab is set from the
// data).
func DefaultGPTConfig() GPTConfig {
	return GPTConfig{Context: 256, Layers: 6, Heads: 6, Embed: 384, Dropout: 0.2, Bias: true, LNEps: 1e-5}
}

// Limits on GPTConfig: beyond them a model file is far more likely corrupt
// than real (GPT-2 XL is 48 × 1600 with 1,024 positions and 50,257 tokens).
const (
	MaxGPTVocab   = 1 << 20
	MaxGPTContext = 8192
	MaxGPTLayers  = 64
	MaxGPTEmbed   = 8192
)

// Validate names the first bad field. UntiedHead needs no check of its
// own: lm_head.weight is Vocab × Embed, the size of the token embedding,
// which the limits on those two fields already bound.
func (c GPTConfig) Validate() error {
	switch {
	case c.Vocab < 1 || c.Vocab > MaxGPTVocab:
		return fmt.Errorf("GPTConfig.Vocab: must be in [1, %d] (got %d)", MaxGPTVocab, c.Vocab)
	case c.Context < 1 || c.Context > MaxGPTContext:
		return fmt.Errorf("GPTConfig.Context: must be in [1, %d] (got %d)", MaxGPTContext, c.Context)
	case c.Layers < 1 || c.Layers > MaxGPTLayers:
		return fmt.Errorf("GPTConfig.Layers: must be in [1, %d] (got %d)", MaxGPTLayers, c.Layers)
	case c.Heads < 1:
		return fmt.Errorf("GPTConfig.Heads: must be >= 1 (got %d)", c.Heads)
	case c.Embed < 1 || c.Embed > MaxGPTEmbed:
		return fmt.Errorf("GPTConfig.Embed: must be in [1, %d] (got %d)", MaxGPTEmbed, c.Embed)
	case c.Embed%c.Heads != 0:
		return fmt.Errorf("GPTConfig.Embed: %d is not divisible by GPTConfig.Heads %d", c.Embed, c.Heads)
	case !(c.Dropout >= 0 && c.Dropout < 1):
		return fmt.Errorf("GPTConfig.Dropout: must be in [0, 1) (got %g)", c.Dropout)
	case !(c.LNEps >= 0 && c.LNEps < 1):
		return fmt.Errorf("GPTConfig.LNEps: must be in [0, 1), 0 meaning 1e-5 (got %g)", c.LNEps)
	}
	return nil
}

func (c GPTConfig) eps() float64 {
	if c.LNEps == 0 {
		return 1e-5
	}
	return c.LNEps
}

// GPT is a decoder-only transformer in GPT-2's layout: token and learned
// position embeddings, pre-LayerNorm blocks of causal multi-head
// self-attention and a 4× MLP with tanh-approximated GELU, a final
// LayerNorm and an output head: by default tied to the token embedding
// (logits = h·wteᵀ, no separate parameter), with GPTConfig.UntiedHead a
// matrix of its own, lm_head.weight [Vocab, C] (logits = h·lm_headᵀ).
//
// Weights are named as nanoGPT's state dict and laid out as PyTorch's
// nn.Linear, W [out, in]: transformer.wte.weight [Vocab, C],
// transformer.wpe.weight [Context, C], and per block i
// transformer.h.i.{ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc,
// mlp.c_proj}.{weight, bias}, then transformer.ln_f, then (untied only)
// lm_head.weight, as PyTorch's GPT2LMHeadModel names it. c_attn's 3C outputs
// are the queries, keys and values in that order, heads contiguous within
// each. Hugging Face GPT-2 checkpoints store these projections as Conv1D
// weights [in, out]: a checkpoint loader must transpose them into [out, in]
// before NewGPTFromParams (GPT itself never transposes).
//
// At inference GPT is a Stepper whose State carries a key/value cache
// (State.KV); Prime reads a whole prompt in one batched pass. A sequence
// cannot grow past Config.Context positions (ErrContextFull).
type GPT struct {
	Config   GPTConfig
	WTE, WPE *nn.Embedding
	Blocks   []*GPTBlock
	LNF      *nn.LayerNorm
	// LMHead is the output head [Vocab, C] when Config.UntiedHead; nil
	// when the head is WTE.W (see Head).
	LMHead *nn.Param
}

// Head is the output head's weight [Vocab, C], the matrix the final
// LayerNorm's output is multiplied by (transposed) to give the logits:
// LMHead when untied, else the token embedding.
func (m *GPT) Head() *nn.Param {
	if m.LMHead != nil {
		return m.LMHead
	}
	return m.WTE.W
}

// GPTBlock is one transformer block: x += proj(attn(ln_1(x))), then
// x += mlp.c_proj(gelu(mlp.c_fc(ln_2(x)))). Linear biases are nil when
// GPTConfig.Bias is false.
type GPTBlock struct {
	LN1, LN2       *nn.LayerNorm
	Attn, AttnProj *nn.Linear // c_attn [3C, C], attn.c_proj [C, C]
	FC, Proj       *nn.Linear // mlp.c_fc [4C, C], mlp.c_proj [C, 4C]
}

var _ Stepper = (*GPT)(nil)

// newGPT builds the skeleton, taking every tensor from mk in Params order.
func newGPT(cfg GPTConfig, mk func(name string, shape ...int) (*nn.Param, error)) (*GPT, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	C, eps := cfg.Embed, cfg.eps()
	var err error
	param := func(name string, shape ...int) *nn.Param {
		if err != nil {
			return nil
		}
		var p *nn.Param
		p, err = mk(name, shape...)
		return p
	}
	bias := func(name string, n int) *nn.Param {
		if !cfg.Bias {
			return nil
		}
		return param(name, n)
	}
	ln := func(prefix string) *nn.LayerNorm {
		w := param(prefix+".weight", C)
		return &nn.LayerNorm{Dim: C, Eps: eps, W: w, B: bias(prefix+".bias", C)}
	}
	lin := func(prefix string, in, out int) *nn.Linear {
		w := param(prefix+".weight", out, in)
		return &nn.Linear{In: in, Out: out, W: w, B: bias(prefix+".bias", out)}
	}
	m := &GPT{Config: cfg}
	m.WTE = &nn.Embedding{Vocab: cfg.Vocab, Dim: C, W: param("transformer.wte.weight", cfg.Vocab, C)}
	m.WPE = &nn.Embedding{Vocab: cfg.Context, Dim: C, W: param("transformer.wpe.weight", cfg.Context, C)}
	for i := 0; i < cfg.Layers; i++ {
		p := fmt.Sprintf("transformer.h.%d.", i)
		b := &GPTBlock{LN1: ln(p + "ln_1")}
		b.Attn = lin(p+"attn.c_attn", C, 3*C)
		b.AttnProj = lin(p+"attn.c_proj", C, C)
		b.LN2 = ln(p + "ln_2")
		b.FC = lin(p+"mlp.c_fc", C, 4*C)
		b.Proj = lin(p+"mlp.c_proj", 4*C, C)
		m.Blocks = append(m.Blocks, b)
	}
	m.LNF = ln("transformer.ln_f")
	if cfg.UntiedHead {
		m.LMHead = param("lm_head.weight", cfg.Vocab, C)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// NewGPT initialises a GPT as GPT-2 does, seeded: every weight from
// N(0, 0.02²) except the residual projections (attn.c_proj and
// mlp.c_proj), N(0, (0.02/√(2·Layers))²); biases 0; LayerNorm γ 1, β 0.
// An untied head is drawn last, N(0, 0.02²) like any other Linear, so a
// tied and an untied model of one seed share every other weight.
func NewGPT(cfg GPTConfig, seed uint64) (*GPT, error) {
	m, err := newGPT(cfg, func(name string, shape ...int) (*nn.Param, error) { return nn.NewParam(name, shape...), nil })
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x697))
	m.WTE.W.Normal(rng, 0.02)
	m.WPE.W.Normal(rng, 0.02)
	resid := 0.02 / math.Sqrt(2*float64(cfg.Layers))
	for _, b := range m.Blocks {
		for _, ln := range []*nn.LayerNorm{b.LN1, b.LN2} {
			fill(ln.W.Data, 1)
		}
		b.Attn.W.Normal(rng, 0.02)
		b.AttnProj.W.Normal(rng, resid)
		b.FC.W.Normal(rng, 0.02)
		b.Proj.W.Normal(rng, resid)
	}
	fill(m.LNF.W.Data, 1)
	if m.LMHead != nil {
		m.LMHead.Normal(rng, 0.02)
	}
	return m, nil
}

func fill(s []float32, v float32) {
	for i := range s {
		s[i] = v
	}
}

// NewGPTFromParams builds a GPT around existing tensors (a checkpoint's),
// without copying them: ps must hold exactly the tensors Params lists, by
// name, each with the shape cfg implies and len(Data) to match. Errors name
// the tensor. Grad slices are kept as given (nil is fine for inference;
// AllocGrads before training).
func NewGPTFromParams(cfg GPTConfig, ps nn.Params) (*GPT, error) {
	byName := make(map[string]*nn.Param, len(ps))
	for _, p := range ps {
		if p == nil {
			return nil, errors.New("GPT: nil tensor in the parameter set")
		}
		if byName[p.Name] != nil {
			return nil, fmt.Errorf("GPT: tensor %q appears twice", p.Name)
		}
		byName[p.Name] = p
	}
	used := 0
	m, err := newGPT(cfg, func(name string, shape ...int) (*nn.Param, error) {
		p := byName[name]
		if p == nil {
			return nil, fmt.Errorf("GPT: tensor %q is missing (want shape %v)", name, shape)
		}
		n := 1
		for _, d := range shape {
			n *= d
		}
		if !slices.Equal(p.Shape, shape) || len(p.Data) != n {
			return nil, fmt.Errorf("GPT: tensor %q has shape %v (%d values), want %v from the config", name, p.Shape, len(p.Data), shape)
		}
		used++
		return p, nil
	})
	if err != nil {
		return nil, err
	}
	if used != len(ps) {
		for _, p := range ps {
			if _, err := m.Params().ByName(p.Name); err != nil {
				return nil, fmt.Errorf("GPT: unexpected tensor %q (shape %v) for this config", p.Name, p.Shape)
			}
		}
	}
	return m, nil
}

// AllocGrads gives every parameter a zeroed gradient slice if it has none
// of the right length (a model built by NewGPTFromParams for training).
func (m *GPT) AllocGrads() {
	for _, p := range m.Params() {
		if len(p.Grad) != len(p.Data) {
			p.Grad = make([]float32, len(p.Data))
		}
	}
}

// Params lists every weight in nanoGPT's state-dict order (an untied
// head last, as in GPT2LMHeadModel's). Weight decay treats lm_head.weight
// as the ordinary matrix it is: nn.DecayWeight, which spares the
// embeddings, decays it (nanoGPT decays every parameter of two or more
// dimensions and Hugging Face's Trainer everything but biases and
// LayerNorms, so both decay an untied head too). Unlike a lookup table,
// every row of the head gets gradient at every step (through the softmax),
// so decay does not pull rarely seen rows towards zero unopposed.
func (m *GPT) Params() nn.Params {
	ps := nn.Params{m.WTE.W, m.WPE.W}
	lin := func(l *nn.Linear) {
		ps = append(ps, l.W)
		if l.B != nil {
			ps = append(ps, l.B)
		}
	}
	for _, b := range m.Blocks {
		ps = append(ps, b.LN1.Params()...)
		lin(b.Attn)
		lin(b.AttnProj)
		ps = append(ps, b.LN2.Params()...)
		lin(b.FC)
		lin(b.Proj)
	}
	ps = append(ps, m.LNF.Params()...)
	if m.LMHead != nil {
		ps = append(ps, m.LMHead)
	}
	return ps
}

// Graph adds the GPT's training forward pass to g: ids [B·T], batch-major
// (row b·T+t is position t of sequence b, unlike Decoder.Graph's time-major
// rows) → logits [B·T, Vocab] in the same order. T may not exceed
// Config.Context. Dropout applies when g.Train.
func (m *GPT) Graph(g *nn.Graph, ids *G.Node, B, T int) *G.Node {
	cfg := m.Config
	if B < 1 || T < 1 || T > cfg.Context {
		return g.Fail(fmt.Errorf("GPT graph: %d sequences of %d positions (GPTConfig.Context is %d)", B, T, cfg.Context))
	}
	pos := make([]int, B*T)
	for i := range pos {
		pos[i] = i % T
	}
	p := cfg.Dropout
	x := g.Dropout(g.Add(g.Embed(m.WTE, ids), g.Embed(m.WPE, g.Ints(fmt.Sprintf("gpt.positions.%dx%d", B, T), pos))), p)
	lin := func(l *nn.Linear, x *G.Node) *G.Node {
		if l.B == nil {
			return g.MatMulT(x, l.W)
		}
		return g.Linear(l, x)
	}
	for _, b := range m.Blocks {
		a := g.SelfAttention(lin(b.Attn, g.LayerNorm(b.LN1, x)), B, T, cfg.Heads, p)
		x = g.Add(x, g.Dropout(lin(b.AttnProj, a), p))
		h := lin(b.Proj, g.GELU(lin(b.FC, g.LayerNorm(b.LN2, x))))
		x = g.Add(x, g.Dropout(h, p))
	}
	// Tied, wte is one graph node used twice (lookup and head), so its
	// gradient is the sum of both uses; untied, lm_head is its own node.
	return g.MatMulT(g.LayerNorm(m.LNF, x), m.Head())
}

// VocabSize implements Stepper.
func (m *GPT) VocabSize() int { return m.Config.Vocab }

// NewState implements Stepper: an empty key/value cache for batch rows.
func (m *GPT) NewState(batch int) *State {
	return &State{Batch: batch, KV: newKVCache(m.Config.Layers, batch, m.Config.Embed, m.Config.Context)}
}

// ErrContextFull is returned (wrapped, with the sizes) by Step and Prime
// when the tokens would not fit the model's context window.
var ErrContextFull = errors.New("GPT context window is full")

func (m *GPT) check(s *State, tokens []int, T int) error {
	if s.KV == nil || s.KV.layers != m.Config.Layers || s.KV.width != m.Config.Embed || s.KV.context != m.Config.Context ||
		s.Batch < 1 || len(s.KV.K) != s.Batch*m.Config.Layers {
		return errors.New("GPT: the state has no key/value cache of this model for its rows (use GPT.NewState)")
	}
	if pos := s.KV.Pos; pos+T > m.Config.Context {
		return fmt.Errorf("%w: %d positions used, %d more do not fit the context of %d (GPTConfig.Context)", ErrContextFull, pos, T, m.Config.Context)
	}
	for i, t := range tokens {
		if t < 0 || t >= m.Config.Vocab {
			return fmt.Errorf("token id %d (index %d) out of range [0, %d)", t, i, m.Config.Vocab)
		}
	}
	return nil
}

// Step implements Stepper: token tokens[r] goes to position KV.Pos of row r,
// attending to the row's cached keys and values; the logits of the next
// token are written to logits[r·V:(r+1)·V]. Each weight matrix is read
// once for all rows (one row: a matrix-vector product).
func (m *GPT) Step(s *State, tokens []int, logits []float32) error {
	B := s.Batch
	if len(tokens) != B || len(logits) < B*m.Config.Vocab {
		return fmt.Errorf("step: %d tokens and %d logits for a batch of %d (vocabulary %d)", len(tokens), len(logits), B, m.Config.Vocab)
	}
	if err := m.check(s, tokens, 1); err != nil {
		return err
	}
	m.forward(s.KV, tokens, B, 1, logits, false)
	return nil
}

// Primer is a Stepper that can also read a whole prompt at once (Decoder
// without attention, GPT): Prime feeds time-major tokens [T·B] to the rows
// of s and writes each row's next-token logits, as T Steps would.
type Primer interface {
	Stepper
	Prime(s *State, tokens []int, logits []float32) error
}

var _ Primer = (*GPT)(nil)
var _ Primer = (*Decoder)(nil)

// Prime reads a whole prompt for rows 0..B-1 of s in one pass (tokens is
// time-major [T·B], as for Decoder.Prime): the projections are
// matrix-matrix products over all T·B positions and attention is causal
// within the prompt (and over anything already cached). It fills the cache
// and writes each row's next-token logits after the last prompt token.
func (m *GPT) Prime(s *State, tokens []int, logits []float32) error {
	B := s.Batch
	if B < 1 || len(tokens) == 0 || len(tokens)%B != 0 {
		return fmt.Errorf("prime: %d tokens do not fill a batch of %d", len(tokens), B)
	}
	if len(logits) < B*m.Config.Vocab {
		return fmt.Errorf("prime: %d logits for a batch of %d (vocabulary %d)", len(logits), B, m.Config.Vocab)
	}
	T := len(tokens) / B
	if err := m.check(s, tokens, T); err != nil {
		return err
	}
	ids := make([]int, len(tokens)) // batch-major
	for t := 0; t < T; t++ {
		for b := 0; b < B; b++ {
			ids[b*T+t] = tokens[t*B+b]
		}
	}
	m.forward(s.KV, ids, B, T, logits, false)
	return nil
}

// Logits returns the next-token logits after every position of one
// sequence, [len(ids), Vocab], in one batched pass (what a cross-check
// against another implementation, or an evaluation, reads). ids may not be
// longer than Config.Context.
func (m *GPT) Logits(ids []int) ([]float32, error) {
	if len(ids) == 0 {
		return nil, errors.New("logits: empty sequence")
	}
	s := m.NewState(1)
	if err := m.check(s, ids, len(ids)); err != nil {
		return nil, err
	}
	out := make([]float32, len(ids)*m.Config.Vocab)
	m.forward(s.KV, ids, 1, len(ids), out, true)
	return out, nil
}

// forward runs T new positions of B rows (ids batch-major, checked) through
// the model, appending to the cache, and writes each row's logits after
// its last position (after every position when all is set: [B·T, V]).
func (m *GPT) forward(kv *KVCache, ids []int, B, T int, logits []float32, all bool) {
	cfg := m.Config
	C, H, V := cfg.Embed, cfg.Heads, cfg.Vocab
	d := C / H
	N := B * T
	pos0 := kv.Pos
	kv.reserve(pos0 + T)
	w := &kv.work
	x := growF(&w.x, N*C)
	h := growF(&w.h, N*C)
	qkv := growF(&w.qkv, N*3*C)
	att := growF(&w.att, N*C)
	fc := growF(&w.fc, N*4*C)
	scores := growF(&w.scores, min(T, primeChunk)*cfg.Context)
	for b := 0; b < B; b++ {
		for t := 0; t < T; t++ {
			r := x[(b*T+t)*C : (b*T+t+1)*C]
			copy(r, m.WTE.Row(ids[b*T+t]))
			kernels.Axpy(1, m.WPE.Row(pos0+t), r)
		}
	}
	scale := float32(1 / math.Sqrt(float64(d)))
	n := pos0 + T // positions visible to the last query
	for l, blk := range m.Blocks {
		blk.LN1.Forward(N, x, h)
		linearT(blk.Attn, N, h, qkv)
		for b := 0; b < B; b++ {
			K, Vc := kv.K[l*B+b], kv.V[l*B+b]
			for t := 0; t < T; t++ {
				row := qkv[(b*T+t)*3*C:]
				copy(K[(pos0+t)*C:(pos0+t+1)*C], row[C:2*C])
				copy(Vc[(pos0+t)*C:(pos0+t+1)*C], row[2*C:3*C])
			}
			for hd := 0; hd < H; hd++ {
				if T == 1 {
					attendOne(qkv[b*3*C+hd*d:b*3*C+hd*d+d], K, Vc, hd*d, C, n, scale, scores[:n], att[b*C+hd*d:b*C+hd*d+d])
					continue
				}
				// Queries in chunks of primeChunk rows: S = Q Kᵀ/√d over the
				// positions the chunk's last query sees (query t sees those
				// ≤ pos0+t), so scores stay primeChunk × Context at most.
				for t0 := 0; t0 < T; t0 += primeChunk {
					t1 := min(T, t0+primeChunk)
					rows, seen := t1-t0, pos0+t1
					S := scores[:rows*seen]
					kernels.Sgemm(false, true, rows, seen, d, scale, qkv[(b*T+t0)*3*C+hd*d:], 3*C, K[hd*d:], C, 0, S, seen)
					for t := t0; t < t1; t++ {
						row := S[(t-t0)*seen : (t-t0+1)*seen]
						see := pos0 + t + 1
						kernels.Softmax(row[:see], row[:see])
						clear(row[see:])
					}
					kernels.Sgemm(false, false, rows, d, seen, 1, S, seen, Vc[hd*d:], C, 0, att[(b*T+t0)*C+hd*d:], C)
				}
			}
		}
		linearT(blk.AttnProj, N, att, h)
		kernels.Axpy(1, h, x)
		blk.LN2.Forward(N, x, h)
		linearT(blk.FC, N, h, fc)
		nn.GELUInPlace(fc)
		linearT(blk.Proj, N, fc, h)
		kernels.Axpy(1, h, x)
	}
	kv.Pos += T
	head := m.Head().Data // [V, C]: logits = h·headᵀ
	if all {
		m.LNF.Forward(N, x, h)
		kernels.Sgemm(false, true, N, V, C, 1, h, C, head, C, 0, logits[:N*V], V)
		return
	}
	last := h[:B*C]
	for b := 0; b < B; b++ {
		r := (b*T + T - 1) * C
		m.LNF.Forward(1, x[r:r+C], last[b*C:(b+1)*C])
	}
	out := logits[:B*V]
	if B == 1 {
		kernels.Sgemv(false, V, C, 1, head, C, last, 0, out)
	} else {
		kernels.Sgemm(false, true, B, V, C, 1, last, C, head, C, 0, out, V)
	}
}

// attendOne is one query's attention for one head (a decoding step):
// s_j = q·k_j·scale over the n cached positions (head columns off…off+d of
// each width-C row), softmax, out = Σ_j s_j v_j. Dot products and axpys on
// the cached rows in place: a one-row matrix product would pack them.
func attendOne(q, K, V []float32, off, C, n int, scale float32, s, out []float32) {
	d := len(q)
	for j := 0; j < n; j++ {
		s[j] = scale * kernels.Dot(q, K[j*C+off:j*C+off+d])
	}
	kernels.Softmax(s, s)
	clear(out)
	for j := 0; j < n; j++ {
		kernels.Axpy(s[j], V[j*C+off:j*C+off+d], out)
	}
}

// primeChunk is how many prompt positions attend at once in Prime.
const primeChunk = 128

// linearT computes y = x·Wᵀ + b for rows rows of x: one row is a
// matrix-vector product that streams W once.
func linearT(l *nn.Linear, rows int, x, y []float32) {
	y = y[:rows*l.Out]
	switch {
	case rows == 1 && l.B != nil:
		copy(y, l.B.Data)
		kernels.Sgemv(false, l.Out, l.In, 1, l.W.Data, l.In, x, 1, y)
	case rows == 1:
		kernels.Sgemv(false, l.Out, l.In, 1, l.W.Data, l.In, x, 0, y)
	case l.B != nil:
		kernels.SgemmBias(false, true, rows, l.Out, l.In, 1, x, l.In, l.W.Data, l.In, l.B.Data, y, l.Out)
	default:
		kernels.Sgemm(false, true, rows, l.Out, l.In, 1, x, l.In, l.W.Data, l.In, 0, y, l.Out)
	}
}

func growF(s *[]float32, n int) []float32 {
	*s = grow(*s, n)
	return *s
}
