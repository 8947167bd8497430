package datasets_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/recur-dev/recur/datasets"
)

// A folder in the Flickr8k layout with the official split lists: the lists
// are used, and the test split is written beside the model for recur eval.
func ExampleLoadCaptionSplits() {
	dir, _ := os.MkdirTemp("", "flickr8k")
	defer os.RemoveAll(dir)
	// Five rendered scenes stand in for the photos.
	images := filepath.Join(dir, "Flicker8k_Dataset")
	if err := datasets.WriteScenes(images, 5, 1, datasets.SceneConfig{Size: 32, MinShapes: 1, MaxShapes: 1, Captions: 1}); err != nil {
		fmt.Println(err)
		return
	}
	os.Rename(filepath.Join(images, "captions.txt"), filepath.Join(dir, "Flickr8k.token.txt"))
	os.WriteFile(filepath.Join(dir, "Flickr_8k.trainImages.txt"), []byte("00000.png\n00001.png\n00002.png\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "Flickr_8k.devImages.txt"), []byte("00003.png\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "Flickr_8k.testImages.txt"), []byte("00004.png\n"), 0o644)

	s, err := datasets.LoadCaptionSplits(dir, datasets.CaptionSplitOptions{Val: 500, Seed: 1234})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	fmt.Println("test image:", filepath.Base(s.Test[0].Path))

	list := filepath.Join(dir, "model.test.txt")
	if err := datasets.WriteCaptionList(list, dir, s.Test, s.String()); err != nil {
		fmt.Println(err)
		return
	}
	test, src, err := datasets.LoadCaptionTest(list, "", datasets.CaptionSplitOptions{})
	fmt.Println(len(test), src, err)
	// Output:
	// splits: lists Flickr_8k.trainImages.txt, Flickr_8k.devImages.txt, Flickr_8k.testImages.txt (train 3, val 1, test 1)
	// test image: 00004.png
	// 1 caption list model.test.txt (1 images) <nil>
}
