package tasks

import (
	"fmt"

	"github.com/recur-dev/recur/datasets"
)

// LoadCaptionSplitData reads a captioning folder divided as
// datasets.LoadCaptionSplits divides it: by splitFile when it is not "",
// else by the folder's own split files (a Karpathy split JSON or the
// official Flickr8k lists), else at random (cfg.Val validation images,
// shuffled with cfg.SplitSeed, the split LoadCaptionData draws). Training
// uses the train split (with Karpathy's restval), model selection the
// validation split; the test split is returned untouched in the
// CaptionSplits (no image of it is loaded) for the caller to keep aside.
// The vocabulary is built from the training captions only.
func LoadCaptionSplitData(dir, splitFile string, cfg CaptionTaskConfig) (*CaptionData, *datasets.CaptionSplits, error) {
	s, err := datasets.LoadCaptionSplits(dir, datasets.CaptionSplitOptions{SplitFile: splitFile, Val: cfg.Val, Seed: cfg.SplitSeed})
	if err != nil {
		return nil, nil, err
	}
	if len(s.Val) == 0 {
		return nil, nil, fmt.Errorf("%s: the validation split is empty (%s); model selection needs validation images", dir, s.Source)
	}
	d, err := captionDataSplit(s.Train, s.Val, cfg)
	if err != nil {
		return nil, nil, err
	}
	return d, s, nil
}
