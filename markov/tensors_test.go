package markov

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/recur-dev/recur/modelfile"
)

// getter serves tensors from a slice, like modelfile.File.Get.
func getter(ts []modelfile.Tensor) func(string) (*modelfile.Tensor, error) {
	f := &modelfile.File{Task: "markov", Tensors: ts}
	return f.Get
}

func TestTensorsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	ids := markovChain(r, 40, 5000)
	for _, cfg := range []Config{DefaultConfig(), {Order: 3, Smoothing: WittenBell}, {Order: 1, Smoothing: KneserNey, Discount: 0.5}} {
		m := mustTrain(t, ids, 40, cfg)
		// Through the real file encoding, not just the in-memory tensors.
		var buf bytes.Buffer
		if err := modelfile.Encode(&buf, &modelfile.File{Task: "markov", Tensors: m.Tensors()}); err != nil {
			t.Fatal(err)
		}
		f, err := modelfile.Decode(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		m2, err := FromTensors(f.Get, cfg, 40)
		if err != nil {
			t.Fatal(err)
		}
		a, b := make([]float32, 40), make([]float32, 40)
		for i := 0; i < 1000; i += 37 {
			ctx := ids[i : i+cfg.Order]
			m.LogProbs(ctx, a)
			m2.LogProbs(ctx, b)
			if !slices.Equal(a, b) {
				t.Fatalf("%+v ctx %v: LogProbs differ after round trip:\n%v\n%v", cfg, ctx, a, b)
			}
		}
		if m.Eval(ids[:500]) != m2.Eval(ids[:500]) {
			t.Fatalf("Eval differs after round trip")
		}
	}
}

// Smoothing is applied at query time: a Kneser-Ney model's tensors load as
// Witten-Bell (or another discount) and equal a model trained that way.
func TestTensorsSmoothingIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	ids := markovChain(r, 10, 2000)
	kn := mustTrain(t, ids, 10, Config{Order: 3, Smoothing: KneserNey, Discount: 0.75})
	wbCfg := Config{Order: 3, Smoothing: WittenBell}
	loaded, err := FromTensors(getter(kn.Tensors()), wbCfg, 10)
	if err != nil {
		t.Fatal(err)
	}
	trained := mustTrain(t, ids, 10, wbCfg)
	if a, b := loaded.Eval(ids[:300]), trained.Eval(ids[:300]); a != b {
		t.Fatalf("loaded as witten-bell Eval %v, trained %v", a, b)
	}
}

func TestFromTensorsCorrupt(t *testing.T) {
	cfg := Config{Order: 3, Smoothing: KneserNey, Discount: 0.75}
	m := mustTrain(t, tinyCorpus, 4, cfg)
	// tinyCorpus tensors: meta [1 3 4 5]; unigrams 1,2,3 (counts 2,2,1);
	// bigrams (1,2),(2,1),(2,3) (2,1,1); trigrams (1,2,1),(1,2,3),(2,1,2).
	find := func(ts []modelfile.Tensor, name string) *modelfile.Tensor {
		for i := range ts {
			if ts[i].Name == name {
				return &ts[i]
			}
		}
		t.Fatalf("no tensor %q", name)
		return nil
	}
	tests := []struct {
		name    string
		cfg     Config
		vocab   int
		corrupt func(ts []modelfile.Tensor) []modelfile.Tensor
		wantErr string
	}{
		{"missing meta", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor { return ts[1:] }, `tensor "markov.meta" not found`},
		{"missing counts", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor { return ts[:len(ts)-1] }, `tensor "markov.counts.3" not found`},
		{"meta dtype", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor {
			mt := find(ts, TensorMeta)
			mt.DType, mt.F32, mt.I32 = modelfile.F32, []float32{1, 3, 4, 5}, nil
			return ts
		}, `tensor "markov.meta": dtype F32, want I32`},
		{"version", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor { find(ts, TensorMeta).I32[0] = 9; return ts }, "format version 9"},
		{"order mismatch", Config{Order: 2, Smoothing: KneserNey, Discount: 0.75}, 4, nil, "model has order 3 but the config asks for order 2"},
		{"vocab mismatch", cfg, 5, nil, "model has vocabulary size 4 but the vocabulary has 5 tokens"},
		{"invalid config", Config{Order: 3, Smoothing: "kn"}, 4, nil, `unknown smoothing "kn"`},
		{"zero tokens", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor { find(ts, TensorMeta).I32[3] = 0; return ts }, "number of training ids must be >= 1"},
		{"id out of range", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor { find(ts, "markov.ngrams.2").I32[5] = 4; return ts }, "has id 4 at place 1, outside the vocabulary [0, 4)"},
		{"negative id", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor { find(ts, "markov.ngrams.1").I32[0] = -1; return ts }, "has id -1"},
		{"unsorted", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor {
			g := find(ts, "markov.ngrams.1").I32
			g[0], g[1] = g[1], g[0]
			return ts
		}, "not in strictly increasing order"},
		{"duplicate", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor { find(ts, "markov.ngrams.1").I32[1] = 1; return ts }, "not in strictly increasing order"},
		{"zero count", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor { find(ts, "markov.counts.2").I32[1] = 0; return ts }, `tensor "markov.counts.2": count 1 is 0`},
		{"count sum", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor { find(ts, "markov.counts.2").I32[0] = 3; return ts }, "2-gram counts sum to 5, want 4 for 5 training ids"},
		{"shape mismatch", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor {
			find(ts, "markov.counts.3").Shape = []int{2}
			return ts
		}, `tensor "markov.counts.3": shape [2], want [3]`},
		{"wrong rank", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor {
			find(ts, "markov.ngrams.2").Shape = []int{6}
			return ts
		}, "want shape [count, 2]"},
		{"data too short", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor {
			g := find(ts, "markov.ngrams.3")
			g.I32 = g.I32[:5]
			return ts
		}, "needs 9 values, has 5"},
		{"huge shape", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor {
			find(ts, "markov.ngrams.3").Shape = []int{1 << 62, 3}
			return ts
		}, "overflows"},
		{"missing suffix", cfg, 4, func(ts []modelfile.Tensor) []modelfile.Tensor {
			// trigram (2,1,2) → (2,1,3): still sorted, in range, same sums,
			// but its suffix (1,3) is no bigram.
			find(ts, "markov.ngrams.3").I32[8] = 3
			return ts
		}, "3-gram [2 1 3] has no 2-gram suffix [1 3]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := m.Tensors()
			if tt.corrupt != nil {
				ts = tt.corrupt(ts)
			}
			got, err := FromTensors(getter(ts), tt.cfg, tt.vocab)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("FromTensors error = %v, want %q", err, tt.wantErr)
			}
			if got != nil {
				t.Fatalf("FromTensors returned a model with an error")
			}
		})
	}
	nilGet := func(string) (*modelfile.Tensor, error) { return nil, nil }
	if _, err := FromTensors(nilGet, cfg, 4); err == nil {
		t.Fatalf("FromTensors accepted nil tensors")
	}
	if _, err := FromTensors(nil, cfg, 4); err == nil {
		t.Fatalf("FromTensors accepted a nil getter")
	}
}

// Random single-value corruptions must give an error or a valid model,
// never a panic, and every model that loads must still be normalised.
func TestFromTensorsNeverPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	ids := markovChain(r, 6, 300)
	cfg := Config{Order: 3, Smoothing: KneserNey, Discount: 0.75}
	m := mustTrain(t, ids, 6, cfg)
	values := []int32{-1, 0, 1, 2, 5, 6, 7, 1 << 30, -1 << 31}
	loaded := 0
	for trial := range 500 {
		ts := m.Tensors()
		tn := &ts[r.IntN(len(ts))]
		if len(tn.I32) == 0 {
			continue
		}
		tn.I32[r.IntN(len(tn.I32))] = values[r.IntN(len(values))]
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("trial %d: FromTensors panicked on corrupt %q: %v", trial, tn.Name, p)
				}
			}()
			got, err := FromTensors(getter(ts), cfg, 6)
			if err != nil {
				return
			}
			loaded++
			for _, ctx := range [][]int{nil, ids[:2], {5, 5}} {
				sum := 0.0
				for _, p := range probs(got, ctx) {
					sum += p
				}
				if sum < 1-1e-5 || sum > 1+1e-5 {
					t.Fatalf("trial %d: loaded corrupt model sums to %v", trial, sum)
				}
			}
		}()
	}
	t.Logf("%d of 500 corruptions loaded (harmless changes, e.g. a value set to itself)", loaded)
}

func ExampleModel_Tensors() {
	m, err := Train([]int{1, 2, 1, 2, 3}, 4, Config{Order: 2, Smoothing: KneserNey, Discount: 0.75})
	if err != nil {
		fmt.Println(err)
		return
	}
	ts := m.Tensors()
	for _, t := range ts {
		fmt.Println(t.Name, t.DType, t.Shape, t.I32)
	}
	f := &modelfile.File{Task: "markov", Tensors: ts}
	m2, err := FromTensors(f.Get, m.Config(), m.VocabSize())
	fmt.Println(m2.Order(), err)
	// Output:
	// markov.meta I32 [4] [1 2 4 5]
	// markov.ngrams.1 I32 [3 1] [1 2 3]
	// markov.counts.1 I32 [3] [2 2 1]
	// markov.ngrams.2 I32 [3 2] [1 2 2 1 2 3]
	// markov.counts.2 I32 [3] [2 1 1]
	// 2 <nil>
}
