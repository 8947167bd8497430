package tokenizers

import (
	"fmt"
	"sort"
	"strings"
)

// Special tokens of sequence-to-sequence vocabularies. They follow
// "<unk>" (id 0, as in every Vocab of this package) at fixed ids, so a
// model can refer to them without looking them up.
const (
	PadToken = "<pad>" // fills batches up to the longest sequence
	BOSToken = "<s>"   // first decoder input: start of sentence
	EOSToken = "</s>"  // last decoder target: end of sentence
)

// Ids of the special tokens in a vocabulary from BuildSeqVocab.
const (
	UnkID = 0
	PadID = 1
	BOSID = 2
	EOSID = 3
	// NumSpecials is the number of special tokens, "<unk>" included.
	NumSpecials = 4
)

// IgnoreTarget marks a padded target position: a loss must skip it. It
// equals nn.IgnoreTarget (this package does not import the model code).
const IgnoreTarget = -1

// BuildSeqVocab builds a translation vocabulary from tokenized training
// sentences: "<unk>" "<pad>" "<s>" "</s>" (ids 0-3), then every token
// seen at least minCount times (minCount < 1 counts as 1), sorted by
// code point. The reference builds the same list with the specials in the
// order <pad> <unk> <s> </s>, so its vocabulary sizes (en 5,411 / fr 8,549
// with minCount 2) are ours too; only ids 0 and 1 are swapped. Tokens equal
// to a special token are not added twice.
func BuildSeqVocab(tokenized [][]string, minCount int) *Vocab {
	minCount = max(minCount, 1)
	counts := make(map[string]int)
	for _, sent := range tokenized {
		for _, tok := range sent {
			counts[tok]++
		}
	}
	kept := make([]string, 0, len(counts))
	for tok, c := range counts {
		if c >= minCount && tok != "" && !isSpecial(tok) {
			kept = append(kept, strings.Clone(tok))
		}
	}
	sort.Strings(kept)
	tokens := append([]string{UnknownToken, PadToken, BOSToken, EOSToken}, kept...)
	v := &Vocab{tokens: tokens, index: make(map[string]int, len(tokens))}
	for id, tok := range tokens {
		v.index[tok] = id
	}
	return v
}

func isSpecial(tok string) bool {
	return tok == UnknownToken || tok == PadToken || tok == BOSToken || tok == EOSToken
}

// CheckSeqVocab checks that a stored vocabulary has the special tokens at
// ids 0-3, as BuildSeqVocab makes them; name (e.g. "source") is used in
// the error.
func CheckSeqVocab(v *Vocab, name string) error {
	want := [NumSpecials]string{UnknownToken, PadToken, BOSToken, EOSToken}
	for id, tok := range want {
		if v.Size() <= id {
			return fmt.Errorf("%s vocabulary has only %d tokens: a translation vocabulary starts %q %q %q %q",
				name, v.Size(), want[0], want[1], want[2], want[3])
		}
		if got := v.Token(id); got != tok {
			return fmt.Errorf("%s vocabulary: id %d is %q, want %q (a translation vocabulary starts %q %q %q %q)",
				name, id, got, tok, want[0], want[1], want[2], want[3])
		}
	}
	return nil
}

// EncodeSeq maps tokens to ids; tokens not in v become UnkID. No <s> or
// </s> is added (the batcher adds them).
func EncodeSeq(v *Vocab, tokens []string) []int {
	ids := make([]int, len(tokens))
	for i, tok := range tokens {
		ids[i], _ = v.ID(tok)
	}
	return ids
}

// DecodeSeq maps decoder output ids back to tokens: it stops at the first
// EOSID and leaves out PadID and BOSID. Out-of-range ids give "<unk>".
func DecodeSeq(v *Vocab, ids []int) []string {
	toks := make([]string, 0, len(ids))
	for _, id := range ids {
		switch id {
		case EOSID:
			return toks
		case PadID, BOSID:
			continue
		}
		toks = append(toks, v.Token(id))
	}
	return toks
}
