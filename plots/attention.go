package plots

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Attention draws attention weights as a heatmap PNG: one row per
// output token (top to bottom), one column per source token, darker where
// the output token looked.
func Attention(path string, weights [][]float32, src, tgt []string) error {
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
