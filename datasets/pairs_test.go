package datasets

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/recur-dev/recur/tokenizers"
)

// engFraPath is the Tatoeba English–French pairs shared beside the
// checkout: ../shared/datasets from the repository root (tests run in the
// package folder, one level down).
var engFraPath = filepath.Join("..", "..", "shared", "datasets", "eng-fra.tsv")

// writeTemp writes content to a file named name in a fresh directory.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadPairs(t *testing.T) {
	all := PairsConfig{} // no filters: every well-formed line is kept
	tests := []struct {
		name    string
		content string
		cfg     PairsConfig
		want    []Pair
		report  PairsReport
	}{
		{name: "two columns", content: "Go.\tVa !\nRun!\tCours\u202f!\n", cfg: all,
			want:   []Pair{{"Go.", "Va !", 1}, {"Run!", "Cours\u202f!", 2}},
			report: PairsReport{Read: 2, Kept: 2}},
		{name: "three columns (newer exports)", content: "Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)\n", cfg: all,
			want: []Pair{{"Go.", "Va !", 1}}, report: PairsReport{Read: 1, Kept: 1}},
		{name: "empty attribution", content: "Go.\tVa !\t\n", cfg: all,
			want: []Pair{{"Go.", "Va !", 1}}, report: PairsReport{Read: 1, Kept: 1}},
		{name: "BOM, CRLF, blank lines, no final newline", content: "\ufeffGo.\tVa !\r\n\r\n  \nHi.\tSalut !", cfg: all,
			want: []Pair{{"Go.", "Va !", 1}, {"Hi.", "Salut !", 4}}, report: PairsReport{Read: 2, Kept: 2}},
		{name: "surrounding spaces trimmed", content: " Go. \t\u00a0Va !\u202f\n", cfg: all,
			want: []Pair{{"Go.", "Va !", 1}}, report: PairsReport{Read: 1, Kept: 1}},
		{name: "reverse", content: "Go.\tVa !\n", cfg: PairsConfig{Reverse: true},
			want: []Pair{{"Va !", "Go.", 1}}, report: PairsReport{Read: 1, Kept: 1}},
		// Dedup compares raw text: "Go." vs "go." differ and both stay.
		{name: "dedup", content: "Go.\tVa !\nGo.\tVa !\ngo.\tVa !\nGo.\tVa !\tattribution\nGo.\tAllez !\n", cfg: PairsConfig{Dedup: true},
			want:   []Pair{{"Go.", "Va !", 1}, {"go.", "Va !", 3}, {"Go.", "Allez !", 5}},
			report: PairsReport{Read: 5, Duplicates: 2, Kept: 3}},
		// "l'heure" is 3 tokens: "Quelle heure est-il ?" is quelle heure est - il ? = 6.
		{name: "length filter", content: "What time is it?\tQuelle heure est-il ?\nHi.\tSalut.\n", cfg: PairsConfig{MaxTokens: 5},
			want: []Pair{{"Hi.", "Salut.", 2}}, report: PairsReport{Read: 2, TooLong: 1, Kept: 1, MaxSrcTokens: 5, MaxTgtTokens: 5, SuggestMaxTokens: 6}},
		{name: "length filter at the limit", content: "What time is it?\tQuelle heure est-il ?\n", cfg: PairsConfig{MaxTokens: 6},
			want: []Pair{{"What time is it?", "Quelle heure est-il ?", 1}}, report: PairsReport{Read: 1, Kept: 1, MaxSrcTokens: 6, MaxTgtTokens: 6}},
		{name: "dedup before length filter", content: "a b c\tx\na b c\tx\nHi.\tSalut.\n", cfg: PairsConfig{Dedup: true, MaxTokens: 2},
			want: []Pair{{"Hi.", "Salut.", 3}}, report: PairsReport{Read: 3, Duplicates: 1, TooLong: 1, Kept: 1, MaxSrcTokens: 2, MaxTgtTokens: 2, SuggestMaxTokens: 3}},
		// Byte offset 59 = 9+12+14+12+8 bytes of the lines before, + "bad ".
		{name: "skip bad", content: "Go.\tVa !\nno tab here\n\tempty source\nGood.\tBien.\na\tb\tc\td\nbad \xe9\tx\n", cfg: PairsConfig{SkipBad: true},
			want: []Pair{{"Go.", "Va !", 1}, {"Good.", "Bien.", 4}},
			report: PairsReport{Read: 2, Skipped: 4, Kept: 2, Problems: []string{
				"f.tsv:2: no tab: expected source<TAB>target[<TAB>attribution]",
				"f.tsv:3: column 1 is empty: both sentences must be non-empty; expected source<TAB>target[<TAB>attribution]",
				"f.tsv:5: 4 columns: expected source<TAB>target[<TAB>attribution]",
				`f.tsv:6: invalid UTF-8 at byte offset 59 (column 1): byte 0xe9 near "bad \xe9\tx"; the file must be UTF-8 (if it is Latin-1, convert it, e.g. iconv -f latin1 -t utf-8)`,
			}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "f.tsv", tc.content)
			got, rep, err := ReadPairs(path, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("pairs = %+v, want %+v", got, tc.want)
			}
			for i := range rep.Problems {
				rep.Problems[i] = strings.ReplaceAll(rep.Problems[i], path, "f.tsv")
			}
			if !reflect.DeepEqual(rep, tc.report) {
				t.Errorf("report = %+v, want %+v", rep, tc.report)
			}
			if rep.Read != rep.Kept+rep.Duplicates+rep.TooLong {
				t.Errorf("Read %d != Kept + Duplicates + TooLong", rep.Read)
			}
		})
	}
}

func TestReadPairsErrors(t *testing.T) {
	tests := []struct {
		name, content string
		cfg           PairsConfig
		want          string // the error with the path written as "f.tsv"
	}{
		{"no tab", "Go.\tVa !\nHi.\tSalut.\nHello\n", PairsConfig{},
			"f.tsv:3: no tab: expected source<TAB>target[<TAB>attribution]"},
		{"no tab after blank lines", "\n\n\nGo.\n", PairsConfig{},
			"f.tsv:4: no tab: expected source<TAB>target[<TAB>attribution]"},
		{"too many columns", "Go.\tVa !\na\tb\tc\td\n", PairsConfig{},
			"f.tsv:2: 4 columns: expected source<TAB>target[<TAB>attribution]"},
		{"empty source", "\tVa !\n", PairsConfig{},
			"f.tsv:1: column 1 is empty: both sentences must be non-empty; expected source<TAB>target[<TAB>attribution]"},
		{"empty target", "Go.\t \u202f\n", PairsConfig{},
			"f.tsv:1: column 2 is empty: both sentences must be non-empty; expected source<TAB>target[<TAB>attribution]"},
		{"both empty", "\t\n", PairsConfig{},
			"f.tsv:1: columns 1 and 2 are empty: both sentences must be non-empty; expected source<TAB>target[<TAB>attribution]"},
		// Byte offset counts from the file start: "Go.\tVa !\n" is 9 bytes,
		// "Caf" 3 more.
		{"invalid UTF-8 (Latin-1 é)", "Go.\tVa !\nCaf\xe9.\tCafé.\n", PairsConfig{},
			`f.tsv:2: invalid UTF-8 at byte offset 12 (column 1): byte 0xe9 near "Caf\xe9.\tCafé."; the file must be UTF-8 (if it is Latin-1, convert it, e.g. iconv -f latin1 -t utf-8)`},
		{"invalid UTF-8 after BOM in column 2", "\ufeffGo.\tV\xff\n", PairsConfig{},
			`f.tsv:1: invalid UTF-8 at byte offset 8 (column 2): byte 0xff near "Go.\tV\xff"; the file must be UTF-8 (if it is Latin-1, convert it, e.g. iconv -f latin1 -t utf-8)`},
		{"empty file", "", PairsConfig{}, "f.tsv: file is empty"},
		{"only blank lines", "\ufeff\r\n \n", PairsConfig{},
			"f.tsv: no sentence pairs (the file holds only blank lines); expected source<TAB>target[<TAB>attribution]"},
		{"all skipped", "a\nb\n", PairsConfig{SkipBad: true},
			"f.tsv: no valid sentence pairs: all 2 non-blank lines were malformed (first: f.tsv:1: no tab: expected source<TAB>target[<TAB>attribution])"},
		{"utf-16", "\xff\xfeG\x00", PairsConfig{},
			"f.tsv: file is UTF-16 (byte-order mark 0xff 0xfe), not UTF-8; convert it, e.g. iconv -f utf-16 -t utf-8"},
		{"everything too long", "a b c\tx\n", PairsConfig{MaxTokens: 2},
			"f.tsv: none of the 1 pairs has at most 2 source and 2 target tokens (PairsConfig.MaxTokens); raise PairsConfig.MaxTokens or set it to 0 to keep every pair"},
		{"negative MaxTokens", "a\tb\n", PairsConfig{MaxTokens: -1},
			"f.tsv: PairsConfig.MaxTokens -1 is invalid (valid: 0 for no limit, or 1 or more)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "f.tsv", tc.content)
			_, _, err := ReadPairs(path, tc.cfg)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if got := strings.ReplaceAll(err.Error(), path, "f.tsv"); got != tc.want {
				t.Errorf("error\n got %q\nwant %q", got, tc.want)
			}
		})
	}

	dir := t.TempDir()
	if _, _, err := ReadPairs(filepath.Join(dir, "missing.tsv"), DefaultPairsConfig()); !errors.Is(err, fs.ErrNotExist) ||
		!strings.HasPrefix(err.Error(), filepath.Join(dir, "missing.tsv")+": ") {
		t.Errorf("missing file: %v", err)
	}
	if _, _, err := ReadPairs(dir, DefaultPairsConfig()); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
}

func TestSplitPairs(t *testing.T) {
	p := make([]Pair, 10)
	for i := range p {
		p[i] = Pair{Src: string(rune('a' + i)), Tgt: "x", Line: i + 1}
	}
	train, val, test, err := SplitPairs(p, 2, 3, 1234)
	if err != nil {
		t.Fatal(err)
	}
	// random.Random(1234).shuffle(list(range(10))) = [2 8 3 5 6 4 9 0 1 7]
	// (CPython, see TestPyRandShuffleMatchesCPython): test first, then val.
	lines := func(ps []Pair) (l []int) {
		for _, q := range ps {
			l = append(l, q.Line-1)
		}
		return l
	}
	if got := [3][]int{lines(test), lines(val), lines(train)}; !reflect.DeepEqual(got, [3][]int{{2, 8, 3}, {5, 6}, {4, 9, 0, 1, 7}}) {
		t.Errorf("split = %v", got)
	}
	if p[0].Line != 1 || p[9].Line != 10 {
		t.Error("SplitPairs modified its input")
	}
	train2, _, _, _ := SplitPairs(p, 2, 3, 1234)
	if !reflect.DeepEqual(train, train2) {
		t.Error("same seed, different split")
	}
	if other, _, _, _ := SplitPairs(p, 2, 3, 99); reflect.DeepEqual(other, train) {
		t.Error("different seeds, same split")
	}

	for _, tc := range []struct {
		val, test int
		want      string
	}{
		{-1, 0, "split: validation size -1 and test size 0 must be 0 or more"},
		{5, 5, "split: 10 pairs cannot give 5 validation + 5 test pairs and still leave training pairs; use smaller parts or more data"},
	} {
		if _, _, _, err := SplitPairs(p, tc.val, tc.test, 1); err == nil || err.Error() != tc.want {
			t.Errorf("SplitPairs(%d, %d) error %v, want %q", tc.val, tc.test, err, tc.want)
		}
	}
}

func TestWritePairsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "split.tsv")
	in := []Pair{{"Go.", "Va !", 7}, {"Run!", "Cours\u202f!", 9}}
	if err := WritePairs(path, in); err != nil {
		t.Fatal(err)
	}
	got, _, err := ReadPairs(path, PairsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{"Go.", "Va !", 1}, {"Run!", "Cours\u202f!", 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	err = WritePairs(path, []Pair{{"a\tb", "c", 3}})
	if err == nil || !strings.Contains(err.Error(), "pair 0 (line 3) cannot be written") {
		t.Errorf("tab in sentence: %v", err)
	}
	if err := WritePairs(filepath.Join(path, "sub", "x.tsv"), in); err == nil {
		t.Error("writing below a file succeeded")
	}
}

// FuzzReadPairsLine: any line either parses into two non-empty, trimmed
// sentences or gives an error naming the file; nothing panics (also for
// several lines).
func FuzzReadPairsLine(f *testing.F) {
	for _, s := range []string{"Go.\tVa !", "Go.\tVa !\tattr", "no tab", "\t", "a\tb\tc\td", "\ufeffa\tb\r", "caf\xe9\tx", " \u202f\t\u00a0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		// Several lines: only "no panic" is checked here.
		_, _, _ = ParsePairs([]byte(line), "f.tsv", PairsConfig{SkipBad: true})
		line = strings.ReplaceAll(line, "\n", " ")
		for _, cfg := range []PairsConfig{{}, DefaultPairsConfig(), {SkipBad: true, Reverse: true}} {
			pairs, rep, err := ParsePairs([]byte(line), "f.tsv", cfg)
			if err != nil {
				if !strings.HasPrefix(err.Error(), "f.tsv") {
					t.Fatalf("error %q does not name the file", err)
				}
				continue
			}
			if len(pairs) != 1 || rep.Read != 1 || rep.Kept != 1 {
				t.Fatalf("one line gave %d pairs, report %+v", len(pairs), rep)
			}
			p := pairs[0]
			if p.Line != 1 || tokenizers.Normalize(p.Src, false) == "" || tokenizers.Normalize(p.Tgt, false) == "" ||
				strings.ContainsAny(p.Src+p.Tgt, "\t\n") {
				t.Fatalf("bad pair %+v from %q", p, line)
			}
			if len(cfg.Tokenize(p.Src)) == 0 || len(cfg.Tokenize(p.Tgt)) == 0 {
				t.Fatalf("pair %+v has a side without tokens", p)
			}
		}
	})
}

// readEngFra reads the real corpus with the reference settings, or skips.
func readEngFra(tb testing.TB) ([]Pair, PairsReport) {
	tb.Helper()
	if _, err := os.Stat(engFraPath); err != nil {
		tb.Skipf("%s not available: %v", engFraPath, err)
	}
	pairs, rep, err := ReadPairs(engFraPath, DefaultPairsConfig())
	if err != nil {
		tb.Fatal(err)
	}
	return pairs, rep
}

// TestEngFraReference checks every count of the reference translate.py run
// (bench/quality/README.md and translate-eng-fra.json "counts"): 76,036 raw
// pairs, 5 exact duplicates, 75,967 with <= 15 tokens per side, split
// 72,967/1,000/2,000 with seed 1234, vocabularies (count >= 2 in train) en
// 5,411 and fr 8,549 including 4 specials, and 130 kept pairs that are
// duplicates after tokenization. The first pairs of each part were printed
// by the reference preprocessing (CPython, same seed).
func TestEngFraReference(t *testing.T) {
	cfg := DefaultPairsConfig()
	pairs, rep := readEngFra(t)
	want := PairsReport{Read: 76036, Duplicates: 5, TooLong: 64, Kept: 75967, MaxSrcTokens: 15, MaxTgtTokens: 15}
	if !reflect.DeepEqual(rep, want) {
		t.Fatalf("report %+v, want %+v", rep, want)
	}
	seen := make(map[string]bool)
	tokDups := 0
	for _, p := range pairs {
		k := strings.Join(cfg.Tokenize(p.Src), " ") + "\t" + strings.Join(cfg.Tokenize(p.Tgt), " ")
		if seen[k] {
			tokDups++
		}
		seen[k] = true
	}
	if tokDups != 130 {
		t.Errorf("%d pairs are duplicates after tokenization, reference says 130", tokDups)
	}
	train, val, test, err := SplitPairs(pairs, 1000, 2000, 1234)
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 72967 || len(val) != 1000 || len(test) != 2000 {
		t.Fatalf("split %d/%d/%d, want 72967/1000/2000", len(train), len(val), len(test))
	}
	if test[0].Src != "You're very brave." || test[0].Tgt != "Vous êtes très braves." ||
		val[0].Src != "You may meet him." || train[0].Src != "Go get your shoes polished." {
		t.Errorf("first pairs %+v / %+v / %+v differ from the reference's", test[0], val[0], train[0])
	}
	var en, fr [][]string
	for _, p := range train {
		en = append(en, cfg.Tokenize(p.Src))
		fr = append(fr, cfg.Tokenize(p.Tgt))
	}
	if got := tokenizers.BuildSeqVocab(en, 2).Size(); got != 5411 {
		t.Errorf("English vocabulary %d, want 5411", got)
	}
	if got := tokenizers.BuildSeqVocab(fr, 2).Size(); got != 8549 {
		t.Errorf("French vocabulary %d, want 8549", got)
	}
}

func BenchmarkReadPairsEngFra(b *testing.B) {
	if _, err := os.Stat(engFraPath); err != nil {
		b.Skipf("%s not available: %v", engFraPath, err)
	}
	n := 0
	for b.Loop() {
		p, _, err := ReadPairs(engFraPath, DefaultPairsConfig())
		if err != nil {
			b.Fatal(err)
		}
		n += len(p)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pairs/s")
}
