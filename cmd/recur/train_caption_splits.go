package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/tasks"
)

// splitFileFlag is recur train caption's --split-file.
var splitFileFlag = &cli.StringFlag{Name: "split-file", Usage: "divide the data by this file: a Karpathy split JSON (dataset_flickr8k.json …) or the official training list (Flickr_8k.trainImages.txt, with its dev and test lists beside it) (default: the folder's own split files, else a random --val split)"}

// captionTestList is where recur train caption writes the test split.
func captionTestList(out string) string { return out + ".test.txt" }

// loadTrainCaptionData loads --data divided by --split-file, the folder's
// own split files or a random --val split (tasks.LoadCaptionSplitData),
// says on stderr which split is used, and writes the test split, if any,
// to OUT.test.txt for recur eval before training starts.
func loadTrainCaptionData(c *cli.Context, cfg tasks.CaptionTaskConfig) (*tasks.CaptionData, *datasets.CaptionSplits, error) {
	dir, splitFile := c.String("data"), c.String("split-file")
	data, s, err := tasks.LoadCaptionSplitData(dir, splitFile, cfg)
	if err != nil {
		if splitFile != "" {
			return nil, nil, fmt.Errorf("--split-file: %w", err)
		}
		return nil, nil, err
	}
	fmt.Fprintf(c.App.ErrWriter, "%s: %s\n", dir, s)
	if len(s.Test) == 0 {
		return data, s, nil
	}
	list := captionTestList(c.String("out"))
	if err := datasets.WriteCaptionList(list, dir, s.Test, s.String()); err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(c.App.ErrWriter, "wrote the %d test images to %s (kept out of training and model selection; score them with: recur eval --model %s --data %s)\n",
		len(s.Test), list, c.String("out"), list)
	return data, s, nil
}
