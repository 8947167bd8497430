package cnn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // GIF decoder (first frame)
	_ "image/jpeg"
	_ "image/png"
	"io"
	"math"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/disintegration/imaging"

	"github.com/recur-dev/recur/internal/fileerr"
)

// InputConfig says how images are loaded and turned into CNN input.
type InputConfig struct {
	// Size is the side of the square CNN input in pixels: the short side is
	// resized to Size, then the centre Size×Size is cropped.
	Size int `json:"size"`
	// MaxPixels caps width×height as read from the header, before any
	// pixel is decoded. The default is Pillow's decompression-bomb limit.
	MaxPixels int64 `json:"max_pixels"`
	// MaxFileBytes caps the size of the encoded file (or upload).
	MaxFileBytes int64 `json:"max_file_bytes"`
	// Mean and Std normalise each RGB channel: (x/255 - Mean[c]) / Std[c].
	Mean [3]float32 `json:"mean"`
	Std  [3]float32 `json:"std"`
}

// DefaultInputConfig returns Size 64, Pillow's MaxPixels of 89,478,485
// (= 2^30 / 4 / 3, about a quarter gigabyte of 24-bit pixels), a 50 MB file
// cap and the ImageNet channel statistics used by torchvision's reference
// models (mean 0.485, 0.456, 0.406; std 0.229, 0.224, 0.225).
func DefaultInputConfig() InputConfig {
	return InputConfig{
		Size:         64,
		MaxPixels:    89_478_485,
		MaxFileBytes: 50 << 20,
		Mean:         [3]float32{0.485, 0.456, 0.406},
		Std:          [3]float32{0.229, 0.224, 0.225},
	}
}

// Validate reports the first invalid field, naming what would be valid.
func (c InputConfig) Validate() error {
	if c.Size < 1 || c.Size > 4096 {
		return fmt.Errorf("image config: Size %d is invalid (valid: 1 to 4096 pixels, e.g. 64)", c.Size)
	}
	if c.MaxPixels < 1 {
		return fmt.Errorf("image config: MaxPixels %d is invalid (valid: 1 or more, e.g. 89478485)", c.MaxPixels)
	}
	if c.MaxFileBytes < 1 {
		return fmt.Errorf("image config: MaxFileBytes %d is invalid (valid: 1 or more, e.g. %d)", c.MaxFileBytes, 50<<20)
	}
	for i, s := range c.Std {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			return fmt.Errorf("image config: Std[%d] = %v is invalid (valid: a finite number > 0, e.g. 0.229)", i, s)
		}
		if m := c.Mean[i]; math.IsNaN(float64(m)) || math.IsInf(float64(m), 0) {
			return fmt.Errorf("image config: Mean[%d] = %v is invalid (valid: a finite number, e.g. 0.485)", i, m)
		}
	}
	return nil
}

// supportedFormats is what error messages list as valid.
const supportedFormats = "supported formats: PNG, JPEG, GIF"

// allowed holds the format names (as image.DecodeConfig reports them) that
// recur decodes. BMP and TIFF are registered by imaging's imports but are
// deliberately not in this list; see the package documentation.
var allowed = map[string]bool{"png": true, "jpeg": true, "gif": true}

// LoadImage reads a PNG, JPEG or GIF file and returns it preprocessed as a
// 3×Size×Size CHW slice (see Preprocess). The file size, format and
// header dimensions are checked before any pixel is decoded; every error
// starts with the path and says what is wrong, e.g.
//
//	big.png: image is 100000×100000 = 10000000000 pixels, more than the limit of 89478485
//	notes.png: not an image (it looks like text); supported formats: PNG, JPEG, GIF
//	cut.jpg: truncated or corrupt JPEG image (unexpected EOF); supported formats: PNG, JPEG, GIF
func LoadImage(path string, cfg InputConfig) ([]float32, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fileError(path, err)
	}
	if info.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not an image file", path)
	}
	if info.Mode().IsRegular() && info.Size() > cfg.MaxFileBytes {
		return nil, fmt.Errorf("%s: file is %d bytes, more than the limit of %d (MaxFileBytes)", path, info.Size(), cfg.MaxFileBytes)
	}
	return DecodeImage(f, path, cfg)
}

// DecodeImage is LoadImage for a stream, such as an HTTP upload; name
// labels errors. At most cfg.MaxFileBytes are read into memory: a longer
// stream is an error, so a client cannot make the server buffer more.
func DecodeImage(r io.Reader, name string, cfg InputConfig) ([]float32, error) {
	img, err := decode(r, name, cfg)
	if err != nil {
		return nil, err
	}
	return Preprocess(img, cfg), nil
}

// decode does the checks and the decoding for DecodeImage and returns the
// oriented image before preprocessing (the tests look at it directly).
func decode(r io.Reader, name string, cfg InputConfig) (img image.Image, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	data, err := io.ReadAll(io.LimitReader(r, cfg.MaxFileBytes+1))
	if err != nil {
		return nil, fileError(name, err)
	}
	if int64(len(data)) > cfg.MaxFileBytes {
		return nil, fmt.Errorf("%s: image data is more than the limit of %d bytes (MaxFileBytes)", name, cfg.MaxFileBytes)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: file is empty; %s", name, supportedFormats)
	}
	kind := sniff(data)
	if !allowed[kind] {
		return nil, fmt.Errorf("%s: not a supported image (it looks like %s); %s", name, describe(kind, data), supportedFormats)
	}

	// The header alone: dimensions without allocating pixels.
	hdr, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, corrupt(name, kind, err)
	}
	if !allowed[format] { // cannot happen after sniff; kept as a second check
		return nil, fmt.Errorf("%s: %s images are not supported; %s", name, format, supportedFormats)
	}
	if err := checkPixels(hdr.Width, hdr.Height, cfg.MaxPixels); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if kind == "png" {
		if err := checkPNGRatio(data); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}

	// The standard decoders are not known to panic, but this is untrusted
	// input and a server must not die of one bad upload.
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%s: corrupt %s image (the decoder failed: %v); %s", name, upper(kind), p, supportedFormats)
		}
	}()
	img, err = imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, corrupt(name, kind, err)
	}
	if img.Bounds().Empty() {
		return nil, fmt.Errorf("%s: %s image has no pixels", name, upper(kind))
	}
	return img, nil
}

// checkPixels rejects zero or negative dimensions and width×height above
// max without computing a product that could overflow.
func checkPixels(w, h int, max int64) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("image header gives %d×%d pixels (valid: both at least 1)", w, h)
	}
	if int64(w) > max/int64(h) {
		// The true product may not fit in int64, so print it as a float if
		// it does not.
		var n string
		if int64(w) <= math.MaxInt64/int64(h) {
			n = fmt.Sprint(int64(w) * int64(h))
		} else {
			n = fmt.Sprintf("%.3g", float64(w)*float64(h))
		}
		return fmt.Errorf("image is %d×%d = %s pixels, more than the limit of %d (MaxPixels); refusing to decode it", w, h, n, max)
	}
	return nil
}

// deflateMaxRatio is the best compression deflate can achieve: a 258-byte
// match coded with a 1-bit length code and a 1-bit distance code is 2 bits
// for 258 bytes, i.e. 1032:1.
const deflateMaxRatio = 1032

// checkPNGRatio rejects a PNG whose IHDR promises more filtered pixel data
// than its file size could hold even at deflate's best ratio. Go's PNG
// decoder allocates the whole image before reading IDAT, so without this a
// truncated (or forged) 9000×9000 PNG of a few kilobytes would allocate
// hundreds of megabytes before failing.
func checkPNGRatio(data []byte) error {
	// Signature (8) + IHDR length (4) + "IHDR" (4) + width, height (8) +
	// bit depth (1) + colour type (1). DecodeConfig has checked all this.
	if len(data) < 26 {
		return nil
	}
	w := int64(binary.BigEndian.Uint32(data[16:20]))
	h := int64(binary.BigEndian.Uint32(data[20:24]))
	depth, colourType := int64(data[24]), data[25]
	channels := map[byte]int64{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colourType]
	if channels == 0 {
		return nil // DecodeConfig would have rejected it
	}
	// Each row is a filter byte plus ceil(w·channels·depth/8) bytes. w and h
	// are below MaxPixels here, so nothing overflows.
	raw := h * (1 + (w*channels*depth+7)/8)
	need := raw / deflateMaxRatio
	if int64(len(data)) < need {
		return fmt.Errorf("truncated or corrupt PNG image: the header promises %d×%d pixels (%d bytes of pixel data), which needs at least %d compressed bytes, but the file has only %d; %s",
			w, h, raw, need, len(data), supportedFormats)
	}
	return nil
}

// corrupt words a decoder error: the format, what the decoder said and the
// supported formats.
func corrupt(name, kind string, err error) error {
	what := "corrupt"
	// Some decoders flatten the io error into their message, hence the
	// string test.
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "unexpected EOF") {
		what = "truncated"
	}
	return fmt.Errorf("%s: %s %s image (%v); %s", name, what, upper(kind), err, supportedFormats)
}

// sniff names the format from the magic bytes; "png", "jpeg" and "gif" are
// the names package image uses.
func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8}):
		return "jpeg"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case bytes.HasPrefix(b, []byte("BM")):
		return "bmp"
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "tiff"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "avif", "avis":
			return "avif"
		case "heic", "heix", "hevc", "mif1", "msf1":
			return "heic"
		}
		return "video"
	case bytes.HasPrefix(b, []byte("%PDF")):
		return "pdf"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "zip"
	case bytes.HasPrefix(b, []byte{0x1F, 0x8B}):
		return "gzip"
	case looksLikeText(b):
		return "text"
	}
	return "unknown"
}

// describe is the "it looks like ..." part of an unsupported-format error.
func describe(kind string, b []byte) string {
	switch kind {
	case "bmp", "tiff", "webp", "avif", "heic":
		return "a " + upper(kind) + " image, which recur does not decode: convert it to PNG"
	case "video":
		return "an ISO media (MP4/QuickTime) file"
	case "pdf":
		return "a PDF document"
	case "zip":
		return "a zip archive"
	case "gzip":
		return "a gzip-compressed file"
	case "text":
		return "text"
	}
	n := min(len(b), 8)
	return fmt.Sprintf("unrecognised data starting % x", b[:n])
}

// looksLikeText reports whether the first bytes are valid UTF-8 without
// control characters other than white space (an SVG, a CSV, a note).
func looksLikeText(b []byte) bool {
	if len(b) > 512 {
		b = b[:512]
	}
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			return len(b) < utf8.UTFMax // a rune cut by the 512-byte window
		}
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7F {
			return false
		}
		b = b[size:]
	}
	return true
}

func upper(kind string) string {
	switch kind {
	case "jpeg":
		return "JPEG"
	case "png":
		return "PNG"
	case "gif":
		return "GIF"
	case "bmp":
		return "BMP"
	case "tiff":
		return "TIFF"
	case "webp":
		return "WebP"
	case "avif":
		return "AVIF"
	case "heic":
		return "HEIC"
	}
	return kind
}

// fileError puts the path first, once, and keeps fs.ErrNotExist testable.
func fileError(path string, err error) error { return fileerr.Wrap(path, err) }

// Preprocess turns a decoded image into CNN input: a 3×Size×Size CHW slice
// (all of channel R, then G, then B; rows top to bottom) with
// out[c][y][x] = (v/255 - Mean[c]) / Std[c].
//
// The steps follow torchvision's Resize(Size) + CenterCrop(Size):
//
//   - the short side becomes Size and the long side Size·long/short,
//     truncated (Python's int()); an image already that size is not
//     resampled at all;
//   - the crop offset is (resized - Size)/2 rounded half to even (Python's
//     round()), so a 65-pixel side loses its first column, not its last.
//
// Transparent pixels are composited onto white first, as a browser shows
// them on a white page. Preprocess returns nil if cfg is invalid (see
// Validate) or the image has no pixels; LoadImage never passes such input.
func Preprocess(img image.Image, cfg InputConfig) []float32 {
	if img == nil || cfg.Validate() != nil {
		return nil
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return nil
	}
	img = flatten(img)

	s := cfg.Size
	nw, nh := s, s
	if w < h {
		nh = int(int64(s) * int64(h) / int64(w))
	} else {
		nw = int(int64(s) * int64(w) / int64(h))
	}
	var src *image.NRGBA
	if nw == w && nh == h {
		src = imaging.Clone(img)
	} else {
		// imaging.Linear is the triangle filter; imaging widens its support
		// by the scale factor when shrinking, so every source pixel counts
		// (an area-weighted, alias-free downscale, like PIL's BILINEAR).
		src = imaging.Resize(img, nw, nh, imaging.Linear)
	}
	left := int(math.RoundToEven(float64(nw-s) / 2))
	top := int(math.RoundToEven(float64(nh-s) / 2))

	out := make([]float32, 3*s*s)
	var scale, shift [3]float32
	for c := range 3 {
		// (v/255 - mean)/std = v·scale + shift
		scale[c] = 1 / (255 * cfg.Std[c])
		shift[c] = -cfg.Mean[c] / cfg.Std[c]
	}
	plane := s * s
	for y := range s {
		row := src.Pix[(top+y)*src.Stride+left*4:]
		for x := range s {
			p := row[x*4 : x*4+3 : x*4+3]
			i := y*s + x
			out[i] = float32(p[0])*scale[0] + shift[0]
			out[plane+i] = float32(p[1])*scale[1] + shift[1]
			out[2*plane+i] = float32(p[2])*scale[2] + shift[2]
		}
	}
	return out
}

// flatten composites an image with transparency onto white; opaque images
// are returned as they are.
func flatten(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	b := img.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, b, img, b.Min, draw.Over)
	return dst
}
