package datasets

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
)

// CaptionSplits are a captioning data set divided for training (Train),
// model selection (Val) and reporting (Test, empty for a random split).
type CaptionSplits struct {
	Train, Val, Test []CaptionedImage
	// Source says where the split came from, for the user, e.g.
	// "Karpathy dataset_flickr8k.json (train 6000 + restval 0, val 1000, test 1000)".
	Source string
	// Layout is the folder's layout (nil when only a split file was read).
	Layout *CaptionLayout
}

// String is "splits: " and the Source.
func (s *CaptionSplits) String() string { return "splits: " + s.Source }

// CaptionSplitOptions choose how LoadCaptionSplits divides a folder.
type CaptionSplitOptions struct {
	// SplitFile names the split explicitly: a Karpathy split JSON
	// (*.json), or the official Flickr8k training list
	// (Flickr_8k.trainImages.txt; the dev and test lists are taken from
	// beside it, "train" in its name replaced by "dev" and "test").
	// "" uses the folder's own split files, if any.
	SplitFile string
	// Val and Seed are the random split used when there is no split file:
	// Val images are held out for validation, chosen by a shuffle seeded
	// with Seed (see RandomCaptionSplit); there is no test split then.
	Val  int
	Seed uint64
}

// LoadCaptionSplits finds the data set in dir (see FindCaptionLayout) and
// splits it. The split source, first that applies:
//
//  1. opts.SplitFile;
//  2. a Karpathy split JSON in the folder: train = its "train" plus
//     "restval" images, val = "val", test = "test", captions from the JSON;
//  3. the official Flickr8k lists: train, dev (→ val) and test; captioned
//     images in none of the lists are left out;
//  4. a random split of every captioned image, opts.Val of them for
//     validation and no test split (RandomCaptionSplit).
//
// An image a split lists but the disk lacks is an error naming the image
// and the split file; so is a listed image without captions, and an image
// listed twice.
func LoadCaptionSplits(dir string, opts CaptionSplitOptions) (*CaptionSplits, error) {
	if opts.SplitFile != "" && strings.EqualFold(filepath.Ext(opts.SplitFile), ".json") {
		// The JSON carries the captions: the folder needs only the images.
		if !isDir(dir) {
			return nil, fmt.Errorf("%s: not a directory (want the folder holding the images of %s)", dir, opts.SplitFile)
		}
		return karpathySplits3(opts.SplitFile, dir)
	}
	l, err := FindCaptionLayout(dir)
	if err != nil {
		return nil, err
	}
	var s *CaptionSplits
	switch {
	case opts.SplitFile != "":
		lists, lerr := listTrio(opts.SplitFile)
		if lerr != nil {
			return nil, lerr
		}
		s, err = l.listSplits(lists)
	case l.Karpathy != "":
		s, err = karpathySplits3(l.Karpathy, dir)
	case l.Lists[0] != "":
		s, err = l.listSplits(l.Lists)
	default:
		var all []CaptionedImage
		if all, err = l.Images(); err != nil {
			return nil, err
		}
		s = &CaptionSplits{}
		if s.Train, s.Val, err = RandomCaptionSplit(all, opts.Val, opts.Seed); err != nil {
			return nil, err
		}
		s.Source = fmt.Sprintf("random (seed %d): train %d, val %d of %d captioned images, no test split", opts.Seed, len(s.Train), len(s.Val), len(all))
	}
	if err != nil {
		return nil, err
	}
	s.Layout = l
	return s, nil
}

// RandomCaptionSplit shuffles a copy of items with PCG(seed, 0xca9) and
// holds out the first val for validation, the rest for training: the split
// recur has always drawn for folders without split files, so a seed gives
// the same images as before. It fails unless 0 <= val < len(items).
func RandomCaptionSplit(items []CaptionedImage, val int, seed uint64) (train, valid []CaptionedImage, err error) {
	if val < 0 {
		return nil, nil, fmt.Errorf("CaptionSplitOptions.Val = %d (valid: 0 or more validation images)", val)
	}
	if len(items) <= val {
		return nil, nil, fmt.Errorf("%d captioned images, not enough for %d validation images (lower CaptionSplitOptions.Val)", len(items), val)
	}
	all := append([]CaptionedImage(nil), items...)
	rng := rand.New(rand.NewPCG(seed, 0xca9))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return all[val:], all[:val], nil
}

// readKarpathyIn parses a Karpathy JSON and finds the folder its image
// names are relative to: dir or a usual image sub-folder of dir (see
// FindCaptionLayout), the first that holds the first image.
func readKarpathyIn(file, dir string) ([]karpathyItem, string, error) {
	ks, err := parseKarpathy(file)
	if err != nil {
		return nil, "", err
	}
	return ks, pickImageDirs(ks[0].name, dir), nil
}

// karpathySplits3 splits by a Karpathy JSON.
func karpathySplits3(file, dir string) (*CaptionSplits, error) {
	ks, imgDir, err := readKarpathyIn(file, dir)
	if err != nil {
		return nil, err
	}
	by := map[string][]listed{}
	for _, k := range ks {
		by[k.split] = append(by[k.split], k.listed)
	}
	s := &CaptionSplits{}
	nTrain, nRest := len(by["train"]), len(by["restval"])
	for _, part := range []struct {
		dst   *[]CaptionedImage
		items []listed
	}{{&s.Train, append(by["train"], by["restval"]...)}, {&s.Val, by["val"]}, {&s.Test, by["test"]}} {
		if len(part.items) == 0 {
			continue
		}
		if *part.dst, err = resolveSplit(file, imgDir, part.items); err != nil {
			return nil, err
		}
	}
	if len(s.Train) == 0 {
		return nil, fmt.Errorf("%s: no image has split \"train\" or \"restval\"", file)
	}
	s.Source = fmt.Sprintf("Karpathy %s (train %d + restval %d, val %d, test %d)", filepath.Base(file), nTrain, nRest, len(s.Val), len(s.Test))
	return s, nil
}

// listTrio finds the dev and test lists beside a training list.
func listTrio(train string) ([3]string, error) {
	base := filepath.Base(train)
	i := strings.LastIndex(base, "train")
	if i < 0 {
		return [3]string{}, fmt.Errorf("CaptionSplitOptions.SplitFile %s: want a Karpathy split JSON (*.json) or a training list whose name holds \"train\" (Flickr_8k.trainImages.txt)", train)
	}
	out := [3]string{train}
	for k, word := range []string{"dev", "test"} {
		p := filepath.Join(filepath.Dir(train), base[:i]+word+base[i+len("train"):])
		if !isFile(p) {
			return out, fmt.Errorf("CaptionSplitOptions.SplitFile %s: no %s list beside it (looked for %s)", train, word, p)
		}
		out[k+1] = p
	}
	return out, nil
}

// listSplits divides the layout's images by three lists of image names.
func (l *CaptionLayout) listSplits(lists [3]string) (*CaptionSplits, error) {
	if l.Kind == "karpathy" || l.Kind == "coco" {
		return nil, fmt.Errorf("%s: split lists name images of a token file, but the folder's layout is %s", lists[0], l.Kind)
	}
	byName := make(map[string]int, len(l.items))
	for i, it := range l.items {
		byName[it.name] = i
	}
	src := l.CaptionFiles[0]
	s := &CaptionSplits{}
	dsts := []*[]CaptionedImage{&s.Train, &s.Val, &s.Test}
	seenIn := map[string]string{}
	used := 0
	for k, list := range lists {
		names, err := readImageList(list)
		if err != nil {
			return nil, err
		}
		items := make([]listed, 0, len(names))
		for _, n := range names {
			if prev, dup := seenIn[n.name]; dup {
				return nil, fmt.Errorf("%s:%s: image %s is listed twice (also %s)", list, strings.TrimPrefix(n.where, "line "), n.name, prev)
			}
			seenIn[n.name] = filepath.Base(list) + " " + n.where
			i, ok := byName[n.name]
			if !ok {
				return nil, fmt.Errorf("%s:%s: image %s has no captions in %s", list, strings.TrimPrefix(n.where, "line "), n.name, src)
			}
			items = append(items, listed{name: n.name, where: n.where, captions: l.items[i].captions})
		}
		if *dsts[k], err = resolveSplit(list, l.ImageDir, items); err != nil {
			return nil, err
		}
		used += len(items)
	}
	if len(s.Train) == 0 {
		return nil, fmt.Errorf("%s: the training list is empty", lists[0])
	}
	names := make([]string, 3)
	for k := range lists {
		names[k] = filepath.Base(lists[k])
	}
	s.Source = fmt.Sprintf("lists %s (train %d, val %d, test %d", strings.Join(names, ", "), len(s.Train), len(s.Val), len(s.Test))
	if left := len(l.items) - used; left > 0 {
		s.Source += fmt.Sprintf("; %d captioned images in no list left out", left)
	}
	s.Source += ")"
	return s, nil
}

// readImageList reads one image name per line (blank lines skipped; a
// "#n" caption number is dropped).
func readImageList(file string) ([]listed, error) {
	text, err := ReadText(file)
	if err != nil {
		return nil, err
	}
	var out []listed
	for i, line := range strings.Split(text, "\n") {
		name := stripCaptionNumber(strings.TrimSpace(strings.TrimSuffix(line, "\r")))
		if name == "" {
			continue
		}
		if err := checkName(name); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, i+1, err)
		}
		out = append(out, listed{name: name, where: fmt.Sprintf("line %d", i+1)})
	}
	return out, nil
}

// resolveSplit is resolve with an error worded for a split file: the
// images it names must exist.
func resolveSplit(splitFile, imageDir string, items []listed) ([]CaptionedImage, error) {
	out, err := resolve(splitFile, imageDir, items)
	if err != nil {
		return nil, fmt.Errorf("%s", strings.Replace(err.Error(), "; add the images or remove their captions", "; add the images or remove them from the split file", 1))
	}
	return out, nil
}

// LoadCaptionTest returns the images to report scores on: the images of a
// caption list file (WriteCaptionList's OUT.test.txt; root as in
// ReadCaptionList), or the test split of a data folder (LoadCaptionSplits
// with opts). A folder whose split has no test images (a random split) is
// an error saying how to get one. The string describes the source, for the
// user.
func LoadCaptionTest(path, root string, opts CaptionSplitOptions) ([]CaptionedImage, string, error) {
	if !isDir(path) {
		items, err := ReadCaptionList(path, root)
		if err != nil {
			return nil, "", err
		}
		return items, fmt.Sprintf("caption list %s (%d images)", filepath.Base(path), len(items)), nil
	}
	s, err := LoadCaptionSplits(path, opts)
	if err != nil {
		return nil, "", err
	}
	if len(s.Test) == 0 {
		return nil, "", fmt.Errorf("%s: no test split (%s); add the official split lists or a Karpathy split JSON to the folder, name one as CaptionSplitOptions.SplitFile, or score the OUT.test.txt list written at training", path, s.Source)
	}
	return s.Test, fmt.Sprintf("test split of %s, %s", path, s.Source), nil
}
