package tasks

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
	"github.com/recur-dev/recur/training"
)

// tinyCaptionConfig is a captioner small enough to train in seconds on
// 32×32 one-shape scenes.
func tinyCaptionConfig(attention bool) CaptionTaskConfig {
	cfg := DefaultCaptionTaskConfig()
	cfg.Model.Image.Size = 32
	cfg.Model.Encoder.CNN = cnn.Config{Size: 32, Channels: []int{16, 32}}
	cfg.Model.Encoder.Attention = attention
	cfg.Model.Decoder = decoder.Config{Cell: nn.LSTM, Embed: 32, Hidden: 64, Layers: 1}
	cfg.Val, cfg.Batch = 40, 32
	return cfg
}

func writeTinyScenes(t *testing.T, n int) string {
	dir := t.TempDir()
	sc := datasets.DefaultSceneConfig()
	sc.Size, sc.MaxShapes, sc.Noise = 32, 1, 0.01
	if err := datasets.WriteScenes(dir, n, 7, sc); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCaptionLearnsScenes trains on 400 one-shape 32×32 scenes through the
// shared loop and checks that greedy captions of held-out scenes are mostly
// exactly one of their true captions, then that the saved model file
// captions the same way (beam search included). Both attention placements
// are trained: Luong (LSTM) and input feeding with grid coordinates (GRU).
func TestCaptionLearnsScenes(t *testing.T) {
	dir := writeTinyScenes(t, 400)
	for _, feed := range []bool{false, true} {
		att := true
		cfg := tinyCaptionConfig(att)
		if feed {
			cfg.Model.Decoder.Cell, cfg.Model.Decoder.InputFeeding = nn.GRU, true
			cfg.Model.Encoder.GridCoords = true
		}
		data, err := LoadCaptionData(dir, cfg)
		if err != nil {
			t.Fatal(err)
		}
		task, err := NewCaptionTask(cfg, data, 1)
		if err != nil {
			t.Fatal(err)
		}
		tc := training.DefaultConfig()
		tc.Steps, tc.EvalEvery, tc.Primary, tc.Maximize = 200, 100, "exact", true
		tc.Out = filepath.Join(t.TempDir(), "cap.model")
		tc.Optim.LR = 5e-3
		tc.Progress = io.Discard
		res, err := training.Train(context.Background(), task, tc)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("input feeding %v: %v", feed, res.Best)
		if res.Best["exact"] < 60 {
			t.Errorf("input feeding %v: exact match %.1f%% after %d steps, want >= 60%%", att, res.Best["exact"], res.Steps)
		}
		m, err := models.LoadCaptioner(tc.Out)
		if err != nil {
			t.Fatal(err)
		}
		caps, err := m.Caption(context.Background(), [][]float32{data.Val[0].Image}, models.CaptionOptions{Beam: 3, LengthPenalty: models.Penalty(1)})
		if err != nil {
			t.Fatal(err)
		}
		if len(caps) != 1 || caps[0].Text == "" {
			t.Fatalf("beam caption %+v", caps)
		}
		if att && (len(caps[0].Attention) == 0 || caps[0].GridSide != 8) {
			t.Errorf("attention model returned no attention weights: %+v", caps[0])
		}
	}
}

func TestCaptionMaxLenFlagsUnfinished(t *testing.T) {
	dir := writeTinyScenes(t, 60)
	cfg := tinyCaptionConfig(false)
	data, err := LoadCaptionData(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, err := models.NewCaptioner(cfg.Model, data.Vocab, 3)
	if err != nil {
		t.Fatal(err)
	}
	// An untrained model rarely ends within one token: with MaxLen 1 a
	// caption that has not emitted </s> must be flagged, never reported as
	// finished.
	for _, beam := range []int{1, 3} {
		caps, err := m.Caption(context.Background(), [][]float32{data.Val[0].Image}, models.CaptionOptions{Beam: beam, MaxLen: 1, LengthPenalty: models.Penalty(1)})
		if err != nil {
			t.Fatal(err)
		}
		if c := caps[0]; len(c.Tokens) > 1 || (len(c.Tokens) == 1 && c.Finished) {
			t.Errorf("beam %d: %d tokens, finished %v with MaxLen 1", beam, len(c.Tokens), c.Finished)
		}
	}
}

func TestCaptionBadInputs(t *testing.T) {
	dir := t.TempDir()
	// A caption file naming an image that does not exist.
	os.WriteFile(filepath.Join(dir, "captions.txt"), []byte("missing.png#0\ta red circle\n"), 0o644)
	if _, err := LoadCaptionData(dir, tinyCaptionConfig(false)); err == nil || !strings.Contains(err.Error(), "missing.png") {
		t.Errorf("missing image: %v", err)
	}
	// A corrupt image.
	os.WriteFile(filepath.Join(dir, "missing.png"), []byte("\x89PNG\r\n\x1a\nthis is not a png"), 0o644)
	if _, err := LoadCaptionData(dir, tinyCaptionConfig(false)); err == nil || !strings.Contains(err.Error(), "missing.png") {
		t.Errorf("corrupt image: %v", err)
	}
	// An unreadable folder.
	if _, err := LoadCaptionData(filepath.Join(dir, "nope"), tinyCaptionConfig(false)); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("missing folder: %v", err)
	}
	// A model file of another task.
	p := filepath.Join(dir, "lm.model")
	modelfile.Write(p, &modelfile.File{Task: models.TaskTextGen, Metadata: map[string]string{}})
	if _, err := models.LoadCaptioner(p); err == nil || !strings.Contains(err.Error(), "textgen") {
		t.Errorf("text model as captioner: %v", err)
	}
}

// TestCaptionBeamIsTheSharedBeamSearch checks that captioning decodes with
// the decoder package's BeamSearch (the one translation uses) from the
// image encoder's start state: same tokens, same score.
func TestCaptionBeamIsTheSharedBeamSearch(t *testing.T) {
	dir := writeTinyScenes(t, 50)
	cfg := tinyCaptionConfig(true)
	data, err := LoadCaptionData(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, err := models.NewCaptioner(cfg.Model, data.Vocab, 5)
	if err != nil {
		t.Fatal(err)
	}
	m.Config.MaxLen = 6
	img := data.Val[0].Image
	caps, err := m.Caption(context.Background(), [][]float32{img}, models.CaptionOptions{Beam: 4, LengthPenalty: models.Penalty(1)})
	if err != nil {
		t.Fatal(err)
	}
	encs, err := m.Enc.Encode([][]float32{img})
	if err != nil {
		t.Fatal(err)
	}
	hyps, err := decoder.BeamSearch(context.Background(), m.Dec, encoder.StartImages(m.Dec, encs), tokenizers.BOSID, tokenizers.EOSID,
		decoder.BeamConfig{Width: 4, LengthPenalty: 1, MaxLen: 6, MinLen: 1, NBest: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(caps[0].Tokens, " "), strings.Join(tokenizers.DecodeSeq(m.Vocab, hyps[0].Tokens), " "); got != want || caps[0].Score != hyps[0].Score {
		t.Errorf("Caption gives %q (%g), BeamSearch %q (%g)", got, caps[0].Score, want, hyps[0].Score)
	}
}

// TrainCaptions narrows what is trained on, never what validation accepts,
// and an image with no matching caption keeps all of its captions.
func TestCaptionTrainCaptionsFilter(t *testing.T) {
	dir := writeTinyScenes(t, 4)
	img := filepath.Join(dir, datasets.SceneName(0))
	items := []datasets.CaptionedImage{
		{Path: img, Captions: []string{"a red circle left of a blue square", "a blue square right of a red circle"}},
		{Path: img, Captions: []string{"a blue square above a red circle", "a red circle below a blue square"}},
		{Path: img, Captions: []string{"a red circle", "a large circle"}},
	}
	cfg := tinyCaptionConfig(false)
	cfg.Val, cfg.TrainCaptions = 0, "left of|above"
	data, err := captionDataFrom(items, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{"a red circle left of a blue square": {0}, "a blue square above a red circle": {0}, "a red circle": {0, 1}}
	for _, it := range data.Train {
		key := strings.Join(it.Refs[0], " ")
		if got := it.Targets; len(got) != len(want[key]) || got[0] != want[key][0] {
			t.Errorf("%q: training targets %v, want %v", key, got, want[key])
		}
		if len(it.Tokens) != 2 {
			t.Errorf("%q: %d references kept, want both", key, len(it.Tokens))
		}
	}
	cfg.TrainCaptions = "left of("
	if _, err := captionDataFrom(items, cfg); err == nil {
		t.Error("an invalid regular expression was accepted")
	}
	cfg.TrainCaptions = "behind"
	if _, err := captionDataFrom(items, cfg); err == nil || !strings.Contains(err.Error(), "matches none") {
		t.Errorf("a filter matching nothing: %v", err)
	}
}
