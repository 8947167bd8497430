package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/metrics"
	"github.com/recur-dev/recur/models"
)

// captionEvalSet is what recur eval scores a captioner on.
type captionEvalSet struct {
	Items []datasets.CaptionedImage
	// Split says which images these are, for the "split" line.
	Split string
	// Dir is the folder whose labels.tsv (rendered scenes) gives the
	// per-shape-count breakdown.
	Dir string
}

// captionEvalItems picks the images recur eval captions for --data path:
//
//   - a caption list (OUT.test.txt written by recur train caption): its
//     images;
//   - a folder with a test split (a Karpathy split JSON or the official
//     Flickr8k lists, see datasets.LoadCaptionSplits): the test split;
//   - any other captioned folder (e.g. rendered scenes, split only at
//     random in training): every image of it, labelled as the whole folder.
func captionEvalItems(path string) (*captionEvalSet, error) {
	if !isDir(path) {
		items, src, err := datasets.LoadCaptionTest(path, "", datasets.CaptionSplitOptions{})
		if err != nil {
			return nil, err
		}
		set := &captionEvalSet{Items: items, Split: src}
		if len(items) > 0 {
			set.Dir = filepath.Dir(items[0].Path)
		}
		return set, nil
	}
	// Val 0: a folder without split files then loads whole, as "train".
	s, err := datasets.LoadCaptionSplits(path, datasets.CaptionSplitOptions{})
	if err != nil {
		return nil, err
	}
	if len(s.Test) > 0 {
		return &captionEvalSet{Items: s.Test, Split: fmt.Sprintf("test (%d images; %s)", len(s.Test), s.Source), Dir: path}, nil
	}
	items, err := s.Layout.Images() // folder order, as recur eval has always scored
	if err != nil {
		return nil, err
	}
	return &captionEvalSet{Items: items, Dir: path,
		Split: fmt.Sprintf("whole folder (%d images; no split files, so no test split: if the model was trained on this folder, most of them were its training images)", len(items))}, nil
}

// printCocoScores prints the scores captioning papers report, computed as
// coco-caption computes them (metrics.ScoreCaptions): BLEU-1..4 and
// CIDEr-D of each image's caption against all its reference captions,
// after coco-caption's tokenization (lowercased, punctuation removed).
func printCocoScores(w io.Writer, items []datasets.CaptionedImage, caps []models.Caption) error {
	hyps := make([]string, len(items))
	refs := make([][]string, len(items))
	for i, it := range items {
		hyps[i], refs[i] = caps[i].Text, it.Captions
	}
	s, err := metrics.ScoreCaptions(hyps, refs)
	if err != nil {
		return err
	}
	for n, b := range s.BLEU {
		fmt.Fprintf(w, "bleu_%d %.4f\n", n+1, b)
	}
	fmt.Fprintf(w, "cider_d %.4f\n", s.CIDErD)
	return nil
}
