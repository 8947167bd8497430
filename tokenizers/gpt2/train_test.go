package gpt2

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestTrainLearnsFrequentMerges(t *testing.T) {
	corpus := []byte(strings.Repeat("the cat sat on the mat. the hat! ", 50) + "zebra")
	tok, err := Train(corpus, TrainConfig{VocabSize: 300})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Size() > 300 || tok.Size() < 258 {
		t.Fatalf("Size = %d, want 258..300", tok.Size())
	}
	// The one-byte tokens keep GPT-2's ids; <|endoftext|> is last.
	if tok.Token(0) != "!" || tok.Token(255) != string(byteToRune[0xAD]) {
		t.Fatalf("byte tokens out of GPT-2 order: 0=%q 255=%q", tok.Token(0), tok.Token(255))
	}
	if id, ok := tok.EndOfTextID(); !ok || id != tok.Size()-1 {
		t.Fatalf("EndOfTextID = %d, %v; want %d", id, ok, tok.Size()-1)
	}
	// " the" (three times per repeat, counting "the" at the start) and
	// " cat" must each become one token; "zebra", seen once, must not.
	for _, w := range []string{" the", " cat", " mat", "at"} {
		if ids := tok.EncodeIDs(w, false); len(ids) != 1 {
			t.Errorf("%q encodes as %v (%d tokens), want one token", w, ids, len(ids))
		}
	}
	if ids := tok.EncodeIDs("zebra", false); len(ids) < 3 {
		t.Errorf("zebra, seen once, encodes as %v: merges should need 2 occurrences", ids)
	}
	// The first merge is the most frequent pair: "at" occurs 4 times a
	// repeat (cat sat mat hat), more than " t", "th" or "he" (3 each).
	if first := tok.Merges()[0]; first != [2]string{"a", "t"} {
		t.Errorf("first merge %q, want [a t]", first)
	}
}

func TestTrainDeterministicAndRoundTrip(t *testing.T) {
	corpus := []byte("To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n" +
		"Café, naïve, 東京, 😀😀 — «guillemets»\t\ttabs  and   spaces\n")
	corpus = bytes.Repeat(corpus, 20)
	a, err := Train(corpus, TrainConfig{VocabSize: 400})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(corpus, TrainConfig{VocabSize: 400})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Tokens(), b.Tokens()) || !slices.Equal(a.Merges(), b.Merges()) {
		t.Fatal("two trainings on the same corpus differ")
	}
	ids := a.EncodeIDs(string(corpus), false)
	if len(ids) >= len(corpus)/3 {
		t.Errorf("%d tokens for %d bytes: the merges compress too little", len(ids), len(corpus))
	}
	if got := a.Decode(ids); got != string(corpus) {
		t.Fatal("decode(encode(corpus)) != corpus")
	}
	// Written and read back with the loader, it encodes the same.
	dir := t.TempDir()
	if err := a.Save(dir); err != nil {
		t.Fatal(err)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.EncodeIDs(string(corpus), true), ids) {
		t.Fatal("tokenizer read back from Save encodes differently")
	}
}

func TestTrainStopsWithoutRepeatedPairs(t *testing.T) {
	tok, err := Train([]byte("abcdefg"), TrainConfig{VocabSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Size() != 257 || len(tok.Merges()) != 0 {
		t.Fatalf("Size %d, merges %d; want 257, 0", tok.Size(), len(tok.Merges()))
	}
}

func TestTrainEndOfTextNotLearned(t *testing.T) {
	tok, err := Train([]byte(strings.Repeat("ab<|endoftext|>", 100)), TrainConfig{VocabSize: 270})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range tok.Merges() {
		if strings.ContainsAny(m[0]+m[1], "<|>") {
			t.Fatalf("merge %q learned from the <|endoftext|> marker", m)
		}
	}
}

func TestTrainConfigErrors(t *testing.T) {
	for _, cfg := range []TrainConfig{{VocabSize: 256}, {VocabSize: 0}, {VocabSize: 300, MinPairCount: -1}} {
		if _, err := Train([]byte("x"), cfg); err == nil || !strings.Contains(err.Error(), "TrainConfig.") {
			t.Errorf("Train(%+v): err = %v, want one naming the TrainConfig field", cfg, err)
		}
	}
}

func TestTrainShakespeare(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	b, err := os.ReadFile(sharedFile(t, "tinyshakespeare.txt"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := Train(b, TrainConfig{VocabSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Size() != 1000 {
		t.Fatalf("Size = %d, want 1000", tok.Size())
	}
	ids := tok.EncodeIDs(string(b[:20000]), false)
	if got := tok.Decode(ids); got != string(b[:20000]) {
		t.Fatal("round trip failed")
	}
	// 1000 tokens learned here compress Shakespeare to about 2.4 bytes a
	// token (one byte a token before any merge); require at least 2.2.
	if r := 20000 / float64(len(ids)); r < 2.2 {
		t.Errorf("%.2f bytes a token, want at least 2.2", r)
	}
}
