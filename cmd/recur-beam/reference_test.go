package main

import (
	"context"

	"github.com/recur-dev/recur/builtin"
	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/models"
)

// The references the tests compare the pipelines with: the library used
// the way the recur CLI uses it, on the same inputs.

// referenceTranslate translates like `recur translate --beam 1` on
// standard input: greedy, batches of 64, the built-in model when path is "".
func referenceTranslate(path string, sentences []string) ([]string, error) {
	r, err := LoadRunner(ModelOptions{Task: "translate", Model: path})
	if err != nil {
		return nil, err
	}
	m := r.(*translateRunner).m
	o := models.TranslateOptions{Beam: 1, NBest: 1, Seed: 1}
	var out []string
	for start := 0; start < len(sentences); start += 64 {
		tr, err := m.Translate(context.Background(), sentences[start:min(start+64, len(sentences))], o)
		if err != nil {
			return nil, err
		}
		for _, t := range tr {
			out = append(out, t.Hyps[0].Text)
		}
	}
	return out, nil
}

// referenceCaption captions like `recur caption` (greedy, built-in model).
func referenceCaption(paths []string) ([]string, error) {
	m, err := builtin.Captioner()
	if err != nil {
		return nil, err
	}
	imgs, err := m.LoadImages(paths)
	if err != nil {
		return nil, err
	}
	caps, err := m.Caption(context.Background(), imgs, models.CaptionOptions{Beam: 1})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(caps))
	for i, c := range caps {
		out[i] = c.Text
		if !c.Finished {
			out[i] += " …"
		}
	}
	return out, nil
}

// referenceScore scores each line alone with the built-in language model
// and the library's per-line definition, as `recur eval --per-line` does:
// "nats<TAB>tokens<TAB>perplexity".
func referenceScore(lines []string) ([]string, error) {
	m, err := builtin.Shakespeare()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		s, err := m.ScoreLines(context.Background(), []string{l})
		if err != nil {
			return nil, err
		}
		out[i] = s[0].TSV()
	}
	return out, nil
}

// writeScenes renders n scenes of coloured shapes as PNG files in dir.
func writeScenes(dir string, n int, seed uint64) error {
	return datasets.WriteScenes(dir, n, seed, datasets.DefaultSceneConfig())
}
