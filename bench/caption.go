package bench

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/tokenizers"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/nn"
)

// caption-train: 3 × [conv 3×3 pad 1 → ReLU → max-pool 2×2], channels
// 3→32→64→128 on 64×64 images, global average pool, h₀ = tanh(Linear f)
// and c₀ = tanh(Linear f), an LSTM 256 decoder over embeddings 256 of a
// 100-token vocabulary, 12 steps (<s> + caption shifted right), batch 32,
// Adam 1e-3 with clipping 5 — recur's real captioning training path.
func init() {
	mustRegister(Workload{Spec: spec("caption-train"), Setup: func(o Options) (*Case, error) { return setupCaptionTrain(o.Seed) }})
}

const capBatch = 32

func setupCaptionTrain(seed uint64) (*Case, error) {
	toks := []string{tokenizers.UnknownToken, tokenizers.PadToken, tokenizers.BOSToken, tokenizers.EOSToken}
	for i := tokenizers.NumSpecials; i < capVocab; i++ {
		toks = append(toks, fmt.Sprintf("c%03d", i))
	}
	v, err := tokenizers.NewVocab(toks)
	if err != nil {
		return nil, err
	}
	img := cnn.DefaultInputConfig()
	img.Size = 64
	cfg := models.CaptionerConfig{
		Encoder: encoder.ImageConfig{CNN: cnn.Config{Size: 64, Channels: []int{32, 64, 128}}},
		Decoder: decoder.Config{Cell: nn.LSTM, Vocab: capVocab, Embed: capHidden, Hidden: capHidden, Layers: 1},
		Image:   img,
		MaxLen:  capLen,
	}
	m, err := models.NewCaptioner(cfg, v, seed)
	if err != nil {
		return nil, err
	}
	g, err := m.NewBatchGraph(capBatch, capLen, true, seed)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 5))
	images := make([][]float32, capBatch)
	caps := make([][]int, capBatch)
	for b := range images {
		images[b] = make([]float32, 3*64*64)
		for i := range images[b] {
			images[b][i] = float32(rng.NormFloat64())
		}
		caps[b] = make([]int, capLen-1) // + </s> = 12 targets
		for i := range caps[b] {
			caps[b][i] = tokenizers.NumSpecials + rng.IntN(capVocab-tokenizers.NumSpecials)
		}
	}
	adam, err := nn.NewAdam(m.Params(), nn.AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Clip: 5, DecayRate: 1, DecayEvery: 1})
	if err != nil {
		return nil, err
	}
	i := 0
	step := func() error {
		g.Fill(images, caps)
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
	return &Case{Step: step, Units: capBatch, Extra: map[string]any{"cnn": "gorgonia Conv2d/MaxPool2D on recur's sgemm (gorgonia.Use)"}}, nil
}
