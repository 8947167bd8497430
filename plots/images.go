package plots

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/recur-dev/recur/cnn"
)

// SheetColumns is the number of captioned images per row of a sheet.
const SheetColumns = 4

// pixel undoes the preprocessing normalisation (x·Std + Mean, times 255)
// of pixel (px, py) of a CHW image of side ic.Size, clamped to [0, 255].
func pixel(x []float32, ic cnn.InputConfig, px, py int) [3]float64 {
	S := ic.Size
	var v [3]float64
	for ch := 0; ch < 3; ch++ {
		f := float64(x[(ch*S+py)*S+px])*float64(ic.Std[ch]) + float64(ic.Mean[ch])
		v[ch] = min(max(f*255, 0), 255)
	}
	return v
}

// unnormalise turns a preprocessed CHW image back into pixels, scaled up by
// an integer factor so a 64-pixel scene is big enough to look at.
func unnormalise(x []float32, ic cnn.InputConfig, scale int) *image.RGBA {
	S := ic.Size
	img := image.NewRGBA(image.Rect(0, 0, S*scale, S*scale))
	for y := 0; y < S*scale; y++ {
		for xx := 0; xx < S*scale; xx++ {
			v := pixel(x, ic, xx/scale, y/scale)
			img.SetRGBA(xx, y, color.RGBA{uint8(v[0]), uint8(v[1]), uint8(v[2]), 255})
		}
	}
	return img
}

// wrap splits text into lines of at most width characters at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	return append(lines, line)
}

// drawText writes text in the 7×13 fixed font with its baseline at (x, y).
func drawText(img draw.Image, x, y int, text string, c color.Color) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(text)
}

// Sheet draws every preprocessed image (as cnn.LoadImage made it under ic)
// with its caption below it, SheetColumns to a row, into one PNG at path:
// what a captioner does, at a glance.
func Sheet(path string, imgs [][]float32, ic cnn.InputConfig, captions []string) error {
	if len(imgs) == 0 || len(captions) != len(imgs) {
		return fmt.Errorf("plots.Sheet: %d images and %d captions, want the same number and at least one", len(imgs), len(captions))
	}
	const scale, pad, lineH, lines = 3, 8, 14, 4
	side := ic.Size * scale
	chars := side / 7
	cellW, cellH := side+2*pad, side+pad+lines*lineH+pad
	cols := min(SheetColumns, len(imgs))
	rows := (len(imgs) + cols - 1) / cols
	sheet := image.NewRGBA(image.Rect(0, 0, cols*cellW, rows*cellH))
	draw.Draw(sheet, sheet.Bounds(), image.White, image.Point{}, draw.Src)
	for i, x := range imgs {
		ox, oy := (i%cols)*cellW+pad, (i/cols)*cellH+pad
		im := unnormalise(x, ic, scale)
		draw.Draw(sheet, image.Rect(ox, oy, ox+side, oy+side), im, image.Point{}, draw.Src)
		for l, line := range wrap(captions[i], chars) {
			if l == lines {
				break
			}
			drawText(sheet, ox, oy+side+lineH*(l+1), line, color.Black)
		}
	}
	return writePNG(path, sheet)
}

// ImageAttention writes the preprocessed image x (un-normalised) and, per
// generated token, a copy dimmed everywhere but where the decoder looked:
// each grid cell's weight, scaled by the token's largest weight, sets how
// much of the pixel shows through (0.15 at the least, so the scene stays
// readable). att holds one row of gridSide² weights per token in raster
// order, the end token last; tokens labels the panels ("</s>" past its end).
func ImageAttention(path string, x []float32, ic cnn.InputConfig, tokens []string, att [][]float32, gridSide int) error {
	if len(att) == 0 || gridSide <= 0 {
		return fmt.Errorf("plots.ImageAttention: no attention weights (%d rows, grid side %d)", len(att), gridSide)
	}
	S, scale := ic.Size, 3
	panel := S * scale
	n := len(att) + 1
	const label = 18 // a strip under the panels for each one's word
	img := image.NewRGBA(image.Rect(0, 0, n*(panel+4), panel+label))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	cell := S / gridSide
	for p := 0; p < n; p++ {
		var w []float32
		var top float32
		if p > 0 {
			w = att[p-1]
			for _, v := range w {
				top = max(top, v)
			}
		}
		for y := 0; y < panel; y++ {
			for xx := 0; xx < panel; xx++ {
				px, py := xx/scale, y/scale
				v := pixel(x, ic, px, py)
				a := 1.0
				if w != nil && top > 0 {
					k := (py/cell)*gridSide + px/cell
					if k < len(w) {
						a = 0.15 + 0.85*float64(w[k]/top)
					}
				}
				img.Set(p*(panel+4)+xx, y, color.RGBA{uint8(v[0] * a), uint8(v[1] * a), uint8(v[2] * a), 255})
			}
		}
		if p > 0 {
			word := "</s>"
			if p-1 < len(tokens) {
				word = tokens[p-1]
			}
			drawText(img, p*(panel+4)+4, panel+14, word, color.Black)
		}
	}
	return writePNG(path, img)
}

// writePNG encodes img as a PNG file at path.
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
