package tokenizers

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// shakespearePath is the tiny Shakespeare corpus shared beside the checkout.
// (../shared/datasets from the repository root; tests run in the package
// folder, one level down).
var shakespearePath = filepath.Join("..", "..", "shared", "datasets", "tinyshakespeare.txt")

// readShakespeare returns the corpus or skips the test when it is absent.
func readShakespeare(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(shakespearePath); err != nil {
		tb.Skipf("corpus %s not available: %v", shakespearePath, err)
	}
	b, err := os.ReadFile(shakespearePath)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestNewTokenizer(t *testing.T) {
	v, err := NewVocab([]string{"<unk>", "a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		level     string
		lowercase bool
		wantErr   string
	}{
		{level: "char"},
		{level: "word", lowercase: true},
		{level: "word"},
		{level: "wrd", wantErr: `unknown tokenizer level "wrd" (valid: char, word)`},
		{level: "", wantErr: `unknown tokenizer level "" (valid: char, word)`},
		{level: "Char", wantErr: `unknown tokenizer level "Char"`},
	}
	for _, tc := range tests {
		tok, err := NewTokenizer(tc.level, v, tc.lowercase)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("NewTokenizer(%q) error = %v, want %q", tc.level, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("NewTokenizer(%q): %v", tc.level, err)
			continue
		}
		if tok.Level() != tc.level || tok.Vocab() != v {
			t.Errorf("NewTokenizer(%q) = level %q, vocab %p", tc.level, tok.Level(), tok.Vocab())
		}
	}
}

// A stored vocabulary rebuilds a tokenizer that encodes exactly like the
// one that built it.
func TestTokenizerRebuild(t *testing.T) {
	train := "The cat sat. The cat ran!\nA dog sat."
	text := "the dog ran; a cat sat?\n"
	for _, build := range []func() (Tokenizer, error){
		func() (Tokenizer, error) { return BuildChar(train, DefaultCharConfig()) },
		func() (Tokenizer, error) { return BuildWord(train, WordConfig{Lowercase: true, MinCount: 1}) },
		func() (Tokenizer, error) { return BuildWord(train, WordConfig{Lowercase: false, MinCount: 1}) },
	} {
		orig, err := build()
		if err != nil {
			t.Fatal(err)
		}
		v, err := NewVocab(orig.Vocab().Tokens())
		if err != nil {
			t.Fatal(err)
		}
		lower := orig.Level() == LevelWord && orig.(*wordTokenizer).lower
		again, err := NewTokenizer(orig.Level(), v, lower)
		if err != nil {
			t.Fatal(err)
		}
		ids1, unk1 := orig.Encode(text)
		ids2, unk2 := again.Encode(text)
		if !equalInts(ids1, ids2) || strings.Join(unk1, "|") != strings.Join(unk2, "|") {
			t.Errorf("%s: rebuilt tokenizer encodes %v %q, original %v %q", orig.Level(), ids2, unk2, ids1, unk1)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Tokenizers built on a nil vocabulary work and map everything to <unk>.
func TestNilVocabTokenizers(t *testing.T) {
	for _, tok := range []Tokenizer{NewCharTokenizer(nil), NewWordTokenizer(nil, true)} {
		ids, unk := tok.Encode("ab a")
		for _, id := range ids {
			if id != 0 {
				t.Errorf("%s: id %d, want 0", tok.Level(), id)
			}
		}
		if len(unk) == 0 || tok.Vocab().Size() != 1 {
			t.Errorf("%s: unknown %q, vocab size %d", tok.Level(), unk, tok.Vocab().Size())
		}
	}
}

// benchText is tiny Shakespeare when present, otherwise 1 MB of synthetic
// English-like text, so benchmarks always run.
func benchText(b *testing.B) string {
	if text, err := os.ReadFile(shakespearePath); err == nil {
		return string(text)
	}
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		sb.WriteString("First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak. I'll go!\n")
	}
	return sb.String()
}

// checkBuiltVocab checks what a tokenizer builder returned: the error
// wantErr names, or no error and exactly the vocabulary want.
func checkBuiltVocab(t *testing.T, tok Tokenizer, err error, want []string, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error = %v, want %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Vocab().Tokens(); !reflect.DeepEqual(got, want) {
		t.Errorf("vocab = %q, want %q", got, want)
	}
}
