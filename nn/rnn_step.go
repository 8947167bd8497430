package nn

// StepWork is scratch space for RNNLayer.Step, sized by the caller once
// (so a decoding loop allocates nothing per token). Each goroutine needs its
// own.
type StepWork struct{ gates, hg []float32 }

// Step advances the layer by one time step for B rows at once: x [B, In],
// h [B, H] (and c [B, H] for an LSTM) are updated in place. The arithmetic
// is Forward's, one step at a time, without a graph.
func (l *RNNLayer) Step(w *StepWork, B int, x, h, c []float32) {
	G := l.Cell.Gates() * l.Hidden
	w.gates = grow(w.gates, B*G)
	for b := 0; b < B; b++ {
		copy(w.gates[b*G:(b+1)*G], l.Bih.Data)
	}
	matmulT(B, G, l.In, x, l.Wih.Data, w.gates)
	l.StepGates(w, B, w.gates, h, c)
}

// InputGates computes x·W_ihᵀ + b_ih for rows of x [n, In] into out
// [n, G·H]: what Step needs from the input. A decoder can tabulate it for
// every token of its vocabulary once, so that a step only looks it up.
func (l *RNNLayer) InputGates(n int, x, out []float32) {
	G := l.Cell.Gates() * l.Hidden
	for b := 0; b < n; b++ {
		copy(out[b*G:(b+1)*G], l.Bih.Data)
	}
	matmulT(n, G, l.In, x, l.Wih.Data, out)
}

// StepGates is Step after the input projection: gates [B, G·H] holds
// x·W_ihᵀ + b_ih for each row and is overwritten.
func (l *RNNLayer) StepGates(w *StepWork, B int, gates, h, c []float32) {
	H, G := l.Hidden, l.Cell.Gates()*l.Hidden
	if l.Cell == LSTM {
		for b := 0; b < B; b++ {
			row := gates[b*G : (b+1)*G]
			for j, v := range l.Bhh.Data {
				row[j] += v
			}
		}
		matmulT(B, G, H, h, l.Whh.Data, gates)
		for b := 0; b < B; b++ {
			cb, hb := c[b*H:(b+1)*H], h[b*H:(b+1)*H]
			lstmCell(gates[b*G:(b+1)*G], cb, cb, hb, hb)
		}
		return
	}
	w.hg = grow(w.hg, B*G)
	for b := 0; b < B; b++ {
		copy(w.hg[b*G:(b+1)*G], l.Bhh.Data)
	}
	matmulT(B, G, H, h, l.Whh.Data, w.hg)
	for b := 0; b < B; b++ {
		hb := h[b*H : (b+1)*H]
		gruCell(gates[b*G:(b+1)*G], w.hg[b*G:(b+1)*G], nil, hb, hb)
	}
}

// Gates returns the scratch gate buffer sized for B rows.
func (w *StepWork) Gates(B, width int) []float32 {
	w.gates = grow(w.gates, B*width)
	return w.gates
}

// ForwardState runs a whole sequence for one stream, x [T, In], starting from and
// leaving the final state in h, c: the fast way to read a prompt (one input
// product for all steps). The cache is reused across calls.
func (l *RNNLayer) ForwardState(cache *SeqCache, T, B int, x, h, c []float32) []float32 {
	l.Forward(&cache.c, T, B, x, h, c)
	fh, fc := cache.c.Final()
	copy(h, fh)
	if c != nil {
		copy(c, fc)
	}
	H := l.Hidden
	return cache.c.hs[B*H : (T+1)*B*H]
}

// SeqCache is an opaque reusable workspace for ForwardState.
type SeqCache struct{ c seqCache }
