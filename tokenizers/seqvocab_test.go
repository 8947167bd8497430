package tokenizers

import (
	"reflect"
	"strings"
	"testing"
)

func TestBuildSeqVocab(t *testing.T) {
	sents := [][]string{{"le", "chat", "."}, {"le", "chien", "."}, {"<s>", "<s>", "<pad>"}}
	tests := []struct {
		minCount int
		want     []string
	}{
		{2, []string{"<unk>", "<pad>", "<s>", "</s>", ".", "le"}},
		{0, []string{"<unk>", "<pad>", "<s>", "</s>", ".", "chat", "chien", "le"}}, // 0 counts as 1
		{9, []string{"<unk>", "<pad>", "<s>", "</s>"}},
	}
	for _, tc := range tests {
		v := BuildSeqVocab(sents, tc.minCount)
		if got := v.Tokens(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("minCount %d: %q, want %q", tc.minCount, got, tc.want)
		}
		if err := CheckSeqVocab(v, "target"); err != nil {
			t.Error(err)
		}
	}
	if v := BuildSeqVocab(nil, 1); v.Size() != NumSpecials {
		t.Errorf("empty vocabulary size %d", v.Size())
	}
}

func TestCheckSeqVocab(t *testing.T) {
	plain, _ := NewVocab([]string{"<unk>", "a", "b", "c", "d"})
	short, _ := NewVocab([]string{"<unk>", "<pad>"})
	for _, tc := range []struct {
		v    *Vocab
		want string
	}{
		{plain, `source vocabulary: id 1 is "a", want "<pad>"`},
		{short, "source vocabulary has only 2 tokens"},
		{nil, "source vocabulary has only 1 tokens"},
	} {
		v := tc.v
		err := CheckSeqVocab(v, "source")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("CheckSeqVocab(%q) = %v", v.Tokens(), err)
		}
	}
}

func TestEncodeDecodeSeq(t *testing.T) {
	v := BuildSeqVocab([][]string{{"le", "chat"}}, 1) // <unk> <pad> <s> </s> chat le
	ids := EncodeSeq(v, []string{"le", "chien", "chat"})
	if want := []int{5, UnkID, 4}; !reflect.DeepEqual(ids, want) {
		t.Errorf("EncodeSeq = %v, want %v", ids, want)
	}
	toks := DecodeSeq(v, []int{BOSID, 5, PadID, 0, 4, 99, EOSID, 5})
	if want := []string{"le", "<unk>", "chat", "<unk>"}; !reflect.DeepEqual(toks, want) {
		t.Errorf("DecodeSeq = %q, want %q", toks, want)
	}
}
