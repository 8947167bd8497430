package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fixture writes files (name → content) under dir; content "" for images,
// which only need to exist.
func fixture(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// flat turns results into "name: caption | caption" lines relative to dir.
func flat(t *testing.T, dir string, got []CaptionedImage) []string {
	t.Helper()
	var out []string
	for _, ci := range got {
		rel, err := filepath.Rel(dir, ci.Path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(rel)+": "+strings.Join(ci.Captions, " | "))
	}
	return out
}

func TestReadFlickr8k(t *testing.T) {
	tests := []struct {
		name   string
		tokens string
		want   []string
	}{
		{"token layout",
			"\uFEFF1000_a.jpg#0\tA child in a pink dress .\r\n" +
				"1000_a.jpg#1\t  A girl going into a wooden building .  \r\n" +
				"\r\n" +
				"2000_b.jpg#0\tA black dog and a spotted dog are fighting\n" +
				"1000_a.jpg#2\tA little girl climbing .\n" +
				"sub/3000#c.jpg\tno number suffix, and a # in the name\n",
			[]string{
				"1000_a.jpg: A child in a pink dress . | A girl going into a wooden building . | A little girl climbing .",
				"2000_b.jpg: A black dog and a spotted dog are fighting",
				"sub/3000#c.jpg: no number suffix, and a # in the name",
			}},
		{"kaggle csv layout",
			"image,caption\n" +
				"1000_a.jpg,A child in a pink dress .\n" +
				"1000_a.jpg,\"A girl, going into a building .\"\n" +
				"2000_b.jpg,Two dogs, one black, fighting\n",
			[]string{
				"1000_a.jpg: A child in a pink dress . | A girl, going into a building .",
				"2000_b.jpg: Two dogs, one black, fighting",
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fixture(t, dir, map[string]string{"tokens.txt": tc.tokens, "img/1000_a.jpg": "", "img/2000_b.jpg": "", "img/sub/3000#c.jpg": ""})
			got, err := ReadFlickr8k(filepath.Join(dir, "tokens.txt"), filepath.Join(dir, "img"))
			if err != nil {
				t.Fatal(err)
			}
			if f := flat(t, filepath.Join(dir, "img"), got); !reflect.DeepEqual(f, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(f, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestReadFlickr8kErrors(t *testing.T) {
	var many strings.Builder
	for i := range 8 {
		fmt.Fprintf(&many, "gone%d.jpg#0\tcaption\n", i)
	}
	tests := []struct {
		name   string
		tokens *string // nil: no token file
		images []string
		want   string // after "<token file>"
	}{
		{"no tab", ptr("a.jpg#0\tfine\na.jpg#1 a space, not a tab\n"), []string{"a.jpg"},
			`:2: no tab between image name and caption in "a.jpg#1 a space, not a tab" (want "name.jpg#0<TAB>caption")`},
		{"empty caption", ptr("a.jpg#0\tfine\n\na.jpg#1\t   \n"), []string{"a.jpg"}, ":3: empty caption for a.jpg"},
		{"empty name", ptr("#0\tcaption\n"), nil, ":1: empty image name"},
		{"escaping name", ptr("a.jpg#0\tok\n../../etc/x.jpg#0\tcaption\n"), []string{"a.jpg"},
			`:2: image name "../../etc/x.jpg" leaves the image directory`},
		{"absolute name", ptr("/etc/passwd#0\tcaption\n"), nil, `:1: image name "/etc/passwd" leaves the image directory`},
		{"csv one field", ptr("image,caption\na.jpg,ok\nb.jpg\n"), []string{"a.jpg"}, `:3: want "image,caption", found one field "b.jpg"`},
		{"only blank lines", ptr("\n\r\n  \n"), nil, ": no captions in the file"},
		{"empty file", ptr(""), nil, ": file is empty"},
		{"missing token file", nil, nil, ": file does not exist"},
		{"missing images", ptr("a.jpg#0\tx\nb.jpg#0\tx\na.jpg#1\tx\nc.jpg#0\tx\n"), []string{"a.jpg"},
			": 2 of the 3 images it lists are missing from IMG: b.jpg (line 2), c.jpg (line 4); add the images or remove their captions"},
		{"many missing images", ptr(many.String()), nil,
			": 8 of the 8 images it lists are missing from IMG: gone0.jpg (line 1), gone1.jpg (line 2), gone2.jpg (line 3), gone3.jpg (line 4), gone4.jpg (line 5) and 3 more;"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			img := filepath.Join(dir, "img")
			os.Mkdir(img, 0o755)
			for _, name := range tc.images {
				fixture(t, img, map[string]string{name: ""})
			}
			tokens := filepath.Join(dir, "tokens.txt")
			if tc.tokens != nil {
				fixture(t, dir, map[string]string{"tokens.txt": *tc.tokens})
			}
			_, err := ReadFlickr8k(tokens, img)
			want := tokens + strings.ReplaceAll(tc.want, "IMG", img)
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %v\nwant %s", err, want)
			}
		})
	}
	t.Run("image dir missing", func(t *testing.T) {
		dir := t.TempDir()
		fixture(t, dir, map[string]string{"tokens.txt": "a.jpg#0\tx\n"})
		_, err := ReadFlickr8k(filepath.Join(dir, "tokens.txt"), filepath.Join(dir, "nope"))
		if err == nil || !strings.Contains(err.Error(), "image directory for") || !strings.Contains(err.Error(), "nope: file does not exist") {
			t.Errorf("err = %v", err)
		}
	})
}

func ptr(s string) *string { return &s }

const cocoFixture = `{
  "info": {"description": "fixture"},
  "images": [
    {"id": 42, "file_name": "COCO_val2014_000000000042.jpg", "height": 480, "width": 640},
    {"id": 7, "file_name": "COCO_val2014_000000000007.jpg"},
    {"id": 9, "file_name": "COCO_val2014_000000000009.jpg"}
  ],
  "annotations": [
    {"id": 1, "image_id": 7, "caption": "A man riding a wave on top of a surfboard.\n"},
    {"id": 2, "image_id": 42, "caption": " A plate of food. "},
    {"id": 3, "image_id": 7, "caption": "A surfer in the ocean."}
  ]
}`

func TestReadCOCO(t *testing.T) {
	dir := t.TempDir()
	fixture(t, dir, map[string]string{
		"captions_val2014.json":             cocoFixture,
		"COCO_val2014_000000000042.jpg":     "",
		"COCO_val2014_000000000007.jpg":     "",
		"COCO_val2014_000000000009.jpg.not": "", // image 9 has no captions, so it is not needed
	})
	got, err := ReadCOCO(filepath.Join(dir, "captions_val2014.json"), dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ // file order; image 9 has no annotation and is left out
		"COCO_val2014_000000000042.jpg: A plate of food.",
		"COCO_val2014_000000000007.jpg: A man riding a wave on top of a surfboard. | A surfer in the ocean.",
	}
	if f := flat(t, dir, got); !reflect.DeepEqual(f, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(f, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadCOCOErrors(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		// The second comma is line 3, column 14.
		{"syntax", "{\n  \"images\": [\n    {\"id\": 1,, \"file_name\": \"a.jpg\"}\n  ]\n}", ":3:14: invalid JSON: invalid character ','"},
		// Type errors point just past the value ("one" ends at column 13).
		{"type", "{\"images\": [\n {\"id\": \"one\", \"file_name\": \"a.jpg\"}]}", ":2:14: images.id is a JSON string, want int64"},
		{"not an object", "[1, 2]", `:1:2: the file is a JSON array, want an object with "images" and "annotations"`},
		{"no images", `{"annotations": []}`, `: no "images" list`},
		{"no id", `{"images": [{"file_name": "a.jpg"}]}`, `: images[0]: no "id"`},
		{"duplicate id", `{"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 1, "file_name": "b.jpg"}]}`,
			": images[1]: id 1 is repeated (first at images[0])"},
		{"no file name", `{"images": [{"id": 1}]}`, ": images[0]: empty image name"},
		{"escaping file name", `{"images": [{"id": 1, "file_name": "../a.jpg"}]}`, `: images[0]: image name "../a.jpg" leaves the image directory`},
		{"no annotations", `{"images": [{"id": 1, "file_name": "a.jpg"}]}`, `: no "annotations"`},
		{"unknown image", `{"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [{"image_id": 1, "caption": "x"}, {"image_id": 999, "caption": "y"}]}`,
			": annotations[1]: image_id 999 is not in images"},
		{"no image_id", `{"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [{"caption": "x"}]}`, `: annotations[0]: no "image_id"`},
		{"empty caption", `{"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [{"image_id": 1, "caption": " \n"}]}`,
			": annotations[0]: empty caption for image 1"},
		{"missing image", `{"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "b.jpg"}], "annotations": [{"image_id": 1, "caption": "x"}, {"image_id": 2, "caption": "y"}]}`,
			": 1 of the 2 images it lists are missing from DIR: b.jpg (images[1])"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fixture(t, dir, map[string]string{"c.json": tc.json, "a.jpg": ""})
			path := filepath.Join(dir, "c.json")
			_, err := ReadCOCO(path, dir)
			want := path + strings.ReplaceAll(tc.want, "DIR", dir)
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %v\nwant %s", err, want)
			}
		})
	}
}

func TestReadCaptionDir(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // relative to the data set folder
	}{
		{"scenes layout", map[string]string{"captions.txt": "00000.png#0\ta red circle\n", "00000.png": "", "labels.tsv": ""},
			[]string{"00000.png: a red circle"}},
		{"kaggle flickr8k", map[string]string{"captions.txt": "image,caption\nx.jpg,a dog .\n", "Images/x.jpg": ""},
			[]string{"Images/x.jpg: a dog ."}},
		{"official flickr8k", map[string]string{"Flickr8k.token.txt": "x.jpg#0\ta dog .\n", "Flicker8k_Dataset/x.jpg": ""},
			[]string{"Flicker8k_Dataset/x.jpg: a dog ."}},
		{"token.txt", map[string]string{"token.txt": "x.jpg#0\ta dog .\n", "images/x.jpg": ""},
			[]string{"images/x.jpg: a dog ."}},
		{"coco", map[string]string{"annotations/captions_val2014.json": cocoFixture,
			"val2014/COCO_val2014_000000000042.jpg": "", "val2014/COCO_val2014_000000000007.jpg": ""},
			[]string{"val2014/COCO_val2014_000000000042.jpg: A plate of food.",
				"val2014/COCO_val2014_000000000007.jpg: A man riding a wave on top of a surfboard. | A surfer in the ocean."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fixture(t, dir, tc.files)
			got, err := ReadCaptionDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if f := flat(t, dir, got); !reflect.DeepEqual(f, tc.want) {
				t.Errorf("got %q, want %q", f, tc.want)
			}
		})
	}
}

func TestReadCaptionDirErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // after the folder
	}{
		{"empty folder", nil, ": no caption file (looked for captions.txt, token.txt, Flickr8k.token.txt, results.csv, results_20130124.token in the folder or its Flickr8k_text/, flickr30k_images/, flickr30k/; captions_*.json in the folder or annotations/; dataset_*.json in the folder or its caption_datasets/, Flickr8k_text/); it is empty"},
		{"two coco years", map[string]string{"captions_train2014.json": "{}", "annotations/captions_val2017.json": "{}"},
			": COCO caption files of several years"},
		{"images elsewhere", map[string]string{"captions.txt": "x.jpg#0\ta dog\n"},
			"/captions.txt: 1 of the 1 images it lists are missing from DIR: x.jpg (line 1)"},
		{"bad caption file", map[string]string{"captions.txt": "x.jpg a dog\n"}, "/captions.txt:1: no tab"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fixture(t, dir, tc.files)
			_, err := ReadCaptionDir(dir)
			want := dir + strings.ReplaceAll(filepath.FromSlash(tc.want), "DIR", dir)
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %v\nwant %s", err, want)
			}
		})
	}
	file := filepath.Join(t.TempDir(), "captions.txt")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, err := ReadCaptionDir(file); err == nil || !strings.Contains(err.Error(), file+": not a directory") {
		t.Errorf("file instead of folder: %v", err)
	}
	if _, err := ReadCaptionDir(file + "-nope"); err == nil || !strings.Contains(err.Error(), "file does not exist") {
		t.Errorf("missing folder: %v", err)
	}
}

func TestCaptionTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"A large green triangle left of a small red circle",
			[]string{"a", "large", "green", "triangle", "left", "of", "a", "small", "red", "circle"}},
		{"A dog's toy, red.", []string{"a", "dog's", "toy", ",", "red", "."}},
		{"  Two dogs\nplaying!\r\n", []string{"two", "dogs", "playing", "!"}},
		// Digits are not word characters in the word tokenizer: one token each.
		{"3 cats", []string{"3", "cats"}},
		{"", []string{}},
	}
	for _, tc := range tests {
		got := CaptionTokens(tc.in)
		if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("CaptionTokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func ExampleCaptionTokens() {
	fmt.Printf("%q\n", CaptionTokens("A small red circle, above a BLUE square."))
	// Output:
	// ["a" "small" "red" "circle" "," "above" "a" "blue" "square" "."]
}
