package datasets

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateScene = flag.Bool("update-scene", false, "rewrite ../testdata/scene.png")

func pixelHash(sc Scene) [32]byte { return sha256.Sum256(sc.Image.Pix) }

func TestRenderSceneDeterministic(t *testing.T) {
	cfg := DefaultSceneConfig()
	cfg.Texture = true
	seen := map[[32]byte]uint64{}
	for seed := uint64(0); seed < 20; seed++ {
		a := RenderScene(rand.New(rand.NewPCG(seed, 1)), cfg)
		b := RenderScene(rand.New(rand.NewPCG(seed, 1)), cfg)
		if pixelHash(a) != pixelHash(b) || fmt.Sprint(a.Shapes, a.Captions) != fmt.Sprint(b.Shapes, b.Captions) {
			t.Fatalf("seed %d: two renders differ", seed)
		}
		if prev, dup := seen[pixelHash(a)]; dup {
			t.Errorf("seeds %d and %d give identical pixels", prev, seed)
		}
		seen[pixelHash(a)] = seed
	}
}

// The caption grammar of RenderScene, as a regular expression.
var (
	npPattern  = `(a|an) (?:(small|large) )?(?:(red|green|blue|yellow|purple|orange) )?(circle|square|triangle|cross)`
	relPattern = `(left of|right of|above|below)`
	oneNP      = regexp.MustCompile(`^` + npPattern + `$`)
	relation   = regexp.MustCompile(`^` + npPattern + ` ` + relPattern + ` ` + npPattern + `$`)
	list       = regexp.MustCompile(`^` + npPattern + `, ` + npPattern + ` and ` + npPattern + `$`)
)

// np is a parsed noun phrase; empty Size or Colour means "not said".
type np struct{ article, size, colour, kind string }

func nps(m []string) []np {
	var out []np
	for i := 1; i+3 < len(m); i += 4 {
		out = append(out, np{m[i], m[i+1], m[i+2], m[i+3]})
	}
	return out
}

// referent returns the one shape the phrase describes, checking the
// article and that no other shape fits.
func referent(t *testing.T, caption string, p np, shapes []Shape) Shape {
	t.Helper()
	first := p.size
	if first == "" {
		first = p.colour
	}
	if first == "" {
		first = p.kind
	}
	if want := article(first); p.article != want {
		t.Errorf("%q: %q %q, want %q", caption, p.article, first, want)
	}
	var match []Shape
	for _, s := range shapes {
		if s.Kind == p.kind && (p.size == "" || s.Size == p.size) && (p.colour == "" || s.Colour == p.colour) {
			match = append(match, s)
		}
	}
	if len(match) != 1 {
		t.Fatalf("%q: %+v matches %d shapes of %+v, want exactly 1", caption, p, len(match), shapes)
	}
	return match[0]
}

// checkScene parses every caption back and compares it with the shapes,
// and checks the layout rules and the pixels at the shape centres.
func checkScene(t *testing.T, sc Scene, cfg SceneConfig) {
	t.Helper()
	if n := len(sc.Shapes); n < cfg.MinShapes || n > cfg.MaxShapes {
		t.Fatalf("%d shapes, want %d to %d", n, cfg.MinShapes, cfg.MaxShapes)
	}
	if len(sc.Captions) != cfg.Captions {
		t.Fatalf("%d captions, want %d", len(sc.Captions), cfg.Captions)
	}
	s := float64(cfg.Size)
	kc := map[string]bool{}
	for i, a := range sc.Shapes {
		if a.X-a.R < 0 || a.Y-a.R < 0 || a.X+a.R > s || a.Y+a.R > s {
			t.Errorf("shape %+v sticks out of the %v-pixel image", a, s)
		}
		if kc[a.Kind+a.Colour] {
			t.Errorf("two %s %ss in one scene", a.Colour, a.Kind)
		}
		kc[a.Kind+a.Colour] = true
		for _, b := range sc.Shapes[i+1:] {
			if !clearPair(a, b, 0.04*s) {
				t.Errorf("shapes %+v and %+v are not clearly separated", a, b)
			}
		}
		if cfg.Noise == 0 && !cfg.Texture {
			// The centre is inside every kind of shape; its colour is the
			// palette colour ±10 (jitter), unblended.
			got := sc.Image.RGBAAt(int(a.X), int(a.Y))
			want := palette[a.Colour]
			for c, g := range []uint8{got.R, got.G, got.B} {
				if math.Abs(float64(g)-want[c]) > 10.5 {
					t.Errorf("%s %s at (%.1f, %.1f): pixel %v, want about %v", a.Colour, a.Kind, a.X, a.Y, got, want)
					break
				}
			}
		}
	}
	for _, c := range sc.Captions {
		switch {
		case oneNP.MatchString(c):
			if len(sc.Shapes) != 1 {
				t.Errorf("%q names one shape of %d", c, len(sc.Shapes))
			}
			referent(t, c, nps(oneNP.FindStringSubmatch(c))[0], sc.Shapes)
		case relation.MatchString(c):
			m := relation.FindStringSubmatch(c)
			p := nps(append(m[:5:5], m[6:]...))
			a, b := referent(t, c, p[0], sc.Shapes), referent(t, c, p[1], sc.Shapes)
			dx, dy := b.X-a.X, b.Y-a.Y
			ok := map[string]bool{
				"left of": dx > 0 && math.Abs(dy) <= dx/2, "right of": dx < 0 && math.Abs(dy) <= -dx/2,
				"above": dy > 0 && math.Abs(dx) <= dy/2, "below": dy < 0 && math.Abs(dx) <= -dy/2,
			}[m[5]]
			if !ok || a == b {
				t.Errorf("%q is false: %+v, %+v", c, a, b)
			}
		case list.MatchString(c):
			seen := map[Shape]bool{}
			for _, p := range nps(list.FindStringSubmatch(c)) {
				seen[referent(t, c, p, sc.Shapes)] = true
			}
			if len(seen) != 3 || len(sc.Shapes) != 3 {
				t.Errorf("%q does not list the %d shapes", c, len(sc.Shapes))
			}
		default:
			t.Errorf("%q is outside the grammar", c)
		}
		if c != strings.ToLower(c) {
			t.Errorf("%q is not lowercase", c)
		}
	}
	// The first caption names every attribute of the shapes it mentions.
	if strings.Count(sc.Captions[0], "small")+strings.Count(sc.Captions[0], "large") < min(len(sc.Shapes), 2) {
		t.Errorf("first caption %q lacks sizes", sc.Captions[0])
	}
}

func TestRenderSceneCaptionsTrue(t *testing.T) {
	tests := []struct {
		name string
		cfg  SceneConfig
	}{
		{"default", DefaultSceneConfig()},
		{"clean", SceneConfig{Size: 64, MinShapes: 1, MaxShapes: 3, Captions: 5}},
		{"three 32px", SceneConfig{Size: 32, MinShapes: 3, MaxShapes: 3, Captions: 20}},
		{"two 128px textured", SceneConfig{Size: 128, MinShapes: 2, MaxShapes: 2, Noise: 0.05, Texture: true, Captions: 3}},
		{"one", SceneConfig{Size: 48, MinShapes: 1, MaxShapes: 1, Captions: 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			counts := map[int]int{}
			for seed := range uint64(150) {
				sc := RenderScene(rand.New(rand.NewPCG(seed, 99)), tc.cfg)
				counts[len(sc.Shapes)]++
				checkScene(t, sc, tc.cfg)
				if t.Failed() {
					t.Fatalf("seed %d: captions %q", seed, sc.Captions)
				}
			}
			for n := tc.cfg.MinShapes; n <= tc.cfg.MaxShapes; n++ {
				if counts[n] == 0 {
					t.Errorf("no scene with %d shapes in 150", n)
				}
			}
		})
	}
}

// TestRenderSceneCaptionVariety: one shape has exactly three distinct
// captions; with two, the first two are the full-attribute mirror pair.
func TestRenderSceneCaptionVariety(t *testing.T) {
	one := RenderScene(rand.New(rand.NewPCG(1, 2)), SceneConfig{Size: 64, MinShapes: 1, MaxShapes: 1, Captions: 4})
	sh := one.Shapes[0]
	full := fmt.Sprintf("%s %s %s %s", article(sh.Size), sh.Size, sh.Colour, sh.Kind)
	if one.Captions[0] != full || one.Captions[3] != full {
		t.Errorf("captions %q, want %q first and again fourth", one.Captions, full)
	}
	two := RenderScene(rand.New(rand.NewPCG(1, 2)), SceneConfig{Size: 64, MinShapes: 2, MaxShapes: 2, Captions: 4})
	a, b := two.Shapes[0], two.Shapes[1]
	pa, pb := phrase(a, true, true), phrase(b, true, true)
	mirror := map[string]bool{pa + " " + Relation(a, b) + " " + pb: true, pb + " " + inverse[Relation(a, b)] + " " + pa: true}
	if !mirror[two.Captions[0]] || !mirror[two.Captions[1]] || two.Captions[0] == two.Captions[1] {
		t.Errorf("captions %q, want the mirror pair %v first", two.Captions, mirror)
	}
	if Relation(b, a) != inverse[Relation(a, b)] {
		t.Errorf("Relation is not antisymmetric for %+v, %+v", a, b)
	}
}

func TestSceneConfigValidate(t *testing.T) {
	ok := DefaultSceneConfig()
	tests := []struct {
		edit func(*SceneConfig)
		want string
	}{
		{func(c *SceneConfig) {}, ""},
		{func(c *SceneConfig) { c.Size = 16 }, "Size 16 is invalid (valid: 32 to 1024"},
		{func(c *SceneConfig) { c.MinShapes = 0 }, "MinShapes 0 is invalid (valid: 1 to 3)"},
		{func(c *SceneConfig) { c.MinShapes, c.MaxShapes = 2, 1 }, "MaxShapes 1 is invalid (valid: MinShapes = 2 to 3)"},
		{func(c *SceneConfig) { c.MaxShapes = 4 }, "MaxShapes 4 is invalid"},
		{func(c *SceneConfig) { c.Noise = math.NaN() }, "Noise NaN is invalid (valid: 0 to 1"},
		{func(c *SceneConfig) { c.Captions = 0 }, "Captions 0 is invalid"},
	}
	for _, tc := range tests {
		c := ok
		tc.edit(&c)
		err := c.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: err %v, want %q", c, err, tc.want)
		}
		if tc.want != "" {
			// RenderScene clamps instead of failing, and never panics.
			sc := RenderScene(nil, c)
			if err := c.clamped().Validate(); err != nil || len(sc.Shapes) == 0 || len(sc.Captions) == 0 {
				t.Errorf("%+v clamped: %v, %d shapes", c, err, len(sc.Shapes))
			}
		}
	}
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

func TestWriteScenesRoundTrip(t *testing.T) {
	cfg := DefaultSceneConfig()
	root := t.TempDir()
	dirA, dirB, dirC := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")
	const n = 12
	for _, d := range []string{dirA, dirB} {
		if err := WriteScenes(d, n, 7, cfg); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteScenes(dirC, 5, 7, cfg); err != nil {
		t.Fatal(err)
	}
	a, b, c := readDir(t, dirA), readDir(t, dirB), readDir(t, dirC)
	if len(a) != n+2 {
		t.Errorf("%d files, want %d images + captions.txt + labels.tsv", len(a), n)
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	for i := range 5 { // the first scenes do not depend on n
		if name := SceneName(i); !bytes.Equal(a[name], c[name]) {
			t.Errorf("%s differs between n = %d and n = 5", name, n)
		}
	}

	got, err := ReadCaptionDir(dirA)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("ReadCaptionDir: %d images, want %d", len(got), n)
	}
	labels := strings.Split(strings.TrimSpace(string(a["labels.tsv"])), "\n")
	if labels[0] != "file\tshape\tcolour\tsize\tcount" || len(labels) != n+1 {
		t.Fatalf("labels.tsv: %q", labels)
	}
	for i, ci := range got {
		sc := RenderScene(rand.New(rand.NewPCG(7, uint64(i))), cfg)
		if ci.Path != filepath.Join(dirA, SceneName(i)) {
			t.Errorf("image %d: path %s", i, ci.Path)
		}
		if fmt.Sprint(ci.Captions) != fmt.Sprint(sc.Captions) {
			t.Errorf("image %d: captions %q, want %q", i, ci.Captions, sc.Captions)
		}
		f := sc.Shapes[0]
		if want := fmt.Sprintf("%s\t%s\t%s\t%s\t%d", SceneName(i), f.Kind, f.Colour, f.Size, len(sc.Shapes)); labels[i+1] != want {
			t.Errorf("labels.tsv row %d = %q, want %q", i+1, labels[i+1], want)
		}
		img, err := png.Decode(bytes.NewReader(a[SceneName(i)]))
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds().Dx() != cfg.Size || !bytes.Equal(pixels(img), sc.Image.Pix) {
			t.Errorf("image %d: PNG pixels differ from RenderScene", i)
		}
	}

	if err := WriteScenes(dirA, 0, 1, cfg); err == nil || !strings.Contains(err.Error(), "n = 0 is invalid") {
		t.Errorf("n = 0: %v", err)
	}
	bad := cfg
	bad.Size = 8
	if err := WriteScenes(dirA, 1, 1, bad); err == nil || !strings.Contains(err.Error(), "Size 8") {
		t.Errorf("Size 8: %v", err)
	}
	blocker := filepath.Join(root, "file")
	os.WriteFile(blocker, nil, 0o644)
	if err := WriteScenes(filepath.Join(blocker, "sub"), 1, 1, cfg); err == nil || !strings.Contains(err.Error(), blocker) {
		t.Errorf("dir under a file: %v", err)
	}
}

// pixels returns the RGBA bytes of a decoded PNG (an opaque RGBA image is
// stored as 8-bit RGB, which decodes to *image.RGBA).
func pixels(img image.Image) []byte {
	if rgba, ok := img.(*image.RGBA); ok {
		return rgba.Pix
	}
	return nil
}

// testdataScene is the scene in ../testdata/scene.png, used by the CLI
// example "recur caption testdata/scene.png": a 128-pixel, noise-free scene
// with two shapes of different sizes, "a large purple cross left of a small
// green triangle" (seed 2025 picked by eye from the first ten).
func testdataScene() Scene {
	cfg := SceneConfig{Size: 128, MinShapes: 2, MaxShapes: 2, Captions: 3}
	return RenderScene(rand.New(rand.NewPCG(2025, 0)), cfg)
}

// TestSceneTestdata checks the committed ../testdata/scene.png against the
// renderer; go generate (or -update-scene) rewrites it.
func TestSceneTestdata(t *testing.T) {
	sc := testdataScene()
	var buf bytes.Buffer
	if err := png.Encode(&buf, sc.Image); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "testdata", "scene.png")
	if *updateScene {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes): %q", path, buf.Len(), sc.Captions)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go generate ./datasets to create it)", err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Errorf("%s differs from the renderer's output; if the renderer changed on purpose, run go generate ./datasets", path)
	}
}

func ExampleRenderScene() {
	rng := rand.New(rand.NewPCG(2025, 0))
	cfg := SceneConfig{Size: 128, MinShapes: 2, MaxShapes: 2, Captions: 3}
	sc := RenderScene(rng, cfg)
	for _, s := range sc.Shapes {
		fmt.Printf("%s %s %s at (%.0f, %.0f)\n", s.Size, s.Colour, s.Kind, s.X, s.Y)
	}
	for _, c := range sc.Captions {
		fmt.Println(c)
	}
	// Output:
	// small green triangle at (89, 87)
	// large purple cross at (24, 88)
	// a large purple cross left of a small green triangle
	// a small green triangle right of a large purple cross
	// a green triangle right of a purple cross
}

func BenchmarkRenderScene(b *testing.B) {
	cfg := DefaultSceneConfig()
	rng := rand.New(rand.NewPCG(1, 1))
	for b.Loop() {
		RenderScene(rng, cfg)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "scenes/s")
}
