package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/modelfile"
)

// runOutErr executes the app in-process and returns what it printed on
// its writer and its error writer.
func runOutErr(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	app := newApp()
	var out, errOut bytes.Buffer
	app.Writer, app.ErrWriter = &out, &errOut
	app.ExitErrHandler = func(*cli.Context, error) {}
	err = app.RunContext(context.Background(), append([]string{"recur"}, args...))
	return out.String(), errOut.String(), err
}

// flickrScenes renders 12 one-shape 32×32 scenes (00000.png … 00011.png)
// into dir in the layout of the two unzipped Flickr8k archives: the
// images in Flicker8k_Dataset/ and the captions in
// Flickr8k_text/Flickr8k.token.txt. It returns every image's captions.
func flickrScenes(t *testing.T, dir string) map[string][]string {
	t.Helper()
	raw := filepath.Join(t.TempDir(), "raw")
	sc := datasets.DefaultSceneConfig()
	sc.Size, sc.MaxShapes = 32, 1
	if err := datasets.WriteScenes(raw, 12, 3, sc); err != nil {
		t.Fatal(err)
	}
	items, err := datasets.ReadCaptionDir(raw)
	if err != nil {
		t.Fatal(err)
	}
	imgs := filepath.Join(dir, "Flicker8k_Dataset")
	text := filepath.Join(dir, "Flickr8k_text")
	for _, d := range []string{imgs, text} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	caps := map[string][]string{}
	var token strings.Builder
	for _, it := range items {
		name := filepath.Base(it.Path)
		if err := os.Rename(it.Path, filepath.Join(imgs, name)); err != nil {
			t.Fatal(err)
		}
		caps[name] = it.Captions
		for k, c := range it.Captions {
			fmt.Fprintf(&token, "%s#%d\t%s\n", name, k, c)
		}
	}
	writeCapFile(t, filepath.Join(text, "Flickr8k.token.txt"), token.String())
	return caps
}

func writeCapFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sceneNames are 0000a.png for each index a.
func sceneNames(idx ...int) []string {
	var out []string
	for _, i := range idx {
		out = append(out, datasets.SceneName(i))
	}
	return out
}

// officialLists writes the three Flickr8k split lists into dir/Flickr8k_text:
// train 0-5, dev 6-8, test 9-11.
func officialLists(t *testing.T, dir string) {
	t.Helper()
	for name, idx := range map[string][]int{
		"Flickr_8k.trainImages.txt": {0, 1, 2, 3, 4, 5},
		"Flickr_8k.devImages.txt":   {6, 7, 8},
		"Flickr_8k.testImages.txt":  {9, 10, 11},
	} {
		writeCapFile(t, filepath.Join(dir, "Flickr8k_text", name), strings.Join(sceneNames(idx...), "\n")+"\n")
	}
}

// karpathyJSON writes dir/dataset_flickr8k.json: train 0-4, restval 5,
// val 6-7, test 8-11 (a different split from officialLists').
func karpathyJSON(t *testing.T, dir string, caps map[string][]string) {
	t.Helper()
	type sentence struct {
		Raw    string   `json:"raw"`
		Tokens []string `json:"tokens"`
	}
	type image struct {
		FileName  string     `json:"filename"`
		Split     string     `json:"split"`
		Sentences []sentence `json:"sentences"`
	}
	var f struct {
		Images  []image `json:"images"`
		Dataset string  `json:"dataset"`
	}
	f.Dataset = "flickr8k"
	for i := range 12 {
		split := "train"
		switch {
		case i == 5:
			split = "restval"
		case i == 6 || i == 7:
			split = "val"
		case i >= 8:
			split = "test"
		}
		name := datasets.SceneName(i)
		im := image{FileName: name, Split: split}
		for _, c := range caps[name] {
			im.Sentences = append(im.Sentences, sentence{Raw: c, Tokens: strings.Fields(strings.ToLower(c))})
		}
		f.Images = append(f.Images, im)
	}
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	writeCapFile(t, filepath.Join(dir, "dataset_flickr8k.json"), string(data))
}

// tinyCaptionTrain is recur train caption with a model and run small
// enough to take about a second.
func tinyCaptionTrain(data, out string, extra ...string) []string {
	return append([]string{"train", "caption", "--data", data, "--out", out, "--size", "32", "--channels", "4,8",
		"--hidden", "8", "--embed", "4", "--val", "3", "--batch", "4", "--steps", "2", "--eval-every", "2", "--threads", "1"}, extra...)
}

// testListNames reads OUT.test.txt and returns its images' base names.
func testListNames(t *testing.T, list string) []string {
	t.Helper()
	items, err := datasets.ReadCaptionList(list, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range items {
		names = append(names, filepath.Base(it.Path))
	}
	return names
}

// evalValues parses recur eval's "key value" lines.
func evalValues(out string) map[string]string {
	v := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, val, ok := strings.Cut(line, " "); ok {
			v[k] = val
		}
	}
	return v
}

var scoreLine = regexp.MustCompile(`(?m)^(bleu_[1-4]|cider_d) [0-9]+\.[0-9]{4}$`)

// TestTrainCaptionUsesSplits trains for two steps on Flickr8k-layout
// folders and checks, for each split source, which images land in
// OUT.test.txt, what the model records and what train prints; then that
// recur eval scores the test split (from the folder and from OUT.test.txt
// alike) with BLEU-1..4 and CIDEr-D.
func TestTrainCaptionUsesSplits(t *testing.T) {
	root := t.TempDir()
	lists := filepath.Join(root, "lists")
	flickrScenes(t, lists)
	officialLists(t, lists)
	both := filepath.Join(root, "both")
	caps := flickrScenes(t, both)
	officialLists(t, both)
	karpathyJSON(t, both, caps)

	cases := []struct {
		name, data string
		extra      []string
		source     string // in the printed and recorded split
		test       []string
	}{
		{"official lists", lists, nil, "lists Flickr_8k.trainImages.txt, Flickr_8k.devImages.txt, Flickr_8k.testImages.txt (train 6, val 3, test 3)", sceneNames(9, 10, 11)},
		{"Karpathy JSON wins over the lists", both, nil, "Karpathy dataset_flickr8k.json (train 5 + restval 1, val 2, test 4)", sceneNames(8, 9, 10, 11)},
		{"--split-file names the lists", both, []string{"--split-file", filepath.Join(both, "Flickr8k_text", "Flickr_8k.trainImages.txt")}, "lists Flickr_8k.trainImages.txt", sceneNames(9, 10, 11)},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			model := filepath.Join(root, fmt.Sprintf("m%d.model", i))
			out, errOut, err := runOutErr(t, tinyCaptionTrain(c.data, model, c.extra...)...)
			if err != nil {
				t.Fatal(err)
			}
			list := model + ".test.txt"
			if !strings.Contains(errOut, "splits: "+c.source) || !strings.Contains(errOut, list) {
				t.Errorf("train printed on stderr %q, want the split %q and the test list", errOut, c.source)
			}
			if !strings.Contains(out, "test_list "+list+"\n") {
				t.Errorf("train printed %q, want test_list %s", out, list)
			}
			if got := testListNames(t, list); !reflect.DeepEqual(got, c.test) {
				t.Errorf("OUT.test.txt lists %v, want %v", got, c.test)
			}
			f, err := modelfile.Read(model)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(f.Metadata["data.split"], c.source) {
				t.Errorf("model records data.split %q, want %q", f.Metadata["data.split"], c.source)
			}

			fromDir, err := runOut(t, "eval", "--model", model, "--data", c.data)
			if err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				// eval on the folder takes the folder's own (Karpathy)
				// split; OUT.test.txt keeps the one trained with.
				fromDir = ""
			}
			fromList, err := runOut(t, "eval", "--model", model, "--data", list)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range []string{fromDir, fromList} {
				if o == "" {
					continue
				}
				if n := len(scoreLine.FindAllString(o, -1)); n != 5 {
					t.Errorf("eval printed %d of bleu_1..4, cider_d:\n%s", n, o)
				}
				if v := evalValues(o); v["images"] != fmt.Sprint(len(c.test)) || !strings.HasPrefix(v["split"], "test") && !strings.HasPrefix(v["split"], "caption list") {
					t.Errorf("eval scored %s images of %q, want the %d test images:\n%s", v["images"], v["split"], len(c.test), o)
				}
			}
			if fromDir != "" {
				d, l := evalValues(fromDir), evalValues(fromList)
				for _, k := range []string{"bleu_1", "bleu_4", "cider_d", "exact_match"} {
					if d[k] != l[k] {
						t.Errorf("%s: %s on the folder's test split, %s on OUT.test.txt", k, d[k], l[k])
					}
				}
			}
		})
	}
}

// TestCaptionSplitErrors: an image a split lists but the disk lacks is an
// error naming it and the list, in training and in eval; a folder with
// nothing recognisable lists what was looked for and what it holds; a
// scenes folder without split files is split at random for training (no
// OUT.test.txt) and scored whole by eval, labelled so.
func TestCaptionSplitErrors(t *testing.T) {
	root := t.TempDir()
	model := filepath.Join(root, "m.model")
	// Rendered scenes, no split files.
	scenes := filepath.Join(root, "scenes")
	sc := datasets.DefaultSceneConfig()
	sc.Size, sc.MaxShapes = 32, 1
	if err := datasets.WriteScenes(scenes, 10, 4, sc); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runOutErr(t, tinyCaptionTrain(scenes, model)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "splits: random (seed 1234): train 7, val 3") || strings.Contains(out, "test_list") {
		t.Errorf("train on scenes printed %q and %q", out, errOut)
	}
	if _, err := os.Stat(model + ".test.txt"); err == nil {
		t.Error("a random split wrote a test list")
	}
	out, err = runOut(t, "eval", "--model", model, "--data", scenes)
	if err != nil {
		t.Fatal(err)
	}
	if v := evalValues(out); !strings.HasPrefix(v["split"], "whole folder (10 images") || v["images"] != "10" || len(scoreLine.FindAllString(out, -1)) != 5 {
		t.Errorf("eval on scenes printed\n%s", out)
	}

	missing := filepath.Join(root, "missing")
	flickrScenes(t, missing)
	officialLists(t, missing)
	if err := os.Remove(filepath.Join(missing, "Flicker8k_Dataset", "00010.png")); err != nil {
		t.Fatal(err)
	}
	odd := filepath.Join(root, "odd")
	fresh := filepath.Join(root, "fresh.model") // never written: each case fails before training
	os.MkdirAll(filepath.Join(odd, "pics"), 0o755)
	writeCapFile(t, filepath.Join(odd, "notes.md"), "my photos\n")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{tinyCaptionTrain(missing, fresh), []string{"00010.png", "Flickr_8k.testImages.txt"}},
		{[]string{"eval", "--model", model, "--data", missing}, []string{"00010.png", "Flickr_8k.testImages.txt"}},
		{tinyCaptionTrain(odd, fresh), []string{"looked for", "Flickr8k.token.txt", "captions_*.json", "dataset_*.json", "notes.md", "pics/"}},
		{[]string{"eval", "--model", model, "--data", odd}, []string{"looked for", "notes.md"}},
		{tinyCaptionTrain(missing, fresh, "--split-file", filepath.Join(missing, "nope.txt")), []string{"--split-file", "nope.txt"}},
	} {
		_, err := runOut(t, c.args...)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("recur %s\n  error: %v\n  want it to mention: %s", strings.Join(c.args, " "), err, w)
			}
		}
	}
}
