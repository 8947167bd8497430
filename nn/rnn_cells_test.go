package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCellBackwardFiniteDifferences checks each cell's row-level backward
// pass (the equations in rnn_cells.go) against central differences of
// L = Σ u ⊙ h' (+ Σ v ⊙ c' for the LSTM), input by input: the gate
// pre-activations, the recurrent side (GRU) and the previous state. The
// whole-layer passes are checked through a graph in gradcheck_test.go.
func TestCellBackwardFiniteDifferences(t *testing.T) {
	const H, eps, tol = 5, 1e-2, 2e-3
	rng := rand.New(rand.NewPCG(4, 2))
	vec := func(n int, scale float32) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = scale * float32(rng.NormFloat64())
		}
		return v
	}
	dot := func(a, b []float32) float64 {
		s := 0.0
		for i := range a {
			s += float64(a[i]) * float64(b[i])
		}
		return s
	}
	check := func(t *testing.T, name string, x, grad []float32, loss func() float64) {
		t.Helper()
		for i := range x {
			old := x[i]
			x[i] = old + eps
			up := loss()
			x[i] = old - eps
			down := loss()
			x[i] = old
			fd := (up - down) / (2 * eps)
			if math.Abs(fd-float64(grad[i])) > tol*(1+math.Abs(fd)) {
				t.Errorf("d%s[%d]: backward %.5f, finite differences %.5f", name, i, grad[i], fd)
			}
		}
	}

	t.Run("lstm", func(t *testing.T) {
		pre, cprev, u, v := vec(4*H, 1), vec(H, 1), vec(H, 1), vec(H, 1)
		loss := func() float64 {
			row := append([]float32(nil), pre...)
			c, tc, h := make([]float32, H), make([]float32, H), make([]float32, H)
			lstmCell(row, cprev, c, tc, h)
			return dot(u, h) + dot(v, c)
		}
		row := append([]float32(nil), pre...)
		c, tc, h := make([]float32, H), make([]float32, H), make([]float32, H)
		lstmCell(row, cprev, c, tc, h)
		dc := append([]float32(nil), v...)
		d := make([]float32, 4*H)
		lstmCellBackward(row, tc, cprev, u, make([]float32, H), dc, d)
		check(t, "pre", pre, d, loss)
		check(t, "c", cprev, dc, loss)
	})

	t.Run("gru", func(t *testing.T) {
		pre, hg, hprev, u := vec(3*H, 1), vec(3*H, 1), vec(H, 1), vec(H, 1)
		loss := func() float64 {
			row := append([]float32(nil), pre...)
			h := make([]float32, H)
			gruCell(row, hg, nil, hprev, h)
			return dot(u, h)
		}
		row := append([]float32(nil), pre...)
		hn, h := make([]float32, H), make([]float32, H)
		gruCell(row, hg, hn, hprev, h)
		dx, dr, dprev := make([]float32, 3*H), make([]float32, 3*H), make([]float32, H)
		gruCellBackward(row, hn, hprev, u, make([]float32, H), dx, dr, dprev)
		check(t, "input side", pre, dx, loss)
		check(t, "recurrent side", hg, dr, loss)
		// With the recurrent side held fixed, h reaches h' only through
		// z ⊙ h: the direct part dprev.
		check(t, "h (direct)", hprev, dprev, loss)
	})
}
