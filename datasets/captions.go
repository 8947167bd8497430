package datasets

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/recur-dev/recur/tokenizers"
)

// CaptionedImage is one image and its reference captions.
type CaptionedImage struct {
	Path     string // the image file: the image directory joined with its name
	Captions []string
}

// listed is an image as a caption file lists it, before the image
// directory is checked.
type listed struct {
	name     string
	where    string // "line 12" or "images[3]", for error messages
	captions []string
}

// ReadFlickr8k reads a Flickr8k-style caption file and pairs it with the
// images in imageDir. Two layouts are accepted:
//
//	1000268201_693b08cb0e.jpg#0<TAB>A child in a pink dress is climbing up a set of stairs .
//
// (Flickr8k.token.txt, Flickr30k's results file and WriteScenes'
// captions.txt; the "#n" suffix is optional), and the CSV found in the
// Kaggle copies of Flickr8k, recognised by its header line "image,caption".
// Images come out in the order of their first caption, captions in file
// order. Blank lines and a UTF-8 byte-order mark are ignored; CRLF line
// ends are accepted.
//
// Errors name the file and line: a line without a tab, an empty caption, an
// image name that is empty or leaves imageDir. Images listed but absent
// from imageDir are an error naming the first few, not silently skipped.
func ReadFlickr8k(tokenFile, imageDir string) ([]CaptionedImage, error) {
	items, err := parseFlickr8k(tokenFile)
	if err != nil {
		return nil, err
	}
	return resolve(tokenFile, imageDir, items)
}

func parseFlickr8k(path string) ([]listed, error) {
	text, err := ReadText(path)
	if err != nil {
		return nil, err
	}
	first := strings.TrimSpace(strings.SplitN(text, "\n", 2)[0])
	if strings.EqualFold(first, "image,caption") {
		return parseFlickrCSV(path, text)
	}
	if isPipeHeader(first) {
		return parseFlickrPipe(path, text)
	}
	var g grouper
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		tab := strings.IndexByte(line, '\t')
		if tab < 0 {
			return nil, fmt.Errorf("%s:%d: no tab between image name and caption in %q (want \"name.jpg#0<TAB>caption\")", path, n, clip(line))
		}
		name := stripCaptionNumber(strings.TrimSpace(line[:tab]))
		if err := g.add(name, strings.TrimSpace(line[tab+1:]), fmt.Sprintf("line %d", n)); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return g.result(path)
}

// parseFlickrCSV reads the Kaggle layout: a header "image,caption", then
// one "name.jpg,caption" record per line, quoted when the caption holds a
// comma. An unquoted comma inside a caption is kept as part of it.
func parseFlickrCSV(path, text string) ([]listed, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var g grouper
	for header := true; ; header = false {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d: %v", path, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if header {
			continue
		}
		if len(rec) < 2 {
			return nil, fmt.Errorf("%s:%d: want \"image,caption\", found one field %q", path, line, clip(rec[0]))
		}
		name := stripCaptionNumber(strings.TrimSpace(rec[0]))
		if err := g.add(name, strings.TrimSpace(strings.Join(rec[1:], ",")), fmt.Sprintf("line %d", line)); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
	}
	return g.result(path)
}

// stripCaptionNumber removes a trailing "#n" (n decimal) from an image name.
func stripCaptionNumber(name string) string {
	i := strings.LastIndexByte(name, '#')
	if i < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// grouper collects captions per image name in first-seen order.
type grouper struct {
	items []listed
	index map[string]int
}

func (g *grouper) add(name, caption, where string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if caption == "" {
		return fmt.Errorf("empty caption for %s", name)
	}
	if g.index == nil {
		g.index = map[string]int{}
	}
	i, ok := g.index[name]
	if !ok {
		i = len(g.items)
		g.index[name] = i
		g.items = append(g.items, listed{name: name, where: where})
	}
	g.items[i].captions = append(g.items[i].captions, caption)
	return nil
}

func (g *grouper) result(path string) ([]listed, error) {
	if len(g.items) == 0 {
		return nil, fmt.Errorf("%s: no captions in the file", path)
	}
	return g.items, nil
}

// checkName rejects image names that are empty or would leave the image
// directory ("../x.jpg", "/etc/passwd"); sub-directories are fine.
func checkName(name string) error {
	if name == "" {
		return errors.New("empty image name")
	}
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("image name %q leaves the image directory (valid: a name or relative path inside it)", name)
	}
	return nil
}

// cocoFile is the part of a COCO captions_*.json that recur reads.
type cocoFile struct {
	Images []struct {
		ID       *int64 `json:"id"`
		FileName string `json:"file_name"`
	} `json:"images"`
	Annotations []struct {
		ImageID *int64 `json:"image_id"`
		Caption string `json:"caption"`
	} `json:"annotations"`
}

// ReadCOCO reads a COCO captions file (captions_train2014.json and the
// like: "images": [{"id", "file_name"}], "annotations": [{"image_id",
// "caption"}]) and pairs it with the images in imageDir. Images come out in
// the file's order, captions (trimmed of white space) in annotation order.
// Images without any annotation, as in the unlabelled test splits, are left
// out; a file with no annotations at all is an error.
//
// Errors name the file and, for bad JSON, the line and column; for bad
// entries, the entry ("annotations[17]: image_id 999 is not in images").
// Images absent from imageDir are an error naming the first few.
func ReadCOCO(captionsJSON, imageDir string) ([]CaptionedImage, error) {
	items, err := parseCOCO(captionsJSON)
	if err != nil {
		return nil, err
	}
	return resolve(captionsJSON, imageDir, items)
}

func parseCOCO(path string) ([]listed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	var f cocoFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, jsonError(path, data, err)
	}
	if len(f.Images) == 0 {
		return nil, fmt.Errorf("%s: no \"images\" list (want a COCO captions file: {\"images\": [{\"id\", \"file_name\"}], \"annotations\": [{\"image_id\", \"caption\"}]})", path)
	}
	byID := make(map[int64]int, len(f.Images))
	items := make([]listed, len(f.Images))
	for i, im := range f.Images {
		if im.ID == nil {
			return nil, fmt.Errorf("%s: images[%d]: no \"id\"", path, i)
		}
		if j, dup := byID[*im.ID]; dup {
			return nil, fmt.Errorf("%s: images[%d]: id %d is repeated (first at images[%d])", path, i, *im.ID, j)
		}
		if err := checkName(im.FileName); err != nil {
			return nil, fmt.Errorf("%s: images[%d]: %w", path, i, err)
		}
		byID[*im.ID] = i
		items[i] = listed{name: im.FileName, where: fmt.Sprintf("images[%d]", i)}
	}
	if len(f.Annotations) == 0 {
		return nil, fmt.Errorf("%s: no \"annotations\" (an image-info file without captions, such as a test split, cannot be used for training)", path)
	}
	for k, a := range f.Annotations {
		if a.ImageID == nil {
			return nil, fmt.Errorf("%s: annotations[%d]: no \"image_id\"", path, k)
		}
		i, ok := byID[*a.ImageID]
		if !ok {
			return nil, fmt.Errorf("%s: annotations[%d]: image_id %d is not in images", path, k, *a.ImageID)
		}
		c := strings.TrimSpace(a.Caption)
		if c == "" {
			return nil, fmt.Errorf("%s: annotations[%d]: empty caption for image %d", path, k, *a.ImageID)
		}
		items[i].captions = append(items[i].captions, c)
	}
	kept := items[:0]
	for _, it := range items {
		if len(it.captions) > 0 {
			kept = append(kept, it)
		}
	}
	return kept, nil
}

// jsonError words a decoding error with the line and column of its byte
// offset.
func jsonError(path string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// The offending byte is the last one read.
		line, col := lineCol(data, se.Offset-1)
		return fmt.Errorf("%s:%d:%d: invalid JSON: %v", path, line, col, se)
	case errors.As(err, &te):
		line, col := lineCol(data, te.Offset)
		if te.Field == "" {
			return fmt.Errorf("%s:%d:%d: the file is a JSON %s, want an object with \"images\" and \"annotations\"", path, line, col, te.Value)
		}
		return fmt.Errorf("%s:%d:%d: %s is a JSON %s, want %s", path, line, col, te.Field, te.Value, te.Type)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// lineCol converts a byte offset to a 1-based line and column (in bytes).
// encoding/json reports offsets just past the offending byte (syntax
// errors) or value (type errors).
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	line, col = 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// maxMissingNamed is how many missing images an error names.
const maxMissingNamed = 5

// resolve joins the names to imageDir and checks that every image exists.
func resolve(captionFile, imageDir string, items []listed) ([]CaptionedImage, error) {
	info, err := os.Stat(imageDir)
	if err != nil {
		return nil, fmt.Errorf("image directory for %s: %w", captionFile, fileError(imageDir, err))
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("image directory for %s: %s is not a directory", captionFile, imageDir)
	}
	out := make([]CaptionedImage, len(items))
	var missing []string
	nMissing := 0
	for i, it := range items {
		p := filepath.Join(imageDir, filepath.FromSlash(it.name))
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			nMissing++
			if len(missing) < maxMissingNamed {
				missing = append(missing, fmt.Sprintf("%s (%s)", it.name, it.where))
			}
		}
		out[i] = CaptionedImage{Path: p, Captions: it.captions}
	}
	if nMissing > 0 {
		more := ""
		if nMissing > len(missing) {
			more = fmt.Sprintf(" and %d more", nMissing-len(missing))
		}
		return nil, fmt.Errorf("%s: %d of the %d images it lists are missing from %s: %s%s; add the images or remove their captions",
			captionFile, nMissing, len(items), imageDir, strings.Join(missing, ", "), more)
	}
	return out, nil
}

// ReadCaptionDir reads every captioned image of a data folder, found by
// FindCaptionLayout (Flickr8k, Flickr30k, COCO, Karpathy JSON or rendered
// scenes), whatever its split; see LoadCaptionSplits for the split.
//
// COCO caption files of one year (captions_train2014.json and
// captions_val2014.json) are read together, each with its own image
// folder.
func ReadCaptionDir(dir string) ([]CaptionedImage, error) {
	l, err := FindCaptionLayout(dir)
	if err != nil {
		return nil, err
	}
	return l.Images()
}

// pickImageDir returns the first of dir and dir/sub... that holds name, or
// dir when none does (resolve then reports the missing images).
func pickImageDir(dir, name string, subs ...string) string {
	for _, d := range append([]string{""}, subs...) {
		cand := filepath.Join(dir, d)
		if st, err := os.Stat(filepath.Join(cand, filepath.FromSlash(name))); err == nil && !st.IsDir() {
			return cand
		}
	}
	return dir
}

// CaptionTokens splits a caption into lowercase words and punctuation with
// the word-level tokenizer's rules (see BuildWord): runs of letters and
// apostrophes are words, every other non-space character is a token of its
// own. Line breaks are dropped, since a caption is one line.
//
//	CaptionTokens("A dog's toy, red.") = [a dog's toy , red .]
func CaptionTokens(caption string) []string {
	toks := captionSplitter.Split(caption)
	out := toks[:0]
	for _, t := range toks {
		if t != "\n" {
			out = append(out, t)
		}
	}
	return out
}

// captionSplitter is a lowercasing word tokenizer; Split does not use its
// vocabulary, so one shared instance serves every call.
var captionSplitter = tokenizers.NewWordTokenizer(nil, true)

// clip shortens s for an error message.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
