package markov

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/recur-dev/recur/decoder"
)

func newSampler(t testing.TB, cfg decoder.SampleConfig, seed uint64) *decoder.Sampler {
	t.Helper()
	s, err := decoder.NewSampler(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGenerateDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	ids := markovChain(r, 30, 5000)
	m := mustTrain(t, ids, 30, DefaultConfig())
	cfg := decoder.SampleConfig{Temperature: 1, TopP: 1}
	a := m.Generate(ids[:4], 200, newSampler(t, cfg, 1))
	b := m.Generate(ids[:4], 200, newSampler(t, cfg, 1))
	c := m.Generate(ids[:4], 200, newSampler(t, cfg, 2))
	if len(a) != 200 {
		t.Fatalf("generated %d ids, want 200", len(a))
	}
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different ids:\n%v\n%v", a, b)
	}
	if slices.Equal(a, c) {
		t.Fatalf("seeds 1 and 2 generated the same 200 ids")
	}
	for i, id := range a {
		if id < 0 || id >= 30 {
			t.Fatalf("id %d at %d outside the vocabulary", id, i)
		}
	}
	if got := m.Generate(ids[:4], 0, newSampler(t, cfg, 1)); got != nil {
		t.Fatalf("Generate(n=0) = %v, want nil", got)
	}
}

// Greedy generation picks the argmax of LogProbs at every step.
func TestGenerateGreedy(t *testing.T) {
	m := mustTrain(t, tinyCorpus, 4, Config{Order: 2, Smoothing: KneserNey, Discount: 0.5})
	got := m.Generate([]int{1}, 4, newSampler(t, decoder.SampleConfig{Greedy: true, TopP: 1}, 0))
	// From the order-2 goldens: after a, b (79/96); after b, a and c tie at
	// 19/48 and greedy takes the lower id a.
	if want := []int{2, 1, 2, 1}; !slices.Equal(got, want) {
		t.Fatalf("greedy generation %v, want %v", got, want)
	}
}

func ExampleModel_Generate() {
	// "abab..." with an occasional "c": ids a=1, b=2, c=3, <unk>=0.
	var ids []int
	for i := range 50 {
		ids = append(ids, 1, 2)
		if i%5 == 4 {
			ids = append(ids, 3)
		}
	}
	m, err := Train(ids, 4, DefaultConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := decoder.NewSampler(decoder.SampleConfig{Greedy: true, TopP: 1}, 0)
	fmt.Println(m.Generate([]int{1}, 8, s))
	fmt.Printf("%.3f nats/token\n", m.Eval(ids))
	// Output:
	// [2 1 2 1 2 1 2 1]
	// 0.222 nats/token
}
