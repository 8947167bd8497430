package gpt2

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// File names in a tokenizer folder (a Hugging Face GPT-2 checkpoint folder
// has both).
const (
	VocabFile  = "vocab.json"
	MergesFile = "merges.txt"
)

// Size limits for the files, checked before reading them. GPT-2's are
// 1.0 MB and 0.46 MB.
const (
	MaxVocabFileBytes  = 64 << 20
	MaxMergesFileBytes = 64 << 20
)

// Load reads vocab.json and merges.txt from dir.
func Load(dir string) (*Tokenizer, error) {
	return LoadFiles(filepath.Join(dir, VocabFile), filepath.Join(dir, MergesFile))
}

// LoadFiles reads a tokenizer from a vocab.json and a merges.txt. Both are
// untrusted: sizes are checked before reading, and errors name the file
// and, for merges.txt, the line.
func LoadFiles(vocabPath, mergesPath string) (*Tokenizer, error) {
	vb, err := readLimited(vocabPath, MaxVocabFileBytes)
	if err != nil {
		return nil, err
	}
	mb, err := readLimited(mergesPath, MaxMergesFileBytes)
	if err != nil {
		return nil, err
	}
	return parse(vb, vocabPath, mb, mergesPath)
}

// Read reads a tokenizer from the contents of a vocab.json and a
// merges.txt; the names are used in errors.
func Read(vocab io.Reader, vocabName string, merges io.Reader, mergesName string) (*Tokenizer, error) {
	vb, err := readAllLimited(vocab, vocabName, MaxVocabFileBytes)
	if err != nil {
		return nil, err
	}
	mb, err := readAllLimited(merges, mergesName, MaxMergesFileBytes)
	if err != nil {
		return nil, err
	}
	return parse(vb, vocabName, mb, mergesName)
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes is too large for a tokenizer file (limit %d)", path, st.Size(), limit)
	}
	return readAllLimited(f, path, limit)
}

func readAllLimited(r io.Reader, name string, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: more than %d bytes is too large for a tokenizer file", name, limit)
	}
	return b, nil
}

func parse(vb []byte, vocabName string, mb []byte, mergesName string) (*Tokenizer, error) {
	tokens, err := parseVocab(vb, vocabName)
	if err != nil {
		return nil, err
	}
	merges, lines, err := parseMerges(mb, mergesName)
	if err != nil {
		return nil, err
	}
	return build(tokens, merges, vocabName, func(i int) string {
		return fmt.Sprintf("%s:%d", mergesName, lines[i])
	})
}

// parseVocab reads a JSON object token → id. The ids must be exactly
// 0..n-1, each once; duplicate keys are errors (encoding/json would keep
// the last silently).
func parseVocab(b []byte, name string) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s: byte %d: %s", name, dec.InputOffset(), fmt.Sprintf(format, a...))
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, bad("not JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, bad("expected a JSON object {\"token\": id, ...}")
	}
	byToken := make(map[string]int)
	var ids []string // id → token, grown as ids arrive
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, bad("not JSON: %v", err)
		}
		key := kt.(string) // object keys are always strings
		vt, err := dec.Token()
		if err != nil {
			return nil, bad("not JSON: %v", err)
		}
		num, ok := vt.(json.Number)
		if !ok {
			return nil, bad("token %q: the id must be a number", key)
		}
		id64, err := num.Int64()
		if err != nil || id64 < 0 || id64 >= MaxTokens {
			return nil, bad("token %q has id %s (valid: a whole number from 0 to %d)", key, num, MaxTokens-1)
		}
		id := int(id64)
		if prev, dup := byToken[key]; dup {
			return nil, bad("token %q appears twice (ids %d and %d)", key, prev, id)
		}
		if len(byToken) >= MaxTokens {
			return nil, bad("more than %d tokens", MaxTokens)
		}
		byToken[key] = id
		for len(ids) <= id {
			ids = append(ids, "")
		}
		if ids[id] != "" {
			return nil, bad("id %d is given to both %q and %q", id, ids[id], key)
		}
		if key == "" {
			return nil, bad("the empty string is not a valid token (id %d)", id)
		}
		ids[id] = key
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad("not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad("unexpected content after the JSON object")
	}
	for id, tok := range ids {
		if tok == "" {
			return nil, fmt.Errorf("%s: no token has id %d (ids must run from 0 to %d without gaps)", name, id, len(ids)-1)
		}
	}
	return ids, nil
}

// parseMerges reads merges.txt: an optional "#version" first line, then
// one merge per line, two tokens separated by one space. Blank lines are
// skipped. lines[i] is the line number of merge i.
func parseMerges(b []byte, name string) (merges [][2]string, lines []int, err error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), len(b)+1)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || (n == 1 && strings.HasPrefix(line, "#version")) {
			continue
		}
		l, r, ok := strings.Cut(line, " ")
		if !ok || l == "" || r == "" || strings.Contains(r, " ") {
			return nil, nil, fmt.Errorf("%s:%d: %q is not a merge (valid: two tokens separated by one space)", name, n, line)
		}
		if len(merges) >= MaxMerges {
			return nil, nil, fmt.Errorf("%s:%d: more than %d merges", name, n, MaxMerges)
		}
		merges = append(merges, [2]string{l, r})
		lines = append(lines, n)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return merges, lines, nil
}

// WriteVocab writes vocab.json: one object, tokens in id order.
func (t *Tokenizer) WriteVocab(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	bw := bufio.NewWriter(w)
	bw.WriteString("{")
	for id, tok := range t.tokens {
		buf.Reset()
		if err := enc.Encode(tok); err != nil {
			return err
		}
		if id > 0 {
			bw.WriteString(", ")
		}
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		fmt.Fprintf(bw, ": %d", id)
	}
	bw.WriteString("}")
	return bw.Flush()
}

// WriteMerges writes merges.txt with GPT-2's "#version: 0.2" header.
func (t *Tokenizer) WriteMerges(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("#version: 0.2\n")
	for _, m := range t.merges {
		bw.WriteString(m[0])
		bw.WriteByte(' ')
		bw.WriteString(m[1])
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// Save writes vocab.json and merges.txt into dir (which must exist), for
// Load to read back.
func (t *Tokenizer) Save(dir string) error {
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{{VocabFile, t.WriteVocab}, {MergesFile, t.WriteMerges}} {
		var buf bytes.Buffer
		if err := f.write(&buf); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
