package gpt2

import (
	"os"
	"testing"
)

// recur's text tokenizers (datasets.Tokenizer) have these methods and
// Vocab() *datasets.Vocab; *Tokenizer has all but Vocab, whose contract
// (id 0 is "<unk>") GPT-2's vocabulary cannot meet.
var _ interface {
	Level() string
	Encode(text string) (ids []int, unknown []string)
	Decode(ids []int) string
	Split(text string) []string
} = (*Tokenizer)(nil)

func shakespeare(b *testing.B) string {
	data, err := os.ReadFile(sharedFile(b, "tinyshakespeare.txt"))
	if err != nil {
		b.Fatal(err)
	}
	return string(data[:200000])
}

// BenchmarkEncode encodes 200 kB of Shakespeare with GPT-2's merges; the
// piece cache is warm after the first iteration, as in real use.
func BenchmarkEncode(b *testing.B) {
	tok := loadGPT2(b)
	text := shakespeare(b)
	b.SetBytes(int64(len(text)))
	n := 0
	for b.Loop() {
		n += len(tok.EncodeIDs(text, false))
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkEncodeUncached measures the BPE itself, emptying the cache
// before each pass.
func BenchmarkEncodeUncached(b *testing.B) {
	tok := loadGPT2(b)
	text := shakespeare(b)
	b.SetBytes(int64(len(text)))
	n := 0
	for b.Loop() {
		tok.mu.Lock()
		clear(tok.cache)
		tok.mu.Unlock()
		n += len(tok.EncodeIDs(text, false))
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tokens/s")
}

func BenchmarkDecode(b *testing.B) {
	tok := loadGPT2(b)
	ids := tok.EncodeIDs(shakespeare(b), false)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		n += len(ids)
		_ = tok.Decode(ids)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkTrain learns 2000 tokens on all of tiny Shakespeare.
func BenchmarkTrain(b *testing.B) {
	data, err := os.ReadFile(sharedFile(b, "tinyshakespeare.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Train(data, TrainConfig{VocabSize: 2000}); err != nil {
			b.Fatal(err)
		}
	}
}
