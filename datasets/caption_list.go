package datasets

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

// The caption list format (OUT.test.txt beside a captioning model) is the
// Flickr8k token layout with a header:
//
//	# recur caption list: 2 images; splits: Karpathy dataset_flickr8k.json (…)
//	# root: /data/flickr8k
//	Flicker8k_Dataset/1000268201_693b08cb0e.jpg#0<TAB>A child in a pink dress …
//	Flicker8k_Dataset/1000268201_693b08cb0e.jpg#1<TAB>A girl going into …
//
// one line per reference caption, image paths relative to the root, in
// forward slashes. Lines starting with "#" are comments; "# root: DIR"
// names the folder the paths are relative to (without it, the list's own
// folder). An image name therefore cannot start with "#".
const captionListRoot = "# root: "

// WriteCaptionList writes items (e.g. CaptionSplits.Test) to file in the
// caption list format, image paths relative to root (made absolute in the
// header), with comment as the first header line. Captions are written on
// one line each (line breaks and tabs become spaces). It fails if an image
// lies outside root.
func WriteCaptionList(file, root string, items []CaptionedImage, comment string) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("%s: %w", root, err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# recur caption list: %d images; %s\n%s%s\n", len(items), oneLine(comment), captionListRoot, abs)
	for _, it := range items {
		p, err := filepath.Abs(it.Path)
		if err != nil {
			return fmt.Errorf("%s: %w", it.Path, err)
		}
		rel, err := filepath.Rel(abs, p)
		if err != nil || !filepath.IsLocal(rel) {
			return fmt.Errorf("write caption list %s: image %s is not inside the root %s", file, it.Path, abs)
		}
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "#") {
			return fmt.Errorf("write caption list %s: image %s starts with \"#\", which the list format reads as a comment", file, rel)
		}
		for k, c := range it.Captions {
			fmt.Fprintf(&b, "%s#%d\t%s\n", rel, k, oneLine(c))
		}
	}
	return writeFile(file, b.Bytes())
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ReadCaptionList reads a file written by WriteCaptionList. The images are
// looked for under root, or under the "# root:" of the header when root is
// "", or beside the file when there is neither; every image must exist.
// Errors name the file and line.
func ReadCaptionList(file, root string) ([]CaptionedImage, error) {
	text, err := ReadText(file)
	if err != nil {
		return nil, err
	}
	var g grouper
	headerRoot := ""
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if strings.HasPrefix(line, "#") {
			if r, ok := strings.CutPrefix(line, captionListRoot); ok && headerRoot == "" {
				headerRoot = strings.TrimSpace(r)
			}
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		tab := strings.IndexByte(line, '\t')
		if tab < 0 {
			return nil, fmt.Errorf("%s:%d: no tab between image and caption in %q (want \"path/name.jpg#0<TAB>caption\")", file, n, clip(line))
		}
		name := stripCaptionNumber(strings.TrimSpace(line[:tab]))
		if err := g.add(name, strings.TrimSpace(line[tab+1:]), fmt.Sprintf("line %d", n)); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, n, err)
		}
	}
	items, err := g.result(file)
	if err != nil {
		return nil, err
	}
	switch {
	case root != "":
	case headerRoot != "":
		root = headerRoot
	default:
		root = filepath.Dir(file)
	}
	return resolve(file, root, items)
}
