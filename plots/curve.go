package plots

import (
	"fmt"
	"math"

	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// CurvePoint is one validation on a loss curve: the step, the running
// training loss (NaN when unknown) and the validation metrics by name.
type CurvePoint struct {
	Step      int
	TrainLoss float64
	Metrics   map[string]float64
}

// LossCurve draws training and validation loss (and the primary metric if
// it is not the loss) against steps as a PNG at path; an empty curve writes
// nothing.
func LossCurve(path string, curve []CurvePoint, primary string) error {
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
