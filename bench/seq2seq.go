package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tasks"
)

// The seq2seq workloads of the shared suite: GRU encoder and decoder of 256
// with additive attention 256, embeddings 256, vocabularies of 5,000, batch
// 64, source and target length 12 with the reference's padding pattern.
//
// recur's translator places attention after the decoder step (Luong: the
// step's output attends, the output layer reads tanh(W_c[h; c])) where the
// reference feeds the previous context into the GRU (Bahdanau). Per target
// token recur therefore does 2·3·256·512 + 2·512·256 + 2·256·5000 FLOPs of
// products where the reference does 2·3·256·768 + 2·512·5000: recur's model
// needs about 0.62× the reference's FLOPs per pair. The results report
// recur's own GFLOP/s in "extra" so the two can be compared both ways.
const (
	s2sHidden = 256
	s2sBatch  = 64
	beamWidth = 5
)

func init() {
	mustRegister(Workload{Spec: spec("seq2seq-train"), Setup: func(o Options) (*Case, error) { return setupSeq2SeqTrain(o.Seed) }})
	mustRegister(Workload{Spec: spec("seq2seq-beam"), Setup: func(o Options) (*Case, error) { return setupSeq2SeqBeam(o.Seed) }})
}

func s2sVocabulary() (*datasets.Vocab, error) {
	toks := []string{datasets.UnknownToken, datasets.PadToken, datasets.BOSToken, datasets.EOSToken}
	for i := datasets.NumSpecials; i < s2sVocab; i++ {
		toks = append(toks, fmt.Sprintf("w%04d", i))
	}
	return datasets.NewVocab(toks)
}

func s2sModel(seed uint64) (*tasks.Translator, error) {
	v, err := s2sVocabulary()
	if err != nil {
		return nil, err
	}
	cfg := tasks.TranslatorConfig{
		Encoder: encoder.RNNConfig{Cell: nn.GRU, Embed: s2sHidden, Hidden: s2sHidden, Layers: 1},
		Decoder: decoder.Config{Cell: nn.GRU, Embed: s2sHidden, Hidden: s2sHidden, Layers: 1, Attention: nn.Additive, AttentionDim: s2sHidden},
		MaxLen:  s2sLen,
	}
	return tasks.NewTranslator(cfg, v, v, seed)
}

// s2sFlopsPerPair is recur's own forward FLOPs per pair (see above):
// encoder GRU 12H² per token, attention keys 2H² per source token, the
// bridge 2H², and per target step the GRU 12H², the query 2H², scores and
// context 4LH, the combination 4H² and the output 2HV.
func s2sFlopsPerPair() int64 {
	H, V, L := int64(s2sHidden), int64(s2sVocab), int64(s2sLen)
	return L*12*H*H + L*2*H*H + 2*H*H + L*(12*H*H+2*H*H+4*L*H+4*H*H+2*H*V)
}

// setupSeq2SeqTrain: one teacher-forced training step per iteration on
// random ids with the reference's padding (row i: source 12 − i mod 5,
// target with EOS 12 − i mod 3), global-norm clipping 5 and Adam 1e-3.
func setupSeq2SeqTrain(seed uint64) (*Case, error) {
	m, err := s2sModel(seed)
	if err != nil {
		return nil, err
	}
	g, err := m.NewBatchGraph(s2sBatch, s2sLen, s2sLen, true, seed, 0)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	B, L := s2sBatch, s2sLen
	for b := 0; b < B; b++ {
		sl, tl := L-b%5, L-b%3
		g.Lens[b] = sl
		for t := 0; t < L; t++ {
			src, out := datasets.PadID, nn.IgnoreTarget
			if t < sl {
				src = datasets.NumSpecials + rng.IntN(s2sVocab-datasets.NumSpecials)
			}
			if t < tl {
				out = datasets.NumSpecials + rng.IntN(s2sVocab-datasets.NumSpecials)
				if t == tl-1 {
					out = datasets.EOSID
				}
			}
			g.Src[t*B+b], g.TgtOut[t*B+b] = src, out
		}
		// Decoder input: BOS, then the target shifted right.
		g.TgtIn[b] = datasets.BOSID
		for t := 1; t < L; t++ {
			if prev := g.TgtOut[(t-1)*B+b]; prev != nn.IgnoreTarget && t < tl {
				g.TgtIn[t*B+b] = prev
			} else {
				g.TgtIn[t*B+b] = datasets.PadID
			}
		}
	}
	adam, err := nn.NewAdam(m.Params(), nn.AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Clip: 5, DecayRate: 1, DecayEvery: 1})
	if err != nil {
		return nil, err
	}
	i := 0
	step := func() error {
		l, err := g.Run(i)
		i++
		if err != nil {
			return err
		}
		if math.IsNaN(float64(l)) {
			return fmt.Errorf("loss is NaN")
		}
		_, err = adam.Update(m.Params())
		return err
	}
	return &Case{Step: step, Units: s2sBatch, Extra: map[string]any{
		"attention":                "Luong placement (see bench/seq2seq.go); reference: Bahdanau with input feeding",
		"recur_fwd_flops_per_pair": s2sFlopsPerPair(),
	}}, nil
}

// setupSeq2SeqBeam: encode one random 12-token source and run beam search
// of width 5 for exactly 12 steps (the end token is forbidden until then,
// no length penalty), returning the best hypothesis.
func setupSeq2SeqBeam(seed uint64) (*Case, error) {
	m, err := s2sModel(seed)
	if err != nil {
		return nil, err
	}
	m.Dec.Freeze() // as a loaded model is
	rng := rand.New(rand.NewPCG(seed, 4))
	src := make([]int, s2sLen)
	for i := range src {
		src[i] = datasets.NumSpecials + rng.IntN(s2sVocab-datasets.NumSpecials)
	}
	cfg := decoder.BeamConfig{Width: beamWidth, LengthPenalty: 0, MaxLen: s2sLen, MinLen: s2sLen, NBest: 1}
	step := func() error {
		enc, err := m.Enc.Encode(src)
		if err != nil {
			return err
		}
		s := encoder.Start(m.Dec, []*encoder.Encoded{enc})
		hyps, err := decoder.BeamSearch(context.Background(), m.Dec, s, datasets.BOSID, datasets.EOSID, cfg)
		if err != nil {
			return err
		}
		if len(hyps[0].Tokens) != s2sLen {
			return fmt.Errorf("beam returned %d tokens, want %d", len(hyps[0].Tokens), s2sLen)
		}
		return nil
	}
	return &Case{Step: step, Units: 1, Extra: map[string]any{"beam": beamWidth, "steps": s2sLen}}, nil
}
