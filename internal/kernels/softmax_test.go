package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// softmaxRef is the textbook float64 softmax and log-partition.
func softmaxRef(x []float32) ([]float64, float64) {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, float64(v))
	}
	var s float64
	p := make([]float64, len(x))
	for i, v := range x {
		p[i] = math.Exp(float64(v) - m)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p, m + math.Log(s)
}

// Softmax against float64 at the sizes the models use and the awkward ones
// (1, 3, 7, 17, 1000, a 5,000-word vocabulary), from an unaligned start,
// in place, and with rows whose spread underflows most exponentials.
func TestSoftmax(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, mode := range modes[:2] {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, n := range []int{1, 3, 7, 8, 9, 17, 1000, 5000} {
				for _, spread := range []float64{1, 10, 200} {
					buf := make([]float32, n+1)
					x := buf[1:] // unaligned
					for i := range x {
						x[i] = float32(rng.NormFloat64() * spread)
					}
					want, wantZ := softmaxRef(x)
					got := make([]float32, n)
					z := Softmax(got, x)
					if math.Abs(z-wantZ) > 1e-5*math.Max(1, math.Abs(wantZ)) {
						t.Errorf("n=%d spread=%v: log Z = %v, want %v", n, spread, z, wantZ)
					}
					var sum float64
					for i := range got {
						sum += float64(got[i])
						if d := math.Abs(float64(got[i]) - want[i]); d > 1e-6+2e-6*want[i] {
							t.Fatalf("n=%d spread=%v: p[%d] = %v, want %v", n, spread, i, got[i], want[i])
						}
					}
					if math.Abs(sum-1) > 1e-5 {
						t.Errorf("n=%d: probabilities sum to %v", n, sum)
					}
					in := append([]float32(nil), x...)
					Softmax(in, in)
					for i := range in {
						if in[i] != got[i] {
							t.Fatalf("n=%d: in-place p[%d] = %v, out of place %v", n, i, in[i], got[i])
						}
					}
				}
			}
		})
	}
}

func TestMax(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, mode := range modes[:2] {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, n := range []int{1, 3, 8, 17, 1000} {
				for at := range min(n, 20) { // the maximum in every lane and in the tail
					x := make([]float32, n+1)[1:]
					for i := range x {
						x[i] = float32(rng.NormFloat64())
					}
					pos := (at * 7919) % n
					x[pos] = 100
					if got := Max(x); got != 100 {
						t.Fatalf("n=%d max at %d: got %v", n, pos, got)
					}
				}
			}
		})
	}
}

// AdamStep against the scalar update written out in float64.
func TestAdamStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	c := AdamCoeffs{Scale: 0.7, Beta1: 0.9, Beta2: 0.999, StepSize: 1e-3 / (1 - 0.9*0.9), InvSqrtC2: float32(1 / math.Sqrt(1-0.999*0.999)), Eps: 1e-8}
	for _, mode := range modes[:2] {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, n := range []int{1, 3, 8, 17, 1000} {
				mk := func(scale float64) []float32 {
					x := make([]float32, n+1)[1:]
					for i := range x {
						x[i] = float32(rng.NormFloat64() * scale)
					}
					return x
				}
				p, g, m, v := mk(1), mk(1), mk(0.1), mk(0.01)
				for i := range v {
					v[i] = float32(math.Abs(float64(v[i])))
				}
				if n > 2 {
					g[1] = 0 // a parameter without gradient still moves with its momentum
				}
				p0, m0, v0 := append([]float32(nil), p...), append([]float32(nil), m...), append([]float32(nil), v...)
				AdamStep(p, g, m, v, c)
				for j := range p {
					gj := float64(g[j]) * float64(c.Scale)
					mj := float64(c.Beta1)*float64(m0[j]) + (1-float64(c.Beta1))*gj
					vj := float64(c.Beta2)*float64(v0[j]) + (1-float64(c.Beta2))*gj*gj
					pj := float64(p0[j]) - float64(c.StepSize)*mj/(math.Sqrt(vj)*float64(c.InvSqrtC2)+float64(c.Eps))
					if !close32(m[j], mj) || !close32(v[j], vj) || !close32(p[j], pj) {
						t.Fatalf("n=%d j=%d: got p %v m %v v %v, want %v %v %v", n, j, p[j], m[j], v[j], pj, mj, vj)
					}
				}
			}
		})
	}
}

func close32(got float32, want float64) bool {
	return math.Abs(float64(got)-want) <= 1e-6*math.Max(1, math.Abs(want))
}

func TestScaleTo(t *testing.T) {
	for _, mode := range modes[:2] {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, n := range []int{0, 1, 3, 8, 17, 1000} {
				src := make([]float32, n+1)[1:]
				for i := range src {
					src[i] = float32(i) - 3.5
				}
				dst := make([]float32, n)
				ScaleTo(dst, src, -0.5)
				for i := range dst {
					if dst[i] != -0.5*src[i] {
						t.Fatalf("n=%d: dst[%d] = %v, want %v", n, i, dst[i], -0.5*src[i])
					}
				}
				Scal(2, dst)
				for i := range dst {
					if dst[i] != -src[i] {
						t.Fatalf("n=%d: Scal: %v, want %v", n, dst[i], -src[i])
					}
				}
			}
		})
	}
}

func TestLogSoftmax(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, mode := range modes[:2] {
		t.Run(mode.name, func(t *testing.T) {
			restore := mode.setup()
			defer restore()
			for _, n := range []int{1, 3, 8, 17, 5000} {
				x := make([]float32, n+1)[1:]
				for i := range x {
					x[i] = float32(rng.NormFloat64() * 5)
				}
				if n > 3 {
					x[2] = float32(math.Inf(-1))
				}
				p, _ := softmaxRef(x)
				got := make([]float32, n)
				if !LogSoftmax(got, x) {
					t.Fatalf("n=%d: refused finite logits", n)
				}
				for i := range got {
					want := math.Log(p[i])
					if math.IsInf(want, -1) {
						if !math.IsInf(float64(got[i]), -1) {
							t.Fatalf("n=%d: log p[%d] = %v, want -Inf", n, i, got[i])
						}
						continue
					}
					if math.Abs(float64(got[i])-want) > 2e-5*math.Max(1, math.Abs(want)) {
						t.Fatalf("n=%d: log p[%d] = %v, want %v", n, i, got[i], want)
					}
				}
			}
			big := []float32{1000, 1001} // log softmax = −log(1+e), 1 − log(1+e), to float32 precision
			got := make([]float32, 2)
			LogSoftmax(got, big)
			if want := -math.Log(1 + math.E); math.Abs(float64(got[0])-want) > 1e-6 || math.Abs(float64(got[1])-(1+want)) > 1e-6 {
				t.Errorf("LogSoftmax(1000, 1001) = %v, want %v, %v", got, want, 1+want)
			}
			for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1))} {
				x := []float32{1, 2, bad, 3, 4, 5, 6, 7, 8, 9}
				if LogSoftmax(make([]float32, len(x)), x) {
					t.Errorf("LogSoftmax accepted %v", bad)
				}
			}
		})
	}
}
