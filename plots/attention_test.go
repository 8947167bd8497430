package plots

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestPlotAttentionWritesPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "att.png")
	w := [][]float32{{0.9, 0.1, 0}, {0.2, 0.7, 0.1}, {0, 0.1, 0.9}, {0.3, 0.3, 0.4}}
	if err := Attention(path, w, []string{"i", "am", "cold"}, []string{"j'", "ai", "froid"}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() < 100 {
		t.Fatalf("not a usable PNG: %v", err)
	}
	if err := Attention(path, nil, nil, nil); err == nil {
		t.Fatal("empty attention accepted")
	}
}
