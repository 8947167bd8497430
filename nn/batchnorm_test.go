package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Batch norm in a training graph: output against the definition, running
// estimates after one step against PyTorch's update rule worked by hand,
// and gradients of x, γ and β by finite differences. Then an inference
// graph must use the running estimates.
func TestBatchNorm(t *testing.T) {
	const B, C, H, W, V = 3, 2, 2, 4, 3
	rng := rand.New(rand.NewPCG(31, 32))
	x := NewParam("x", B, C, H, W)
	x.Normal(rng, 2)
	for i := range x.Data {
		x.Data[i] += 1 // a mean to remove
	}
	bn := NewBatchNorm("bn", C)
	bn.Weight.Normal(rng, 1)
	bn.Bias.Normal(rng, 1)
	out := NewLinear("out", C, V, rng)
	targets := make([]int, H*W*B)
	for i := range targets {
		targets[i] = rng.IntN(V)
	}
	build := func(train bool) (*Machine, []float32) {
		g := NewGraph(train, 1)
		y := g.BatchNorm(bn, g.Param(x))
		m, err := g.Compile(g.CrossEntropy(g.Linear(out, g.Cells(y)), g.Ints("t", targets), 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Run(); err != nil {
			t.Fatal(err)
		}
		return m, g.Output(y)
	}
	N := B * H * W
	stats := func(c int) (mean, variance float64) {
		for b := 0; b < B; b++ {
			for i := 0; i < H*W; i++ {
				mean += float64(x.Data[(b*C+c)*H*W+i])
			}
		}
		mean /= float64(N)
		for b := 0; b < B; b++ {
			for i := 0; i < H*W; i++ {
				d := float64(x.Data[(b*C+c)*H*W+i]) - mean
				variance += d * d
			}
		}
		return mean, variance / float64(N)
	}
	check := func(what string, y []float32, mean, variance func(c int) float64) {
		for b := 0; b < B; b++ {
			for c := 0; c < C; c++ {
				for i := 0; i < H*W; i++ {
					at := (b*C+c)*H*W + i
					want := float64(bn.Weight.Data[c])*(float64(x.Data[at])-mean(c))/math.Sqrt(variance(c)+1e-5) + float64(bn.Bias.Data[c])
					if math.Abs(float64(y[at])-want) > 1e-4 {
						t.Fatalf("%s: y[%d] = %v, want %v", what, at, y[at], want)
					}
				}
			}
		}
	}
	m, y := build(true)
	check("training", y, func(c int) float64 { mu, _ := stats(c); return mu }, func(c int) float64 { _, v := stats(c); return v })
	for c := 0; c < C; c++ {
		mu, v := stats(c)
		wantMean, wantVar := 0.1*mu, 0.9+0.1*v*float64(N)/float64(N-1)
		if math.Abs(float64(bn.RunningMean.Data[c])-wantMean) > 1e-5 || math.Abs(float64(bn.RunningVar.Data[c])-wantVar) > 1e-5 {
			t.Fatalf("channel %d running mean, var = %v, %v, want %v, %v", c, bn.RunningMean.Data[c], bn.RunningVar.Data[c], wantMean, wantVar)
		}
	}
	checkFiniteDifferences(t, m, Params{x, bn.Weight, bn.Bias}, 1e-2, 1e-3, 1e-2)
	for _, p := range (Params{bn.RunningMean, bn.RunningVar}) {
		for i, g := range p.Grad {
			if g != 0 {
				t.Fatalf("%s has gradient %v at %d: buffers must have none", p.Name, g, i)
			}
		}
	}

	rm, rv := append([]float32(nil), bn.RunningMean.Data...), append([]float32(nil), bn.RunningVar.Data...)
	_, y = build(false)
	check("inference", y, func(c int) float64 { return float64(rm[c]) }, func(c int) float64 { return float64(rv[c]) })
	for c := range rm {
		if bn.RunningMean.Data[c] != rm[c] || bn.RunningVar.Data[c] != rv[c] {
			t.Fatal("an inference graph changed the running estimates")
		}
	}
}

// Adam must leave the running estimates exactly as the forward pass left
// them (their gradient is zero).
func TestAdamLeavesBatchNormBuffers(t *testing.T) {
	bn := NewBatchNorm("bn", 3)
	copy(bn.RunningMean.Data, []float32{0.5, -1, 2})
	bn.Weight.Grad[0] = 1
	ps := bn.Params()
	adam, err := NewAdam(ps, DefaultAdamConfig())
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := adam.Update(ps); err != nil {
			t.Fatal(err)
		}
	}
	if got := bn.RunningMean.Data; got[0] != 0.5 || got[1] != -1 || got[2] != 2 || bn.RunningVar.Data[1] != 1 {
		t.Fatalf("running estimates moved: %v %v", got, bn.RunningVar.Data)
	}
	if bn.Weight.Data[0] == 1 {
		t.Fatal("γ with a gradient did not move")
	}
}
