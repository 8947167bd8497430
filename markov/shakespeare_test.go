package markov

import (
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// shakespearePath is the tiny Shakespeare corpus in the shared data beside
// the repository (../shared/datasets), seen from this package directory.
const shakespearePath = "../../shared/datasets/tinyshakespeare.txt"

func readShakespeare(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(shakespearePath)
	if err != nil {
		t.Skipf("dataset %s not available: %v", shakespearePath, err)
	}
	return string(b)
}

// charIDs maps the characters of train to ids 1.. in sorted order (0 =
// <unk>) and encodes train and eval with that vocabulary.
func charIDs(train, eval string) (tr, ev []int, v int) {
	set := map[rune]bool{}
	for _, c := range train {
		set[c] = true
	}
	chars := make([]rune, 0, len(set))
	for c := range set {
		chars = append(chars, c)
	}
	slices.Sort(chars)
	id := map[rune]int{}
	for i, c := range chars {
		id[c] = i + 1
	}
	enc := func(s string) []int {
		out := make([]int, 0, len(s))
		for _, c := range s {
			out = append(out, id[c]) // missing → 0 = <unk>
		}
		return out
	}
	return enc(train), enc(eval), len(chars) + 1
}

// wordRE is the project's word tokenizer on lowercased text: newline,
// words with apostrophes, or any single other non-space character.
var wordRE = regexp.MustCompile(`\n|[a-z']+|[^\sa-z']`)

// wordIDs tokenises text, splits the tokens 90/10 and maps tokens seen at
// least twice in the training part to ids 1.. (0 = <unk>).
func wordIDs(text string) (tr, ev []int, v int) {
	toks := wordRE.FindAllString(strings.ToLower(text), -1)
	split := len(toks) * 9 / 10
	count := map[string]int{}
	for _, w := range toks[:split] {
		count[w]++
	}
	var vocab []string
	for w, c := range count {
		if c >= 2 {
			vocab = append(vocab, w)
		}
	}
	slices.Sort(vocab)
	id := map[string]int{}
	for i, w := range vocab {
		id[w] = i + 1
	}
	ids := make([]int, len(toks))
	for i, w := range toks {
		ids[i] = id[w]
	}
	return ids[:split], ids[split:], len(vocab) + 1
}

// Char-level evaluation on tiny Shakespeare: first 90% train, last 10%
// eval. The numbers are logged (go test -v -run Shakespeare); the bounds
// only catch regressions. Measured (V = 66 incl. <unk>): order 2 2.484,
// order 5 kneser-ney 1.566, order 5 witten-bell 1.669 nats/char.
func TestShakespeareChar(t *testing.T) {
	text := readShakespeare(t)
	split := len(text) * 9 / 10 // the file is ASCII: bytes are characters
	train, eval, v := charIDs(text[:split], text[split:])
	for _, tt := range []struct {
		cfg   Config
		bound float64 // nats/char
	}{
		{Config{Order: 2, Smoothing: KneserNey, Discount: 0.75}, 2.6},
		{DefaultConfig(), 1.65},
		{Config{Order: 5, Smoothing: WittenBell}, 1.75},
	} {
		start := time.Now()
		m := mustTrain(t, train, v, tt.cfg)
		trainTime := time.Since(start)
		start = time.Now()
		nll := m.Eval(eval)
		evalTime := time.Since(start)
		t.Logf("char %s order %d: %.4f nats/char (%.3f bits/char, perplexity %.2f); V=%d, %d train / %d eval chars, %d %d-grams; train %v, eval %v",
			tt.cfg.Smoothing, tt.cfg.Order, nll, nll/math.Ln2, math.Exp(nll), v, len(train), len(eval), m.NumNGrams(tt.cfg.Order), tt.cfg.Order,
			trainTime.Round(time.Millisecond), evalTime.Round(time.Millisecond))
		if !(nll < tt.bound) {
			t.Errorf("%+v: %.4f nats/char, want < %v", tt.cfg, nll, tt.bound)
		}
	}
}

// Word-level perplexity, kneser-ney D = 0.75, V = 6491 (train tokens seen
// twice + <unk>). Measured: order 2 100.1, order 3 90.8, order 4 91.9.
func TestShakespeareWord(t *testing.T) {
	text := readShakespeare(t)
	train, eval, v := wordIDs(text)
	for _, tt := range []struct {
		order int
		bound float64 // perplexity
	}{
		{2, 110}, {3, 100}, {4, 100},
	} {
		cfg := Config{Order: tt.order, Smoothing: KneserNey, Discount: 0.75}
		start := time.Now()
		m := mustTrain(t, train, v, cfg)
		nll := m.Eval(eval)
		t.Logf("word kneser-ney order %d: %.4f nats/word, perplexity %.1f; V=%d, %d train / %d eval tokens; %v",
			tt.order, nll, math.Exp(nll), v, len(train), len(eval), time.Since(start).Round(time.Millisecond))
		if ppl := math.Exp(nll); !(ppl < tt.bound) {
			t.Errorf("order %d: perplexity %.1f, want < %v", tt.order, ppl, tt.bound)
		}
	}
}

func BenchmarkTrainShakespeareChar(b *testing.B) {
	text := readShakespeare(b)
	ids, _, v := charIDs(text, "")
	for b.Loop() {
		if _, err := Train(ids, v, DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ids))*float64(b.N)/b.Elapsed().Seconds(), "chars/s")
}

func BenchmarkEvalShakespeareChar(b *testing.B) {
	text := readShakespeare(b)
	split := len(text) * 9 / 10
	train, eval, v := charIDs(text[:split], text[split:])
	m := mustTrain(b, train, v, DefaultConfig())
	for b.Loop() {
		m.Eval(eval)
	}
	b.ReportMetric(float64(len(eval))*float64(b.N)/b.Elapsed().Seconds(), "chars/s")
}
