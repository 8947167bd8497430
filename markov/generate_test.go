package markov

import (
	"context"
	"errors"
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

// TestGenerateStreamEmitsAsItSamples checks that ids reach emit one at a
// time as they are drawn, in the order Generate returns them, and that
// emit returning false or a cancelled context stops sampling at once. The
// first version sampled every id before any could be emitted (seconds to
// the first word for long outputs) and never looked at the context.
func TestGenerateStreamEmitsAsItSamples(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ids := markovChain(r, 30, 5000)
	m := mustTrain(t, ids, 30, DefaultConfig())
	cfg := decoder.SampleConfig{Temperature: 1, TopP: 1}
	want := m.Generate(ids[:4], 100, newSampler(t, cfg, 7))

	for _, tc := range []struct {
		name   string
		stopAt int  // emit stops (or cancels) after this many ids
		cancel bool // cancel the context instead of returning false
	}{
		{"all", 100, false},
		{"emit stops after the first", 1, false},
		{"emit stops after 10", 10, false},
		{"cancelled after the first", 1, true},
		{"cancelled after 25", 25, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var seen []int
			got, err := m.GenerateStream(ctx, ids[:4], 100, newSampler(t, cfg, 7), func(id int) bool {
				seen = append(seen, id)
				if len(seen) == tc.stopAt && tc.cancel {
					cancel()
				}
				return tc.cancel || len(seen) < tc.stopAt
			})
			wantN := min(tc.stopAt, 100)
			if len(got) != wantN || !slices.Equal(got, seen) || !slices.Equal(got, want[:wantN]) {
				t.Fatalf("returned %d ids, emitted %d; want the first %d of Generate's\n got %v\nseen %v", len(got), len(seen), wantN, got, seen)
			}
			switch {
			case tc.cancel && tc.stopAt < 100 && !errors.Is(err, context.Canceled):
				t.Errorf("error %v, want context.Canceled", err)
			case !tc.cancel && err != nil:
				t.Errorf("error %v", err)
			}
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, err := m.GenerateStream(ctx, ids[:4], 100, newSampler(t, cfg, 7), func(int) bool {
		t.Fatal("emit called with a cancelled context")
		return false
	})
	if len(got) != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before the start: %v, %v", got, err)
	}
}
