package main

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

// sheetColumns is the number of captioned images per row of a sheet.
const sheetColumns = 4

// unnormalise turns a preprocessed CHW image back into pixels, scaled up by
// an integer factor so a 64-pixel scene is big enough to look at.
func unnormalise(x []float32, ic cnn.ImageConfig, scale int) *image.RGBA {
	S := ic.Size
	img := image.NewRGBA(image.Rect(0, 0, S*scale, S*scale))
	for y := 0; y < S*scale; y++ {
		for xx := 0; xx < S*scale; xx++ {
			var v [3]uint8
			for ch := 0; ch < 3; ch++ {
				f := float64(x[(ch*S+y/scale)*S+xx/scale])*float64(ic.Std[ch]) + float64(ic.Mean[ch])
				v[ch] = uint8(min(max(f*255, 0), 255))
			}
			img.SetRGBA(xx, y, color.RGBA{v[0], v[1], v[2], 255})
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

// writeSheet draws every image with its caption below it, sheetColumns to
// a row, into one PNG: what a captioner does, at a glance.
func writeSheet(out string, imgs [][]float32, ic cnn.ImageConfig, captions []string) error {
	const scale, pad, lineH, lines = 3, 8, 14, 4
	side := ic.Size * scale
	chars := side / 7
	cellW, cellH := side+2*pad, side+pad+lines*lineH+pad
	cols := min(sheetColumns, len(imgs))
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
	return writePNG(out, sheet, "--sheet")
}

// writePNG writes img to path; errors name the flag that asked for it.
func writePNG(path string, img image.Image, flag string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("%s: %w", flag, err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("%s: %s: %w", flag, path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %s: %w", flag, path, err)
	}
	return nil
}
