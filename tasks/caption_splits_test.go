package tasks

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestLoadCaptionSplitData divides a folder by the official Flickr8k lists
// and checks that training and validation get exactly the listed images,
// that the test images are returned but not loaded, and that a word only
// the test captions use stays out of the vocabulary.
func TestLoadCaptionSplitData(t *testing.T) {
	dir := writeTinyScenes(t, 9)
	// Give the test images a word no other caption has.
	token, err := os.ReadFile(filepath.Join(dir, "captions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(token), "\n") {
		if strings.HasPrefix(line, "00007.png") || strings.HasPrefix(line, "00008.png") {
			line = strings.Replace(line, "\t", "\tzebra ", 1)
		}
		b.WriteString(line)
	}
	lists := map[string]string{
		"Flickr_8k.trainImages.txt": "00000.png\n00001.png\n00002.png\n00003.png\n00004.png\n",
		"Flickr_8k.devImages.txt":   "00005.png\n00006.png\n",
		"Flickr_8k.testImages.txt":  "00007.png\n00008.png\n",
		"Flickr8k.token.txt":        b.String(),
	}
	os.Remove(filepath.Join(dir, "captions.txt"))
	for name, text := range lists {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := tinyCaptionConfig(false)
	cfg.Val = 1000 // ignored: the lists decide
	data, s, err := LoadCaptionSplitData(dir, "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	names := func(paths []string) []string {
		for i, p := range paths {
			paths[i] = filepath.Base(p)
		}
		return paths
	}
	var train, val, test []string
	for _, it := range data.Train {
		train = append(train, it.Path)
	}
	for _, it := range data.Val {
		val = append(val, it.Path)
	}
	for _, it := range s.Test {
		test = append(test, it.Path)
	}
	for _, c := range []struct {
		got, want []string
	}{
		{names(train), []string{"00000.png", "00001.png", "00002.png", "00003.png", "00004.png"}},
		{names(val), []string{"00005.png", "00006.png"}},
		{names(test), []string{"00007.png", "00008.png"}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("split %v, want %v", c.got, c.want)
		}
	}
	if !strings.Contains(s.Source, "Flickr_8k.trainImages.txt") {
		t.Errorf("source %q does not name the lists", s.Source)
	}
	if _, ok := data.Vocab.ID("zebra"); ok {
		t.Error("a word of the test captions only is in the vocabulary")
	}
	if _, ok := data.Vocab.ID(data.Train[0].Refs[0][0]); !ok {
		t.Errorf("training word %q is not in the vocabulary", data.Train[0].Refs[0][0])
	}

	// Without split files the split is LoadCaptionData's random one.
	plain := writeTinyScenes(t, 9)
	cfg.Val = 3
	old, err := LoadCaptionData(plain, cfg)
	if err != nil {
		t.Fatal(err)
	}
	now, s, err := LoadCaptionSplitData(plain, "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Test) != 0 || len(now.Val) != 3 || now.Val[0].Path != old.Val[0].Path || now.Train[0].Path != old.Train[0].Path {
		t.Errorf("random split differs from LoadCaptionData's: val %s vs %s, %d test images", now.Val[0].Path, old.Val[0].Path, len(s.Test))
	}
}
