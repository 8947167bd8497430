package datasets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sceneSet is a few tiny rendered scenes (32×32 PNG) named a.png … f.png,
// with their true captions, for building data folders in every layout.
type sceneSet struct {
	names []string
	png   map[string][]byte
	caps  map[string][]string
}

func newSceneSet(t *testing.T, n int) *sceneSet {
	t.Helper()
	cfg := DefaultSceneConfig()
	cfg.Size, cfg.Captions = 32, 2
	s := &sceneSet{png: map[string][]byte{}, caps: map[string][]string{}}
	for i := range n {
		sc := RenderScene(rand.New(rand.NewPCG(7, uint64(i))), cfg)
		var b bytes.Buffer
		if err := png.Encode(&b, sc.Image); err != nil {
			t.Fatal(err)
		}
		name := string(rune('a'+i)) + ".png"
		s.names = append(s.names, name)
		s.png[name], s.caps[name] = b.Bytes(), sc.Captions
	}
	return s
}

// images writes every image (or those named) into dir/sub.
func (s *sceneSet) images(t *testing.T, dir, sub string, only ...string) {
	t.Helper()
	if only == nil {
		only = s.names
	}
	for _, n := range only {
		p := filepath.Join(dir, filepath.FromSlash(sub), n)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, s.png[n], 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// token is the Flickr8k token file of every image.
func (s *sceneSet) token() string {
	var b strings.Builder
	for _, n := range s.names {
		for k, c := range s.caps[n] {
			fmt.Fprintf(&b, "%s#%d\t%s\n", n, k, c)
		}
	}
	return b.String()
}

// pipeCSV is Flickr30k's results.csv.
func (s *sceneSet) pipeCSV() string {
	var b strings.Builder
	b.WriteString("image_name| comment_number| comment\n")
	for _, n := range s.names {
		for k, c := range s.caps[n] {
			fmt.Fprintf(&b, "%s| %d| %s\n", n, k, c)
		}
	}
	return b.String()
}

// kaggleCSV is the "image,caption" CSV.
func (s *sceneSet) kaggleCSV() string {
	var b strings.Builder
	b.WriteString("image,caption\n")
	for _, n := range s.names {
		for _, c := range s.caps[n] {
			fmt.Fprintf(&b, "%s,%q\n", n, c)
		}
	}
	return b.String()
}

// karpathy is a Karpathy split JSON: split[name] for each image named
// there, images under filepath.
func (s *sceneSet) karpathy(t *testing.T, filepath string, split map[string]string) string {
	t.Helper()
	type sent struct {
		Raw    string   `json:"raw"`
		Tokens []string `json:"tokens"`
	}
	type img struct {
		FilePath  string `json:"filepath,omitempty"`
		FileName  string `json:"filename"`
		Split     string `json:"split"`
		Sentences []sent `json:"sentences"`
	}
	var f struct {
		Images  []img  `json:"images"`
		Dataset string `json:"dataset"`
	}
	f.Dataset = "test"
	for _, n := range s.names {
		sp, ok := split[n]
		if !ok {
			continue
		}
		im := img{FilePath: filepath, FileName: n, Split: sp}
		for _, c := range s.caps[n] {
			im.Sentences = append(im.Sentences, sent{Raw: c, Tokens: strings.Fields(c)})
		}
		f.Images = append(f.Images, im)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// coco is a COCO captions file for the named images.
func (s *sceneSet) coco(t *testing.T, names ...string) string {
	t.Helper()
	type image struct {
		ID       int    `json:"id"`
		FileName string `json:"file_name"`
	}
	type ann struct {
		ImageID int    `json:"image_id"`
		Caption string `json:"caption"`
	}
	var f struct {
		Images      []image `json:"images"`
		Annotations []ann   `json:"annotations"`
	}
	for i, n := range names {
		f.Images = append(f.Images, image{ID: 100 + i, FileName: n})
		for _, c := range s.caps[n] {
			f.Annotations = append(f.Annotations, ann{ImageID: 100 + i, Caption: c})
		}
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rel turns a split's images into paths relative to dir, checking that
// each carries its scene's captions.
func (s *sceneSet) rel(t *testing.T, dir string, items []CaptionedImage) []string {
	t.Helper()
	out := []string{}
	for _, it := range items {
		r, err := filepath.Rel(dir, it.Path)
		if err != nil {
			t.Fatal(err)
		}
		r = filepath.ToSlash(r)
		if want := s.caps[filepath.Base(r)]; !reflect.DeepEqual(it.Captions, want) {
			t.Errorf("%s: captions %q, want %q", r, it.Captions, want)
		}
		out = append(out, r)
	}
	return out
}

// lists are the official Flickr8k lists: a b c train, d dev, e test; f is
// captioned but in no list.
var testLists = map[string]string{
	"Flickr_8k.trainImages.txt": "a.png\nb.png\r\nc.png\n\n",
	"Flickr_8k.devImages.txt":   "d.png\n",
	"Flickr_8k.testImages.txt":  "e.png\n",
}

func withPrefix(prefix string, m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[prefix+k] = v
	}
	return out
}

// karpathySplit differs from testLists so that a test can tell which won.
var karpathySplit = map[string]string{"a.png": "train", "b.png": "train", "c.png": "restval", "f.png": "val", "d.png": "test", "e.png": "test"}

// captionSplitWant is what LoadCaptionSplits should find in one case.
type captionSplitWant struct {
	kind              string
	train, val, test  []string
	source            string // a substring
	trainN, valN, all int    // for random splits: sizes instead of names
}

// captionSplitCase is one folder layout for TestLoadCaptionSplits.
type captionSplitCase struct {
	name  string
	build func(t *testing.T, dir string)
	opts  CaptionSplitOptions
	want  captionSplitWant
}

// captionSplitCases are the layouts LoadCaptionSplits recognises, each
// built from the scenes in s.
func captionSplitCases(s *sceneSet) []captionSplitCase {
	return []captionSplitCase{
		{"flickr8k official lists", func(t *testing.T, dir string) {
			s.images(t, dir, "Flicker8k_Dataset")
			fixture(t, dir, map[string]string{"Flickr8k.token.txt": s.token()})
			fixture(t, dir, testLists)
		}, CaptionSplitOptions{Val: 2}, captionSplitWant{kind: "flickr8k",
			train: []string{"Flicker8k_Dataset/a.png", "Flicker8k_Dataset/b.png", "Flicker8k_Dataset/c.png"},
			val:   []string{"Flicker8k_Dataset/d.png"}, test: []string{"Flicker8k_Dataset/e.png"},
			source: "lists Flickr_8k.trainImages.txt, Flickr_8k.devImages.txt, Flickr_8k.testImages.txt (train 3, val 1, test 1; 1 captioned images in no list left out)"}},
		{"flickr8k text folder", func(t *testing.T, dir string) {
			s.images(t, dir, "Flicker8k_Dataset")
			fixture(t, dir, map[string]string{"Flickr8k_text/Flickr8k.token.txt": s.token()})
			fixture(t, dir, withPrefix("Flickr8k_text/", testLists))
		}, CaptionSplitOptions{}, captionSplitWant{kind: "flickr8k",
			train: []string{"Flicker8k_Dataset/a.png", "Flicker8k_Dataset/b.png", "Flicker8k_Dataset/c.png"},
			val:   []string{"Flicker8k_Dataset/d.png"}, test: []string{"Flicker8k_Dataset/e.png"}, source: "lists "}},
		{"karpathy beats lists", func(t *testing.T, dir string) {
			s.images(t, dir, "Flicker8k_Dataset")
			fixture(t, dir, map[string]string{"Flickr8k_text/Flickr8k.token.txt": s.token(),
				"dataset_flickr8k.json": s.karpathy(t, "", karpathySplit)})
			fixture(t, dir, withPrefix("Flickr8k_text/", testLists))
		}, CaptionSplitOptions{Val: 3}, captionSplitWant{kind: "flickr8k",
			train: []string{"Flicker8k_Dataset/a.png", "Flicker8k_Dataset/b.png", "Flicker8k_Dataset/c.png"},
			val:   []string{"Flicker8k_Dataset/f.png"}, test: []string{"Flicker8k_Dataset/d.png", "Flicker8k_Dataset/e.png"},
			source: "Karpathy dataset_flickr8k.json (train 2 + restval 1, val 1, test 2)"}},
		{"karpathy beats random (scenes folder)", func(t *testing.T, dir string) {
			s.images(t, dir, "")
			fixture(t, dir, map[string]string{"captions.txt": s.token(), "dataset_flickr8k.json": s.karpathy(t, "", karpathySplit)})
		}, CaptionSplitOptions{Val: 3, Seed: 1}, captionSplitWant{kind: "flickr8k",
			train: []string{"a.png", "b.png", "c.png"}, val: []string{"f.png"}, test: []string{"d.png", "e.png"}, source: "Karpathy "}},
		{"karpathy json only", func(t *testing.T, dir string) {
			s.images(t, dir, "Flicker8k_Dataset")
			fixture(t, dir, map[string]string{"caption_datasets/dataset_flickr8k.json": s.karpathy(t, "", karpathySplit),
				"caption_datasets/dataset_coco.json": "not read"})
		}, CaptionSplitOptions{}, captionSplitWant{kind: "karpathy",
			train: []string{"Flicker8k_Dataset/a.png", "Flicker8k_Dataset/b.png", "Flicker8k_Dataset/c.png"},
			val:   []string{"Flicker8k_Dataset/f.png"}, test: []string{"Flicker8k_Dataset/d.png", "Flicker8k_Dataset/e.png"}, source: "Karpathy dataset_flickr8k.json"}},
		{"flickr30k results.csv (kaggle nesting)", func(t *testing.T, dir string) {
			s.images(t, dir, "flickr30k_images/flickr30k_images")
			fixture(t, dir, map[string]string{"flickr30k_images/results.csv": s.pipeCSV()})
		}, CaptionSplitOptions{Val: 2, Seed: 5}, captionSplitWant{kind: "flickr30k", trainN: 4, valN: 2, all: 6, source: "random (seed 5): train 4, val 2 of 6 captioned images, no test split"}},
		{"flickr30k captions.txt csv", func(t *testing.T, dir string) {
			s.images(t, dir, "flickr30k_images")
			fixture(t, dir, map[string]string{"captions.txt": s.kaggleCSV()})
		}, CaptionSplitOptions{Val: 1}, captionSplitWant{kind: "flickr8k", trainN: 5, valN: 1, all: 6, source: "random "}},
		{"flickr30k with karpathy", func(t *testing.T, dir string) {
			s.images(t, dir, "flickr30k-images")
			fixture(t, dir, map[string]string{"results_20130124.token": s.token(), "dataset_flickr30k.json": s.karpathy(t, "", karpathySplit),
				"dataset_flickr8k.json": "not read"})
		}, CaptionSplitOptions{Val: 1}, captionSplitWant{kind: "flickr30k",
			train: []string{"flickr30k-images/a.png", "flickr30k-images/b.png", "flickr30k-images/c.png"},
			val:   []string{"flickr30k-images/f.png"}, test: []string{"flickr30k-images/d.png", "flickr30k-images/e.png"}, source: "Karpathy dataset_flickr30k.json"}},
		{"coco 2014", func(t *testing.T, dir string) {
			s.images(t, dir, "train2014", "a.png", "b.png", "c.png", "f.png")
			s.images(t, dir, "val2014", "d.png", "e.png")
			fixture(t, dir, map[string]string{"annotations/captions_train2014.json": s.coco(t, "a.png", "b.png", "c.png", "f.png"),
				"annotations/captions_val2014.json": s.coco(t, "d.png", "e.png")})
		}, CaptionSplitOptions{Val: 2}, captionSplitWant{kind: "coco", trainN: 4, valN: 2, all: 6, source: "random "}},
		{"coco 2014 with karpathy", func(t *testing.T, dir string) {
			s.images(t, dir, "images/train2014", "a.png", "b.png", "c.png", "f.png")
			s.images(t, dir, "images/val2014", "d.png", "e.png")
			kp := s.karpathy(t, "val2014", map[string]string{"d.png": "test", "e.png": "val"})
			var f map[string][]map[string]any
			json.Unmarshal([]byte(kp), &f)
			for _, n := range []string{"a.png", "b.png", "c.png", "f.png"} {
				f["images"] = append(f["images"], map[string]any{"filepath": "train2014", "filename": n, "split": "train",
					"sentences": []map[string]any{{"raw": s.caps[n][0]}, {"tokens": strings.Fields(s.caps[n][1])}}})
			}
			b, _ := json.Marshal(f)
			fixture(t, dir, map[string]string{"annotations/captions_train2014.json": s.coco(t, "a.png", "b.png", "c.png", "f.png"),
				"annotations/captions_val2014.json": s.coco(t, "d.png", "e.png"), "dataset_coco.json": string(b)})
		}, CaptionSplitOptions{Val: 2}, captionSplitWant{kind: "coco",
			train: []string{"images/train2014/a.png", "images/train2014/b.png", "images/train2014/c.png", "images/train2014/f.png"},
			val:   []string{"images/val2014/e.png"}, test: []string{"images/val2014/d.png"}, source: "Karpathy dataset_coco.json (train 4 + restval 0, val 1, test 1)"}},
		{"coco 2017", func(t *testing.T, dir string) {
			s.images(t, dir, "train2017", "a.png", "b.png", "c.png")
			s.images(t, dir, "val2017", "d.png", "e.png", "f.png")
			fixture(t, dir, map[string]string{"annotations/captions_train2017.json": s.coco(t, "a.png", "b.png", "c.png"),
				"annotations/captions_val2017.json": s.coco(t, "d.png", "e.png", "f.png")})
		}, CaptionSplitOptions{Val: 3}, captionSplitWant{kind: "coco", trainN: 3, valN: 3, all: 6, source: "random "}},
	}
}

func TestLoadCaptionSplits(t *testing.T) {
	s := newSceneSet(t, 6)
	for _, tc := range captionSplitCases(s) {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.build(t, dir)
			got, err := LoadCaptionSplits(dir, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			checkCaptionSplits(t, s, dir, got, tc.want)
		})
	}
}

// checkCaptionSplits compares got with w: the names of each split, or
// for random splits their sizes and that train+val hold every image once.
func checkCaptionSplits(t *testing.T, s *sceneSet, dir string, got *CaptionSplits, w captionSplitWant) {
	t.Helper()
	if got.Layout.Kind != w.kind {
		t.Errorf("layout %q, want %q", got.Layout.Kind, w.kind)
	}
	if !strings.Contains(got.Source, w.source) {
		t.Errorf("source %q, want it to contain %q", got.Source, w.source)
	}
	tr, va, te := s.rel(t, dir, got.Train), s.rel(t, dir, got.Val), s.rel(t, dir, got.Test)
	if w.all > 0 {
		if len(tr) != w.trainN || len(va) != w.valN || len(te) != 0 {
			t.Errorf("sizes %d/%d/%d, want %d/%d/0", len(tr), len(va), len(te), w.trainN, w.valN)
		}
		seen := map[string]bool{}
		for _, p := range append(tr, va...) {
			seen[filepath.Base(p)] = true
		}
		if len(seen) != w.all {
			t.Errorf("%d distinct images in train+val, want %d: %q %q", len(seen), w.all, tr, va)
		}
		return
	}
	if !reflect.DeepEqual(tr, w.train) || !reflect.DeepEqual(va, w.val) || !reflect.DeepEqual(te, w.test) {
		t.Errorf("splits\ntrain %q\nval   %q\ntest  %q\nwant\ntrain %q\nval   %q\ntest  %q", tr, va, te, w.train, w.val, w.test)
	}
}

func TestLoadCaptionSplitsSplitFile(t *testing.T) {
	s := newSceneSet(t, 6)
	dir, other := t.TempDir(), t.TempDir()
	s.images(t, dir, "")
	fixture(t, dir, map[string]string{"captions.txt": s.token()})
	fixture(t, other, testLists)
	fixture(t, other, map[string]string{"my_split.json": s.karpathy(t, "", karpathySplit)})

	got, err := LoadCaptionSplits(dir, CaptionSplitOptions{SplitFile: filepath.Join(other, "my_split.json"), Val: 1})
	if err != nil {
		t.Fatal(err)
	}
	if g := s.rel(t, dir, got.Test); !reflect.DeepEqual(g, []string{"d.png", "e.png"}) || got.Layout != nil {
		t.Errorf("Karpathy split file: test %q, layout %v", g, got.Layout)
	}
	got, err = LoadCaptionSplits(dir, CaptionSplitOptions{SplitFile: filepath.Join(other, "Flickr_8k.trainImages.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if g := s.rel(t, dir, got.Val); !reflect.DeepEqual(g, []string{"d.png"}) || !strings.HasPrefix(got.String(), "splits: lists Flickr_8k.trainImages.txt") {
		t.Errorf("list split file: val %q, %s", g, got)
	}
	// The JSON alone suffices: the folder needs only the images.
	os.Remove(filepath.Join(dir, "captions.txt"))
	if _, err := LoadCaptionSplits(dir, CaptionSplitOptions{SplitFile: filepath.Join(other, "my_split.json")}); err != nil {
		t.Errorf("Karpathy split file without a caption file: %v", err)
	}
}

func TestLoadCaptionSplitsErrors(t *testing.T) {
	s := newSceneSet(t, 6)
	tests := []struct {
		name  string
		build func(t *testing.T, dir string)
		opts  CaptionSplitOptions
		want  string // DIR stands for the folder
	}{
		{"image in a list missing on disk", func(t *testing.T, dir string) {
			s.images(t, dir, "Flicker8k_Dataset", "a.png", "b.png", "c.png", "d.png", "f.png")
			fixture(t, dir, map[string]string{"Flickr8k.token.txt": s.token()})
			fixture(t, dir, testLists)
		}, CaptionSplitOptions{}, "DIR/Flickr_8k.testImages.txt: 1 of the 1 images it lists are missing from DIR/Flicker8k_Dataset: e.png (line 1); add the images or remove them from the split file"},
		{"image in karpathy json missing on disk", func(t *testing.T, dir string) {
			s.images(t, dir, "", "a.png", "b.png", "c.png", "d.png", "e.png")
			fixture(t, dir, map[string]string{"captions.txt": s.token(), "dataset_flickr8k.json": s.karpathy(t, "", karpathySplit)})
		}, CaptionSplitOptions{}, "DIR/dataset_flickr8k.json: 1 of the 1 images it lists are missing from DIR: f.png (images[5])"},
		{"listed image without captions", func(t *testing.T, dir string) {
			s.images(t, dir, "")
			fixture(t, dir, map[string]string{"captions.txt": "a.png#0\tx\nd.png#0\tx\ne.png#0\tx\n"})
			fixture(t, dir, testLists)
		}, CaptionSplitOptions{}, "DIR/Flickr_8k.trainImages.txt:2: image b.png has no captions in DIR/captions.txt"},
		{"image in two lists", func(t *testing.T, dir string) {
			s.images(t, dir, "")
			fixture(t, dir, map[string]string{"captions.txt": s.token()})
			fixture(t, dir, testLists)
			fixture(t, dir, map[string]string{"Flickr_8k.testImages.txt": "e.png\na.png\n"})
		}, CaptionSplitOptions{}, "DIR/Flickr_8k.testImages.txt:2: image a.png is listed twice (also Flickr_8k.trainImages.txt line 1)"},
		{"some lists only", func(t *testing.T, dir string) {
			s.images(t, dir, "")
			fixture(t, dir, map[string]string{"captions.txt": s.token(), "Flickr_8k.trainImages.txt": "a.png\n"})
		}, CaptionSplitOptions{}, "DIR: has some official Flickr8k split lists but not Flickr_8k.devImages.txt and Flickr_8k.testImages.txt"},
		{"bad karpathy split", func(t *testing.T, dir string) {
			s.images(t, dir, "")
			fixture(t, dir, map[string]string{"dataset_x.json": `{"images": [{"filename": "a.png", "split": "dev", "sentences": [{"raw": "x"}]}]}`})
		}, CaptionSplitOptions{}, `DIR/dataset_x.json: images[0] (a.png): split "dev" (valid: train, restval, val, test)`},
		{"karpathy not json", func(t *testing.T, dir string) {
			s.images(t, dir, "")
			fixture(t, dir, map[string]string{"dataset_x.json": "{\n  \"images\": [1,]\n}"})
		}, CaptionSplitOptions{}, `DIR/dataset_x.json:2:16: invalid JSON: invalid character ']'`},
		{"karpathy wrong shape", func(t *testing.T, dir string) {
			s.images(t, dir, "")
			fixture(t, dir, map[string]string{"dataset_x.json": "[]"})
		}, CaptionSplitOptions{}, `DIR/dataset_x.json:1:2: the file is a JSON array, want an object with "images" (a Karpathy split file)`},
		{"karpathy without train", func(t *testing.T, dir string) {
			s.images(t, dir, "")
			fixture(t, dir, map[string]string{"dataset_x.json": `{"images": [{"filename": "a.png", "split": "test", "sentences": [{"raw": "x"}]}]}`})
		}, CaptionSplitOptions{}, `DIR/dataset_x.json: no image has split "train" or "restval"`},
		{"random split too small", func(t *testing.T, dir string) {
			s.images(t, dir, "")
			fixture(t, dir, map[string]string{"captions.txt": s.token()})
		}, CaptionSplitOptions{Val: 6}, "6 captioned images, not enough for 6 validation images (lower CaptionSplitOptions.Val)"},
		{"split file without dev list", func(t *testing.T, dir string) {
			s.images(t, dir, "")
			fixture(t, dir, map[string]string{"captions.txt": s.token(), "my.trainImages.txt": "a.png\n"})
		}, CaptionSplitOptions{SplitFile: "DIR/my.trainImages.txt"}, "CaptionSplitOptions.SplitFile DIR/my.trainImages.txt: no dev list beside it (looked for DIR/my.devImages.txt)"},
		{"nothing found", func(t *testing.T, dir string) {
			s.images(t, dir, "photos")
			fixture(t, dir, map[string]string{"readme.md": "", "f01": "", "f02": "", "f03": "", "f04": "", "f05": "", "f06": "", "f07": "", "f08": "", "f09": "", "f10": ""})
		}, CaptionSplitOptions{}, "; it holds f01, f02, f03, f04, f05, f06, f07, f08, f09, f10 and 2 more"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.build(t, dir)
			tc.opts.SplitFile = strings.ReplaceAll(tc.opts.SplitFile, "DIR", dir)
			_, err := LoadCaptionSplits(dir, tc.opts)
			want := strings.ReplaceAll(tc.want, "DIR", dir)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v\nwant %s", err, want)
			}
		})
	}
}

// TestRandomCaptionSplitMatchesTasks pins the random split to the shuffle
// tasks.captionDataFrom has always drawn (PCG(seed, 0xca9), first Val
// images held out), so folders without split files keep their split.
func TestRandomCaptionSplitMatchesTasks(t *testing.T) {
	items := make([]CaptionedImage, 20)
	for i := range items {
		items[i].Path = fmt.Sprint(i)
	}
	train, val, err := RandomCaptionSplit(items, 5, 1234)
	if err != nil {
		t.Fatal(err)
	}
	all := append([]CaptionedImage(nil), items...)
	rng := rand.New(rand.NewPCG(1234, 0xca9))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	if !reflect.DeepEqual(val, all[:5]) || !reflect.DeepEqual(train, all[5:]) {
		t.Errorf("val %v train %v, want %v %v", val, train, all[:5], all[5:])
	}
	if items[0].Path != "0" {
		t.Error("RandomCaptionSplit reordered its input")
	}
}

func TestCaptionListRoundTrip(t *testing.T) {
	s := newSceneSet(t, 3)
	dir := t.TempDir()
	s.images(t, dir, "Flicker8k_Dataset")
	items := []CaptionedImage{
		{Path: filepath.Join(dir, "Flicker8k_Dataset", "b.png"), Captions: []string{"a red\tcircle", "two\nlines"}},
		{Path: filepath.Join(dir, "Flicker8k_Dataset", "a.png"), Captions: []string{"a blue square"}},
	}
	out := filepath.Join(t.TempDir(), "model.test.txt")
	if err := WriteCaptionList(out, dir, items, "splits: test"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	wantText := "# recur caption list: 2 images; splits: test\n# root: " + dir + "\n" +
		"Flicker8k_Dataset/b.png#0\ta red circle\nFlicker8k_Dataset/b.png#1\ttwo lines\nFlicker8k_Dataset/a.png#0\ta blue square\n"
	if string(data) != wantText {
		t.Errorf("file\n%s\nwant\n%s", data, wantText)
	}
	got, err := ReadCaptionList(out, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []CaptionedImage{
		{Path: filepath.Join(dir, "Flicker8k_Dataset", "b.png"), Captions: []string{"a red circle", "two lines"}},
		{Path: filepath.Join(dir, "Flicker8k_Dataset", "a.png"), Captions: []string{"a blue square"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %v, want %v", got, want)
	}
	// Another root: the images are looked for there.
	if _, err := ReadCaptionList(out, t.TempDir()); err == nil || !strings.Contains(err.Error(), "2 of the 2 images it lists are missing") {
		t.Errorf("wrong root: %v", err)
	}
	if err := WriteCaptionList(out, filepath.Join(dir, "Flicker8k_Dataset", "sub"), items, ""); err == nil || !strings.Contains(err.Error(), "is not inside the root") {
		t.Errorf("image outside root: %v", err)
	}
}

func TestLoadCaptionTest(t *testing.T) {
	s := newSceneSet(t, 6)
	dir := t.TempDir()
	s.images(t, dir, "")
	fixture(t, dir, map[string]string{"captions.txt": s.token()})
	if _, _, err := LoadCaptionTest(dir, "", CaptionSplitOptions{Val: 1}); err == nil || !strings.Contains(err.Error(), "no test split (random (seed 0)") {
		t.Errorf("random split: %v", err)
	}
	fixture(t, dir, map[string]string{"dataset_flickr8k.json": s.karpathy(t, "", karpathySplit)})
	test, src, err := LoadCaptionTest(dir, "", CaptionSplitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g := s.rel(t, dir, test); !reflect.DeepEqual(g, []string{"d.png", "e.png"}) || !strings.Contains(src, "Karpathy dataset_flickr8k.json") {
		t.Errorf("test split %q from %q", g, src)
	}
	list := filepath.Join(t.TempDir(), "m.test.txt")
	if err := WriteCaptionList(list, dir, test, src); err != nil {
		t.Fatal(err)
	}
	back, src, err := LoadCaptionTest(list, "", CaptionSplitOptions{})
	if err != nil || !reflect.DeepEqual(back, test) || src != "caption list m.test.txt (2 images)" {
		t.Errorf("from the list: %v, %q, %v", back, src, err)
	}
}
