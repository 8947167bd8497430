package datasets

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// ReadLabelledText reads "label<TAB>text" lines (UTF-8; blank lines
// skipped; exact duplicate lines kept once).
func ReadLabelledText(path string) (texts, labels []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	seen := map[string]bool{}
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" {
			continue
		}
		if !utf8.ValidString(s) {
			return nil, nil, fmt.Errorf("%s:%d: invalid UTF-8", path, line)
		}
		lab, text, ok := strings.Cut(s, "\t")
		lab, text = strings.TrimSpace(lab), strings.TrimSpace(text)
		if !ok || lab == "" || text == "" {
			return nil, nil, fmt.Errorf("%s:%d: want label<TAB>text, got %q", path, line, trunc(s, 60))
		}
		if seen[s] {
			continue
		}
		seen[s] = true
		labels, texts = append(labels, lab), append(texts, text)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(texts) == 0 {
		return nil, nil, fmt.Errorf("%s: no label<TAB>text lines", path)
	}
	return texts, labels, nil
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ReadLabelledImages reads image labels either from a rendered-scenes
// labels.tsv (column: shape, colour, size or count) or, when dir has no
// labels.tsv, from one sub-folder per class (dir/cat/*.png → "cat").
func ReadLabelledImages(dir, column string) (paths, labels []string, err error) {
	tsv := filepath.Join(dir, "labels.tsv")
	if b, err := os.ReadFile(tsv); err == nil {
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		head := strings.Split(lines[0], "\t")
		col := -1
		for i, h := range head {
			if h == column && i > 0 {
				col = i
			}
		}
		if col < 0 {
			return nil, nil, fmt.Errorf("%s: no column %q (valid columns: %s)", tsv, column, strings.Join(head[1:], ", "))
		}
		for i, l := range lines[1:] {
			f := strings.Split(strings.TrimRight(l, "\r"), "\t")
			if len(f) != len(head) {
				return nil, nil, fmt.Errorf("%s:%d: %d columns, want %d", tsv, i+2, len(f), len(head))
			}
			paths, labels = append(paths, filepath.Join(dir, f[0])), append(labels, f[col])
		}
		return paths, labels, nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, nil, err
		}
		for _, f := range files {
			switch strings.ToLower(filepath.Ext(f.Name())) {
			case ".png", ".jpg", ".jpeg", ".gif":
				paths, labels = append(paths, filepath.Join(dir, e.Name(), f.Name())), append(labels, e.Name())
			}
		}
	}
	if len(paths) == 0 {
		return nil, nil, fmt.Errorf("%s: no labels.tsv and no class folders with PNG/JPEG/GIF images (want DIR/LABEL/image.png)", dir)
	}
	return paths, labels, nil
}
