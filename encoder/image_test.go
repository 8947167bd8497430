package encoder

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/nn"
)

// TestImageEncodeMatchesGraph checks that the plain-Go Encode used at
// inference gives the initial states and memory the training graph does,
// for an LSTM decoder (h0 and c0) with attention.
func TestImageEncodeMatchesGraph(t *testing.T) {
	for _, init := range []string{"pooled", "flat"} {
		for _, xy := range []bool{false, true} {
			name := init
			if xy {
				name += "+grid-coords"
			}
			t.Run(name, func(t *testing.T) { testEncodeMatchesGraph(t, init, xy) })
		}
	}
}

func testEncodeMatchesGraph(t *testing.T, init string, gridCoords bool) {
	cfg := ImageConfig{CNN: cnn.Config{Size: 16, Channels: []int{4, 6}, Coords: true}, Attention: true, Init: init, GridCoords: gridCoords}
	W := cfg.MemoryWidth()
	dc := decoder.Config{Cell: nn.LSTM, Vocab: 7, Embed: 5, Hidden: 8, Layers: 2, Attention: nn.Additive, AttentionDim: 8, Memory: W}
	e, err := NewImage(cfg, dc, 1)
	if err != nil {
		t.Fatal(err)
	}
	const B = 2
	rng := rand.New(rand.NewPCG(1, 2))
	imgs := make([][]float32, B)
	for b := range imgs {
		imgs[b] = make([]float32, 3*16*16)
		for i := range imgs[b] {
			imgs[b][i] = float32(rng.NormFloat64())
		}
	}
	x := make([]float32, B*5*16*16)
	cfg.CNN.FillInput(x, imgs)
	g := nn.NewGraph(false, 0)
	in, _, err := e.Graph(g, g.Floats("x", x, B, 5, 16, 16), B)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.H0) != 2 || len(in.C0) != 2 || in.Memory == nil || len(*in.SrcLengths) != B {
		t.Fatalf("graph inputs %+v", in)
	}
	vm := G.NewTapeMachine(g.G)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	encs, err := e.Encode(imgs)
	if err != nil {
		t.Fatal(err)
	}
	near := func(what string, a, b []float32) {
		for i := range a {
			if math.Abs(float64(a[i]-b[i])) > 1e-4 {
				t.Fatalf("%s[%d]: graph %g, Encode %g", what, i, a[i], b[i])
			}
		}
	}
	for l := 0; l < 2; l++ {
		hg := in.H0[l].Value().Data().([]float32)
		cg := in.C0[l].Value().Data().([]float32)
		for b := 0; b < B; b++ {
			near("h0", hg[b*8:(b+1)*8], encs[b].H[l])
			near("c0", cg[b*8:(b+1)*8], encs[b].C[l])
		}
	}
	// The memory, cell by cell: the graph's is time-major [S·B, W].
	mem := in.Memory.Value().Data().([]float32)
	const S = 16 // a 4×4 grid
	for b := 0; b < B; b++ {
		for c := 0; c < S; c++ {
			near("memory", mem[(c*B+b)*W:(c*B+b+1)*W], encs[b].Memory[c*W:(c+1)*W])
		}
	}
	if gridCoords {
		// cell 1 of the top row of a 4×4 grid sits at x = -0.25, y = -0.75
		if got := encs[0].Memory[W : 2*W][W-2:]; got[0] != -0.25 || got[1] != -0.75 {
			t.Fatalf("cell 1's coordinates %v, want [-0.25 -0.75]", got)
		}
	}
	dec, err := decoder.New(dc, 2)
	if err != nil {
		t.Fatal(err)
	}
	s := StartImages(dec, encs)
	if s.Batch != B || len(s.Mem) != B || len(s.Mem[1]) != 16*W {
		t.Fatalf("state batch %d, memory %d rows", s.Batch, len(s.Mem))
	}
	near("state c", s.C[1][8:16], encs[1].C[1])
}
