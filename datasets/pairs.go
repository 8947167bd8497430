package datasets

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/recur-dev/recur/tokenizers"
)

// Pair is one sentence pair of a translation corpus.
type Pair struct {
	// Src and Tgt are the two sentences as written in the file (surrounding
	// spaces trimmed, nothing else changed), so they can serve as raw
	// references for cased scoring. Tokenize them with PairsConfig.Tokenize.
	Src, Tgt string
	// Line is the 1-based line of the file the pair came from (0 when the
	// pair was not read from a file).
	Line int
}

// PairsConfig configures ReadPairs.
type PairsConfig struct {
	// Reverse swaps the columns: with eng-fra.tsv, French becomes the source
	// and English the target.
	Reverse bool
	// SkipBad skips malformed lines (no tab, too many columns, an empty
	// sentence, invalid UTF-8) and counts them in PairsReport.Skipped
	// instead of failing on the first one.
	SkipBad bool
	// Lowercase folds case in Tokenize, which the length filter and the
	// vocabulary use. The reference lowercases.
	Lowercase bool
	// MaxTokens drops pairs with more tokens than this on either side
	// (reference: 15). 0 turns the filter off.
	MaxTokens int
	// Dedup drops exact repeats of a (source, target) pair, keeping the
	// first. The comparison is on the raw text, as in the reference, so
	// pairs differing only in case or spacing are both kept.
	Dedup bool
}

// DefaultPairsConfig is the reference translate.py setting: English →
// French, lowercase, at most 15 tokens per side, exact duplicates dropped,
// malformed lines are errors.
func DefaultPairsConfig() PairsConfig {
	return PairsConfig{Lowercase: true, MaxTokens: 15, Dedup: true}
}

// Tokenize is the tokenization the pairs are filtered and encoded with:
// TokenizeMulti(Normalize(s, c.Lowercase)).
func (c PairsConfig) Tokenize(s string) []string {
	return tokenizers.TokenizeMulti(tokenizers.Normalize(s, c.Lowercase))
}

// PairsReport counts what ReadPairs did. Read = Kept + Duplicates + TooLong.
type PairsReport struct {
	Read       int // well-formed pair lines
	Skipped    int // malformed lines skipped (SkipBad only)
	Duplicates int // exact repeats dropped (Dedup)
	TooLong    int // dropped by MaxTokens (counted after Dedup)
	// MaxSrcTokens and MaxTgtTokens are the length limits applied per
	// side (MaxTokens, scaled up on a character-tokenized side; 0: none);
	// SuggestMaxTokens, when over 10% were dropped, is the MaxTokens that
	// would keep 90% of the pairs. See LengthNote.
	MaxSrcTokens, MaxTgtTokens, SuggestMaxTokens int
	Kept                                         int // pairs returned
	// Problems holds the messages of the first few skipped lines (at most
	// maxProblems), so that a user who sets SkipBad can still see why.
	Problems []string
}

const maxProblems = 10

// pairFormat is what a valid line looks like, repeated in error messages.
const pairFormat = "expected source<TAB>target[<TAB>attribution]"

// ReadPairs reads a tab-separated sentence-pair file in the format of the
// Tatoeba exports at manythings.org/anki: one pair per line, two columns
// (english<TAB>french) or three in newer exports (the third, attribution,
// is ignored). A UTF-8 byte-order mark is stripped, CRLF line ends are
// accepted and blank lines are skipped.
//
// Errors name the file and the 1-based line, e.g.
//
//	eng-fra.tsv:17: no tab: expected source<TAB>target[<TAB>attribution]
//	eng-fra.tsv:17: 4 columns: expected source<TAB>target[<TAB>attribution]
//	eng-fra.tsv:17: column 2 is empty: both sentences must be non-empty
//	eng-fra.tsv:17: invalid UTF-8 at byte offset 1234 (column 2): byte 0xe9 near "caf\xe9"; ...
//
// With cfg.SkipBad such lines are skipped and counted instead. Then
// exact duplicates are dropped (cfg.Dedup) and over-long pairs filtered
// (cfg.MaxTokens), in that order, as the reference does. It is an error
// when no pair is left.
func ReadPairs(path string, cfg PairsConfig) ([]Pair, PairsReport, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, PairsReport{}, fileError(path, err)
	}
	if info.IsDir() {
		return nil, PairsReport{}, fmt.Errorf("%s: is a directory, not a sentence-pair file", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, PairsReport{}, fileError(path, err)
	}
	return ParsePairs(data, path, cfg)
}

// ParsePairs is ReadPairs on data already in memory; name is used in
// error messages in place of the path.
func ParsePairs(data []byte, name string, cfg PairsConfig) ([]Pair, PairsReport, error) {
	var rep PairsReport
	if cfg.MaxTokens < 0 {
		return nil, rep, fmt.Errorf("%s: PairsConfig.MaxTokens %d is invalid (valid: 0 for no limit, or 1 or more)", name, cfg.MaxTokens)
	}
	if len(data) == 0 {
		return nil, rep, fmt.Errorf("%s: file is empty", name)
	}
	if len(data) >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF) {
		return nil, rep, fmt.Errorf("%s: file is UTF-16 (byte-order mark 0x%02x 0x%02x), not UTF-8; convert it, e.g. iconv -f utf-16 -t utf-8", name, data[0], data[1])
	}
	off := 0
	if bytes.HasPrefix(data, utf8BOM) {
		off = len(utf8BOM)
	}
	var pairs []Pair
	for line := 1; off < len(data); line++ {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		raw := data[off:end]
		start := off
		off = end + 1
		raw = bytes.TrimSuffix(raw, []byte{'\r'})
		if i := firstInvalid(raw); i < len(raw) {
			col := 1 + bytes.Count(raw[:i], []byte{'\t'})
			err := fmt.Errorf("%s:%d: invalid UTF-8 at byte offset %d (column %d): byte 0x%02x near %q; the file must be UTF-8 (if it is Latin-1, convert it, e.g. iconv -f latin1 -t utf-8)",
				name, line, start+i, col, raw[i], raw[max(i-16, 0):min(i+16, len(raw))])
			if !cfg.SkipBad {
				return nil, rep, err
			}
			rep.skip(err.Error())
			continue
		}
		src, tgt, problem := parsePairLine(string(raw))
		switch {
		case problem == "":
		case problem == blankLine:
			continue
		case cfg.SkipBad:
			rep.skip(fmt.Sprintf("%s:%d: %s", name, line, problem))
			continue
		default:
			return nil, rep, fmt.Errorf("%s:%d: %s", name, line, problem)
		}
		rep.Read++
		if cfg.Reverse {
			src, tgt = tgt, src
		}
		pairs = append(pairs, Pair{Src: src, Tgt: tgt, Line: line})
	}
	if rep.Read == 0 {
		if rep.Skipped > 0 {
			return nil, rep, fmt.Errorf("%s: no valid sentence pairs: all %d non-blank lines were malformed (first: %s)", name, rep.Skipped, rep.Problems[0])
		}
		return nil, rep, fmt.Errorf("%s: no sentence pairs (the file holds only blank lines); %s", name, pairFormat)
	}
	if cfg.Dedup {
		pairs, rep.Duplicates = dedupPairs(pairs)
	}
	pairs = filterLong(pairs, cfg, &rep)
	rep.Kept = len(pairs)
	if len(pairs) == 0 {
		return nil, rep, fmt.Errorf("%s: none of the %d pairs has at most %d source and %d target tokens (PairsConfig.MaxTokens); raise PairsConfig.MaxTokens or set it to 0 to keep every pair", name, rep.Read, rep.MaxSrcTokens, rep.MaxTgtTokens)
	}
	return pairs, rep, nil
}

func (r *PairsReport) skip(msg string) {
	r.Skipped++
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, msg)
	}
}

// blankLine is parsePairLine's problem for a line that is empty or only
// spaces: not an error, the line is skipped.
const blankLine = "blank line"

// parsePairLine splits one line (without its line end) into its two
// sentences, trimmed of surrounding spaces. problem is "" for a good line,
// blankLine for a blank one, and otherwise says what is wrong.
func parsePairLine(line string) (src, tgt, problem string) {
	cols := strings.Split(line, "\t")
	if len(cols) == 1 {
		if strings.TrimFunc(line, tokenizers.IsSpace) == "" {
			return "", "", blankLine
		}
		return "", "", "no tab: " + pairFormat
	}
	if len(cols) > 3 {
		return "", "", fmt.Sprintf("%d columns: %s", len(cols), pairFormat)
	}
	src = strings.TrimFunc(cols[0], tokenizers.IsSpace)
	tgt = strings.TrimFunc(cols[1], tokenizers.IsSpace)
	switch {
	case src == "" && tgt == "":
		return "", "", "columns 1 and 2 are empty: both sentences must be non-empty; " + pairFormat
	case src == "":
		return "", "", "column 1 is empty: both sentences must be non-empty; " + pairFormat
	case tgt == "":
		return "", "", "column 2 is empty: both sentences must be non-empty; " + pairFormat
	}
	return src, tgt, ""
}

// dedupPairs keeps the first occurrence of each exact (Src, Tgt).
func dedupPairs(pairs []Pair) ([]Pair, int) {
	type key struct{ s, t string }
	seen := make(map[key]struct{}, len(pairs))
	kept := pairs[:0]
	for _, p := range pairs {
		k := key{p.Src, p.Tgt}
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		kept = append(kept, p)
	}
	return kept, len(pairs) - len(kept)
}

// SplitPairs shuffles a copy of p with the given seed and cuts it into
// test, validation and training parts, in that order, exactly like the
// reference translate.py:
//
//	random.Random(seed).shuffle(kept)
//	test, valid, train = kept[:n_test], kept[n_test:n_test+n_val], kept[n_test+n_val:]
//
// The shuffle is CPython's (Mersenne Twister, see pyrand.go), so the same
// pairs and seed give the same split as the reference, and any seed gives
// the same split on every run and platform. p is not modified. Training
// needs at least one pair.
func SplitPairs(p []Pair, val, test int, seed uint64) (train, valid, testSet []Pair, err error) {
	if val < 0 || test < 0 {
		return nil, nil, nil, fmt.Errorf("split: validation size %d and test size %d must be 0 or more", val, test)
	}
	if val+test >= len(p) {
		return nil, nil, nil, fmt.Errorf("split: %d pairs cannot give %d validation + %d test pairs and still leave training pairs; use smaller parts or more data",
			len(p), val, test)
	}
	s := append([]Pair(nil), p...)
	newPyRand64(seed).shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s[test+val:], s[test : test+val : test+val], s[:test:test], nil
}

// WritePairs writes pairs as source<TAB>target lines (UTF-8, LF line ends),
// the format ReadPairs reads, e.g. to save a split. The file is written to
// a temporary name and renamed, so a crash never leaves half a file. A
// sentence containing a tab or a line break cannot be written (it would
// change the columns) and is an error naming the pair.
func WritePairs(path string, p []Pair) error {
	var b bytes.Buffer
	for i, q := range p {
		for _, s := range [2]string{q.Src, q.Tgt} {
			if strings.ContainsAny(s, "\t\n\r") || s == "" || !utf8.ValidString(s) {
				return fmt.Errorf("%s: pair %d (line %d) cannot be written: sentence %q must be non-empty valid UTF-8 without tabs or line breaks", path, i, q.Line, s)
			}
		}
		b.WriteString(q.Src)
		b.WriteByte('\t')
		b.WriteString(q.Tgt)
		b.WriteByte('\n')
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fileError(path, err)
	}
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fileError(path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fileError(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fileError(path, err)
	}
	return nil
}
