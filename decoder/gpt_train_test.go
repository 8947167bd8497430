package decoder

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/recur-dev/recur/nn"
)

// The whole GPT graph's gradients, by central differences, for a sample of
// every tensor: this covers the tied head (wte receives gradient from the
// embedding lookup and from the output product) and an untied one
// (lm_head.weight from the product only, wte from the lookup only), the
// positions, residual adds and every fused kernel in place, with dropout
// on (the masks depend only on the seed and step, so they stay fixed
// across forwards).
func TestGPTGraphGradients(t *testing.T) {
	for _, untied := range []bool{false, true} {
		cfg := GPTConfig{Vocab: 7, Context: 8, Layers: 2, Heads: 2, Embed: 6, Bias: true, Dropout: 0.1, UntiedHead: untied}
		checkGPTGraphGradients(t, cfg)
	}
}

func checkGPTGraphGradients(t *testing.T, cfg GPTConfig) {
	t.Helper()
	m := tinyGPT(t, cfg)
	const B, T = 2, 5
	rng := rand.New(rand.NewPCG(6, 7))
	ids, targets := make([]int, B*T), make([]int, B*T)
	for i := range ids {
		ids[i], targets[i] = rng.IntN(cfg.Vocab), rng.IntN(cfg.Vocab)
	}
	g := nn.NewGraph(true, 3)
	g.Step = 1
	mach, err := g.Compile(g.CrossEntropy(m.Graph(g, g.Ints("ids", ids), B, T), g.Ints("targets", targets), 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mach.Run(); err != nil {
		t.Fatal(err)
	}
	if len(mach.Params) != len(m.Params()) {
		t.Fatalf("graph uses %d tensors, the model has %d", len(mach.Params), len(m.Params()))
	}
	const h = 1e-2
	for _, p := range m.Params() {
		ana := append([]float32(nil), p.Grad...)
		samples := 6
		if p.Name == "lm_head.weight" {
			samples = len(p.Data) // every element of the untied head
		}
		for n := 0; n < samples; n++ {
			i := rng.IntN(len(p.Data))
			if samples == len(p.Data) {
				i = n
			}
			old := p.Data[i]
			p.Data[i] = old + h
			up, _ := mach.Forward()
			p.Data[i] = old - h
			down, _ := mach.Forward()
			p.Data[i] = old
			num := float64(up-down) / (2 * h)
			if math.Abs(num-float64(ana[i])) > 2e-3+2e-2*math.Abs(float64(ana[i])) {
				t.Errorf("untied %v: %s[%d]: analytic %.6g, finite difference %.6g", cfg.UntiedHead, p.Name, i, ana[i], num)
			}
		}
	}
}

// A tiny GPT learns to copy: each sequence is six random tokens, then the
// same six again. Only attention can predict the second half (the tokens
// are random), so a loss near zero there shows the graph, its gradients and
// Adam working together; generation through the cache then copies too.
func TestGPTLearnsToCopy(t *testing.T) {
	cfg := GPTConfig{Vocab: 8, Context: 12, Layers: 2, Heads: 2, Embed: 32, Bias: true}
	m, err := NewGPT(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	const B, T, half = 16, 12, 6
	ids, targets := make([]int, B*T), make([]int, B*T)
	g := nn.NewGraph(true, 1)
	mach, err := g.Compile(g.CrossEntropy(m.Graph(g, g.Ints("ids", ids), B, T), g.Ints("targets", targets), 0))
	if err != nil {
		t.Fatal(err)
	}
	cfgA := nn.DefaultAdamConfig()
	cfgA.LR = 1e-2
	opt, err := nn.NewAdam(mach.Params, cfgA)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(8, 9))
	fill := func() {
		for b := 0; b < B; b++ {
			for i := 0; i < half; i++ {
				v := rng.IntN(cfg.Vocab)
				ids[b*T+i], ids[b*T+half+i] = v, v
			}
			for i := 0; i < T; i++ {
				targets[b*T+i] = nn.IgnoreTarget
				if i >= half-1 && i < T-1 {
					targets[b*T+i] = ids[b*T+i+1]
				}
			}
		}
	}
	var loss float32
	for step := 0; step < 400; step++ {
		fill()
		g.Step = uint64(step)
		if loss, err = mach.Run(); err != nil {
			t.Fatal(err)
		}
		if _, err := opt.Update(mach.Params); err != nil {
			t.Fatal(err)
		}
		if step%50 == 0 || loss < 0.02 {
			t.Logf("step %d loss %.4f", step, loss)
		}
		if loss < 0.02 {
			break
		}
	}
	if loss > 0.1 {
		t.Fatalf("copy loss %v after training (log 8 = %.2f is chance)", loss, math.Log(8))
	}
	// Greedy generation after a prompt of six tokens copies them.
	prompt := []int{3, 1, 4, 1, 5, 2}
	s := m.NewState(1)
	logits := make([]float32, cfg.Vocab)
	if err := m.Prime(s, prompt, logits); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < half; i++ {
		tok := argmax(logits)
		if tok != prompt[i] {
			t.Fatalf("generated token %d is %d, want %d", i, tok, prompt[i])
		}
		if i < half-1 {
			if err := m.Step(s, []int{tok}, logits); err != nil {
				t.Fatal(err)
			}
		}
	}
}
