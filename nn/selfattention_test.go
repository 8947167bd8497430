package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/recur-dev/recur/internal/kernels"
)

// naiveSelfAttention is the definition, in float64, without dropout:
// per sequence and head, softmax over j ≤ i of q_i·k_j/√d, then Σ p_ij v_j.
func naiveSelfAttention(qkv []float32, B, T, H, C int) []float64 {
	d := C / H
	out := make([]float64, B*T*C)
	for b := 0; b < B; b++ {
		for h := 0; h < H; h++ {
			for i := 0; i < T; i++ {
				q := qkv[(b*T+i)*3*C+h*d:]
				s := make([]float64, i+1)
				mx := math.Inf(-1)
				for j := 0; j <= i; j++ {
					k := qkv[(b*T+j)*3*C+C+h*d:]
					for e := 0; e < d; e++ {
						s[j] += float64(q[e]) * float64(k[e])
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
					v := qkv[(b*T+j)*3*C+2*C+h*d:]
					for e := 0; e < d; e++ {
						out[(b*T+i)*C+h*d+e] += s[j] / z * float64(v[e])
					}
				}
			}
		}
	}
	return out
}

// Causal multi-head self-attention: output against the definition, and the
// gradient of qkv by finite differences, without and with attention
// dropout (the mask depends only on the seed and step, so it stays fixed
// across the finite-difference forwards).
func TestSelfAttention(t *testing.T) {
	for _, block := range []int{64, 2, 3} { // one block; 2 + 2 + 2 + 1 and 3 + 3 + 1 queries
		old := causalBlock
		causalBlock = block
		testSelfAttention(t)
		causalBlock = old
	}
}

func testSelfAttention(t *testing.T) {
	const B, T, H, C, V = 2, 7, 2, 6, 5
	for _, p := range []float64{0, 0.3} {
		rng := rand.New(rand.NewPCG(11, 12))
		x := NewParam("qkv", B*T, 3*C)
		x.Normal(rng, 1)
		head := NewParam("head", V, C)
		head.Normal(rng, 1)
		targets := make([]int, B*T)
		for i := range targets {
			targets[i] = rng.IntN(V)
		}
		g := NewGraph(true, 5)
		g.Step = 3
		y := g.SelfAttention(g.Param(x), B, T, H, p)
		m, err := g.Compile(g.CrossEntropy(g.MatMulT(y, head), g.Ints("t", targets), 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Run(); err != nil {
			t.Fatal(err)
		}
		if p == 0 {
			out := g.Output(y)
			want := naiveSelfAttention(x.Data, B, T, H, C)
			for i := range want {
				if math.Abs(float64(out[i])-want[i]) > 1e-5 {
					t.Fatalf("out[%d] = %v, definition %v", i, out[i], want[i])
				}
			}
		} else {
			// Some of the visible probabilities (j ≤ i) must have been
			// dropped, not all.
			k := y.Op().(*fusedOp).k.(*selfAttentionKernel)
			zeros, visible := 0, 0
			for pair := 0; pair < B*H; pair++ {
				for i := 0; i < T; i++ {
					for j := 0; j <= i; j++ {
						visible++
						if k.mask[(pair*T+i)*T+j] == 0 {
							zeros++
						}
					}
				}
			}
			if zeros == 0 || zeros == visible {
				t.Fatalf("dropout mask drops %d of %d visible probabilities", zeros, visible)
			}
		}
		checkFiniteDifferences(t, m, Params{x, head}, 1e-2, 1e-3, 1e-2)
	}
}

// Heads split over threads give exactly the values and gradients of one
// thread (each head is computed the same way, into its own columns).
func TestSelfAttentionThreads(t *testing.T) {
	const B, T, H, C, V = 2, 32, 4, 64, 5
	run := func(threads int) (out, grad []float32) {
		old := kernels.Threads()
		kernels.SetThreads(threads)
		defer kernels.SetThreads(old)
		rng := rand.New(rand.NewPCG(15, 16))
		x := NewParam("qkv", B*T, 3*C)
		x.Normal(rng, 1)
		head := NewParam("head", V, C)
		head.Normal(rng, 1)
		targets := make([]int, B*T)
		for i := range targets {
			targets[i] = rng.IntN(V)
		}
		g := NewGraph(true, 5)
		y := g.SelfAttention(g.Param(x), B, T, H, 0.1)
		m, err := g.Compile(g.CrossEntropy(g.MatMulT(y, head), g.Ints("t", targets), 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Run(); err != nil {
			t.Fatal(err)
		}
		return append([]float32(nil), g.Output(y)...), x.Grad
	}
	o1, g1 := run(1)
	o2, g2 := run(2)
	for i := range o1 {
		if o1[i] != o2[i] {
			t.Fatalf("out[%d]: %v on one thread, %v on two", i, o1[i], o2[i])
		}
	}
	for i := range g1 {
		if g1[i] != g2[i] {
			t.Fatalf("grad[%d]: %v on one thread, %v on two", i, g1[i], g2[i])
		}
	}
}
