package datasets

import (
	"fmt"
	"math"

	"github.com/recur-dev/recur/tokenizers"
)

// trainCount is the reference's n_train = int((1-valFrac)*n): the first
// trainCount tokens train, the rest validate. It checks valFrac and that
// both parts get at least 2 tokens (one input and one target).
func trainCount(n int, valFrac float64) (int, error) {
	if math.IsNaN(valFrac) || valFrac <= 0 || valFrac >= 1 {
		return 0, fmt.Errorf("validation fraction %v is invalid (valid: strictly between 0 and 1, e.g. 0.1)", valFrac)
	}
	nTrain := int((1 - valFrac) * float64(n))
	if nTrain < 2 || n-nTrain < 2 {
		return 0, fmt.Errorf("%d tokens split with validation fraction %v gives %d train and %d validation tokens; each part needs at least 2",
			n, valFrac, nTrain, n-nTrain)
	}
	return nTrain, nil
}

// SplitTrainVal splits ids by position, deterministically: the first
// int((1-valFrac)*len(ids)) ids train, the rest validate (the reference
// computes n_train = int(0.9*len) for valFrac 0.1; 1-0.1 == 0.9 exactly in
// float64, so the counts agree). The parts alias ids. It fails when valFrac
// is not in (0, 1) or a part would hold fewer than 2 tokens.
func SplitTrainVal(ids []int, valFrac float64) (train, val []int, err error) {
	n, err := trainCount(len(ids), valFrac)
	if err != nil {
		return nil, nil, err
	}
	return ids[:n:n], ids[n:], nil
}

// SplitTextTrainVal cuts text at the same token position SplitTrainVal cuts
// its ids, so the vocabulary can be built from exactly the training tokens:
//
//	trainText, _, _ := SplitTextTrainVal(text, "word", true, 0.1)
//	tok, _ := BuildWord(trainText, cfg)   // vocabulary from training tokens only
//	ids, _ := tok.Encode(text)
//	train, val, _ := SplitTrainVal(ids, 0.1) // same cut
//
// level is "char" or "word" and lowercase is the word tokenizer's setting.
// The cut is placed at the first byte of the first validation token, so
// tokenizing trainText gives exactly the training tokens and tokenizing
// valText the validation ones (white space before the cut stays in trainText).
func SplitTextTrainVal(text, level string, lowercase bool, valFrac float64) (trainText, valText string, err error) {
	starts, err := tokenizers.TokenStarts(text, level, lowercase) // byte offset where each token starts
	if err != nil {
		return "", "", err
	}
	n, err := trainCount(len(starts), valFrac)
	if err != nil {
		return "", "", err
	}
	cut := starts[n]
	return text[:cut], text[cut:], nil
}
