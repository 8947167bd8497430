package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/recur-dev/recur/internal/kernels"
)

// Param is one trainable tensor: its values and the gradient of the loss
// with respect to them, both row-major float32 slices of the same length.
// The gorgonia graph reads Data without copying (the weight node's tensor is
// backed by it) and the optimizer updates Data in place.
type Param struct {
	Name  string
	Shape []int
	Data  []float32
	Grad  []float32
}

// NewParam allocates a zeroed parameter.
func NewParam(name string, shape ...int) *Param {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return &Param{Name: name, Shape: append([]int(nil), shape...), Data: make([]float32, n), Grad: make([]float32, n)}
}

// Size is the number of elements.
func (p *Param) Size() int { return len(p.Data) }

// Uniform fills the values from U(-bound, bound).
func (p *Param) Uniform(rng *rand.Rand, bound float64) {
	for i := range p.Data {
		p.Data[i] = float32((rng.Float64()*2 - 1) * bound)
	}
}

// Normal fills the values from N(0, std²).
func (p *Param) Normal(rng *rand.Rand, std float64) {
	for i := range p.Data {
		p.Data[i] = float32(rng.NormFloat64() * std)
	}
}

// ZeroGrad clears the gradient.
func (p *Param) ZeroGrad() { clear(p.Grad) }

// Params is an ordered set of parameters, in the order a model file stores them.
type Params []*Param

// Count is the total number of scalar parameters.
func (ps Params) Count() int {
	n := 0
	for _, p := range ps {
		n += p.Size()
	}
	return n
}

// ZeroGrad clears every gradient.
func (ps Params) ZeroGrad() {
	for _, p := range ps {
		p.ZeroGrad()
	}
}

// ByName finds a parameter.
func (ps Params) ByName(name string) (*Param, error) {
	for _, p := range ps {
		if p.Name == name {
			return p, nil
		}
	}
	return nil, fmt.Errorf("no parameter named %q", name)
}

// GradNorm is the global L2 norm of all gradients, accumulated in float64.
func (ps Params) GradNorm() float64 {
	// Vector dot products over blocks of 4,096, summed in float64: the
	// float32 partial sums stay short enough to be exact to ~1e-7.
	var s float64
	for _, p := range ps {
		g := p.Grad
		for len(g) > 0 {
			n := min(len(g), 4096)
			s += float64(kernels.Dot(g[:n], g[:n]))
			g = g[n:]
		}
	}
	return math.Sqrt(s)
}
