package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/recur-dev/recur/internal/kernels"
)

// directConv is the textbook definition, for checking the im2col route:
// y[b,k,i,j] = Σ_c,dy,dx w[k,c,dy,dx]·x[b,c,i+dy−1,j+dx−1] (0 outside),
// then ReLU and the max of each 2×2 window.
func directConv(x, w []float32, B, C, H, W, K int) []float32 {
	out := make([]float32, B*K*(H/2)*(W/2))
	for b := 0; b < B; b++ {
		for k := 0; k < K; k++ {
			conv := func(i, j int) float64 {
				var s float64
				for c := 0; c < C; c++ {
					for dy := 0; dy < 3; dy++ {
						for dx := 0; dx < 3; dx++ {
							si, sj := i+dy-1, j+dx-1
							if si >= 0 && si < H && sj >= 0 && sj < W {
								s += float64(w[((k*C+c)*3+dy)*3+dx]) * float64(x[((b*C+c)*H+si)*W+sj])
							}
						}
					}
				}
				return math.Max(s, 0)
			}
			for i := 0; i < H/2; i++ {
				for j := 0; j < W/2; j++ {
					m := math.Max(math.Max(conv(2*i, 2*j), conv(2*i, 2*j+1)), math.Max(conv(2*i+1, 2*j), conv(2*i+1, 2*j+1)))
					out[((b*K+k)*(H/2)+i)*(W/2)+j] = float32(m)
				}
			}
		}
	}
	return out
}

// Both graph kinds: a training graph keeps each image's unfolding from the
// forward pass for the backward pass, an inference graph unfolds again.
func TestConvBlock(t *testing.T) {
	for _, train := range []bool{false, true} {
		t.Run(fmt.Sprintf("train=%v", train), func(t *testing.T) { testConvBlock(t, train) })
	}
}

func testConvBlock(t *testing.T, train bool) {
	const B, C, H, W, K, V = 2, 3, 8, 4, 5, 4
	rng := rand.New(rand.NewPCG(21, 22))
	img := NewParam("img", B, C, H, W) // a parameter here, so its gradient is checked too
	img.Normal(rng, 1)
	f1 := NewParam("conv0", K, C, 3, 3)
	f1.Normal(rng, 0.5)
	f2 := NewParam("conv1", 4, K, 3, 3)
	f2.Normal(rng, 0.5)
	out := NewLinear("out", 4, V, rng)
	targets := make([]int, 2*1*B)
	for i := range targets {
		targets[i] = rng.IntN(V)
	}
	g := NewGraph(train, 1)
	h1 := g.ConvBlock(g.Param(img), f1, true)
	h2 := g.ConvBlock(h1, f2, true)
	cells := g.Cells(h2) // [2·1·B, 4]
	m, err := g.Compile(g.CrossEntropy(g.Linear(out, cells), g.Ints("t", targets), 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(); err != nil {
		t.Fatal(err)
	}
	// Forward against the direct definition, for both blocks.
	want1 := directConv(img.Data, f1.Data, B, C, H, W, K)
	want2 := directConv(want1, f2.Data, B, K, H/2, W/2, 4)
	for _, c := range []struct {
		got, want []float32
	}{{g.Output(h1), want1}, {g.Output(h2), want2}} {
		for i := range c.want {
			if math.Abs(float64(c.got[i]-c.want[i])) > 1e-4 {
				t.Fatalf("conv block output %d: %v, direct %v", i, c.got[i], c.want[i])
			}
		}
	}
	checkFiniteDifferences(t, m, Params{img, f1, f2}, 1e-3, 2e-3, 2e-2)
}

// Splitting images over workers changes the order of the filter-gradient
// sums, nothing else.
func TestConvBlockThreadsAgree(t *testing.T) {
	defer kernels.SetThreads(kernels.Threads())
	rng := rand.New(rand.NewPCG(5, 5))
	img := NewParam("img", 5, 2, 4, 4)
	img.Normal(rng, 1)
	f := NewParam("f", 3, 2, 3, 3)
	f.Normal(rng, 0.5)
	out := NewLinear("o", 3, 2, rng)
	run := func(threads int) ([]float32, []float32) {
		kernels.SetThreads(threads)
		g := NewGraph(false, 1)
		m, err := g.Compile(g.CrossEntropy(g.Linear(out, g.Cells(g.ConvBlock(g.Param(img), f, true))), g.Ints("t", make([]int, 4*5)), 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Run(); err != nil {
			t.Fatal(err)
		}
		return append([]float32(nil), f.Grad...), append([]float32(nil), img.Grad...)
	}
	f1, i1 := run(1)
	f2, i2 := run(2)
	for i := range f1 {
		if math.Abs(float64(f1[i]-f2[i])) > 1e-5 {
			t.Fatalf("filter grad %d: 1 thread %v, 2 threads %v", i, f1[i], f2[i])
		}
	}
	for i := range i1 {
		if i1[i] != i2[i] {
			t.Fatalf("input grad %d differs: %v vs %v", i, i1[i], i2[i])
		}
	}
}
