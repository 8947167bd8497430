package tasks

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/plots"
	"github.com/recur-dev/recur/training"
)

// TestTextClassifierLearns separates two made-up "languages" whose words
// never overlap, through the shared loop, and reloads the model file.
func TestTextClassifierLearns(t *testing.T) {
	var texts, labels []string
	a := []string{"le", "la", "chat", "est", "petit", "un", "une", "maison"}
	b := []string{"the", "a", "cat", "is", "small", "one", "house", "dog"}
	for i := 0; i < 400; i++ {
		words, lab := a, "fr"
		if i%2 == 1 {
			words, lab = b, "en"
		}
		var s []string
		for k := 0; k < 2+i%5; k++ {
			s = append(s, words[(i*7+k*3)%len(words)])
		}
		texts, labels = append(texts, strings.Join(s, " ")+fmt.Sprintf(" %d", i)), append(labels, lab)
	}
	cfg := DefaultClassifyTaskConfig()
	cfg.Val, cfg.Batch, cfg.MinCount = 60, 32, 1
	cfg.Model.Encoder.Hidden, cfg.Model.Encoder.Embed = 32, 16
	data, err := NewClassifyData(cfg, texts, labels)
	if err != nil {
		t.Fatal(err)
	}
	task, res, out := trainClassifier(t, cfg, data, 60, 60, 0)
	if res.Best["accuracy"] < 95 {
		t.Errorf("accuracy %.1f%%, want >= 95%%\n%s", res.Best["accuracy"], plots.ConfusionTable(data.Labels, task.Confusion))
	}
	m, err := models.LoadClassifier(out)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.ClassifyText([]string{"le chat est petit", "the dog is small"})
	if err != nil {
		t.Fatal(err)
	}
	if p[0].Label != "fr" || p[1].Label != "en" {
		t.Errorf("predictions %+v", p)
	}
	if _, err := m.ClassifyImages([][]float32{make([]float32, 3*64*64)}); err == nil || !strings.Contains(err.Error(), "text classifier") {
		t.Errorf("text model given an image: %v", err)
	}
	png := filepath.Join(t.TempDir(), "conf.png")
	if err := plots.Confusion(png, data.Labels, task.Confusion); err != nil {
		t.Fatal(err)
	}
}

// TestImageClassifierLearns learns the shape of one-shape 32×32 scenes.
func TestImageClassifierLearns(t *testing.T) {
	for _, bn := range []bool{false, true} {
		t.Run(fmt.Sprintf("batchnorm=%v", bn), func(t *testing.T) { testImageClassifierLearns(t, bn) })
	}
}

// testImageClassifierLearns trains the CNN alone on scene colours; with
// batch norm the saved model must also classify as the training run's
// validation did (running estimates stored and used at inference).
func testImageClassifierLearns(t *testing.T, batchNorm bool) {
	dir := t.TempDir()
	sc := datasets.DefaultSceneConfig()
	sc.Size, sc.MaxShapes, sc.Noise = 32, 1, 0
	if err := datasets.WriteScenes(dir, 300, 3, sc); err != nil {
		t.Fatal(err)
	}
	paths, labels, err := datasets.ReadLabelledImages(dir, "colour")
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultClassifyTaskConfig()
	cfg.Model.Kind = "image"
	cfg.Model.CNN, cfg.Model.Image.Size = cnn.Config{Size: 32, Channels: []int{8, 16}, BatchNorm: batchNorm}, 32
	cfg.Val, cfg.Batch = 50, 32
	data, err := NewClassifyData(cfg, paths, labels)
	if err != nil {
		t.Fatal(err)
	}
	task, res, out := trainClassifier(t, cfg, data, 200, 100, 5e-3)
	if res.Best["accuracy"] < 65 {
		t.Errorf("colour accuracy %.1f%%, want >= 65%% (chance: 17%%)\n%s", res.Best["accuracy"], plots.ConfusionTable(data.Labels, task.Confusion))
	}
	m, err := models.LoadClassifier(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.ClassifyText([]string{"a red circle"}); err == nil || !strings.Contains(err.Error(), "image classifier") {
		t.Errorf("image model given text: %v", err)
	}
	imgs := make([][]float32, len(data.Val))
	for i, ex := range data.Val {
		imgs[i] = ex.Image
	}
	preds, err := m.ClassifyImages(imgs)
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for i, p := range preds {
		if p.Label == data.Labels[data.Val[i].Label] {
			right++
		}
	}
	if acc := 100 * float64(right) / float64(len(preds)); math.Abs(acc-res.Best["accuracy"]) > 1e-9 {
		t.Errorf("the saved model scores %.1f%% on the validation images, training reported %.1f%%", acc, res.Best["accuracy"])
	}
}

func TestClassifyBadInputs(t *testing.T) {
	if _, err := NewClassifyData(DefaultClassifyTaskConfig(), []string{"a", "b"}, []string{"x", "x"}); err == nil || !strings.Contains(err.Error(), "only one label") {
		t.Errorf("one label: %v", err)
	}
}

// trainClassifier trains a classifier task through the shared loop, keeping
// the best validation accuracy, and returns the task, the result and the
// saved model's path (lr 0: the default learning rate).
func trainClassifier(t *testing.T, cfg ClassifyTaskConfig, data *ClassifyData, steps, evalEvery int, lr float64) (*ClassifyTask, *training.Result, string) {
	t.Helper()
	task, err := NewClassifyTask(cfg, data, 1)
	if err != nil {
		t.Fatal(err)
	}
	tc := training.DefaultConfig()
	tc.Steps, tc.EvalEvery, tc.Primary, tc.Maximize = steps, evalEvery, "accuracy", true
	if lr > 0 {
		tc.Optim.LR = lr
	}
	tc.Out, tc.Progress = filepath.Join(t.TempDir(), "cls.model"), io.Discard
	res, err := training.Train(context.Background(), task, tc)
	if err != nil {
		t.Fatal(err)
	}
	return task, res, tc.Out
}
