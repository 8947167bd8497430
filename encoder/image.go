package encoder

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/nn"
)

// ImageConfig shapes an image encoder.
type ImageConfig struct {
	CNN cnn.Config `json:"cnn"`
	// Attention passes the CNN's spatial grid to the decoder as memory
	// (Show, Attend and Tell); without it only the pooled vector starts
	// the decoder (Show and Tell).
	Attention bool `json:"attention"`
	// Init chooses what starts the decoder: "pooled" (or "") the average
	// feature vector, "flat" the whole feature map flattened (S·C inputs
	// per projection), which keeps where each feature is.
	Init string `json:"init,omitempty"`
	// GridCoords appends each grid cell's x and y in [-1, 1] to its feature
	// vector in the attention memory, so the attention context says where
	// the decoder looked, exactly and linearly: what a spatial relation
	// ("left of") is computed from. (cnn.Config.Coords only gives the
	// first convolution those planes; after three ReLU and max-pool blocks
	// little of them is left in a readable form.)
	GridCoords bool `json:"grid_coords,omitempty"`
}

// MemoryWidth is the width of one attention memory vector: the CNN's
// features, plus 2 with GridCoords.
func (c ImageConfig) MemoryWidth() int {
	if c.GridCoords {
		return c.CNN.Features() + 2
	}
	return c.CNN.Features()
}

// gridCoords returns the x, y in [-1, 1] of cell s of a side×side grid in
// raster order.
func gridCoords(s, side int) (x, y float32) {
	return 2*(float32(s%side)+0.5)/float32(side) - 1, 2*(float32(s/side)+0.5)/float32(side) - 1
}

// initWidth is the width of the vector the initial-state projections read.
func (c ImageConfig) initWidth() (int, error) {
	switch c.Init {
	case "", "pooled":
		return c.CNN.Features(), nil
	case "flat":
		side := c.CNN.GridSide()
		return c.CNN.Features() * side * side, nil
	}
	return 0, fmt.Errorf("unknown image encoder init %q (valid: pooled, flat)", c.Init)
}

// DefaultImageConfig is the benchmark CNN without attention.
func DefaultImageConfig() ImageConfig { return ImageConfig{CNN: cnn.DefaultConfig()} }

// Image encodes images for the shared decoder. The CNN's pooled feature
// vector f starts every decoder layer l (Show and Tell):
//
//	h0_l = tanh(W_l f + b_l),  c0_l = tanh(U_l f + d_l) (LSTM only)
//
// and with attention the grid of feature vectors is the decoder's memory.
type Image struct {
	Config ImageConfig
	Net    *cnn.Net
	InitH  []*nn.Linear // img.init_h.l{l}: [decHidden, Features]
	InitC  []*nn.Linear // img.init_c.l{l}, LSTM decoders only
}

// NewImage builds an image encoder for decoder dc (its layers, hidden size
// and cell decide the initial-state projections).
func NewImage(cfg ImageConfig, dc decoder.Config, seed uint64) (*Image, error) {
	net, err := cnn.New(cfg.CNN, seed)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x1a6))
	e := &Image{Config: cfg, Net: net}
	F, err := cfg.initWidth()
	if err != nil {
		return nil, err
	}
	for l := 0; l < dc.Layers; l++ {
		e.InitH = append(e.InitH, nn.NewLinear(fmt.Sprintf("img.init_h.l%d", l), F, dc.Hidden, rng))
		if dc.Cell == nn.LSTM {
			e.InitC = append(e.InitC, nn.NewLinear(fmt.Sprintf("img.init_c.l%d", l), F, dc.Hidden, rng))
		}
	}
	return e, nil
}

// Params lists CNN filters then the initial-state projections.
func (e *Image) Params() nn.Params {
	ps := e.Net.Params()
	for l, h := range e.InitH {
		ps = append(ps, h.Params()...)
		if e.InitC != nil {
			ps = append(ps, e.InitC[l].Params()...)
		}
	}
	return ps
}

// Graph adds the encoder for images x [B, 3, Size, Size] and returns what
// the decoder's GraphWith takes: initial states per layer and, with
// attention, the memory [S·B, Features] (nil otherwise). The pooled
// features [B, Features] are returned too (a classifier's input).
func (e *Image) Graph(g *nn.Graph, x *G.Node, B int) (in decoder.GraphInputs, pooled *G.Node, err error) {
	o, err := e.Net.GraphAll(g, x, B)
	if err != nil {
		return in, nil, err
	}
	grid, pooled, f := o.Grid, o.Pooled, o.Pooled
	if e.Config.Init == "flat" {
		f = o.Flat
	}
	for l, h := range e.InitH {
		in.H0 = append(in.H0, g.Tanh(g.Linear(h, f)))
		if e.InitC != nil {
			in.C0 = append(in.C0, g.Tanh(g.Linear(e.InitC[l], f)))
		}
	}
	if e.Config.Attention {
		in.Memory = grid
		side := e.Config.CNN.GridSide()
		if e.Config.GridCoords {
			S := side * side
			xy := make([]float32, S*B*2) // time-major like the grid: row s·B+b
			for s := 0; s < S; s++ {
				x, y := gridCoords(s, side)
				for b := 0; b < B; b++ {
					xy[(s*B+b)*2], xy[(s*B+b)*2+1] = x, y
				}
			}
			in.Memory = g.Concat(grid, g.Floats("img.grid_xy", xy, S*B, 2))
		}
		lens := make([]int, B)
		for i := range lens {
			lens[i] = side * side
		}
		in.SrcLengths = &lens
	}
	return in, pooled, g.Err()
}

// EncodedImage is one image ready for decoding.
type EncodedImage struct {
	H, C   [][]float32 // per decoder layer [decHidden]; C nil for GRU
	Memory []float32   // [Cells, MemoryWidth] grid (raster order); always filled
	Cells  int
	Pooled []float32 // [Features]
}

// Encode runs the CNN forward on preprocessed images (3×Size×Size CHW
// each) and the initial-state projections in plain Go.
func (e *Image) Encode(images [][]float32) ([]*EncodedImage, error) {
	f, err := e.Net.Extract(images)
	if err != nil {
		return nil, err
	}
	out := make([]*EncodedImage, f.B)
	for b := range out {
		pooled := f.Pooled[b*f.C : (b+1)*f.C]
		enc := &EncodedImage{Memory: f.Cell(b), Cells: f.S, Pooled: append([]float32(nil), pooled...)}
		if e.Config.GridCoords {
			enc.Memory = withCoords(enc.Memory, f.S, f.C, e.Config.CNN.GridSide())
		}
		in := pooled
		if e.Config.Init == "flat" {
			in = f.Flat[b*f.C*f.S : (b+1)*f.C*f.S]
		}
		for l, h := range e.InitH {
			enc.H = append(enc.H, project(h, in))
			if e.InitC != nil {
				enc.C = append(enc.C, project(e.InitC[l], in))
			}
		}
		out[b] = enc
	}
	return out, nil
}

// withCoords appends each cell's grid coordinates to its row of cells
// [S, C], giving [S, C+2].
func withCoords(cells []float32, S, C, side int) []float32 {
	out := make([]float32, S*(C+2))
	for s := 0; s < S; s++ {
		row := out[s*(C+2) : (s+1)*(C+2)]
		copy(row, cells[s*C:(s+1)*C])
		row[C], row[C+1] = gridCoords(s, side)
	}
	return out
}

func project(l *nn.Linear, x []float32) []float32 {
	out := make([]float32, l.Out)
	l.MatMulT(1, x, out)
	nn.TanhInPlace(out)
	return out
}

// StartImages makes a decoder state whose row r starts from imgs[r] (and
// attends to its grid when the decoder has attention).
func StartImages(dec *decoder.Decoder, imgs []*EncodedImage) *decoder.State {
	s := dec.NewState(len(imgs))
	for r, enc := range imgs {
		startRow(dec, s, r, enc.H, enc.C, enc.Memory, enc.Cells)
	}
	return s
}
