package decoder

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/recur-dev/recur/nn"
)

// With attention the training graph (Luong placement: one sequence kernel
// then attention; input feeding: the fused Bahdanau kernel) and the
// one-token Step must compute the same model, memory lengths included.
func TestAttentionStepMatchesTrainingGraph(t *testing.T) {
	const V, T, B, S, M = 9, 4, 3, 5, 7
	cases := []struct {
		name string
		cfg  Config
	}{
		{"luong-additive", Config{Cell: nn.LSTM, Vocab: V, Embed: 6, Hidden: 8, Layers: 2, Attention: nn.Additive, AttentionDim: 5, Memory: M}},
		{"luong-multiplicative", Config{Cell: nn.GRU, Vocab: V, Embed: 6, Hidden: 8, Layers: 1, Attention: nn.Multiplicative, Memory: M}},
		{"input-feeding", Config{Cell: nn.GRU, Vocab: V, Embed: 6, Hidden: 8, Layers: 1, Attention: nn.Additive, AttentionDim: 5, Memory: M, InputFeeding: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := New(tc.cfg, 4)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(2, 2))
			ids := make([]int, T*B)
			for i := range ids {
				ids[i] = rng.IntN(V)
			}
			mem := make([]float32, S*B*M) // time-major [S·B, M]
			for i := range mem {
				mem[i] = float32(rng.NormFloat64())
			}
			h0 := make([]float32, B*8)
			for i := range h0 {
				h0[i] = float32(rng.NormFloat64()) * 0.5
			}
			lens := []int{S, 2, 4}
			g := nn.NewGraph(false, 1)
			in := GraphInputs{H0: []*G.Node{g.Floats("h0", h0, B, 8)}, Memory: g.Floats("mem", mem, S*B, M), SrcLengths: &lens}
			if tc.cfg.Layers == 2 {
				in.H0 = append(in.H0, g.Floats("h1", make([]float32, B*8), B, 8))
			}
			logits, _, _ := d.GraphWith(g, g.Ints("ids", ids), B, in)
			m, err := g.CompileForward(g.CrossEntropy(logits, g.Ints("targets", ids), 0))
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.Forward()
			if err != nil {
				t.Fatal(err)
			}

			s := d.NewState(B)
			copy(s.H[0], h0)
			if s.C != nil {
				clear(s.C[0])
			}
			for r := 0; r < B; r++ {
				rowMem := make([]float32, lens[r]*M)
				for j := 0; j < lens[r]; j++ {
					copy(rowMem[j*M:(j+1)*M], mem[(j*B+r)*M:(j*B+r+1)*M])
				}
				d.SetMemory(s, r, rowMem, lens[r])
			}
			step := make([]float32, B*V)
			var nll float64
			for tt := 0; tt < T; tt++ {
				if err := d.Step(s, ids[tt*B:(tt+1)*B], step); err != nil {
					t.Fatal(err)
				}
				for b := 0; b < B; b++ {
					nll += rowNLL(step[b*V:(b+1)*V], ids[tt*B+b])
				}
			}
			nll /= T * B
			if math.Abs(float64(got)-nll) > 1e-5 {
				t.Fatalf("graph loss %v, step loss %v", got, nll)
			}
		})
	}
}

func TestInputFeedingNeedsOneGRULayerAndAdditiveAttention(t *testing.T) {
	base := Config{Cell: nn.GRU, Vocab: 9, Embed: 6, Hidden: 8, Layers: 1, Attention: nn.Additive, AttentionDim: 5, Memory: 7, InputFeeding: true}
	if err := base.Validate(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	for _, mutate := range []func(*Config){
		func(c *Config) { c.Cell = nn.LSTM },
		func(c *Config) { c.Layers = 2 },
		func(c *Config) { c.Attention, c.AttentionDim = nn.Multiplicative, 0 },
	} {
		c := base
		mutate(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("config %+v accepted", c)
		}
	}
}

// rowNLL is −log softmax(row)[target], in float64.
func rowNLL(row []float32, target int) float64 {
	mx := row[0]
	for _, v := range row {
		mx = max(mx, v)
	}
	var z float64
	for _, v := range row {
		z += math.Exp(float64(v - mx))
	}
	return float64(mx) + math.Log(z) - float64(row[target])
}
