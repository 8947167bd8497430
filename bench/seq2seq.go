package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
)

// The seq2seq workloads of the shared suite, with the reference's exact
// model: Embedding(5000, 256) → GRU(256) encoder over the padded source;
// decoder state s₀ = the encoder's state after each sentence's last real
// token; each step e_tj = vᵀ tanh(W s_{t-1} + U h_j + b) over the real
// source positions, c_t = Σ a_tj h_j, s_t = GRU([emb(y_{t-1}); c_t], s_{t-1})
// (input 512, hidden 256), logits = Linear(512→5000)([s_t; c_t]). Training
// runs it as recur's fused kernels (nn.Graph.BahdanauGRU); beam search runs
// the same arithmetic as plain Go steps through decoder.BeamSearch.
const (
	s2sHidden = 256
	s2sBatch  = 64
	beamWidth = 5
)

func init() {
	mustRegister(Workload{Spec: spec("seq2seq-train"), Setup: func(o Options) (*Case, error) { return setupSeq2SeqTrain(o.Seed) }})
	mustRegister(Workload{Spec: spec("seq2seq-beam"), Setup: func(o Options) (*Case, error) { return setupSeq2SeqBeam(o.Seed) }})
}

// s2sNet is the reference seq2seq model's weights.
type s2sNet struct {
	srcEmb, tgtEmb *nn.Embedding
	enc, dec       *nn.RNNLayer
	att            *nn.Attention
	out            *nn.Linear
}

func newS2S(seed uint64) (*s2sNet, error) {
	rng := rand.New(rand.NewPCG(seed, 7))
	H := s2sHidden
	enc, err := nn.NewRNN("enc", nn.RNNConfig{Cell: nn.GRU, Input: H, Hidden: H, Layers: 1}, rng)
	if err != nil {
		return nil, err
	}
	dec, err := nn.NewRNN("dec", nn.RNNConfig{Cell: nn.GRU, Input: 2 * H, Hidden: H, Layers: 1}, rng)
	if err != nil {
		return nil, err
	}
	att, err := nn.NewAttention("att", nn.Additive, H, H, H, rng)
	if err != nil {
		return nil, err
	}
	return &s2sNet{
		srcEmb: nn.NewEmbedding("src", s2sVocab, H, rng), tgtEmb: nn.NewEmbedding("tgt", s2sVocab, H, rng),
		enc: enc.Layers[0], dec: dec.Layers[0], att: att, out: nn.NewLinear("out", 2*H, s2sVocab, rng),
	}, nil
}

func (n *s2sNet) params() nn.Params {
	ps := nn.Params{n.srcEmb.W, n.tgtEmb.W}
	ps = append(ps, n.enc.Params()...)
	ps = append(ps, n.att.Params()...)
	ps = append(ps, n.dec.Params()...)
	return append(ps, n.out.Params()...)
}

// setupSeq2SeqTrain: one teacher-forced training step per iteration on
// random ids with the reference's padding (row i: source 12 − i mod 5,
// target with EOS 12 − i mod 3), global-norm clipping 5 and Adam 1e-3.
func setupSeq2SeqTrain(seed uint64) (*Case, error) {
	n, err := newS2S(seed)
	if err != nil {
		return nil, err
	}
	B, L := s2sBatch, s2sLen
	src, tin, tout, lens := make([]int, L*B), make([]int, L*B), make([]int, L*B), make([]int, B)
	rng := rand.New(rand.NewPCG(seed, 3))
	word := func() int { return tokenizers.NumSpecials + rng.IntN(s2sVocab-tokenizers.NumSpecials) }
	for b := 0; b < B; b++ {
		sl, tl := L-b%5, L-b%3
		lens[b] = sl
		for t := 0; t < L; t++ {
			src[t*B+b], tout[t*B+b] = tokenizers.PadID, nn.IgnoreTarget
			if t < sl {
				src[t*B+b] = word()
			}
			if t < tl-1 {
				tout[t*B+b] = word()
			} else if t == tl-1 {
				tout[t*B+b] = tokenizers.EOSID
			}
		}
		tin[b] = tokenizers.BOSID
		for t := 1; t < L; t++ {
			tin[t*B+b] = tokenizers.PadID
			if t < tl {
				tin[t*B+b] = tout[(t-1)*B+b]
			}
		}
	}
	g := nn.NewGraph(true, seed)
	encOut, _ := g.RNNWith(&nn.RNN{Config: nn.RNNConfig{Cell: nn.GRU, Input: s2sHidden, Hidden: s2sHidden, Layers: 1}, Layers: []*nn.RNNLayer{n.enc}},
		g.Embed(n.srcEmb, g.Ints("src", src)), B, nn.RNNOptions{Name: "enc", Lengths: &lens})
	s0 := g.Rows(encOut, (L-1)*B, B) // frozen past each row's end: its last real token
	y := g.BahdanauGRU(n.att, n.dec, g.Embed(n.tgtEmb, g.Ints("tin", tin)), encOut, s0, B, &lens)
	m, err := g.Compile(g.CrossEntropy(g.Linear(n.out, y), g.Ints("tout", tout), 0))
	if err != nil {
		return nil, err
	}
	params := n.params()
	adam, err := nn.NewAdam(params, nn.AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Clip: 5, DecayRate: 1, DecayEvery: 1})
	if err != nil {
		return nil, err
	}
	i := 0
	step := func() error {
		g.Step = uint64(i)
		i++
		l, err := m.Run()
		if err != nil {
			return err
		}
		if math.IsNaN(float64(l)) {
			return fmt.Errorf("loss is NaN")
		}
		_, err = adam.Update(params)
		return err
	}
	return &Case{Step: step, Units: s2sBatch, Extra: map[string]any{"model": "reference: GRU encoder, Bahdanau attention with input feeding"}}, nil
}

// s2sStepper runs the reference decoder one step at a time for the rows of
// a decoder.State (beam hypotheses of one source), so decoder.BeamSearch
// drives it like any recur decoder.
type s2sStepper struct {
	n        *s2sNet
	mem      []float32 // [S, H]
	keys     []float32
	S        int
	work     nn.StepWork
	aw       nn.AttendWork
	x, y, wt []float32
}

func (st *s2sStepper) VocabSize() int { return s2sVocab }
func (st *s2sStepper) NewState(batch int) *decoder.State {
	return &decoder.State{Batch: batch, H: [][]float32{make([]float32, batch*s2sHidden)}}
}

// Step: attention from s_{t-1}, GRU on [emb; c], logits from [s_t; c].
func (st *s2sStepper) Step(s *decoder.State, tokens []int, logits []float32) error {
	H, B := s2sHidden, s.Batch
	st.x = growF(st.x, B*2*H)
	st.y = growF(st.y, B*2*H)
	st.wt = growF(st.wt, st.S)
	h := s.H[0]
	for r, tok := range tokens {
		x := st.x[r*2*H : (r+1)*2*H]
		copy(x[:H], st.n.tgtEmb.Row(tok))
		st.n.att.Attend(&st.aw, h[r*H:(r+1)*H], st.mem, st.keys, st.S, st.wt, x[H:])
	}
	st.n.dec.Step(&st.work, B, st.x, h, nil)
	for r := 0; r < B; r++ {
		y := st.y[r*2*H : (r+1)*2*H]
		copy(y[:H], h[r*H:(r+1)*H])
		copy(y[H:], st.x[r*2*H+H:(r+1)*2*H])
	}
	st.n.out.MatMulT(B, st.y, logits[:B*s2sVocab])
	return nil
}

func growF(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// setupSeq2SeqBeam: encode one random 12-token source and run beam search
// of width 5 for exactly 12 steps (the end token is forbidden until then,
// no length penalty), returning the best hypothesis.
func setupSeq2SeqBeam(seed uint64) (*Case, error) {
	n, err := newS2S(seed)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 4))
	src := make([]int, s2sLen)
	for i := range src {
		src[i] = tokenizers.NumSpecials + rng.IntN(s2sVocab-tokenizers.NumSpecials)
	}
	H := s2sHidden
	st := &s2sStepper{n: n, S: s2sLen, keys: make([]float32, s2sLen*H)}
	x := make([]float32, s2sLen*H)
	cfg := decoder.BeamConfig{Width: beamWidth, LengthPenalty: 0, MaxLen: s2sLen, MinLen: s2sLen, NBest: 1}
	var cache nn.SeqCache
	step := func() error {
		if err := n.srcEmb.Lookup(src, x); err != nil {
			return err
		}
		h := make([]float32, H)
		st.mem = append(st.mem[:0], n.enc.ForwardState(&cache, s2sLen, 1, x, h, nil)...)
		n.att.Keys(st.mem, s2sLen, st.keys)
		s := st.NewState(1)
		copy(s.H[0], h)
		hyps, err := decoder.BeamSearch(context.Background(), st, s, tokenizers.BOSID, tokenizers.EOSID, cfg)
		if err != nil {
			return err
		}
		if len(hyps[0].Tokens) != s2sLen {
			return fmt.Errorf("beam returned %d tokens, want %d", len(hyps[0].Tokens), s2sLen)
		}
		return nil
	}
	return &Case{Step: step, Units: 1, Extra: map[string]any{"beam": beamWidth, "steps": s2sLen, "model": "reference: GRU encoder, Bahdanau attention with input feeding"}}, nil
}
