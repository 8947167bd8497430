package cnn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// pngChunk encodes one PNG chunk: length, type, data, CRC-32 of type+data.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// pngHeader is a PNG signature and a valid IHDR claiming w×h 8-bit RGB
// pixels, optionally followed by more bytes.
func pngHeader(w, h uint32, tail []byte) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // bit depth 8, colour type 2 (RGB); compression, filter, interlace 0
	b := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	return append(b, tail...)
}

// tinyGIF is a 34-byte GIF whose logical screen claims w×h pixels: header
// (6), screen descriptor (7) with a 2-entry global colour table (6), image
// descriptor (10), LZW minimum code size (1), one 2-byte data sub-block
// (3) and the block terminator (1). No trailer.
func tinyGIF(w, h uint16) []byte {
	var b bytes.Buffer
	b.WriteString("GIF89a")
	binary.Write(&b, binary.LittleEndian, w)
	binary.Write(&b, binary.LittleEndian, h)
	b.Write([]byte{0x80, 0, 0})             // global colour table of 2 entries, background 0, aspect 0
	b.Write([]byte{0, 0, 0, 255, 255, 255}) // black, white
	b.WriteByte(',')
	binary.Write(&b, binary.LittleEndian, [4]uint16{0, 0, w, h})
	b.WriteByte(0)                    // no local colour table
	b.Write([]byte{2, 2, 0x44, 0x01}) // min code size 2, sub-block of 2 bytes
	b.WriteByte(0)
	return b.Bytes()
}

func encode(t testing.TB, img image.Image, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, img)
	case "jpeg":
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 95})
	case "gif":
		err = gif.Encode(&b, img, nil)
	case "bmp":
		err = bmp.Encode(&b, img)
	case "tiff":
		err = tiff.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gradient is a w×h image with R = x, G = y, B = 200.
func gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	return img
}

func write(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadImageRejects(t *testing.T) {
	dir := t.TempDir()
	realJPEG := encode(t, gradient(64, 48), "jpeg")
	small := DefaultInputConfig()
	small.MaxFileBytes = 100

	tests := []struct {
		name string
		data []byte // nil: don't create the file
		dir  bool
		cfg  *InputConfig
		want []string // substrings of the error, besides the file name
	}{
		{name: "huge.png", data: pngHeader(100_000, 100_000, nil),
			want: []string{"100000×100000", "10000000000 pixels", "limit of 89478485"}},
		// Go's PNG decoder refuses w×h overflowing its own arithmetic.
		{name: "max.png", data: pngHeader(math.MaxInt32, math.MaxInt32, nil),
			want: []string{"corrupt PNG image", "dimension overflow"}},
		{name: "claims.gif", data: tinyGIF(65535, 65535),
			want: []string{"65535×65535", "4294836225 pixels"}},
		{name: "zero.gif", data: tinyGIF(0, 0),
			want: []string{"0×0 pixels", "valid: both at least 1"}},
		{name: "zero.png", data: pngHeader(0, 5, nil),
			want: []string{"corrupt PNG image", "supported formats: PNG, JPEG, GIF"}},
		// 9000×9000 is under MaxPixels but a ~60-byte file cannot hold it.
		{name: "forged.png", data: pngHeader(9000, 9000, pngChunk("IDAT", []byte{0x78, 0x9c})),
			want: []string{"truncated or corrupt PNG", "9000×9000", "only 47"}},
		{name: "cut.jpg", data: realJPEG[:len(realJPEG)/2],
			want: []string{"truncated JPEG image", "unexpected EOF", "supported formats: PNG, JPEG, GIF"}},
		{name: "cut.gif", data: encode(t, gradient(20, 20), "gif")[:100],
			want: []string{"truncated GIF image", "supported formats"}},
		{name: "notes.png", data: []byte("these are my notes, not a picture\n"),
			want: []string{"not a supported image", "looks like text", "supported formats: PNG, JPEG, GIF"}},
		{name: "random.png", data: []byte{0x00, 0x01, 0x02, 0xFE, 0x80, 0x81},
			want: []string{"unrecognised data starting 00 01 02 fe 80 81"}},
		{name: "empty.png", data: []byte{},
			want: []string{"file is empty", "supported formats"}},
		{name: "missing.png",
			want: []string{"file does not exist"}},
		{name: "folder.png", dir: true,
			want: []string{"is a directory"}},
		{name: "photo.bmp", data: encode(t, gradient(4, 4), "bmp"),
			want: []string{"BMP image, which recur does not decode", "supported formats: PNG, JPEG, GIF"}},
		{name: "scan.tiff", data: encode(t, gradient(4, 4), "tiff"),
			want: []string{"TIFF image", "convert it to PNG"}},
		{name: "webp.png", data: []byte("RIFF\x10\x00\x00\x00WEBPVP8 "),
			want: []string{"WebP image"}},
		{name: "big.jpg", data: realJPEG, cfg: &small,
			want: []string{"limit of 100 (MaxFileBytes)"}},
		{name: "badcfg.png", data: encode(t, gradient(4, 4), "png"), cfg: &InputConfig{Size: 0, MaxPixels: 1, MaxFileBytes: 1, Std: [3]float32{1, 1, 1}},
			want: []string{"Size 0 is invalid"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			switch {
			case tc.dir:
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			case tc.data != nil:
				write(t, dir, tc.name, tc.data)
			}
			cfg := DefaultInputConfig()
			if tc.cfg != nil {
				cfg = *tc.cfg
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			x, err := LoadImage(path, cfg)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatalf("LoadImage succeeded with %d values, want an error", len(x))
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.HasPrefix(msg, path+": ") {
				t.Errorf("error %q does not start with the path", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
			if elapsed > time.Second {
				t.Errorf("took %v, want well under a second", elapsed)
			}
			// The file is read into memory (at most a few kB here); nothing
			// near the claimed pixel count may be allocated.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
				t.Errorf("allocated %d bytes, want under 8 MiB", alloc)
			}
		})
	}
}

func TestCheckPixels(t *testing.T) {
	tests := []struct {
		w, h int
		max  int64
		want string // "" for no error
	}{
		{1, 1, 1, ""},
		{9459, 9459, 89_478_485, ""}, // 89,472,681 pixels
		{9460, 9460, 89_478_485, "9460×9460 = 89491600 pixels, more than the limit of 89478485"},
		{0, 10, 100, "0×10 pixels"},
		{10, -1, 100, "10×-1 pixels"},
		// The product does not fit in int64: printed as a float, no overflow.
		{math.MaxInt64, math.MaxInt64, 100, "= 8.51e+37 pixels"},
		{math.MaxInt64, 2, math.MaxInt64, "= 1.84e+19 pixels"},
	}
	for _, tc := range tests {
		err := checkPixels(tc.w, tc.h, tc.max)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%d×%d: %v", tc.w, tc.h, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%d×%d: err %v, want it to mention %q", tc.w, tc.h, err, tc.want)
		}
	}
}

// TestBMPTIFFRegisteredButRejected documents the format decision (see the
// package doc): imaging's imports make package image decode BMP and TIFF,
// but LoadImage refuses them before any decoder runs.
func TestBMPTIFFRegisteredButRejected(t *testing.T) {
	for _, format := range []string{"bmp", "tiff"} {
		data := encode(t, gradient(4, 4), format)
		if _, name, err := image.DecodeConfig(bytes.NewReader(data)); err != nil || name != format {
			t.Errorf("image.DecodeConfig(%s) = %q, %v; imaging no longer registers it, update the package doc", format, name, err)
		}
		if _, err := DecodeImage(bytes.NewReader(data), "x."+format, DefaultInputConfig()); err == nil {
			t.Errorf("DecodeImage accepted %s", format)
		}
	}
}

func TestLoadImageMissingIsNotExist(t *testing.T) {
	_, err := LoadImage(filepath.Join(t.TempDir(), "nope.png"), DefaultInputConfig())
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want one wrapping fs.ErrNotExist", err)
	}
}

func TestDecodeImageStreamCap(t *testing.T) {
	data := encode(t, gradient(32, 32), "png")
	cfg := DefaultInputConfig()
	cfg.MaxFileBytes = int64(len(data)) - 1
	_, err := DecodeImage(bytes.NewReader(data), "upload", cfg)
	if err == nil || !strings.Contains(err.Error(), "upload: image data is more than the limit") {
		t.Errorf("err = %v, want the MaxFileBytes error", err)
	}
	cfg.MaxFileBytes = int64(len(data))
	x, err := DecodeImage(bytes.NewReader(data), "upload", cfg)
	if err != nil || len(x) != 3*64*64 {
		t.Errorf("at exactly the cap: %d values, err %v", len(x), err)
	}
}

// TestLoadImageFormats loads the same picture as PNG, GIF and JPEG.
func TestLoadImageFormats(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultInputConfig()
	cfg.Size = 16
	cfg.Mean, cfg.Std = [3]float32{}, [3]float32{1, 1, 1} // plain v/255
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = 255 // white
	}
	for _, format := range []string{"png", "gif", "jpeg"} {
		x, err := LoadImage(write(t, dir, "white."+format, encode(t, img, format)), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(x) != 3*16*16 {
			t.Fatalf("%s: %d values, want %d", format, len(x), 3*16*16)
		}
		for i, v := range x {
			if math.Abs(float64(v)-1) > 2.0/255 { // JPEG may be off by a level
				t.Fatalf("%s: x[%d] = %v, want 1 (white)", format, i, v)
			}
		}
	}
}

// withOrientation inserts an APP1 EXIF segment holding only the orientation
// tag right after the JPEG SOI marker:
//
//	FF E1, length
//	"Exif\0\0"
//	TIFF header "MM" 00 2A, offset 8 of the first IFD
//	IFD: 1 entry; tag 0x0112 (Orientation), type 3 (SHORT), count 1,
//	     value in the first 2 of 4 bytes; next-IFD offset 0
func withOrientation(jpg []byte, o uint16) []byte {
	var exif bytes.Buffer
	exif.WriteString("Exif\x00\x00")
	exif.WriteString("MM\x00\x2A")
	binary.Write(&exif, binary.BigEndian, uint32(8))
	binary.Write(&exif, binary.BigEndian, uint16(1))
	binary.Write(&exif, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&exif, binary.BigEndian, uint32(1))
	binary.Write(&exif, binary.BigEndian, []uint16{o, 0})
	binary.Write(&exif, binary.BigEndian, uint32(0))

	var b bytes.Buffer
	b.Write(jpg[:2]) // SOI
	b.Write([]byte{0xFF, 0xE1})
	binary.Write(&b, binary.BigEndian, uint16(2+exif.Len())) // the length counts itself
	b.Write(exif.Bytes())
	b.Write(jpg[2:])
	return b.Bytes()
}

// TestEXIFOrientation: a phone held in portrait stores the sensor's
// landscape pixels plus orientation 6, meaning "rotate 90° clockwise to
// display" (row 0 of the stored image is the right-hand column of the
// displayed one). A red top-left quadrant must therefore show up top-right.
func TestEXIFOrientation(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for y := range 32 {
		for x := range 32 {
			c := color.RGBA{0, 0, 255, 255}
			if x < 16 && y < 16 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	plain := encode(t, img, "jpeg")
	red := func(c color.Color) bool {
		r, _, b, _ := c.RGBA()
		return r>>8 > 200 && b>>8 < 60
	}
	for _, tc := range []struct {
		name     string
		data     []byte
		redAt    image.Point
		notRedAt image.Point
	}{
		{"no EXIF", plain, image.Pt(8, 8), image.Pt(24, 8)},
		{"orientation 1", withOrientation(plain, 1), image.Pt(8, 8), image.Pt(24, 8)},
		{"orientation 6", withOrientation(plain, 6), image.Pt(24, 8), image.Pt(8, 8)},
		{"orientation 3 (180°)", withOrientation(plain, 3), image.Pt(24, 24), image.Pt(8, 8)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decode(bytes.NewReader(tc.data), "photo.jpg", DefaultInputConfig())
			if err != nil {
				t.Fatal(err)
			}
			if !red(got.At(tc.redAt.X, tc.redAt.Y)) || red(got.At(tc.notRedAt.X, tc.notRedAt.Y)) {
				t.Errorf("at %v: %v, at %v: %v; want red only at the first", tc.redAt, got.At(tc.redAt.X, tc.redAt.Y),
					tc.notRedAt, got.At(tc.notRedAt.X, tc.notRedAt.Y))
			}
		})
	}
}

// grey builds a w×h opaque image from grey levels given row by row.
func grey(w, h int, v ...uint8) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i, g := range v {
		img.Set(i%w, i/w, color.RGBA{g, g, g, 255})
	}
	return img
}

func TestPreprocessGoldens(t *testing.T) {
	// Mean 0.5, Std 0.25 maps 0 → -2, 255 → 2, 51 → -1.2, 102 → -0.4,
	// 153 → 0.4, 204 → 1.2 (v/255 = 0.2k exactly for v = 51k).
	cfg := InputConfig{Size: 2, MaxPixels: 1 << 20, MaxFileBytes: 1 << 20,
		Mean: [3]float32{0.5, 0.5, 0.5}, Std: [3]float32{0.25, 0.25, 0.25}}
	tests := []struct {
		name string
		img  image.Image
		want []float32 // one channel (all three are equal for grey input)
	}{
		// Already 2×2: no resampling, just normalisation.
		{"identity", grey(2, 2, 0, 51, 102, 255), []float32{-2, -1.2, -0.4, 2}},
		// 4×2: short side already 2; crop offset (4-2)/2 = 1 keeps columns 1, 2.
		{"crop even", grey(4, 2, 0, 51, 102, 153, 0, 51, 102, 153), []float32{-1.2, -0.4, -1.2, -0.4}},
		// 3×2: offset 0.5 rounds half to even → 0 (Python's round), columns 0, 1.
		{"crop half to even", grey(3, 2, 0, 51, 102, 0, 51, 102), []float32{-2, -1.2, -2, -1.2}},
		// 5×2: offset 1.5 → 2, columns 2, 3.
		{"crop 1.5", grey(5, 2, 0, 51, 102, 153, 204, 0, 51, 102, 153, 204), []float32{-0.4, 0.4, -0.4, 0.4}},
		// 2×3 (portrait): offset 0.5 → 0, rows 0, 1.
		{"crop rows", grey(2, 3, 0, 0, 51, 51, 102, 102), []float32{-2, -2, -1.2, -1.2}},
		// 4×4, columns 0, 0, 255, 255, shrunk to 2×2 with the triangle
		// filter. By hand (imaging precomputeWeights): scale 2, so the
		// kernel is 1-|d|/2; output column 0 sits at source x 0.5 and
		// weighs source columns 0, 1, 2 by 0.75, 0.75, 0.25 (column -1 is
		// outside). 255·0.25/1.75 = 36.43 → 36; column 1 by symmetry
		// 218.57 → 219. Rows are uniform, so the vertical pass keeps them.
		// 36/255/0.25 - 2 = -1.43529; 219/255/0.25 - 2 = 1.43529.
		{"shrink", grey(4, 4, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255),
			[]float32{-1.4352941, 1.4352941, -1.4352941, 1.4352941}},
		// 8×4 → short side 2, long side 4, then the centre 2 columns of 4.
		// A constant image stays constant under any normalised filter.
		{"resize and crop constant", grey(8, 4, bytes.Repeat([]byte{102}, 32)...), []float32{-0.4, -0.4, -0.4, -0.4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Preprocess(tc.img, cfg)
			if len(got) != 12 {
				t.Fatalf("len = %d, want 12", len(got))
			}
			for c := range 3 {
				for i, w := range tc.want {
					if g := got[c*4+i]; math.Abs(float64(g-w)) > 1e-5 {
						t.Errorf("channel %d value %d = %v, want %v (all: %v)", c, i, g, w, got)
					}
				}
			}
		})
	}
}

// TestPreprocessChannels checks the CHW layout and per-channel statistics:
// a pure red pixel under ImageNet statistics.
func TestPreprocessChannels(t *testing.T) {
	cfg := DefaultInputConfig()
	cfg.Size = 1
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	got := Preprocess(img, cfg)
	// (1-0.485)/0.229, (0-0.456)/0.224, (0-0.406)/0.225
	want := []float64{2.2489083, -2.0357143, -1.8044444}
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-5 {
			t.Errorf("channel %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestPreprocessTransparentIsWhite(t *testing.T) {
	cfg := DefaultInputConfig()
	cfg.Size = 2
	cfg.Mean, cfg.Std = [3]float32{}, [3]float32{1, 1, 1}
	img := image.NewNRGBA(image.Rect(0, 0, 2, 2)) // all fully transparent black
	for _, v := range Preprocess(img, cfg) {
		if v != 1 {
			t.Fatalf("transparent pixel gives %v, want 1 (white)", v)
		}
	}
}

func TestPreprocessInvalid(t *testing.T) {
	if got := Preprocess(image.NewRGBA(image.Rect(0, 0, 0, 0)), DefaultInputConfig()); got != nil {
		t.Errorf("empty image: %v, want nil", got)
	}
	if got := Preprocess(nil, DefaultInputConfig()); got != nil {
		t.Errorf("nil image: %v, want nil", got)
	}
	bad := DefaultInputConfig()
	bad.Std[1] = 0
	if got := Preprocess(gradient(4, 4), bad); got != nil {
		t.Errorf("Std 0: %d values, want nil", len(got))
	}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "Std[1] = 0 is invalid") {
		t.Errorf("Validate: %v", err)
	}
}

// TestPreprocessSubImage: images with a non-zero origin (sub-images, GIF
// frames) are handled by their bounds.
func TestPreprocessSubImage(t *testing.T) {
	cfg := DefaultInputConfig()
	cfg.Size = 4
	full := gradient(16, 16)
	sub := full.SubImage(image.Rect(4, 4, 8, 8))
	direct := Preprocess(sub, cfg)
	copied := Preprocess(gradient(16, 16).SubImage(image.Rect(4, 4, 8, 8)), cfg)
	if fmt.Sprint(direct) != fmt.Sprint(copied) || len(direct) != 48 {
		t.Fatal("sub-image preprocessing is not deterministic")
	}
	// R channel, top-left: x = 4 → (4/255 - 0.485)/0.229.
	if want := (4.0/255 - 0.485) / 0.229; math.Abs(float64(direct[0])-want) > 1e-5 {
		t.Errorf("top-left R = %v, want %v", direct[0], want)
	}
}

// TestLoadTestdataScene loads the committed rendered scene (see
// datasets.TestSceneTestdata): 128×128 with a large purple cross centred at
// (24, 88), so at Size 64 its centre pixel (12, 44) is purple, about
// RGB(140, 55, 170) ± 10.
func TestLoadTestdataScene(t *testing.T) {
	path := filepath.Join("..", "testdata", "scene.png")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is absent (go generate ./datasets writes it)", path)
	}
	cfg := DefaultInputConfig()
	x, err := LoadImage(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(x) != 3*64*64 {
		t.Fatalf("%d values, want 3×64×64", len(x))
	}
	want := [3]float64{140, 55, 170}
	for c := range 3 {
		v := float64(x[c*64*64+44*64+12]*cfg.Std[c]+cfg.Mean[c]) * 255
		if math.Abs(v-want[c]) > 12 {
			t.Errorf("channel %d at the cross centre = %.1f, want about %v", c, v, want[c])
		}
	}
}

func ExampleLoadImage() {
	_, err := LoadImage("testdata/does-not-exist.png", DefaultInputConfig())
	fmt.Println(err)

	dir, _ := os.MkdirTemp("", "cnn")
	defer os.RemoveAll(dir)
	notes := filepath.Join(dir, "notes.png")
	os.WriteFile(notes, []byte("not a picture"), 0o644)
	_, err = LoadImage(notes, DefaultInputConfig())
	fmt.Println(strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)))
	// Output:
	// testdata/does-not-exist.png: file does not exist
	// notes.png: not a supported image (it looks like text); supported formats: PNG, JPEG, GIF
}

func BenchmarkLoadImageJPEG(b *testing.B) {
	data := encode(b, gradient(640, 480), "jpeg")
	cfg := DefaultInputConfig()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := DecodeImage(bytes.NewReader(data), "bench.jpg", cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

// FuzzDecodeImage: arbitrary bytes give an error or 3×Size×Size values,
// never a panic or a huge allocation (MaxPixels is lowered so that the
// fuzzer cannot make legitimate-but-large images slow).
func FuzzDecodeImage(f *testing.F) {
	img := gradient(8, 6)
	for _, format := range []string{"png", "jpeg", "gif"} {
		data := encode(f, img, format)
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add(tinyGIF(65535, 65535))
	f.Add(pngHeader(9000, 9000, nil))
	f.Add(withOrientation(encode(f, img, "jpeg"), 6))
	cfg := DefaultInputConfig()
	cfg.Size = 8
	cfg.MaxPixels = 1 << 16
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := DecodeImage(bytes.NewReader(data), "fuzz", cfg)
		if err == nil && len(x) != 3*8*8 {
			t.Fatalf("%d values without an error", len(x))
		}
		if err != nil && !strings.HasPrefix(err.Error(), "fuzz: ") {
			t.Fatalf("error %q does not name the input", err)
		}
	})
}
