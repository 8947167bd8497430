package kernels

import (
	"math"
	"testing"
)

// activationInputs is a dense sweep of [-100, 100] plus the special values.
func activationInputs() []float32 {
	var xs []float32
	for x := -100.0; x <= 100; x += 0.00731 {
		xs = append(xs, float32(x))
	}
	for x := -12.0; x <= 12; x += 0.0001 { // denser where the curves bend
		xs = append(xs, float32(x))
	}
	inf := float32(math.Inf(1))
	return append(xs, 0, float32(math.Copysign(0, -1)), -inf, inf, 88, -88, 89, -89,
		math.MaxFloat32, -math.MaxFloat32, 1e-30, -1e-30, 44, -44, 45, -45)
}

func TestActivations(t *testing.T) {
	funcs := []struct {
		name string
		f    func(dst, src []float32)
		ref  func(float64) float64
	}{
		{"Sigmoid", Sigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }},
		{"Tanh", Tanh, math.Tanh},
	}
	xs := activationInputs()
	for _, mode := range modes[:2] {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, fn := range funcs {
				got := make([]float32, len(xs))
				fn.f(got, xs)
				inPlace := append([]float32(nil), xs...)
				fn.f(inPlace, inPlace) // dst and src may alias
				worst, at := 0.0, float32(0)
				for i, x := range xs {
					want := fn.ref(float64(x))
					g := float64(got[i])
					if math.IsNaN(g) {
						t.Fatalf("%s(%v) = NaN", fn.name, x)
					}
					if d := math.Abs(g - want); d > worst {
						worst, at = d, x
					}
					if inPlace[i] != got[i] {
						t.Fatalf("%s(%v): in-place %v != %v", fn.name, x, inPlace[i], got[i])
					}
				}
				if worst > 1e-6 {
					t.Errorf("%s: max abs error %.3g at x=%v, want <= 1e-6", fn.name, worst, at)
				}
				// Saturation must be exact at the extremes.
				ends := []float32{float32(math.Inf(-1)), -100, 100, float32(math.Inf(1))}
				out := make([]float32, len(ends))
				fn.f(out, ends)
				lo := float32(0)
				if fn.name == "Tanh" {
					lo = -1
				}
				if out[0] != lo || out[1] != lo || out[2] != 1 || out[3] != 1 {
					t.Errorf("%s saturation at -inf,-100,100,inf = %v, want [%v %v 1 1]", fn.name, out, lo, lo)
				}
			}
		})
	}
}

func BenchmarkSigmoid(b *testing.B) {
	x := make([]float32, 65536)
	for i := range x {
		x[i] = float32(i%200)/10 - 10
	}
	dst := make([]float32, len(x))
	for i := 0; i < b.N; i++ {
		Sigmoid(dst, x)
	}
	b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
}

func BenchmarkTanh(b *testing.B) {
	x := make([]float32, 65536)
	for i := range x {
		x[i] = float32(i%200)/10 - 10
	}
	dst := make([]float32, len(x))
	for i := 0; i < b.N; i++ {
		Tanh(dst, x)
	}
	b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
}

// The activations allocate nothing, tail included (a step of a decoder
// whose width is not a multiple of 8 calls them every token).
func TestActivationsAllocateNothing(t *testing.T) {
	x := make([]float32, 13)
	if n := testing.AllocsPerRun(10, func() { Sigmoid(x, x); Tanh(x, x) }); n != 0 {
		t.Errorf("Sigmoid and Tanh of 13 values allocate %v times", n)
	}
}
