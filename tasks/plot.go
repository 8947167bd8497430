package tasks

import (
	"fmt"
	"math"

	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// PlotCurve draws training and validation loss (and the primary metric if it
// is not the loss) against steps as a PNG.
func PlotCurve(path string, curve []Point, primary string) error {
	if len(curve) == 0 {
		return nil
	}
	p := plot.New()
	p.Title.Text = "recur training"
	p.X.Label.Text = "step"
	p.Y.Label.Text = "loss (nats per target)"
	var train, val, prim plotter.XYs
	for _, pt := range curve {
		if !math.IsNaN(pt.TrainLoss) {
			train = append(train, plotter.XY{X: float64(pt.Step), Y: pt.TrainLoss})
		}
		if v, ok := pt.Metrics["loss"]; ok {
			val = append(val, plotter.XY{X: float64(pt.Step), Y: v})
		}
		if v, ok := pt.Metrics[primary]; ok && primary != "loss" {
			prim = append(prim, plotter.XY{X: float64(pt.Step), Y: v})
		}
	}
	add := func(name string, xy plotter.XYs, dashed bool, colour int) error {
		if len(xy) == 0 {
			return nil
		}
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return err
		}
		l.Color = plotColours[colour]
		pts.Color = plotColours[colour]
		if dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		p.Add(l, pts)
		p.Legend.Add(name, l)
		return nil
	}
	if err := add("train", train, true, 0); err != nil {
		return err
	}
	if err := add("validation", val, false, 1); err != nil {
		return err
	}
	if err := add("validation "+primary, prim, false, 2); err != nil {
		return err
	}
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	if err := p.Save(7*vg.Inch, 4*vg.Inch, path); err != nil {
		return fmt.Errorf("writing the loss curve %s: %w", path, err)
	}
	return nil
}

var plotColours = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
}

// PlotAttention draws attention weights as a heatmap PNG: one row per
// output token (top to bottom), one column per source token, darker where
// the output token looked.
func PlotAttention(path string, weights [][]float32, src, tgt []string) error {
	if len(weights) == 0 || len(src) == 0 {
		return fmt.Errorf("no attention weights to draw")
	}
	g := attGrid{w: weights, cols: len(src)}
	p := plot.New()
	p.Title.Text = "attention"
	pal := &greys{}
	hm := plotter.NewHeatMap(g, pal)
	hm.Min, hm.Max = 0, 1
	p.Add(hm)
	xt := make([]plot.Tick, len(src))
	for i, s := range src {
		xt[i] = plot.Tick{Value: float64(i), Label: s}
	}
	yt := make([]plot.Tick, len(weights))
	for i := range weights {
		label := "</s>"
		if i < len(tgt) {
			label = tgt[i]
		}
		yt[i] = plot.Tick{Value: float64(len(weights) - 1 - i), Label: label}
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	p.X.Tick.Label.Rotation = 0.8
	p.X.Tick.Label.XAlign = -1
	w := vg.Length(len(src)+3) * vg.Centimeter
	h := vg.Length(len(weights)+3) * vg.Centimeter
	if err := p.Save(max(w, 8*vg.Centimeter), max(h, 6*vg.Centimeter), path); err != nil {
		return fmt.Errorf("writing the attention map %s: %w", path, err)
	}
	return nil
}

type attGrid struct {
	w    [][]float32
	cols int
}

func (g attGrid) Dims() (c, r int) { return g.cols, len(g.w) }
func (g attGrid) X(c int) float64  { return float64(c) }
func (g attGrid) Y(r int) float64  { return float64(r) }
func (g attGrid) Z(c, r int) float64 {
	row := g.w[len(g.w)-1-r]
	if c < len(row) {
		return float64(row[c])
	}
	return 0
}

// greys is a white-to-black palette.
type greys struct{}

func (greys) Colors() []color.Color {
	cs := make([]color.Color, 64)
	for i := range cs {
		v := uint8(255 - i*4)
		cs[i] = color.RGBA{R: v, G: v, B: v, A: 255}
	}
	return cs
}
