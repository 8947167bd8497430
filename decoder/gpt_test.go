package decoder

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/recur-dev/recur/nn"
)

func tinyGPTConfig() GPTConfig {
	return GPTConfig{Vocab: 13, Context: 16, Layers: 2, Heads: 2, Embed: 8, Bias: true, LNEps: 1e-5}
}

// tinyGPT is a GPT whose biases and LayerNorm parameters are random too
// (GPT-2's init leaves them 0 and 1, which would hide a mix-up).
func tinyGPT(t testing.TB, cfg GPTConfig) *GPT {
	m, err := NewGPT(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 3))
	for _, p := range m.Params() {
		p.Normal(rng, 0.3)
	}
	return m
}

// refGPT is the model written out directly in float64, one sequence at a
// time with no cache: the logits of every position of ids (the output head
// is m.Head(): wte, or lm_head when untied).
func refGPT(m *GPT, ids []int) [][]float64 {
	cfg := m.Config
	C := cfg.Embed
	T := len(ids)
	ln := func(l *nn.LayerNorm, x []float64) []float64 { return refLayerNorm(l, x, cfg.eps()) }
	x := make([][]float64, T)
	for t, id := range ids {
		x[t] = make([]float64, C)
		for i := range x[t] {
			x[t][i] = param64(m.WTE.W, id*C+i) + param64(m.WPE.W, t*C+i)
		}
	}
	for _, b := range m.Blocks {
		qkv := make([][]float64, T)
		for t := range x {
			qkv[t] = refLinear(b.Attn, ln(b.LN1, x[t]))
		}
		att := refCausalAttention(qkv, C, cfg.Heads)
		for t := range x {
			p := refLinear(b.AttnProj, att[t])
			for i := range x[t] {
				x[t][i] += p[i]
			}
			hid := refLinear(b.FC, ln(b.LN2, x[t]))
			for i, v := range hid {
				hid[i] = 0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v)))
			}
			p = refLinear(b.Proj, hid)
			for i := range x[t] {
				x[t][i] += p[i]
			}
		}
	}
	out := make([][]float64, T)
	for t := range x {
		h := ln(m.LNF, x[t])
		out[t] = make([]float64, cfg.Vocab)
		for v := range out[t] {
			for i := 0; i < C; i++ {
				out[t][v] += param64(m.Head(), v*C+i) * h[i]
			}
		}
	}
	return out
}

// param64 is element i of p in float64.
func param64(p *nn.Param, i int) float64 { return float64(p.Data[i]) }

// refLayerNorm normalises x to mean 0 and variance 1 (biased variance,
// eps inside the root), then scales by l.W and shifts by l.B.
func refLayerNorm(l *nn.LayerNorm, x []float64, eps float64) []float64 {
	C := len(x)
	var mu, v float64
	for _, e := range x {
		mu += e
	}
	mu /= float64(C)
	for _, e := range x {
		v += (e - mu) * (e - mu)
	}
	v /= float64(C)
	y := make([]float64, C)
	for i := range y {
		y[i] = (x[i] - mu) / math.Sqrt(v+eps) * param64(l.W, i)
		if l.B != nil {
			y[i] += param64(l.B, i)
		}
	}
	return y
}

// refLinear is W·x + b with W stored [Out, In].
func refLinear(l *nn.Linear, x []float64) []float64 {
	y := make([]float64, l.Out)
	for o := range y {
		if l.B != nil {
			y[o] = param64(l.B, o)
		}
		for i := 0; i < l.In; i++ {
			y[o] += param64(l.W, o*l.In+i) * x[i]
		}
	}
	return y
}

// refCausalAttention is multi-head causal self-attention over qkv[t] =
// [q | k | v] (C each, H heads of C/H): position t attends to 0..t with
// softmax(q·k/√d) weights.
func refCausalAttention(qkv [][]float64, C, H int) [][]float64 {
	d := C / H
	out := make([][]float64, len(qkv))
	for t := range qkv {
		a := make([]float64, C)
		for h := 0; h < H; h++ {
			s := make([]float64, t+1)
			mx := math.Inf(-1)
			for j := 0; j <= t; j++ {
				for e := 0; e < d; e++ {
					s[j] += qkv[t][h*d+e] * qkv[j][C+h*d+e]
				}
				s[j] /= math.Sqrt(float64(d))
				mx = math.Max(mx, s[j])
			}
			var z float64
			for j := range s {
				s[j] = math.Exp(s[j] - mx)
				z += s[j]
			}
			for j := range s {
				for e := 0; e < d; e++ {
					a[h*d+e] += s[j] / z * qkv[j][2*C+h*d+e]
				}
			}
		}
		out[t] = a
	}
	return out
}

func closeTo(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > tol {
			t.Fatalf("%s[%d] = %v, reference %v", what, i, got[i], want[i])
		}
	}
}

// Step (one token at a time through the cache), Prime (a whole prompt in
// one pass, two rows) and the training graph all compute the reference
// model, with and without biases, with a tied and an untied head.
func TestGPTMatchesReference(t *testing.T) {
	for _, v := range []struct{ bias, untied bool }{{true, false}, {false, false}, {true, true}, {false, true}} {
		cfg := tinyGPTConfig()
		cfg.Bias, cfg.UntiedHead = v.bias, v.untied
		m := tinyGPT(t, cfg)
		const B, T = 2, 6
		rng := rand.New(rand.NewPCG(4, 5))
		seqs := make([][]int, B)
		want := make([][][]float64, B)
		for b := range seqs {
			for range T {
				seqs[b] = append(seqs[b], rng.IntN(cfg.Vocab))
			}
			want[b] = refGPT(m, seqs[b])
		}
		V := cfg.Vocab
		// Step, both rows together.
		s := m.NewState(B)
		logits := make([]float32, B*V)
		for tt := 0; tt < T; tt++ {
			if err := m.Step(s, []int{seqs[0][tt], seqs[1][tt]}, logits); err != nil {
				t.Fatal(err)
			}
			for b := 0; b < B; b++ {
				closeTo(t, "step logits", logits[b*V:(b+1)*V], want[b][tt], 1e-4)
			}
		}
		// Prime with four positions (time-major), then Step the rest.
		s = m.NewState(B)
		var prompt []int
		for tt := 0; tt < 4; tt++ {
			prompt = append(prompt, seqs[0][tt], seqs[1][tt])
		}
		if err := m.Prime(s, prompt, logits); err != nil {
			t.Fatal(err)
		}
		for b := 0; b < B; b++ {
			closeTo(t, "prime logits", logits[b*V:(b+1)*V], want[b][3], 1e-4)
		}
		for tt := 4; tt < T; tt++ {
			if err := m.Step(s, []int{seqs[0][tt], seqs[1][tt]}, logits); err != nil {
				t.Fatal(err)
			}
			for b := 0; b < B; b++ {
				closeTo(t, "step after prime", logits[b*V:(b+1)*V], want[b][tt], 1e-4)
			}
		}
		// A second Prime continues from the cache.
		s = m.NewState(B)
		if err := m.Prime(s, prompt[:4], logits); err != nil {
			t.Fatal(err)
		}
		if err := m.Prime(s, prompt[4:], logits); err != nil {
			t.Fatal(err)
		}
		closeTo(t, "prime in two parts", logits[:V], want[0][3], 1e-4)
		// The graph (batch-major ids), read through its logits node.
		g := nn.NewGraph(false, 1)
		ids := append(append([]int(nil), seqs[0]...), seqs[1]...)
		out := m.Graph(g, g.Ints("ids", ids), B, T)
		mach, err := g.CompileForward(g.CrossEntropy(out, g.Ints("targets", ids), 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mach.Forward(); err != nil {
			t.Fatal(err)
		}
		gl := g.Output(out)
		for b := 0; b < B; b++ {
			for tt := 0; tt < T; tt++ {
				closeTo(t, "graph logits", gl[(b*T+tt)*V:(b*T+tt+1)*V], want[b][tt], 1e-4)
			}
		}
	}
}

// Reorder (beam search's survivor selection, including one row expanded
// into several) and Clone carry the cache: every row then continues as the
// row it was copied from would have.
func TestGPTReorderAndClone(t *testing.T) {
	cfg := tinyGPTConfig()
	m := tinyGPT(t, cfg)
	V := cfg.Vocab
	seqs := [][]int{{1, 2, 3, 4}, {5, 6, 7, 8}}
	s := m.NewState(2)
	logits := make([]float32, 3*V)
	for tt := 0; tt < 3; tt++ {
		if err := m.Step(s, []int{seqs[0][tt], seqs[1][tt]}, logits); err != nil {
			t.Fatal(err)
		}
	}
	c := s.Clone()
	s.Reorder([]int{1, 1, 0})
	if err := m.Step(s, []int{9, 10, 11}, logits); err != nil {
		t.Fatal(err)
	}
	for i, src := range []int{1, 1, 0} {
		ref := refGPT(m, append(append([]int(nil), seqs[src][:3]...), 9+i))
		closeTo(t, "after reorder", logits[i*V:(i+1)*V], ref[3], 1e-4)
	}
	// The clone was taken before and is independent of s.
	if err := m.Step(c, []int{12, 0}, logits); err != nil {
		t.Fatal(err)
	}
	closeTo(t, "clone row 0", logits[:V], refGPT(m, []int{1, 2, 3, 12})[3], 1e-4)
	closeTo(t, "clone row 1", logits[V:2*V], refGPT(m, []int{5, 6, 7, 0})[3], 1e-4)
}

// Beam search runs on a GPT unchanged; the best hypothesis's log-probability
// must be what the model gives its tokens read afresh.
func TestGPTBeamSearch(t *testing.T) {
	cfg := tinyGPTConfig()
	m := tinyGPT(t, cfg)
	const bos, eos = 0, 1
	hyps, err := BeamSearch(context.Background(), m, m.NewState(1), bos, eos, BeamConfig{Width: 3, MaxLen: 8, MinLen: 1, NBest: 2, LengthPenalty: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hyps {
		seq := append([]int{bos}, h.Tokens...)
		if h.Finished {
			seq = append(seq, eos)
		}
		ref := refGPT(m, seq[:len(seq)-1])
		var lp float64
		for i, row := range ref {
			mx := math.Inf(-1)
			for _, v := range row {
				mx = math.Max(mx, v)
			}
			var z float64
			for _, v := range row {
				z += math.Exp(v - mx)
			}
			lp += row[seq[i+1]] - mx - math.Log(z)
		}
		if math.Abs(lp-h.LogProb) > 1e-3 {
			t.Fatalf("hypothesis %v: beam log-probability %v, reference %v", h.Tokens, h.LogProb, lp)
		}
	}
}

// Going past the context window is an error naming the size, from Step and
// from Prime; bad tokens and foreign states are errors too.
func TestGPTContextFull(t *testing.T) {
	cfg := tinyGPTConfig()
	m := tinyGPT(t, cfg)
	logits := make([]float32, cfg.Vocab)
	s := m.NewState(1)
	for i := 0; i < cfg.Context; i++ {
		if err := m.Step(s, []int{i % cfg.Vocab}, logits); err != nil {
			t.Fatal(err)
		}
	}
	err := m.Step(s, []int{0}, logits)
	if !errors.Is(err, ErrContextFull) || !strings.Contains(err.Error(), "16") {
		t.Fatalf("step past the context: %v", err)
	}
	err = m.Prime(m.NewState(1), make([]int, cfg.Context+1), logits)
	if !errors.Is(err, ErrContextFull) {
		t.Fatalf("prime past the context: %v", err)
	}
	if err := m.Step(m.NewState(1), []int{cfg.Vocab}, logits); err == nil {
		t.Fatal("token id out of range accepted")
	}
	d := testDecoder(t, nn.GRU)
	if err := m.Step(d.NewState(1), []int{0}, logits); err == nil {
		t.Fatal("an RNN state accepted")
	}
	g := nn.NewGraph(false, 1)
	m.Graph(g, g.Ints("ids", make([]int, 17)), 1, 17)
	if g.Err() == nil {
		t.Fatal("graph longer than the context accepted")
	}
}

// A warm state steps without allocating, one row and a beam of four.
func TestGPTStepAllocatesNothing(t *testing.T) {
	cfg := tinyGPTConfig()
	cfg.Context = 512
	m := tinyGPT(t, cfg)
	for _, B := range []int{1, 4} {
		s := m.NewState(B)
		tokens := make([]int, B)
		logits := make([]float32, B*cfg.Vocab)
		if err := m.Prime(s, make([]int, 2*B), logits); err != nil {
			t.Fatal(err)
		}
		a := testing.AllocsPerRun(20, func() {
			if err := m.Step(s, tokens, logits); err != nil {
				t.Fatal(err)
			}
		})
		if a != 0 {
			t.Errorf("batch %d: Step allocates %v times per token", B, a)
		}
	}
}

// Beam search over a GPT allocates per search, never per step (the cache's
// reordering included), and distinct states decode concurrently.
func TestGPTBeamStepsAllocateNothingAndConcurrent(t *testing.T) {
	cfg := tinyGPTConfig()
	cfg.Context = 64
	m := tinyGPT(t, cfg)
	allocs := func(steps int) float64 {
		bc := BeamConfig{Width: 4, MaxLen: steps, MinLen: steps, NBest: 1, LengthPenalty: 1}
		return testing.AllocsPerRun(5, func() {
			if _, err := BeamSearch(context.Background(), m, m.NewState(1), 0, 1, bc); err != nil {
				t.Fatal(err)
			}
		})
	}
	if short, long := allocs(10), allocs(40); long != short {
		t.Errorf("beam search of 10 steps allocates %v times, of 40 steps %v: steps allocate", short, long)
	}
	want := refGPT(m, []int{1, 2, 3, 4, 5})[4]
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s := m.NewState(1)
			logits := make([]float32, cfg.Vocab)
			if err := m.Prime(s, []int{1, 2, 3}, logits); err != nil {
				errs <- err
				return
			}
			for _, tok := range []int{4, 5} {
				if err := m.Step(s, []int{tok}, logits); err != nil {
					errs <- err
					return
				}
			}
			for i := range want {
				if math.Abs(float64(logits[i])-want[i]) > 1e-4 {
					errs <- errors.New("concurrent decoding disagrees with the reference")
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// The cache grows (by doubling, keeping what it holds) past its first
// allocation: a long sequence still matches the reference at the end.
func TestGPTCacheGrows(t *testing.T) {
	cfg := tinyGPTConfig()
	cfg.Context = 200
	m := tinyGPT(t, cfg)
	rng := rand.New(rand.NewPCG(10, 11))
	seq := make([]int, 150)
	for i := range seq {
		seq[i] = rng.IntN(cfg.Vocab)
	}
	s := m.NewState(1)
	logits := make([]float32, cfg.Vocab)
	if err := m.Prime(s, seq[:70], logits); err != nil {
		t.Fatal(err)
	}
	for _, tok := range seq[70:] {
		if err := m.Step(s, []int{tok}, logits); err != nil {
			t.Fatal(err)
		}
	}
	ref := refGPT(m, seq)
	closeTo(t, "after 150 positions", logits, ref[len(seq)-1], 1e-4)
}

// Logits gives every position's logits of one sequence in one pass.
func TestGPTLogits(t *testing.T) {
	cfg := tinyGPTConfig()
	m := tinyGPT(t, cfg)
	ids := []int{3, 1, 4, 1, 5, 9, 2, 6, 5, 3}
	got, err := m.Logits(ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range refGPT(m, ids) {
		closeTo(t, "logits", got[i*cfg.Vocab:(i+1)*cfg.Vocab], row, 1e-4)
	}
	if _, err := m.Logits(make([]int, cfg.Context+1)); !errors.Is(err, ErrContextFull) {
		t.Fatalf("too long: %v", err)
	}
}

// A prompt longer than one attention chunk (Prime splits its queries),
// after a first prompt, matches the reference.
func TestGPTLongPrime(t *testing.T) {
	cfg := tinyGPTConfig()
	cfg.Context = 2*primeChunk + 40
	m := tinyGPT(t, cfg)
	rng := rand.New(rand.NewPCG(12, 13))
	seq := make([]int, 2*primeChunk+30)
	for i := range seq {
		seq[i] = rng.IntN(cfg.Vocab)
	}
	s := m.NewState(1)
	logits := make([]float32, cfg.Vocab)
	if err := m.Prime(s, seq[:5], logits); err != nil {
		t.Fatal(err)
	}
	if err := m.Prime(s, seq[5:], logits); err != nil {
		t.Fatal(err)
	}
	ref := refGPT(m, seq)
	closeTo(t, "long prime", logits, ref[len(seq)-1], 1e-4)
	all, err := m.Logits(seq)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, primeChunk - 1, primeChunk, len(seq) - 1} {
		closeTo(t, "long logits", all[i*cfg.Vocab:(i+1)*cfg.Vocab], ref[i], 1e-4)
	}
}
