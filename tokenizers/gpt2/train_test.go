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

// naiveTrain is the textbook trainer: recount every pair of every piece
// at each step. It checks Train's incremental counts and its tie-breaking.
func naiveTrain(corpus string, vocabSize int) [][2]string {
	counts := map[string]int{}
	for _, p := range Split(corpus) {
		if len(p) > 1 {
			counts[p]++
		}
	}
	type word struct {
		syms  []string // raw bytes of each symbol
		count int
	}
	var words []word
	for p, c := range counts {
		var syms []string
		for i := 0; i < len(p); i++ {
			syms = append(syms, p[i:i+1])
		}
		words = append(words, word{syms, c})
	}
	known := map[string]bool{}
	size := 257
	var merges [][2]string
	for size < vocabSize {
		pc := map[[2]string]int{}
		for _, w := range words {
			for i := 0; i+1 < len(w.syms); i++ {
				pc[[2]string{w.syms[i], w.syms[i+1]}] += w.count
			}
		}
		var best [2]string
		bestN := 0
		for p, n := range pc {
			if n > bestN || (n == bestN && (p[0] < best[0] || (p[0] == best[0] && p[1] < best[1]))) {
				best, bestN = p, n
			}
		}
		if bestN < 2 {
			break
		}
		merges = append(merges, [2]string{ByteString([]byte(best[0])), ByteString([]byte(best[1]))})
		if m := best[0] + best[1]; !known[m] && len(m) > 1 {
			known[m] = true
			size++
		}
		for wi := range words {
			s := words[wi].syms
			var out []string
			for i := 0; i < len(s); i++ {
				if i+1 < len(s) && s[i] == best[0] && s[i+1] == best[1] {
					out = append(out, best[0]+best[1])
					i++
				} else {
					out = append(out, s[i])
				}
			}
			words[wi].syms = out
		}
	}
	return merges
}

func TestTrainMatchesNaive(t *testing.T) {
	corpus := strings.Repeat("aaaa abab baba abba  ab ba\n\nbaaab aabaa b'll ab'd ", 7) + "é é è ê 😀😀 😃"
	for _, size := range []int{260, 280, 300} {
		tok, err := Train([]byte(corpus), TrainConfig{VocabSize: size})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := tok.Merges(), naiveTrain(corpus, size); !slices.Equal(got, want) {
			t.Fatalf("VocabSize %d: merges\n %q\nnaive\n %q", size, got, want)
		}
	}
}

// Encode may be called from several goroutines (the piece cache is
// shared); run with -race to check.
func TestConcurrentEncode(t *testing.T) {
	tok, err := Train([]byte(strings.Repeat("one two three four five six ", 30)), TrainConfig{VocabSize: 300})
	if err != nil {
		t.Fatal(err)
	}
	text := "six five four three two one, one two three"
	want := tok.EncodeIDs(text, false)
	done := make(chan []int)
	for g := 0; g < 4; g++ {
		go func() {
			var last []int
			for i := 0; i < 200; i++ {
				last = tok.EncodeIDs(text, false)
			}
			done <- last
		}()
	}
	for g := 0; g < 4; g++ {
		if got := <-done; !slices.Equal(got, want) {
			t.Fatalf("goroutine got %v, want %v", got, want)
		}
	}
}
