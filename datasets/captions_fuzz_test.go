package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadFlickr8k feeds arbitrary caption files to the Flickr8k parser
// (both the token layout and the Kaggle CSV): it must never panic, and
// whatever it accepts names images inside the image folder and has
// non-empty captions.
func FuzzReadFlickr8k(f *testing.F) {
	f.Add([]byte("a.png#0\ta red circle\na.png#1\ta circle\n"))
	f.Add([]byte("image,caption\na.png,\"a dog, running\"\n"))
	f.Add([]byte("\ufeffa.png\tx\r\n\n../a.png\tescape\n"))
	f.Add([]byte("a.png#\t\n#0\tno name\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.png"), []byte("x"), 0o644)
		file := filepath.Join(dir, "captions.txt")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		items, err := ReadFlickr8k(file, dir)
		if err != nil {
			return
		}
		for _, it := range items {
			if rel, err := filepath.Rel(dir, it.Path); err != nil || strings.HasPrefix(rel, "..") {
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

// FuzzReadCOCO does the same for COCO caption JSON.
func FuzzReadCOCO(f *testing.F) {
	f.Add([]byte(`{"images":[{"id":1,"file_name":"a.png"}],"annotations":[{"image_id":1,"caption":"a red circle"}]}`))
	f.Add([]byte(`{"images":[{"id":1,"file_name":"../a.png"}],"annotations":[{"image_id":2,"caption":""}]}`))
	f.Add([]byte(`{"images":[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.png"), []byte("x"), 0o644)
		file := filepath.Join(dir, "captions_val.json")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		items, err := ReadCOCO(file, dir)
		if err != nil {
			return
		}
		for _, it := range items {
			if rel, err := filepath.Rel(dir, it.Path); err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("image %q leaves %q", it.Path, dir)
			}
			if len(it.Captions) == 0 {
				t.Errorf("image %q without captions", it.Path)
			}
		}
	})
}
