package datasets

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/recur-dev/recur/tokenizers"
)

// TestCharShakespeare checks package tokenizers with this package's text split.

// Golden figures from the reference charlm.py: sorted(set(text)) has 65
// characters; int(0.9*1115394) = 1003854 train characters.
func TestCharShakespeare(t *testing.T) {
	text := readShakespeare(t)
	if n := utf8.RuneCountInString(text); n != 1115394 {
		t.Fatalf("corpus has %d characters, want 1115394", n)
	}
	trainText, valText, err := SplitTextTrainVal(text, tokenizers.LevelChar, false, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(trainText); n != 1003854 {
		t.Errorf("train part has %d characters, want 1003854", n)
	}
	tok, err := tokenizers.BuildChar(trainText, tokenizers.DefaultCharConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Vocab().Size(); got != 66 {
		t.Errorf("vocab size = %d, want 66 (65 characters + <unk>)", got)
	}
	ids, unk := tok.Encode(text)
	if len(unk) != 0 {
		t.Errorf("unknown characters %q", unk)
	}
	train, val, err := SplitTrainVal(ids, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 1003854 || len(val) != 111540 {
		t.Errorf("split %d/%d, want 1003854/111540", len(train), len(val))
	}
	if tok.Decode(val) != valText {
		t.Error("decoded validation ids differ from the validation text")
	}
}

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
	text, err := ReadText(shakespearePath)
	if err != nil {
		tb.Fatal(err)
	}
	return text
}

// Golden figures from the reference wordlm.py run (bench/quality/README.md):
// 292,299 tokens, 263,069 train / 29,230 val, vocab 6,491 with MinCount 2.
func TestWordShakespeare(t *testing.T) {
	text := readShakespeare(t)
	cfg := tokenizers.DefaultWordConfig()
	trainText, valText, err := SplitTextTrainVal(text, tokenizers.LevelWord, cfg.Lowercase, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizers.BuildWord(trainText, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Vocab().Size(); got != 6491 {
		t.Errorf("vocab size = %d, want 6491", got)
	}
	ids, unk := tok.Encode(text)
	if len(ids) != 292299 {
		t.Errorf("%d tokens, want 292299", len(ids))
	}
	train, val, err := SplitTrainVal(ids, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 263069 || len(val) != 29230 {
		t.Errorf("split %d/%d, want 263069/29230", len(train), len(val))
	}
	// The text split and the id split agree.
	if n := len(tok.Split(trainText)); n != len(train) {
		t.Errorf("train text has %d tokens, id split %d", n, len(train))
	}
	if n := len(tok.Split(valText)); n != len(val) {
		t.Errorf("val text has %d tokens, id split %d", n, len(val))
	}
	// Reference unk rates: 2.1% train, 5.6% val.
	rate := func(ids []int) float64 {
		n := 0
		for _, id := range ids {
			if id == 0 {
				n++
			}
		}
		return float64(n) / float64(len(ids))
	}
	if r := rate(train); r < 0.0205 || r > 0.0215 {
		t.Errorf("train unk rate %.4f, want about 0.021", r)
	}
	if r := rate(val); r < 0.0555 || r > 0.0565 {
		t.Errorf("val unk rate %.4f, want about 0.056", r)
	}
	if len(unk) == 0 {
		t.Error("no unknown tokens reported")
	}
}
