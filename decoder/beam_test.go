package decoder

import (
	"context"
	"math"
	"testing"

	"github.com/recur-dev/recur/nn"
)

// tableStepper is a bigram model: the next-token distribution depends only
// on the previous token, table[prev][next]. Beam search results on it can be
// worked out by hand.
type tableStepper struct{ table [][]float64 }

func (t tableStepper) VocabSize() int { return len(t.table) }
func (t tableStepper) NewState(b int) *State {
	return &State{Batch: b, H: [][]float32{make([]float32, b)}}
}
func (t tableStepper) Step(s *State, tokens []int, logits []float32) error {
	V := len(t.table)
	for r, tok := range tokens {
		s.H[0][r] = float32(tok)
		for v := 0; v < V; v++ {
			logits[r*V+v] = float32(math.Log(t.table[tok][v]))
		}
	}
	return nil
}

const (
	tBOS, tEOS, tA, tB = 0, 1, 2, 3
)

// From <s>: a 0.6, b 0.4. After a: </s> 0.3, a 0.35, b 0.35. After b:
// </s> 0.9, a 0.05, b 0.05. Greedy takes a, then a or b (0.35); the best
// complete sequence is "b" with P = 0.4·0.9 = 0.36, then "a b" with
// 0.6·0.35·0.9 = 0.189, ahead of "a" with 0.6·0.3 = 0.18.
var toy = tableStepper{table: [][]float64{
	tBOS: {1e-9, 1e-9, 0.6, 0.4},
	tEOS: {0.25, 0.25, 0.25, 0.25},
	tA:   {1e-9, 0.3, 0.35, 0.35},
	tB:   {1e-9, 0.9, 0.05, 0.05},
}}

func TestBeamSearchFindsBetterThanGreedy(t *testing.T) {
	cfg := BeamConfig{Width: 3, LengthPenalty: 0, MaxLen: 10, MinLen: 1, NBest: 2}
	hyps, err := BeamSearch(context.Background(), toy, toy.NewState(1), tBOS, tEOS, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(hyps) != 2 || len(hyps[0].Tokens) != 1 || hyps[0].Tokens[0] != tB {
		t.Fatalf("best hypothesis %+v, want [b]", hyps)
	}
	if math.Abs(hyps[0].LogProb-math.Log(0.36)) > 1e-5 {
		t.Fatalf("log P = %v, want log 0.36 = %v", hyps[0].LogProb, math.Log(0.36))
	}
	if len(hyps[1].Tokens) != 2 || hyps[1].Tokens[0] != tA || hyps[1].Tokens[1] != tB || math.Abs(hyps[1].LogProb-math.Log(0.189)) > 1e-5 {
		t.Fatalf("second hypothesis %+v, want [a b] with log 0.189", hyps[1])
	}
	greedy, cut, err := DecodeBatch(context.Background(), toy, toy.NewState(1), tBOS, tEOS, 3, Argmax)
	if err != nil {
		t.Fatal(err)
	}
	if greedy[0][0] != tA || !cut[0] {
		t.Fatalf("greedy %v cut %v: expected it to start with a and never end in 3 steps", greedy, cut)
	}
}

// The end token is never allowed first, so no hypothesis is empty, and a
// hypothesis cut at MaxLen is marked unfinished.
func TestBeamSearchNeverEmptyAndMarksCut(t *testing.T) {
	eager := tableStepper{table: [][]float64{
		tBOS: {1e-9, 0.97, 0.02, 0.01},
		tEOS: {0.25, 0.25, 0.25, 0.25},
		tA:   {1e-9, 0.001, 0.998, 0.001},
		tB:   {1e-9, 0.001, 0.001, 0.998},
	}}
	hyps, err := BeamSearch(context.Background(), eager, eager.NewState(1), tBOS, tEOS, BeamConfig{Width: 2, LengthPenalty: 1, MaxLen: 4, MinLen: 1, NBest: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(hyps[0].Tokens) == 0 {
		t.Fatal("empty hypothesis")
	}
	if hyps[0].Finished || len(hyps[0].Tokens) != 4 {
		t.Fatalf("%+v: want an unfinished 4-token hypothesis", hyps[0])
	}
	if _, err := BeamSearch(context.Background(), eager, eager.NewState(1), tBOS, tEOS, BeamConfig{Width: 0, MaxLen: 4, MinLen: 1, NBest: 1}); err == nil {
		t.Fatal("width 0 accepted")
	}
}

// Beam search allocates per search (history sized for MaxLen, finished
// hypotheses), never per step: a search twice as long allocates the same,
// for a real decoder with attention (the state's reordering included).
func TestBeamSearchStepsAllocateNothing(t *testing.T) {
	d, err := New(Config{Cell: nn.GRU, Vocab: 11, Embed: 6, Hidden: 8, Layers: 1, Attention: nn.Additive, AttentionDim: 5, Memory: 4, InputFeeding: true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	mem := make([]float32, 5*4)
	for i := range mem {
		mem[i] = float32(i%7) / 7
	}
	allocs := func(steps int) float64 {
		// MinLen forbids the end token, so every search runs all its steps;
		// the state is made outside the measured function's steps.
		cfg := BeamConfig{Width: 4, MaxLen: steps, MinLen: steps, NBest: 1, LengthPenalty: 1}
		return testing.AllocsPerRun(5, func() {
			s := d.NewState(1)
			d.SetMemory(s, 0, mem, 5)
			if _, err := BeamSearch(context.Background(), d, s, 0, 1, cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
	short, long := allocs(10), allocs(40)
	if long != short {
		t.Errorf("beam search of 10 steps allocates %v times, of 40 steps %v: steps allocate", short, long)
	}
}
