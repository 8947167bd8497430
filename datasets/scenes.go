package datasets

//go:generate go test -run TestSceneTestdata -update-scene .

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// SceneConfig configures the synthetic captioning scenes: a few flat
// shapes on a light background, with captions that are true by
// construction.
type SceneConfig struct {
	// Size is the side of the square image in pixels (32 to 1024).
	Size int
	// MinShapes and MaxShapes bound the number of shapes (1 to 3); the count
	// is uniform between them.
	MinShapes, MaxShapes int
	// Noise is the standard deviation of Gaussian pixel noise as a fraction
	// of full scale (0.02 ≈ 5 grey levels); 0 for clean images.
	Noise float64
	// Texture adds a faint random background pattern (stripes, checks or a
	// gradient), so that a model cannot find shapes by "not background
	// colour" alone.
	Texture bool
	// Captions is the number of captions per image (at least 1).
	Captions int
}

// DefaultSceneConfig returns 64×64 images with 1 to 3 shapes, noise 0.02,
// no texture and 3 captions per image.
func DefaultSceneConfig() SceneConfig {
	return SceneConfig{Size: 64, MinShapes: 1, MaxShapes: 3, Noise: 0.02, Captions: 3}
}

// Validate reports the first invalid field, naming what would be valid.
func (c SceneConfig) Validate() error {
	switch {
	case c.Size < 32 || c.Size > 1024:
		return fmt.Errorf("scene config: Size %d is invalid (valid: 32 to 1024 pixels, e.g. 64)", c.Size)
	case c.MinShapes < 1 || c.MinShapes > maxShapes:
		return fmt.Errorf("scene config: MinShapes %d is invalid (valid: 1 to %d)", c.MinShapes, maxShapes)
	case c.MaxShapes < c.MinShapes || c.MaxShapes > maxShapes:
		return fmt.Errorf("scene config: MaxShapes %d is invalid (valid: MinShapes = %d to %d)", c.MaxShapes, c.MinShapes, maxShapes)
	case !(c.Noise >= 0 && c.Noise <= 1):
		return fmt.Errorf("scene config: Noise %v is invalid (valid: 0 to 1, e.g. 0.02)", c.Noise)
	case c.Captions < 1 || c.Captions > 100:
		return fmt.Errorf("scene config: Captions %d is invalid (valid: 1 to 100, e.g. 3)", c.Captions)
	}
	return nil
}

// clamped returns c with every field forced into its valid range.
func (c SceneConfig) clamped() SceneConfig {
	c.Size = min(max(c.Size, 32), 1024)
	c.MinShapes = min(max(c.MinShapes, 1), maxShapes)
	c.MaxShapes = min(max(c.MaxShapes, c.MinShapes), maxShapes)
	if !(c.Noise >= 0) {
		c.Noise = 0
	}
	c.Noise = min(c.Noise, 1)
	c.Captions = min(max(c.Captions, 1), 100)
	return c
}

// maxShapes is the most shapes a scene holds. Every pair of shapes must be
// clearly left/right of or above/below each other, which three shapes of
// either size satisfy in a 64-pixel image but four large ones often cannot.
const maxShapes = 3

// The vocabulary of the scenes. Each (kind, colour) pair occurs at most once
// per scene, so "a red circle" always picks out one shape.
var (
	ShapeKinds   = []string{"circle", "square", "triangle", "cross"}
	ShapeColours = []string{"red", "green", "blue", "yellow", "purple", "orange"}
	ShapeSizes   = []string{"small", "large"}
)

// palette holds the base RGB of each colour in ShapeColours; each shape
// gets ±10 levels of jitter per channel.
var palette = map[string][3]float64{
	"red":    {215, 35, 35},
	"green":  {35, 160, 55},
	"blue":   {40, 75, 215},
	"yellow": {235, 200, 25},
	"purple": {140, 55, 170},
	"orange": {245, 130, 25},
}

// Shape is one shape of a scene.
type Shape struct {
	Kind   string // one of ShapeKinds
	Colour string // one of ShapeColours
	Size   string // "small" or "large"
	// X, Y is the centre in pixels, origin top-left, Y growing downwards.
	X, Y float64
	// R is the half-extent in pixels: a circle's radius, half a cross's
	// span; the square's half-side is 0.85 R. Every part of the shape lies
	// within R of the centre along either axis.
	R float64
}

// Scene is a rendered image with its shapes and true captions.
type Scene struct {
	Image    *image.RGBA
	Shapes   []Shape
	Captions []string
}

// Relation says where shape a is relative to shape b: "left of", "right
// of", "above" or "below", by the axis along which their centres differ
// more. RenderScene places shapes so that this axis is clear (the other
// offset is at most half as large) and the shapes do not overlap along it.
func Relation(a, b Shape) string {
	dx, dy := b.X-a.X, b.Y-a.Y
	if math.Abs(dx) >= math.Abs(dy) {
		if dx > 0 {
			return "left of"
		}
		return "right of"
	}
	if dy > 0 {
		return "above"
	}
	return "below"
}

// clearPair is the placement rule: along the dominant axis the centres are
// at least a.R+b.R+gap apart (so the shapes cannot touch), and the other
// offset is at most half the dominant one (the relation is unambiguous; the
// direction is within 26.6° of an axis).
func clearPair(a, b Shape, gap float64) bool {
	dx, dy := math.Abs(b.X-a.X), math.Abs(b.Y-a.Y)
	major, minor := max(dx, dy), min(dx, dy)
	return major >= a.R+b.R+gap && minor <= major/2
}

// RenderScene draws one scene from rng. The config is clamped into its
// valid ranges (see Validate) rather than rejected; a nil rng means a fixed
// seed. The same rng state and config always give the same scene.
//
// Captions follow a small grammar, all lowercase:
//
//	caption = np | np relation np | np ", " np " and " np
//	np      = ("a" | "an") [size] colour kind | "a" size kind
//	relation = "left of" | "right of" | "above" | "below"
//
// Every caption is true of the image. The first ones name every attribute
// ("a large green triangle left of a small red circle" and its mirror "a
// small red circle right of a large green triangle"); after them come
// shorter paraphrases without sizes ("a green triangle left of a red
// circle"). A one-shape scene gives "a large blue square", "a blue square"
// and "a large square". When more captions are asked for than there are
// distinct ones, they repeat.
func RenderScene(rng *rand.Rand, cfg SceneConfig) Scene {
	if rng == nil {
		rng = rand.New(rand.NewPCG(0, 0))
	}
	cfg = cfg.clamped()
	shapes := placeShapes(rng, cfg)
	img := paint(rng, cfg, shapes)
	return Scene{Image: img, Shapes: shapes, Captions: captions(rng, shapes, cfg.Captions)}
}

// placeShapes picks the shapes and positions them by rejection sampling
// until every pair is clear (see clearPair).
func placeShapes(rng *rand.Rand, cfg SceneConfig) []Shape {
	s := float64(cfg.Size)
	n := cfg.MinShapes + rng.IntN(cfg.MaxShapes-cfg.MinShapes+1)
	combos := rng.Perm(len(ShapeKinds) * len(ShapeColours))
	shapes := make([]Shape, n)
	for i := range shapes {
		size := ShapeSizes[rng.IntN(len(ShapeSizes))]
		shapes[i] = Shape{
			Kind:   ShapeKinds[combos[i]%len(ShapeKinds)],
			Colour: ShapeColours[combos[i]/len(ShapeKinds)],
			Size:   size,
			R:      radius(size, s),
		}
	}
	gap, margin := 0.04*s, 0.03*s
	for attempt := 0; attempt < 4000; attempt++ {
		if attempt == 2000 { // crowded: shrink everything and keep trying
			for i := range shapes {
				shapes[i].Size, shapes[i].R = "small", radius("small", s)
			}
		}
		for i := range shapes {
			lo, hi := shapes[i].R+margin, s-shapes[i].R-margin
			shapes[i].X = lo + rng.Float64()*(hi-lo)
			shapes[i].Y = lo + rng.Float64()*(hi-lo)
		}
		if allClear(shapes, gap) {
			return shapes
		}
	}
	// Not reached in practice (three small shapes fit easily); a row of
	// small shapes is always clear, so fall back to it.
	for i := range shapes {
		shapes[i].Size, shapes[i].R = "small", radius("small", s)
		shapes[i].X, shapes[i].Y = s*float64(i+1)/float64(n+1), s/2
	}
	return shapes
}

func radius(size string, s float64) float64 {
	if size == "large" {
		return 0.15 * s
	}
	return 0.09 * s
}

func allClear(shapes []Shape, gap float64) bool {
	for i := range shapes {
		for j := i + 1; j < len(shapes); j++ {
			if !clearPair(shapes[i], shapes[j], gap) {
				return false
			}
		}
	}
	return true
}

// inside reports whether point (x, y) lies in the shape.
func (sh Shape) inside(x, y float64) bool {
	dx, dy := x-sh.X, y-sh.Y
	r := sh.R
	switch sh.Kind {
	case "circle":
		return dx*dx+dy*dy <= r*r
	case "square":
		return math.Abs(dx) <= 0.85*r && math.Abs(dy) <= 0.85*r
	case "triangle":
		// Apex (0, -r), base corners (±r, 0.75r): the half-width grows
		// linearly from 0 at the apex to r at the base, 1.75r lower.
		return dy >= -r && dy <= 0.75*r && math.Abs(dx) <= (dy+r)/1.75
	case "cross":
		const arm = 0.3
		return math.Abs(dx) <= r && math.Abs(dy) <= arm*r || math.Abs(dy) <= r && math.Abs(dx) <= arm*r
	}
	return false
}

// paint draws the background, the shapes (anti-aliased by 4×4
// supersampling: a pixel takes the shape colour in proportion to the
// sub-pixel samples inside the shape) and the noise.
func paint(rng *rand.Rand, cfg SceneConfig, shapes []Shape) *image.RGBA {
	n := cfg.Size
	buf := make([]float64, 3*n*n) // RGB in 0..255, row-major

	// Light background with a slight tint.
	var bg [3]float64
	base := 215 + 30*rng.Float64()
	for c := range bg {
		bg[c] = base + 10*(rng.Float64()-0.5)
	}
	pattern := func(x, y float64) float64 { return 0 }
	if cfg.Texture {
		pattern = texture(rng, float64(n))
	}
	for y := range n {
		for x := range n {
			t := pattern(float64(x)+0.5, float64(y)+0.5)
			for c := range 3 {
				buf[3*(y*n+x)+c] = bg[c] + t
			}
		}
	}

	const sub = 4
	for _, sh := range shapes {
		var col [3]float64
		for c, v := range palette[sh.Colour] {
			col[c] = v + 20*(rng.Float64()-0.5)
		}
		x0, x1 := max(int(sh.X-sh.R)-1, 0), min(int(sh.X+sh.R)+2, n)
		y0, y1 := max(int(sh.Y-sh.R)-1, 0), min(int(sh.Y+sh.R)+2, n)
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				hits := 0
				for sy := range sub {
					for sx := range sub {
						if sh.inside(float64(x)+(float64(sx)+0.5)/sub, float64(y)+(float64(sy)+0.5)/sub) {
							hits++
						}
					}
				}
				if hits == 0 {
					continue
				}
				a := float64(hits) / (sub * sub)
				p := buf[3*(y*n+x):]
				for c := range 3 {
					p[c] = (1-a)*p[c] + a*col[c]
				}
			}
		}
	}

	img := image.NewRGBA(image.Rect(0, 0, n, n))
	sigma := cfg.Noise * 255
	for i := 0; i < n*n; i++ {
		for c := range 3 {
			v := buf[3*i+c]
			if sigma > 0 {
				v += sigma * rng.NormFloat64()
			}
			img.Pix[4*i+c] = uint8(math.Round(min(max(v, 0), 255)))
		}
		img.Pix[4*i+3] = 255
	}
	return img
}

// texture returns a random faint background pattern of at most ±8 grey
// levels:
// diagonal stripes, a checkerboard or a linear gradient.
func texture(rng *rand.Rand, s float64) func(x, y float64) float64 {
	amp := 4 + 4*rng.Float64()
	angle := rng.Float64() * math.Pi
	period := s * (0.08 + 0.15*rng.Float64())
	ca, sa := math.Cos(angle), math.Sin(angle)
	switch rng.IntN(3) {
	case 0:
		return func(x, y float64) float64 { return amp * math.Sin(2*math.Pi*(x*ca+y*sa)/period) }
	case 1:
		return func(x, y float64) float64 {
			if (int(math.Floor(x/period))+int(math.Floor(y/period)))%2 == 0 {
				return amp
			}
			return -amp
		}
	}
	// Gradient along the direction (ca, sa): the projection x·ca + y·sa
	// spans [lo, hi] over the image (sa ≥ 0 as angle < π), mapped to ±amp.
	lo, hi := min(0, s*ca), max(0, s*ca)+s*sa
	return func(x, y float64) float64 { return amp * (2*(x*ca+y*sa-lo)/(hi-lo) - 1) }
}

// article returns "a" or "an" for the word that follows it.
func article(next string) string {
	if strings.ContainsRune("aeiou", rune(next[0])) {
		return "an"
	}
	return "a"
}

// phrase is a noun phrase for sh with the chosen attributes.
func phrase(sh Shape, size, colour bool) string {
	var words []string
	if size {
		words = append(words, sh.Size)
	}
	if colour {
		words = append(words, sh.Colour)
	}
	words = append(words, sh.Kind)
	return article(words[0]) + " " + strings.Join(words, " ")
}

// inverse maps a relation to the one that holds with the shapes swapped.
var inverse = map[string]string{"left of": "right of", "right of": "left of", "above": "below", "below": "above"}

// captions returns k captions: the full-attribute ones first (shuffled),
// then the size-free paraphrases (shuffled), repeating if k is larger.
func captions(rng *rand.Rand, shapes []Shape, k int) []string {
	var full, short []string
	if len(shapes) == 1 {
		sh := shapes[0]
		full = []string{phrase(sh, true, true)}
		short = []string{phrase(sh, false, true), phrase(sh, true, false)}
	}
	for i := range shapes {
		for j := range shapes {
			if i == j {
				continue
			}
			rel := Relation(shapes[i], shapes[j])
			full = append(full, phrase(shapes[i], true, true)+" "+rel+" "+phrase(shapes[j], true, true))
			short = append(short, phrase(shapes[i], false, true)+" "+rel+" "+phrase(shapes[j], false, true))
		}
	}
	if len(shapes) == 3 {
		order := rng.Perm(3)
		full = append(full, fmt.Sprintf("%s, %s and %s",
			phrase(shapes[order[0]], true, true), phrase(shapes[order[1]], true, true), phrase(shapes[order[2]], true, true)))
	}
	rng.Shuffle(len(full), func(i, j int) { full[i], full[j] = full[j], full[i] })
	rng.Shuffle(len(short), func(i, j int) { short[i], short[j] = short[j], short[i] })
	all := append(full, short...)
	out := make([]string, k)
	for i := range out {
		out[i] = all[i%len(all)]
	}
	return out
}

// SceneName is the file name of scene i in a WriteScenes directory.
func SceneName(i int) string { return fmt.Sprintf("%05d.png", i) }

// WriteScenes renders n scenes into dir (created if needed):
//
//   - 00000.png, 00001.png, …: the images;
//   - captions.txt: every caption in the Flickr8k token layout,
//     "00000.png#0<TAB>a large green triangle left of a small red circle",
//     one line per caption, readable with ReadFlickr8k and ReadCaptionDir;
//   - labels.tsv: a header and one row per image, "file shape colour size
//     count" (tab-separated), giving the first shape's attributes and the
//     number of shapes, for training an image classifier.
//
// Scene i is drawn from its own generator, PCG(seed, i), so the same seed
// gives byte-identical files, and the first n scenes are the same whatever
// the total.
func WriteScenes(dir string, n int, seed uint64, cfg SceneConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if n < 1 {
		return fmt.Errorf("write scenes: n = %d is invalid (valid: 1 or more)", n)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fileError(dir, err)
	}
	var caps, labels bytes.Buffer
	labels.WriteString("file\tshape\tcolour\tsize\tcount\n")
	var buf bytes.Buffer
	for i := range n {
		sc := RenderScene(rand.New(rand.NewPCG(seed, uint64(i))), cfg)
		name := SceneName(i)
		buf.Reset()
		if err := png.Encode(&buf, sc.Image); err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, name), err)
		}
		if err := writeFile(filepath.Join(dir, name), buf.Bytes()); err != nil {
			return err
		}
		for k, c := range sc.Captions {
			fmt.Fprintf(&caps, "%s#%d\t%s\n", name, k, c)
		}
		first := sc.Shapes[0]
		fmt.Fprintf(&labels, "%s\t%s\t%s\t%s\t%d\n", name, first.Kind, first.Colour, first.Size, len(sc.Shapes))
	}
	if err := writeFile(filepath.Join(dir, "captions.txt"), caps.Bytes()); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "labels.tsv"), labels.Bytes())
}

func writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fileError(path, err)
	}
	return nil
}
