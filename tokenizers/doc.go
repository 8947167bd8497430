// Package tokenizers turns text into tokens and token ids and back.
//
// The pieces, one file each:
//
//   - vocab.go: Vocab maps tokens to ids; id 0 is always "<unk>".
//   - seqvocab.go: the sequence vocabularies of translation and captioning
//     (<unk>, <pad>, <s>, </s> first) and encoding sentences with them.
//   - tokenizer.go, char.go, word.go: the Tokenizer interface and the
//     character- and word-level tokenizers. The word tokenizer reproduces
//     the PyTorch reference exactly: lowercase, then the matches of
//     \n|[a-z']+|[^\sa-z'].
//   - starts.go: where each token of a text starts (TokenStarts), so data
//     splits can cut a text between tokens.
//   - bpe.go: byte-pair-encoding subwords learned on a training split.
//   - bytebpe.go: BPETokenizer, a byte-level BPE (tokenizers/gpt2: GPT-2's
//     own or one learned on a corpus) seen as a Tokenizer; its vocabulary
//     has no "<unk>" (NewVocabNoUnknown).
//   - normalize.go, multilingual.go, detok.go: Unicode normalisation, the
//     word splitting of European languages, and detokenization back to text.
//
// Subpackage gpt2 is GPT-2's byte-level BPE. Package datasets imports this
// one (loaders tokenize what they read); this package imports no other part
// of recur.
package tokenizers
