package datasets

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// CaptionLayout is what FindCaptionLayout found in a data folder: where the
// captions are, where the images are, and which split files lie beside them.
type CaptionLayout struct {
	Dir string // the data folder
	// Kind names the layout: "flickr8k" (a token file, Flickr8k.token.txt,
	// token.txt or captions.txt, tab or "image,caption" CSV), "flickr30k"
	// (results.csv, pipe-separated, or results_20130124.token), "coco"
	// (annotations/captions_*.json) or "karpathy" (only a Karpathy split
	// JSON, which carries the captions itself).
	Kind string
	// CaptionFiles are the files the captions were read from (none for
	// "karpathy").
	CaptionFiles []string
	// ImageDir is the folder the image names are relative to.
	ImageDir string
	// Karpathy is a Karpathy split JSON found in the folder ("" if none).
	Karpathy string
	// Lists are the official Flickr8k split lists (train, dev, test) found
	// beside the token file; all "" if none.
	Lists [3]string

	items []listed // names relative to ImageDir
}

// Images resolves every captioned image of the layout, failing (naming the
// first few) if any is missing on disk. A "karpathy" layout returns the
// images of its JSON, whatever their split.
func (l *CaptionLayout) Images() ([]CaptionedImage, error) {
	if l.Kind == "karpathy" {
		ks, dir, err := readKarpathyIn(l.Karpathy, l.Dir)
		if err != nil {
			return nil, err
		}
		items := make([]listed, len(ks))
		for i, k := range ks {
			items[i] = k.listed
		}
		return resolve(l.Karpathy, dir, items)
	}
	src := l.Dir
	if len(l.CaptionFiles) == 1 {
		src = l.CaptionFiles[0]
	}
	return resolve(src, l.ImageDir, l.items)
}

// Names of the files and folders FindCaptionLayout looks for.
var (
	tokenFileNames   = []string{"captions.txt", "token.txt", "Flickr8k.token.txt", "results.csv", "results_20130124.token"}
	captionSubdirs   = []string{"", "Flickr8k_text", "flickr30k_images", "flickr30k"}
	imageSubdirs     = []string{"", "Images", "images", "Flicker8k_Dataset", "Flickr8k_Dataset", "flickr30k_images", "flickr30k-images", "flickr30k_images/flickr30k_images"}
	flickrListNames  = [3]string{"Flickr_8k.trainImages.txt", "Flickr_8k.devImages.txt", "Flickr_8k.testImages.txt"}
	karpathySubdirs  = []string{"", "caption_datasets", "Flickr8k_text"}
	karpathyForKinds = map[string]string{"flickr8k": "dataset_flickr8k.json", "flickr30k": "dataset_flickr30k.json", "coco": "dataset_coco.json"}
)

// isFile reports whether p exists and is not a directory.
func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// FindCaptionLayout finds the captions, images and split files of a data
// folder in the usual layouts, looking in this order:
//
//   - a token file, the first of captions.txt, token.txt,
//     Flickr8k.token.txt, results.csv and results_20130124.token, in dir or
//     in its Flickr8k_text/, flickr30k_images/ or flickr30k/ sub-folder (see
//     ReadFlickr8k for the formats; results.csv is Flickr30k's
//     "image_name| comment_number| comment"). The images are in the first of
//     dir, Images/, images/, Flicker8k_Dataset/ (sic), Flickr8k_Dataset/,
//     flickr30k_images/, flickr30k-images/ and
//     flickr30k_images/flickr30k_images/ (under dir or beside the token
//     file) that holds the first listed image. The official Flickr8k
//     lists (Flickr_8k.trainImages.txt, .devImages.txt, .testImages.txt)
//     are looked for beside the token file and in dir;
//   - COCO: captions_*.json in dir or dir/annotations, every file of one
//     year (captions_train2014.json and captions_val2014.json, or the 2017
//     pair), each with its images in dir/<split> or dir/images/<split>
//     (captions_val2014.json → val2014/), or in dir itself;
//   - a Karpathy split JSON (dataset_*.json in dir, dir/caption_datasets or
//     dir/Flickr8k_text). When several lie there, the one named after the
//     layout found (dataset_flickr8k.json for Flickr8k) is taken. A folder
//     with only a Karpathy JSON and the images is a layout of its own.
//
// When nothing is found, the error lists what was looked for and the first
// entries of the folder.
func FindCaptionLayout(dir string) (*CaptionLayout, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fileError(dir, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s: not a directory (want a folder holding a caption file such as Flickr8k.token.txt, results.csv or annotations/captions_*.json, and the images)", dir)
	}
	l := &CaptionLayout{Dir: dir}
	if err := l.findTokenFile(); err != nil {
		return nil, err
	}
	if l.Kind == "" {
		if err := l.findCOCO(); err != nil {
			return nil, err
		}
	}
	if err := l.findKarpathy(); err != nil {
		return nil, err
	}
	if l.Kind == "" {
		if l.Karpathy == "" {
			return nil, notFoundError(dir)
		}
		l.Kind = "karpathy"
	}
	return l, nil
}

func (l *CaptionLayout) findTokenFile() error {
	for _, sub := range captionSubdirs {
		for _, name := range tokenFileNames {
			p := filepath.Join(l.Dir, sub, name)
			if !isFile(p) {
				continue
			}
			items, err := parseFlickr8k(p)
			if err != nil {
				return err
			}
			l.Kind = "flickr8k"
			if name == "results.csv" || name == "results_20130124.token" {
				l.Kind = "flickr30k"
			}
			l.CaptionFiles = []string{p}
			l.ImageDir = pickImageDirs(items[0].name, l.Dir, filepath.Dir(p))
			l.items = items
			return l.findLists(filepath.Dir(p))
		}
	}
	return nil
}

// pickImageDirs returns the first of base/sub (over bases, then
// imageSubdirs) that holds name, or the first base when none does (resolve
// then reports the missing images).
func pickImageDirs(name string, bases ...string) string {
	for _, base := range bases {
		for _, sub := range imageSubdirs {
			cand := filepath.Join(base, filepath.FromSlash(sub))
			if isFile(filepath.Join(cand, filepath.FromSlash(name))) {
				return cand
			}
		}
	}
	return bases[0]
}

// findLists looks for the three official Flickr8k lists in where, then in
// the data folder. Some but not all of them is an error.
func (l *CaptionLayout) findLists(where string) error {
	for _, d := range []string{where, l.Dir} {
		var found [3]string
		n := 0
		for i, name := range flickrListNames {
			if p := filepath.Join(d, name); isFile(p) {
				found[i] = p
				n++
			}
		}
		switch {
		case n == 3:
			l.Lists = found
			return nil
		case n > 0:
			var missing []string
			for i, name := range flickrListNames {
				if found[i] == "" {
					missing = append(missing, name)
				}
			}
			return fmt.Errorf("%s: has some official Flickr8k split lists but not %s (want all three of %s)",
				d, strings.Join(missing, " and "), strings.Join(flickrListNames[:], ", "))
		}
	}
	return nil
}

// findCOCO reads the COCO caption files of one year.
func (l *CaptionLayout) findCOCO() error {
	var jsons []string
	for _, pattern := range []string{"captions_*.json", filepath.Join("annotations", "captions_*.json")} {
		m, _ := filepath.Glob(filepath.Join(l.Dir, pattern)) // the pattern is well-formed
		jsons = append(jsons, m...)
	}
	if len(jsons) == 0 {
		return nil
	}
	sort.Strings(jsons)
	years := map[string]bool{}
	for _, j := range jsons {
		years[cocoYear(j)] = true
	}
	if len(years) > 1 {
		return fmt.Errorf("%s: COCO caption files of several years (%s); keep one year's files (the 2017 images are the 2014 ones split anew) or name a Karpathy dataset_coco.json as the split file",
			l.Dir, strings.Join(jsons, ", "))
	}
	l.Kind, l.ImageDir, l.CaptionFiles = "coco", l.Dir, jsons
	for _, j := range jsons {
		items, err := parseCOCO(j)
		if err != nil {
			return err
		}
		split := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(j), "captions_"), ".json")
		imgDir := pickImageDir(l.Dir, items[0].name, split, filepath.Join("images", split))
		rel, err := filepath.Rel(l.Dir, imgDir)
		if err != nil {
			return fmt.Errorf("%s: %w", j, err)
		}
		for _, it := range items {
			it.name = path.Join(filepath.ToSlash(rel), it.name)
			it.where = filepath.Base(j) + " " + it.where
			l.items = append(l.items, it)
		}
	}
	return nil
}

// cocoYear is the trailing digits of a COCO caption file's split name
// (captions_val2014.json → "2014"), or the whole split name without them.
func cocoYear(file string) string {
	s := strings.TrimSuffix(filepath.Base(file), ".json")
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == len(s) {
		return s
	}
	return s[i:]
}

// findKarpathy looks for dataset_*.json files.
func (l *CaptionLayout) findKarpathy() error {
	var found []string
	for _, sub := range karpathySubdirs {
		m, _ := filepath.Glob(filepath.Join(l.Dir, sub, "dataset_*.json")) // the pattern is well-formed
		found = append(found, m...)
	}
	switch len(found) {
	case 0:
		return nil
	case 1:
		l.Karpathy = found[0]
		return nil
	}
	if want := karpathyForKinds[l.Kind]; want != "" {
		for _, f := range found {
			if filepath.Base(f) == want {
				l.Karpathy = f
				return nil
			}
		}
	}
	// Only a Karpathy file: pick the one whose images are here.
	for _, f := range found {
		kind := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "dataset_"), ".json")
		switch {
		case kind == "flickr8k" && (isDir(filepath.Join(l.Dir, "Flicker8k_Dataset")) || isDir(filepath.Join(l.Dir, "Flickr8k_Dataset"))),
			kind == "flickr30k" && (isDir(filepath.Join(l.Dir, "flickr30k_images")) || isDir(filepath.Join(l.Dir, "flickr30k-images"))),
			kind == "coco" && (isDir(filepath.Join(l.Dir, "train2014")) || isDir(filepath.Join(l.Dir, "val2014"))):
			l.Karpathy = f
			return nil
		}
	}
	return fmt.Errorf("%s: several Karpathy split files (%s) and no way to tell which belongs to the images here; name one as the split file",
		l.Dir, strings.Join(found, ", "))
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// maxListedEntries is how many folder entries a "nothing found" error shows.
const maxListedEntries = 10

// notFoundError says what FindCaptionLayout looked for and what dir holds.
func notFoundError(dir string) error {
	looked := "looked for " + strings.Join(tokenFileNames, ", ") + " in the folder or its " + strings.Join(captionSubdirs[1:], "/, ") +
		"/; captions_*.json in the folder or annotations/; dataset_*.json in the folder or its " + strings.Join(karpathySubdirs[1:], "/, ") + "/"
	holds := "it is empty"
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		var names []string
		for _, e := range ents[:min(len(ents), maxListedEntries)] {
			n := e.Name()
			if e.IsDir() {
				n += "/"
			}
			names = append(names, n)
		}
		more := ""
		if len(ents) > maxListedEntries {
			more = fmt.Sprintf(" and %d more", len(ents)-maxListedEntries)
		}
		holds = "it holds " + strings.Join(names, ", ") + more
	}
	return fmt.Errorf("%s: no caption file (%s); %s", dir, looked, holds)
}
