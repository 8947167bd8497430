package nn

import (
	"math"
	"testing"
)

// checkFiniteDifferences compares the analytic gradients that m's last Run
// left in params with central differences of m.Forward, step h:
// (L(θ+h) − L(θ−h)) / 2h must agree within atol + rtol·|analytic|.
func checkFiniteDifferences(t *testing.T, m *Machine, params Params, h, atol, rtol float64) {
	t.Helper()
	for _, p := range params {
		ana := append([]float32(nil), p.Grad...)
		for i := range p.Data {
			old := p.Data[i]
			p.Data[i] = old + float32(h)
			up, _ := m.Forward()
			p.Data[i] = old - float32(h)
			down, _ := m.Forward()
			p.Data[i] = old
			num := float64(up-down) / (2 * h)
			if math.Abs(num-float64(ana[i])) > atol+rtol*math.Abs(float64(ana[i])) {
				t.Errorf("%s[%d]: analytic %.6g, finite difference %.6g", p.Name, i, ana[i], num)
			}
		}
	}
}
