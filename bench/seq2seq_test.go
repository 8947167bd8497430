package bench

import (
	"math"
	"testing"

	"github.com/recur-dev/recur/nn"
)

// The training graph (fused Bahdanau kernel) and the beam-search stepper
// (plain Go) must compute the same model.
func TestSeq2SeqStepperMatchesGraph(t *testing.T) {
	n, err := newS2S(3)
	if err != nil {
		t.Fatal(err)
	}
	src := []int{10, 11, 12, 13, 14}
	tin := []int{2, 20, 21, 22}
	lens := []int{len(src)}
	g := nn.NewGraph(false, 1)
	enc, _ := g.RNNWith(&nn.RNN{Config: nn.RNNConfig{Cell: nn.GRU, Input: s2sHidden, Hidden: s2sHidden, Layers: 1}, Layers: []*nn.RNNLayer{n.enc}},
		g.Embed(n.srcEmb, g.Ints("src", src)), 1, nn.RNNOptions{Name: "enc", Lengths: &lens})
	y := g.BahdanauGRU(n.att, n.dec, g.Embed(n.tgtEmb, g.Ints("tin", tin)), enc, g.Rows(enc, len(src)-1, 1), 1, &lens)
	logits := g.Linear(n.out, y)
	m, err := g.CompileForward(g.CrossEntropy(logits, g.Ints("t", []int{20, 21, 22, 3}), 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Forward(); err != nil {
		t.Fatal(err)
	}
	want := g.Output(logits)

	x := make([]float32, len(src)*s2sHidden)
	n.srcEmb.Lookup(src, x)
	h := make([]float32, s2sHidden)
	var cache nn.SeqCache
	st := &s2sStepper{n: n, S: len(src), keys: make([]float32, len(src)*s2sHidden)}
	st.mem = append([]float32(nil), n.enc.ForwardState(&cache, len(src), 1, x, h, nil)...)
	n.att.Keys(st.mem, len(src), st.keys)
	s := st.NewState(1)
	copy(s.H[0], h)
	got := make([]float32, s2sVocab)
	for step, tok := range tin {
		if err := st.Step(s, []int{tok}, got); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if math.Abs(float64(got[i]-want[step*s2sVocab+i])) > 1e-4 {
				t.Fatalf("step %d logit %d: stepper %v, graph %v", step, i, got[i], want[step*s2sVocab+i])
			}
		}
	}
}
