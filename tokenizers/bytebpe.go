package tokenizers

import "github.com/recur-dev/recur/tokenizers/gpt2"

// BPETokenizer is a byte-level BPE (tokenizers/gpt2: GPT-2's own, or one
// learned with gpt2.Train) seen as a Tokenizer, so language
// models, the sampler and the server use it like the char and word
// tokenizers. Its vocabulary has no <unk>: id 0 is an ordinary token and
// Encode never reports unknown text.
type BPETokenizer struct {
	*gpt2.Tokenizer
	vocab *Vocab
}

// NewBPETokenizer wraps t.
func NewBPETokenizer(t *gpt2.Tokenizer) (*BPETokenizer, error) {
	v, err := NewVocabNoUnknown(t.Tokens())
	if err != nil {
		return nil, err
	}
	return &BPETokenizer{Tokenizer: t, vocab: v}, nil
}

// Vocab implements Tokenizer: the BPE tokens as spelled in
// vocab.json ("Ġthe").
func (b *BPETokenizer) Vocab() *Vocab { return b.vocab }
