package decoder

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/recur-dev/recur/internal/kernels"
	"github.com/recur-dev/recur/nn"
)

func testDecoder(t *testing.T, cell nn.Cell) *Decoder {
	d, err := New(Config{Cell: cell, Vocab: 11, Embed: 6, Hidden: 8, Layers: 2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The training graph (whole-sequence kernels) and the inference step (plain
// Go, one token at a time) must compute the same model.
func TestStepMatchesTrainingGraph(t *testing.T) {
	for _, cell := range []nn.Cell{nn.LSTM, nn.GRU} {
		t.Run(string(cell), func(t *testing.T) {
			d := testDecoder(t, cell)
			const T, B = 5, 3
			rng := rand.New(rand.NewPCG(1, 1))
			ids := make([]int, T*B)
			for i := range ids {
				ids[i] = rng.IntN(11)
			}
			g := nn.NewGraph(false, 1)
			logits, _ := d.Graph(g, g.Ints("ids", ids), B)
			// The loss is irrelevant here; read the logits node after a run.
			loss := g.CrossEntropy(logits, g.Ints("targets", ids), 0)
			m, err := g.CompileForward(loss)
			if err != nil {
				t.Fatal(err)
			}
			// Step through the same tokens one at a time.
			s := d.NewState(B)
			step := make([]float32, B*11)
			want := make([][]float32, T)
			for tt := 0; tt < T; tt++ {
				if err := d.Step(s, ids[tt*B:(tt+1)*B], step); err != nil {
					t.Fatal(err)
				}
				want[tt] = append([]float32(nil), step...)
			}
			s2 := d.NewState(B)
			primed := make([]float32, B*11)
			if err := d.Prime(s2, ids, primed); err != nil {
				t.Fatal(err)
			}
			for i := range primed {
				if math.Abs(float64(primed[i]-want[T-1][i])) > 1e-5 {
					t.Fatalf("Prime logits[%d] = %v, Step gives %v", i, primed[i], want[T-1][i])
				}
			}
			// Loss from the graph equals the loss computed from Step logits.
			var nll float64
			for tt := 0; tt < T; tt++ {
				for b := 0; b < B; b++ {
					nll += rowNLL(want[tt][b*11:(b+1)*11], ids[tt*B+b])
				}
			}
			nll /= T * B
			got, err := m.Forward()
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(float64(got)-nll) > 1e-5 {
				t.Fatalf("graph loss %v, step loss %v", got, nll)
			}
		})
	}
}

func TestStepRejectsBadTokens(t *testing.T) {
	d := testDecoder(t, nn.LSTM)
	s := d.NewState(1)
	if err := d.Step(s, []int{11}, make([]float32, 11)); err == nil {
		t.Fatal("token 11 of a vocabulary of 11 accepted")
	}
	if err := d.Step(s, []int{-1}, make([]float32, 11)); err == nil {
		t.Fatal("token -1 accepted")
	}
}

func TestGenerateReproducible(t *testing.T) {
	d := testDecoder(t, nn.GRU)
	run := func(seed uint64) []int {
		s := d.NewState(1)
		logits := make([]float32, 11)
		if err := d.Prime(s, []int{1, 2, 3}, logits); err != nil {
			t.Fatal(err)
		}
		smp, err := NewSampler(SampleConfig{Temperature: 1, TopP: 1}, seed)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Generate(context.Background(), d, s, logits, 30, smp, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b, c := run(7), run(7), run(8)
	if len(a) != 30 {
		t.Fatalf("generated %d tokens, want 30", len(a))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different tokens at %d", i)
		}
	}
	same := true
	for i := range a {
		same = same && a[i] == c[i]
	}
	if same {
		t.Fatal("seeds 7 and 8 gave identical text")
	}
}

func TestStepAllocatesNothing(t *testing.T) {
	d := testDecoder(t, nn.LSTM)
	s := d.NewState(1)
	logits := make([]float32, 11)
	tok := []int{4}
	_ = d.Step(s, tok, logits)
	if n := testing.AllocsPerRun(50, func() { _ = d.Step(s, tok, logits) }); n != 0 {
		t.Fatalf("Step allocates %v times per token", n)
	}
}

// Freeze changes how a step computes, not what.
func TestFreezeKeepsLogits(t *testing.T) {
	for _, cell := range []nn.Cell{nn.LSTM, nn.GRU} {
		d := testDecoder(t, cell)
		a, b := d.NewState(2), d.NewState(2)
		la, lb := make([]float32, 22), make([]float32, 22)
		seq := [][]int{{1, 2}, {3, 4}, {10, 0}}
		for _, tok := range seq {
			if err := d.Step(a, tok, la); err != nil {
				t.Fatal(err)
			}
		}
		d.Freeze()
		for _, tok := range seq {
			if err := d.Step(b, tok, lb); err != nil {
				t.Fatal(err)
			}
		}
		for i := range la {
			if math.Abs(float64(la[i]-lb[i])) > 1e-5 {
				t.Fatalf("%s: logit %d %v before Freeze, %v after", cell, i, la[i], lb[i])
			}
		}
	}
}

// At the benchmark's size on two threads the recurrent products are split
// over the kernel workers, and a token still allocates nothing.
func TestMediumStepOnTwoThreadsAllocatesNothing(t *testing.T) {
	defer kernels.SetThreads(kernels.Threads())
	kernels.SetThreads(2)
	d, err := New(Config{Cell: nn.LSTM, Vocab: 65, Embed: 512, Hidden: 512, Layers: 2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	d.Freeze()
	s := d.NewState(1)
	logits := make([]float32, 65)
	tok := []int{3}
	_ = d.Step(s, tok, logits)
	if n := testing.AllocsPerRun(50, func() { _ = d.Step(s, tok, logits) }); n != 0 {
		t.Fatalf("Step allocates %v times per token", n)
	}
}
