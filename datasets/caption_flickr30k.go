package datasets

import (
	"fmt"
	"strconv"
	"strings"
)

// isPipeHeader recognises the header of Flickr30k's results.csv (the Kaggle
// copy): "image_name| comment_number| comment".
func isPipeHeader(line string) bool {
	f := strings.Split(line, "|")
	return len(f) == 3 && strings.EqualFold(strings.TrimSpace(f[0]), "image_name") &&
		strings.EqualFold(strings.TrimSpace(f[1]), "comment_number") && strings.EqualFold(strings.TrimSpace(f[2]), "comment")
}

// parseFlickrPipe reads Flickr30k's results.csv: after the header, one
// "name.jpg| n| caption" record per line, fields separated by "|" and
// trimmed. The caption is everything after the second "|" (so a "|" inside
// a caption is kept). One known defect of the public file, a record whose
// second "|" is missing ("x.jpg| 4 A dog runs ."), is read as comment
// number 4 and the caption after it; any other record without three fields,
// or with a comment number that is not a number, is an error naming the
// line.
func parseFlickrPipe(path, text string) ([]listed, error) {
	var g grouper
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if i == 0 || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.SplitN(line, "|", 3)
		var num, caption string
		switch len(f) {
		case 3:
			num, caption = strings.TrimSpace(f[1]), f[2]
		case 2:
			rest := strings.TrimSpace(f[1])
			sp := strings.IndexAny(rest, " \t")
			if sp < 0 {
				return nil, fmt.Errorf("%s:%d: want \"image_name| comment_number| comment\", found %q", path, n, clip(line))
			}
			num, caption = rest[:sp], rest[sp+1:]
		default:
			return nil, fmt.Errorf("%s:%d: want \"image_name| comment_number| comment\", found %q", path, n, clip(line))
		}
		if _, err := strconv.Atoi(num); err != nil {
			return nil, fmt.Errorf("%s:%d: comment number %q is not a number (want \"image_name| comment_number| comment\")", path, n, clip(num))
		}
		if err := g.add(strings.TrimSpace(f[0]), strings.TrimSpace(caption), fmt.Sprintf("line %d", n)); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return g.result(path)
}
