package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// geluRef is the definition in float64.
func geluRef(x float64) float64 {
	return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
}

// GELU: graph and in-place values against the float64 definition (the
// vectorised tanh is accurate to a few 1e-7), gradients by finite
// differences.
func TestGELU(t *testing.T) {
	const N, C, V = 3, 7, 4
	rng := rand.New(rand.NewPCG(9, 10))
	x := NewParam("x", N, C)
	x.Normal(rng, 2)
	head := NewParam("head", V, C)
	head.Normal(rng, 1)
	g := NewGraph(true, 1)
	y := g.GELU(g.Param(x))
	m, err := g.Compile(g.CrossEntropy(g.MatMulT(y, head), g.Ints("t", []int{3, 0, 2}), 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(); err != nil {
		t.Fatal(err)
	}
	inPlace := append([]float32(nil), x.Data...)
	GELUInPlace(inPlace)
	out := g.Output(y)
	for i, v := range x.Data {
		want := geluRef(float64(v))
		if math.Abs(float64(out[i])-want) > 2e-6*(1+math.Abs(want)) || math.Abs(float64(inPlace[i])-want) > 2e-6*(1+math.Abs(want)) {
			t.Fatalf("gelu(%v): graph %v, in place %v, definition %v", v, out[i], inPlace[i], want)
		}
	}
	checkFiniteDifferences(t, m, Params{x, head}, 1e-2, 1e-3, 1e-2)
}

// GELUInPlace on a slice longer than its internal chunk.
func TestGELUInPlaceLong(t *testing.T) {
	x := make([]float32, 1000)
	for i := range x {
		x[i] = float32(i-500) / 100
	}
	y := append([]float32(nil), x...)
	GELUInPlace(y)
	for i := range x {
		if want := geluRef(float64(x[i])); math.Abs(float64(y[i])-want) > 2e-6*(1+math.Abs(want)) {
			t.Fatalf("gelu(%v) = %v, want %v", x[i], y[i], want)
		}
	}
	if a := testing.AllocsPerRun(10, func() { GELUInPlace(y) }); a != 0 {
		t.Errorf("GELUInPlace allocates %v times", a)
	}
}
