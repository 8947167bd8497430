package datasets

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"strings"
)

// maxSplitFileBytes bounds a Karpathy split JSON read into memory:
// dataset_coco.json, the largest in use, is about 150 MB.
const maxSplitFileBytes = 1 << 30

// karpathySplits are the values of "split" in a Karpathy JSON.
var karpathySplits = map[string]bool{"train": true, "restval": true, "val": true, "test": true}

// karpathyFile is the part of a Karpathy split file (dataset_flickr8k.json,
// dataset_flickr30k.json, dataset_coco.json) that recur reads.
type karpathyFile struct {
	Images []struct {
		FileName  string  `json:"filename"`
		FilePath  string  `json:"filepath"`
		Split     *string `json:"split"`
		Sentences []struct {
			Raw    string   `json:"raw"`
			Tokens []string `json:"tokens"`
		} `json:"sentences"`
	} `json:"images"`
}

// karpathyItem is a listed image with its Karpathy split.
type karpathyItem struct {
	listed
	split string // train, restval, val or test
}

// parseKarpathy reads a Karpathy split JSON: {"images": [{"filename",
// "filepath" (optional, e.g. "val2014"), "split" (train, restval, val or
// test), "sentences": [{"raw", "tokens"}]}]}. An image's name is
// filepath/filename. A sentence's caption is its "raw" text, trimmed; when
// that is empty, its "tokens" joined by spaces. Errors name the file and the
// entry (images[3].sentences[1]).
func parseKarpathy(file string) ([]karpathyItem, error) {
	st, err := os.Stat(file)
	if err != nil {
		return nil, fileError(file, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a Karpathy split JSON", file)
	}
	if st.Size() > maxSplitFileBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d a split file may have", file, st.Size(), maxSplitFileBytes)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fileError(file, err)
	}
	var f karpathyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, karpathyJSONError(file, data, err)
	}
	if len(f.Images) == 0 {
		return nil, fmt.Errorf("%s: no \"images\" list (want a Karpathy split file: {\"images\": [{\"filename\", \"filepath\", \"split\", \"sentences\": [{\"raw\"}]}]})", file)
	}
	seen := make(map[string]int, len(f.Images))
	out := make([]karpathyItem, len(f.Images))
	for i, im := range f.Images {
		name := im.FileName
		if im.FilePath != "" {
			name = path.Join(im.FilePath, im.FileName)
		}
		if im.FileName == "" {
			return nil, fmt.Errorf("%s: images[%d]: no \"filename\"", file, i)
		}
		if err := checkName(name); err != nil {
			return nil, fmt.Errorf("%s: images[%d]: %w", file, i, err)
		}
		if j, dup := seen[name]; dup {
			return nil, fmt.Errorf("%s: images[%d]: %s is repeated (first at images[%d])", file, i, name, j)
		}
		seen[name] = i
		if im.Split == nil {
			return nil, fmt.Errorf("%s: images[%d] (%s): no \"split\" (valid: train, restval, val, test)", file, i, name)
		}
		if !karpathySplits[*im.Split] {
			return nil, fmt.Errorf("%s: images[%d] (%s): split %q (valid: train, restval, val, test)", file, i, name, clip(*im.Split))
		}
		if len(im.Sentences) == 0 {
			return nil, fmt.Errorf("%s: images[%d] (%s): no \"sentences\"", file, i, name)
		}
		it := karpathyItem{listed: listed{name: name, where: fmt.Sprintf("images[%d]", i)}, split: *im.Split}
		for k, s := range im.Sentences {
			c := strings.TrimSpace(s.Raw)
			if c == "" {
				c = strings.TrimSpace(strings.Join(s.Tokens, " "))
			}
			if c == "" {
				return nil, fmt.Errorf("%s: images[%d].sentences[%d] (%s): empty caption (no \"raw\" text and no \"tokens\")", file, i, k, name)
			}
			it.captions = append(it.captions, c)
		}
		out[i] = it
	}
	return out, nil
}

// karpathyJSONError is jsonError with the expected shape of a Karpathy file.
func karpathyJSONError(file string, data []byte, err error) error {
	e := jsonError(file, data, err)
	return fmt.Errorf("%s", strings.Replace(e.Error(), `want an object with "images" and "annotations"`, `want an object with "images" (a Karpathy split file)`, 1))
}
