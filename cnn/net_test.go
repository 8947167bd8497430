package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/recur-dev/recur/nn"
	G "gorgonia.org/gorgonia"
)

// refForward is a direct plain-Go implementation of the blocks (nested
// loops, no im2col): conv 3×3 pad 1 → ReLU → max-pool 2×2, then the grid
// in time-major rows and its mean. It is the golden for Extract.
func refForward(n *Net, x []float32, B int) (grid, pooled []float32) {
	size, in := n.Config.Size, n.Config.InputChannels()
	cur := make([]float32, B*in*size*size)
	imgs := make([][]float32, B)
	for b := range imgs {
		imgs[b] = x[b*3*size*size : (b+1)*3*size*size]
	}
	n.Config.FillInput(cur, imgs)
	for _, f := range n.Filters {
		out := f.Shape[0]
		conv := make([]float32, B*out*size*size)
		for b := 0; b < B; b++ {
			for o := 0; o < out; o++ {
				for y := 0; y < size; y++ {
					for xx := 0; xx < size; xx++ {
						var s float64
						for c := 0; c < in; c++ {
							for ky := 0; ky < 3; ky++ {
								for kx := 0; kx < 3; kx++ {
									iy, ix := y+ky-1, xx+kx-1
									if iy < 0 || ix < 0 || iy >= size || ix >= size {
										continue
									}
									s += float64(cur[((b*in+c)*size+iy)*size+ix]) * float64(f.Data[((o*in+c)*3+ky)*3+kx])
								}
							}
						}
						conv[((b*out+o)*size+y)*size+xx] = float32(max(s, 0))
					}
				}
			}
		}
		half := size / 2
		pool := make([]float32, B*out*half*half)
		for bo := 0; bo < B*out; bo++ {
			for y := 0; y < half; y++ {
				for xx := 0; xx < half; xx++ {
					m := float32(math.Inf(-1))
					for dy := 0; dy < 2; dy++ {
						for dx := 0; dx < 2; dx++ {
							m = max(m, conv[(bo*size+2*y+dy)*size+2*xx+dx])
						}
					}
					pool[(bo*half+y)*half+xx] = m
				}
			}
		}
		cur, size, in = pool, half, out
	}
	S, C := size*size, in
	grid = make([]float32, S*B*C)
	pooled = make([]float32, B*C)
	for b := 0; b < B; b++ {
		for c := 0; c < C; c++ {
			for s := 0; s < S; s++ {
				v := cur[(b*C+c)*S+s]
				grid[(s*B+b)*C+c] = v
				pooled[b*C+c] += v / float32(S)
			}
		}
	}
	return grid, pooled
}

func randImages(rng *rand.Rand, B, size int) [][]float32 {
	out := make([][]float32, B)
	for i := range out {
		out[i] = make([]float32, 3*size*size)
		for j := range out[i] {
			out[i][j] = float32(rng.NormFloat64())
		}
	}
	return out
}

func TestExtractMatchesDirectConvolution(t *testing.T) {
	for _, cfg := range []Config{{Size: 8, Channels: []int{4}}, {Size: 8, Channels: []int{3, 5}}, {Size: 16, Channels: []int{4, 4, 6}}, {Size: 8, Channels: []int{3, 5}, Coords: true}} {
		t.Run(fmt.Sprint(cfg.Channels, cfg.Coords), func(t *testing.T) {
			n, err := New(cfg, 1)
			if err != nil {
				t.Fatal(err)
			}
			const B = 3
			imgs := randImages(rand.New(rand.NewPCG(5, 6)), B, cfg.Size)
			f, err := n.Extract(imgs)
			if err != nil {
				t.Fatal(err)
			}
			var x []float32
			for _, im := range imgs {
				x = append(x, im...)
			}
			grid, pooled := refForward(n, x, B)
			for i := range grid {
				if d := math.Abs(float64(grid[i] - f.Grid[i])); d > 1e-4*(1+math.Abs(float64(grid[i]))) {
					t.Fatalf("grid[%d] = %g, direct convolution gives %g", i, f.Grid[i], grid[i])
				}
			}
			for i := range pooled {
				if d := math.Abs(float64(pooled[i] - f.Pooled[i])); d > 1e-4*(1+math.Abs(float64(pooled[i]))) {
					t.Fatalf("pooled[%d] = %g, direct convolution gives %g", i, f.Pooled[i], pooled[i])
				}
			}
			cell := f.Cell(1)
			S, C := f.S, f.C
			for s := 0; s < S; s++ {
				for c := 0; c < C; c++ {
					if cell[s*C+c] != f.Grid[(s*B+1)*C+c] {
						t.Fatal("Cell(1) does not pick image 1's rows")
					}
				}
			}
		})
	}
}

// TestGradientsFiniteDifferences checks the filters' gradients through
// every op the net uses (nn's fused conv block and cells, gorgonia's
// Reshape and Mean) against central differences of a loss that reads all
// three outputs: cross-entropy of a linear layer over the pooled vector,
// one over every grid cell (so the transposed grid's gradient is checked
// too) and one over the flattened map.
func TestGradientsFiniteDifferences(t *testing.T) {
	for _, cfg := range []Config{{Size: 4, Channels: []int{3}}, {Size: 8, Channels: []int{3, 4}}, {Size: 8, Channels: []int{3, 4}, Coords: true}} {
		t.Run(fmt.Sprint(cfg.Channels, cfg.Coords), func(t *testing.T) {
			const B, V = 2, 5
			n, err := New(cfg, 2)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(7, 8))
			imgs := randImages(rng, B, cfg.Size)
			x := make([]float32, B*cfg.InputChannels()*cfg.Size*cfg.Size)
			cfg.FillInput(x, imgs)
			C := cfg.Features()
			S := cfg.GridSide() * cfg.GridSide()
			lp := nn.NewLinear("head.pool", C, V, rng)
			lg := nn.NewLinear("head.grid", C, V, rng)
			tp := []int{1, 3}
			tg := make([]int, S*B)
			for i := range tg {
				tg[i] = rng.IntN(V)
			}
			lf := nn.NewLinear("head.flat", C*S, V, rng)
			g := nn.NewGraph(true, 1)
			o, err := n.GraphAll(g, g.Floats("x", x, B, cfg.InputChannels(), cfg.Size, cfg.Size), B)
			if err != nil {
				t.Fatal(err)
			}
			loss := G.Must(G.Add(g.CrossEntropy(g.Linear(lp, o.Pooled), g.Ints("tp", tp), 0),
				g.CrossEntropy(g.Linear(lg, o.Grid), g.Ints("tg", tg), 0)))
			loss = G.Must(G.Add(loss, g.CrossEntropy(g.Linear(lf, o.Flat), g.Ints("tf", []int{0, 4}), 0)))
			m, err := g.Compile(loss)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Run(); err != nil {
				t.Fatal(err)
			}
			for _, p := range n.Filters {
				ana := append([]float32(nil), p.Grad...)
				// eps 1e-3: larger steps cross ReLU and max-pool kinks in a net
				// this small and the difference quotient stops being a derivative.
				const eps = 1e-3
				for k := 0; k < 20; k++ {
					i := rng.IntN(p.Size())
					old := p.Data[i]
					p.Data[i] = old + eps
					up, err := m.Forward()
					if err != nil {
						t.Fatal(err)
					}
					p.Data[i] = old - eps
					down, _ := m.Forward()
					p.Data[i] = old
					num := float64(up-down) / (2 * eps)
					if math.Abs(num-float64(ana[i])) > 2e-3+3e-2*math.Abs(num) {
						t.Errorf("%s[%d]: analytic %.6g, finite difference %.6g", p.Name, i, ana[i], num)
					}
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Size: 64}, "0 conv blocks"},
		{Config{Size: 64, Channels: []int{0}}, "block 1 has 0 channels"},
		{Config{Size: 60, Channels: []int{8, 8, 8}}, "multiple of 8"},
	} {
		err := c.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkExtract times a forward pass over 32 images of the default
// config (the captioning benchmark's CNN).
func BenchmarkExtract(b *testing.B) {
	n, _ := New(DefaultConfig(), 1)
	imgs := randImages(rand.New(rand.NewPCG(1, 1)), 32, 64)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := n.Extract(imgs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(32*b.N)/b.Elapsed().Seconds(), "images/s")
}
