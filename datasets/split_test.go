package datasets

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/recur-dev/recur/tokenizers"
)

func TestSplitTrainVal(t *testing.T) {
	tests := []struct {
		n       int
		valFrac float64
		train   int
		wantErr string
	}{
		// int(0.9*292299) = 263069 in Python (the reference wordlm split).
		{n: 292299, valFrac: 0.1, train: 263069},
		// int(0.9*1115394) = 1003854 (the reference charlm split).
		{n: 1115394, valFrac: 0.1, train: 1003854},
		{n: 20, valFrac: 0.1, train: 18},
		{n: 4, valFrac: 0.5, train: 2},
		{n: 10, valFrac: 0.25, train: 7}, // int(7.5)
		{n: 10, valFrac: 0.1, wantErr: "10 tokens split with validation fraction 0.1 gives 9 train and 1 validation tokens; each part needs at least 2"},
		{n: 3, valFrac: 0.9, wantErr: "gives 0 train and 3 validation"},
		{n: 100, valFrac: 0, wantErr: "validation fraction 0 is invalid (valid: strictly between 0 and 1, e.g. 0.1)"},
		{n: 100, valFrac: 1, wantErr: "validation fraction 1 is invalid"},
		{n: 100, valFrac: -0.1, wantErr: "validation fraction -0.1 is invalid"},
		{n: 100, valFrac: math.NaN(), wantErr: "validation fraction NaN is invalid"},
		{n: 0, valFrac: 0.1, wantErr: "0 tokens split"},
	}
	for _, tc := range tests {
		ids := seqIDs(tc.n)
		train, val, err := SplitTrainVal(ids, tc.valFrac)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("SplitTrainVal(%d, %v) error = %v, want %q", tc.n, tc.valFrac, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("SplitTrainVal(%d, %v): %v", tc.n, tc.valFrac, err)
			continue
		}
		if len(train) != tc.train || len(val) != tc.n-tc.train || (tc.n > 0 && (train[0] != 0 || val[0] != tc.train)) {
			t.Errorf("SplitTrainVal(%d, %v) = %d/%d, want %d/%d", tc.n, tc.valFrac, len(train), len(val), tc.train, tc.n-tc.train)
		}
		// Appending to train must not overwrite val.
		_ = append(train, -1)
		if val[0] != tc.train {
			t.Errorf("append to train overwrote val")
		}
	}
}

// Tokenizing the two parts of SplitTextTrainVal gives exactly the two parts
// SplitTrainVal cuts from the tokens of the whole text.
func TestSplitTextTrainVal(t *testing.T) {
	alphabet := []string{"a", "B", "'", " ", "\n", ".", ",", "é", "\u212A", "日", "\xff", "  ", "\t"}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 500; i++ {
		var sb strings.Builder
		for n := 4 + rng.IntN(60); n > 0; n-- {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		text := sb.String()
		valFrac := []float64{0.1, 0.3, 0.5}[rng.IntN(3)]
		for _, c := range []struct {
			level string
			lower bool
			tok   tokenizers.Tokenizer
		}{
			{tokenizers.LevelChar, false, tokenizers.NewCharTokenizer(nil)},
			{tokenizers.LevelWord, true, tokenizers.NewWordTokenizer(nil, true)},
			{tokenizers.LevelWord, false, tokenizers.NewWordTokenizer(nil, false)},
		} {
			all := c.tok.Split(text)
			n, errN := trainCount(len(all), valFrac)
			trainText, valText, err := SplitTextTrainVal(text, c.level, c.lower, valFrac)
			if (err != nil) != (errN != nil) {
				t.Fatalf("%q %s: error %v, trainCount error %v", text, c.level, err, errN)
			}
			if err != nil {
				continue
			}
			if trainText+valText != text {
				t.Fatalf("%q: parts do not join back", text)
			}
			tr, va := c.tok.Split(trainText), c.tok.Split(valText)
			if strings.Join(tr, "\x00") != strings.Join(all[:n], "\x00") || strings.Join(va, "\x00") != strings.Join(all[n:], "\x00") {
				t.Fatalf("%s lower=%v %q: split %q | %q, want %q | %q", c.level, c.lower, text, tr, va, all[:n], all[n:])
			}
		}
	}
	if _, _, err := SplitTextTrainVal("abc", "byte", false, 0.1); err == nil || !strings.Contains(err.Error(), `unknown tokenizer level "byte" (valid: char, word)`) {
		t.Errorf("bad level error = %v", err)
	}
}
