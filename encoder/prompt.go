package encoder

import (
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/tokenizers"
)

// Prompt primes a decoder with text: the prompt's tokens are read by the
// decoder's own layers (all at once, with the whole-sequence kernels), and
// generation continues from the state after the last one.
type Prompt struct {
	Tokenizer tokenizers.Tokenizer
	Decoder   decoder.Primer // a *decoder.Decoder or a *decoder.GPT
}

// Primed is a decoder ready to generate: its state, the next-token logits,
// the prompt's token ids and the prompt's tokens that the vocabulary lacks
// (read as <unk>, reported so callers can show them).
type Primed struct {
	State   *decoder.State
	Logits  []float32
	Tokens  []int
	Unknown []string
}

// Encode primes from text. An empty prompt starts from a line break (the
// start of a speech in a play, of a paragraph in prose) when the vocabulary
// has one (or the tokenizer spells it, as byte-level BPE does), else from
// id 0.
func (p Prompt) Encode(text string) (*Primed, error) {
	ids, unknown := p.Tokenizer.Encode(text)
	if len(ids) == 0 {
		start, ok := p.Tokenizer.Vocab().ID("\n")
		if nl, _ := p.Tokenizer.Encode("\n"); !ok && len(nl) == 1 {
			start = nl[0]
		}
		ids = []int{start}
	}
	s := p.Decoder.NewState(1)
	logits := make([]float32, p.Decoder.VocabSize())
	if err := p.Decoder.Prime(s, ids, logits); err != nil {
		return nil, err
	}
	return &Primed{State: s, Logits: logits, Tokens: ids, Unknown: unknown}, nil
}
