package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/recur-dev/recur/nn"
)

// Config shapes the feature extractor: one block per entry of Channels,
// each block conv 3×3 (padding 1, no bias) → ReLU → max-pool 2×2 (stride 2).
type Config struct {
	Size     int   `json:"size"`     // input side in pixels; must be divisible by 2^len(Channels)
	Channels []int `json:"channels"` // output channels of each block (input is RGB)
	// Coords appends two constant input planes holding each pixel's x and
	// y in [-1, 1] ("CoordConv"): convolutions are translation invariant,
	// so without them the features say what is in a cell but not where,
	// and a caption's "left of" has to come from the attention weights
	// alone.
	Coords bool `json:"coords,omitempty"`
	// BatchNorm normalises each block's output channels (after the
	// max-pool, so the fused conv → ReLU → pool kernel stays one pass):
	// batch statistics in training, running estimates at inference.
	BatchNorm bool `json:"batch_norm,omitempty"`
}

// InputChannels is 3 (RGB), or 5 with coordinate planes.
func (c Config) InputChannels() int {
	if c.Coords {
		return 5
	}
	return 3
}

// FillInput writes images (3×Size×Size CHW each) into dst, laid out as
// the graph's input [B, InputChannels, Size, Size], adding the coordinate
// planes when configured.
func (c Config) FillInput(dst []float32, images [][]float32) {
	S := c.Size
	plane := S * S
	ch := c.InputChannels()
	for b, im := range images {
		base := dst[b*ch*plane : (b+1)*ch*plane]
		copy(base, im[:3*plane])
		if !c.Coords {
			continue
		}
		for y := 0; y < S; y++ {
			for x := 0; x < S; x++ {
				base[3*plane+y*S+x] = 2*(float32(x)+0.5)/float32(S) - 1
				base[4*plane+y*S+x] = 2*(float32(y)+0.5)/float32(S) - 1
			}
		}
	}
}

// DefaultConfig is the benchmark's captioning CNN: 3→32→64→128 on 64×64,
// leaving an 8×8 grid of 128-wide feature vectors.
func DefaultConfig() Config { return Config{Size: 64, Channels: []int{32, 64, 128}} }

// Validate names the first bad field.
func (c Config) Validate() error {
	if len(c.Channels) < 1 || len(c.Channels) > 6 {
		return fmt.Errorf("cnn: %d conv blocks (valid: 1 to 6, e.g. 32,64,128)", len(c.Channels))
	}
	for i, ch := range c.Channels {
		if ch < 1 || ch > 1024 {
			return fmt.Errorf("cnn: block %d has %d channels (valid: 1 to 1024)", i+1, ch)
		}
	}
	div := 1 << len(c.Channels)
	if c.Size < div || c.Size > 1024 || c.Size%div != 0 {
		return fmt.Errorf("cnn: input size %d is invalid (valid: a multiple of %d, the pooling factor of %d blocks, up to 1024)", c.Size, div, len(c.Channels))
	}
	return nil
}

// GridSide is the side of the output grid (Size / 2^blocks).
func (c Config) GridSide() int { return c.Size >> len(c.Channels) }

// Features is the width of one feature vector (the last block's channels).
func (c Config) Features() int { return c.Channels[len(c.Channels)-1] }

// Net is the convolutional feature extractor. Filters[i] is [out, in, 3, 3]
// (PyTorch's Conv2d weight layout), named cnn.conv{i}.weight.
type Net struct {
	Config  Config
	Filters []*nn.Param
	Norms   []*nn.BatchNorm // cnn.bn{i}.*, with Config.BatchNorm only
}

// New initialises the filters with He (Kaiming) normal initialisation,
// std √(2/fan_in), which keeps activations' scale through ReLU layers.
func New(cfg Config, seed uint64) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0xc22))
	n := &Net{Config: cfg}
	in := cfg.InputChannels()
	for i, out := range cfg.Channels {
		p := nn.NewParam(fmt.Sprintf("cnn.conv%d.weight", i), out, in, 3, 3)
		p.Normal(rng, math.Sqrt(2/float64(9*in)))
		n.Filters = append(n.Filters, p)
		if cfg.BatchNorm {
			n.Norms = append(n.Norms, nn.NewBatchNorm(fmt.Sprintf("cnn.bn%d", i), out))
		}
		in = out
	}
	return n, nil
}

// Params lists the filters, then the batch-norm layers' weights and
// running estimates.
func (n *Net) Params() nn.Params {
	ps := append(nn.Params{}, n.Filters...)
	for _, bn := range n.Norms {
		ps = append(ps, bn.Params()...)
	}
	return ps
}

// Graph adds the network to g for x [B, InputChannels, Size, Size] (NCHW,
// filled by Config.FillInput from images as Preprocess returns them) and
// returns
//
//   - grid [S·B, C]: the last block's feature map as S = side² memory vectors
//     per image, time-major like every sequence in recur (row s·B+b is cell s,
//     in raster order, of image b), ready to be attended to;
//   - pooled [B, C]: the global average of the grid, f = (1/S) Σ_s grid_s.
//
// Each block is nn's fused conv → ReLU → max-pool kernel (checked against
// the direct definition and by finite differences in nn/conv_test.go and
// net_test.go).
func (n *Net) Graph(g *nn.Graph, x *G.Node, B int) (grid, pooled *G.Node, err error) {
	o, err := n.GraphAll(g, x, B)
	return o.Grid, o.Pooled, err
}

// Outputs are the feature nodes of one batch.
type Outputs struct {
	Grid   *G.Node // [S·B, C] time-major cells
	Pooled *G.Node // [B, C] average over cells
	// Flat [B, C·S] is each image's whole feature map, channel by channel
	// (row b holds c·S + s): unlike the average it keeps where every
	// feature is.
	Flat *G.Node
}

// GraphAll is Graph returning the flattened feature map too.
func (n *Net) GraphAll(g *nn.Graph, x *G.Node, B int) (Outputs, error) {
	o, err := n.graph(g, x, B)
	if err != nil {
		return Outputs{}, err
	}
	return o, nil
}

func (n *Net) graph(g *nn.Graph, x *G.Node, B int) (o Outputs, err error) {
	if g.Err() != nil {
		return o, g.Err()
	}
	// Each block is one fused kernel (conv 3×3 → ReLU → max-pool 2×2 on
	// recur's sgemm through im2col); gorgonia's Conv2d/Rectify/MaxPool2D
	// chain computed the same but spent most of its time outside the
	// products (strided iterators, transposes), 2.5× slower overall.
	h := x
	for i, f := range n.Filters {
		if h = g.ConvBlock(h, f, i > 0); h == nil {
			return o, fmt.Errorf("cnn block %d: %w", i+1, g.Err())
		}
		if n.Norms != nil {
			if h = g.BatchNorm(n.Norms[i], h); h == nil {
				return o, fmt.Errorf("cnn block %d batch norm: %w", i+1, g.Err())
			}
		}
	}
	side, C := n.Config.GridSide(), n.Config.Features()
	S := side * side
	// [B, C, side, side] → cells [S·B, C], then the average over cells.
	o.Grid = g.Cells(h)
	if o.Grid == nil {
		return o, fmt.Errorf("cnn grid: %w", g.Err())
	}
	sbc, err := G.Reshape(o.Grid, tensor.Shape{S, B, C})
	if err == nil {
		o.Pooled, err = G.Mean(sbc, 0)
	}
	if err == nil {
		o.Flat, err = G.Reshape(h, tensor.Shape{B, C * S})
	}
	if err != nil {
		return o, fmt.Errorf("cnn grid: %w", err)
	}
	return o, nil
}

// Features is the output of Extract for a batch of images.
type Features struct {
	B, S, C int
	Grid    []float32 // [S·B, C], time-major
	Pooled  []float32 // [B, C]
	Flat    []float32 // [B, C·S], channel-major per image
}

// Cell returns image b's grid as [S, C] rows (a copy).
func (f *Features) Cell(b int) []float32 {
	out := make([]float32, f.S*f.C)
	for s := 0; s < f.S; s++ {
		copy(out[s*f.C:(s+1)*f.C], f.Grid[(s*f.B+b)*f.C:(s*f.B+b+1)*f.C])
	}
	return out
}

// Extract runs the network forward (no gradients) on images, each a
// 3×Size×Size CHW slice from Preprocess or LoadImage.
func (n *Net) Extract(images [][]float32) (*Features, error) {
	B := len(images)
	if B == 0 {
		return nil, fmt.Errorf("cnn: no images")
	}
	size := n.Config.Size
	per := 3 * size * size
	ch := n.Config.InputChannels()
	x := make([]float32, B*ch*size*size)
	for i, im := range images {
		if len(im) != per {
			return nil, fmt.Errorf("cnn: image %d has %d values, want 3×%d×%d = %d (preprocess it to the model's size)", i+1, len(im), size, size, per)
		}
	}
	n.Config.FillInput(x, images)
	g := nn.NewGraph(false, 0)
	xn := g.Floats("images", x, B, ch, size, size)
	o, err := n.GraphAll(g, xn, B)
	if err != nil {
		return nil, err
	}
	vm := G.NewTapeMachine(g.G)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, fmt.Errorf("cnn: %w", err)
	}
	side := n.Config.GridSide()
	return &Features{B: B, S: side * side, C: n.Config.Features(),
		Grid:   append([]float32(nil), o.Grid.Value().Data().([]float32)...),
		Pooled: append([]float32(nil), o.Pooled.Value().Data().([]float32)...),
		Flat:   append([]float32(nil), o.Flat.Value().Data().([]float32)...)}, nil
}
