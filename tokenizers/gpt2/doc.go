// Package gpt2 is GPT-2's tokenizer, reproduced exactly: byte-level
// byte-pair encoding (BPE) as in OpenAI's encoder.py, reading the
// vocab.json and merges.txt found in every GPT-2 checkpoint folder; and a
// trainer that learns the same kind of tokenizer on a user's corpus.
//
// # Encoding
//
// Three steps turn text into ids:
//
//  1. Pre-tokenization (pretokenize.go) cuts the text into pieces with
//     GPT-2's regular expression: contractions ('s 't 're 've 'm 'll 'd),
//     runs of letters, of numbers, or of other symbols, each with at most
//     one leading space, and runs of whitespace, where a run before a word
//     leaves its last space to the word. Go's regexp cannot express the
//     lookahead \s+(?!\S), so the matcher is written by hand. BPE never
//     merges across pieces, so " the" is one token wherever it appears.
//  2. The byte table (bytes.go) spells each byte of a piece as one
//     printable character (space → 'Ġ', newline → 'Ċ'): vocab.json and
//     merges.txt are written in this spelling, and the 256 one-byte tokens
//     make every byte string encodable, with no unknown tokens.
//  3. BPE (bpe.go) starts from the one-byte tokens of a piece and keeps
//     merging the adjacent pair with the lowest rank (its line in
//     merges.txt: earlier merges were more frequent when GPT-2's tokenizer
//     was learned), all occurrences at once, until no pair has a merge.
//     The tokens left are looked up in vocab.json.
//
// "<|endoftext|>" (id 50256) is recognised in text only when asked
// (EncodeIDs with allowSpecial); it always decodes to its text.
//
// # Decoding
//
// Ids map to bytes, and the bytes are text. A token can hold part of a
// character (an emoji is often two or three tokens), so Decode replaces
// invalid UTF-8 as Python does (errors="replace"), DecodeBytes returns the
// exact bytes, and StreamDecoder emits text as ids arrive without ever
// emitting half a character.
//
// # Training
//
// Train learns merges on a corpus the way GPT-2's were learned: the same
// pre-tokenization, the 256 byte tokens first (with GPT-2's ids), then the
// most frequent adjacent pair merged into a new token, again and again,
// with "<|endoftext|>" as the last id. Save writes vocab.json and
// merges.txt, which Load reads back.
//
// # Files
//
// Load and LoadFiles treat vocab.json and merges.txt as untrusted: sizes
// are checked before reading, ids must run from 0 without gaps, every
// merge's two sides and their concatenation must be tokens, and errors
// name the file and the line.
//
// Source files: tokenizer.go (Tokenizer, New, Encode), pretokenize.go
// (GPT-2's pre-tokenization rules), bpe.go (merging within a piece),
// bytes.go (the byte ↔ rune table), decode.go (Decode, DecodeBytes,
// StreamDecoder), load.go (Load, LoadFiles, Read, Save), train.go (Train)
// and heap.go (the binary heap that encoding and training share).
package gpt2
