package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzKarpathySplits feeds arbitrary Karpathy split JSON to the split
// reader: it must never panic, and whatever it accepts has a non-empty
// training split, images inside the folder with non-empty captions, and no
// image in two splits.
func FuzzKarpathySplits(f *testing.F) {
	f.Add([]byte(`{"images":[{"filename":"a.png","split":"train","sentences":[{"raw":"a red circle","tokens":["a","red","circle"]}]}]}`))
	f.Add([]byte(`{"images":[{"filepath":"sub","filename":"a.png","split":"restval","sentences":[{"raw":"","tokens":["x"]}]},{"filename":"a.png","split":"test","sentences":[{"raw":"y"}]}]}`))
	f.Add([]byte(`{"images":[{"filepath":"..","filename":"a.png","split":"val","sentences":[]}]}`))
	f.Add([]byte(`{"images":[{"filename":"a.png","split":"train","sentences":[{"raw":"x"}]},{"filename":"a.png","split":"val","sentences":[{"raw":"x"}]}]}`))
	f.Add([]byte(`{"images": 3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.png"), []byte("x"), 0o644)
		os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
		os.WriteFile(filepath.Join(dir, "sub", "a.png"), []byte("x"), 0o644)
		file := filepath.Join(t.TempDir(), "dataset_x.json")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := LoadCaptionSplits(dir, CaptionSplitOptions{SplitFile: file})
		if err != nil {
			return
		}
		if len(s.Train) == 0 {
			t.Error("accepted without training images")
		}
		seen := map[string]bool{}
		for _, part := range [][]CaptionedImage{s.Train, s.Val, s.Test} {
			for _, it := range part {
				if rel, err := filepath.Rel(dir, it.Path); err != nil || !filepath.IsLocal(rel) {
					t.Errorf("image %q leaves %q", it.Path, dir)
				}
				if seen[it.Path] {
					t.Errorf("image %q in two splits", it.Path)
				}
				seen[it.Path] = true
				if len(it.Captions) == 0 {
					t.Errorf("image %q without captions", it.Path)
				}
				for _, c := range it.Captions {
					if strings.TrimSpace(c) == "" {
						t.Errorf("empty caption accepted for %q", it.Path)
					}
				}
			}
		}
	})
}

// FuzzReadFlickr30k feeds arbitrary Flickr30k caption files, in the
// pipe-separated results.csv form (input starting with anything but 'i')
// and the "image,caption" CSV form (input starting with 'i'), to
// ReadFlickr8k: it must never panic, and whatever it accepts names images
// inside the image folder with non-empty captions.
func FuzzReadFlickr30k(f *testing.F) {
	f.Add([]byte("|a.png| 0| a red circle\na.png| 1| a circle | with a pipe\n"))
	f.Add([]byte("|a.png| 4 missing pipe\na.png|x| bad number\n"))
	f.Add([]byte("|../a.png| 0| escape\n| 0| no name\n"))
	f.Add([]byte("ia.png,\"a dog, running\"\na.png,x,y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		header := "image_name| comment_number| comment\n"
		if len(data) > 0 && data[0] == 'i' {
			header = "image,caption\n"
		}
		if len(data) > 0 {
			data = data[1:]
		}
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.png"), []byte("x"), 0o644)
		file := filepath.Join(dir, "results.csv")
		if err := os.WriteFile(file, append([]byte(header), data...), 0o644); err != nil {
			t.Fatal(err)
		}
		items, err := ReadFlickr8k(file, dir)
		if err != nil {
			return
		}
		for _, it := range items {
			if rel, err := filepath.Rel(dir, it.Path); err != nil || !filepath.IsLocal(rel) {
				t.Errorf("image %q leaves %q", it.Path, dir)
			}
			for _, c := range it.Captions {
				if strings.TrimSpace(c) == "" {
					t.Errorf("empty caption accepted for %q", it.Path)
				}
			}
		}
	})
}
