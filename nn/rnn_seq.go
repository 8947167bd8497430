package nn

// seqCache holds what a whole-sequence forward pass keeps for its backward
// pass, reused across calls of the same shape so training allocates nothing
// per step once warm.
type seqCache struct {
	T, B int
	x    []float32 // the input [T·B, In], as given (not copied)
	hs   []float32 // [(T+1)·B, H]: h₀, then the output of every step
	cs   []float32 // LSTM: [(T+1)·B, H]: c₀, then every cell state
	tc   []float32 // LSTM: tanh(c_t) [T·B, H]
	act  []float32 // activated gates [T·B, G·H] (LSTM i f g o; GRU r z n)
	hn   []float32 // GRU: W_hn h_{t-1} + b_hn [T·B, H]
	bias []float32 // LSTM: b_ih + b_hh
	hg   []float32 // GRU: per-step recurrent product [B, 3H]
	// lengths, when set, gives each row's real length: steps t >= lengths[b]
	// leave row b's state unchanged (so the state after the last step is
	// the state after its last real token) and pass gradients straight
	// through. Padding never reaches the final state.
	lengths []int
	// backward scratch
	dG, dHG    []float32
	dh, dc, dt []float32
}

// frozen reports whether row b is past its end at step t.
func (c *seqCache) frozen(t, b int) bool { return c.lengths != nil && t >= c.lengths[b] }

func (c *seqCache) prepare(l *RNNLayer, T, B int) {
	H, G := l.Hidden, l.Cell.Gates()*l.Hidden
	c.T, c.B = T, B
	c.hs = grow(c.hs, (T+1)*B*H)
	c.act = grow(c.act, T*B*G)
	if l.Cell == LSTM {
		c.cs = grow(c.cs, (T+1)*B*H)
		c.tc = grow(c.tc, T*B*H)
		c.bias = grow(c.bias, G)
	} else {
		c.hn = grow(c.hn, T*B*H)
		c.hg = grow(c.hg, B*G)
	}
}

// Final returns views of the last step's hidden and (LSTM) cell state, [B, H].
func (c *seqCache) Final() (h, cell []float32) {
	n := len(c.hs) / (c.T + 1) // B·H
	h = c.hs[c.T*n : (c.T+1)*n]
	if c.cs != nil {
		cell = c.cs[c.T*n : (c.T+1)*n]
	}
	return h, cell
}

// Forward runs the layer over a whole time-major sequence x [T·B, In] from
// state h0 (and c0 for an LSTM; nil means zeros), keeping activations in c.
//
// The input projection of all steps is one product X·W_ihᵀ; each step then
// adds its recurrent product h_{t-1}·W_hhᵀ and applies the cell's gate
// arithmetic (lstmCell, gruCell) row by row, in place.
func (l *RNNLayer) Forward(c *seqCache, T, B int, x, h0, c0 []float32) {
	c.prepare(l, T, B)
	c.x = x
	H, G := l.Hidden, l.Cell.Gates()*l.Hidden
	copyOrZero(c.hs[:B*H], h0)
	gemm(false, true, T*B, G, l.In, 1, x, l.In, l.Wih.Data, l.In, 0, c.act, G)
	if l.Cell == LSTM {
		l.forwardLSTM(c, c0)
		return
	}
	l.forwardGRU(c)
}

// forwardLSTM is Forward's recurrence for an LSTM. Both biases are added
// to the input projection once, since the gates only see their sum.
func (l *RNNLayer) forwardLSTM(c *seqCache, c0 []float32) {
	T, B := c.T, c.B
	H, G := l.Hidden, l.Cell.Gates()*l.Hidden
	copyOrZero(c.cs[:B*H], c0)
	for j := range c.bias {
		c.bias[j] = l.Bih.Data[j] + l.Bhh.Data[j]
	}
	addRowVec(c.act, T*B, c.bias)
	for t := 0; t < T; t++ {
		gt := c.act[t*B*G : (t+1)*B*G]
		gemm(false, true, B, G, H, 1, c.hs[t*B*H:(t+1)*B*H], H, l.Whh.Data, H, 1, gt, G)
		for b := 0; b < B; b++ {
			cp := c.cs[(t*B+b)*H : (t*B+b+1)*H]
			cn := c.cs[((t+1)*B+b)*H : ((t+1)*B+b+1)*H]
			hn := c.hs[((t+1)*B+b)*H : ((t+1)*B+b+1)*H]
			lstmCell(gt[b*G:(b+1)*G], cp, cn, c.tc[(t*B+b)*H:(t*B+b+1)*H], hn)
			if c.frozen(t, b) {
				copy(cn, cp)
				copy(hn, c.hs[(t*B+b)*H:(t*B+b+1)*H])
			}
		}
	}
}

// forwardGRU is Forward's recurrence for a GRU. The recurrent side keeps
// its own bias (the reset gate scales W_hn h + b_hn), so each step's
// recurrent product goes to a separate buffer.
func (l *RNNLayer) forwardGRU(c *seqCache) {
	T, B := c.T, c.B
	H, G := l.Hidden, l.Cell.Gates()*l.Hidden
	addRowVec(c.act, T*B, l.Bih.Data)
	for t := 0; t < T; t++ {
		gt := c.act[t*B*G : (t+1)*B*G]
		hp := c.hs[t*B*H : (t+1)*B*H]
		for b := 0; b < B; b++ {
			copy(c.hg[b*G:(b+1)*G], l.Bhh.Data)
		}
		gemm(false, true, B, G, H, 1, hp, H, l.Whh.Data, H, 1, c.hg, G)
		for b := 0; b < B; b++ {
			hprev := hp[b*H : (b+1)*H]
			hnew := c.hs[((t+1)*B+b)*H : ((t+1)*B+b+1)*H]
			gruCell(gt[b*G:(b+1)*G], c.hg[b*G:(b+1)*G], c.hn[(t*B+b)*H:(t*B+b+1)*H], hprev, hnew)
			if c.frozen(t, b) {
				copy(hnew, hprev)
			}
		}
	}
}

// RNNGrads receives a layer's gradients; nil fields are not computed.
type RNNGrads struct {
	X, H0, C0          []float32
	Wih, Whh, Bih, Bhh []float32
}

// Backward propagates dY [T·B, H] (the loss gradient w.r.t. every step's
// output) and optionally dhT, dcT (w.r.t. the final state) back through time,
// overwriting the non-nil fields of g.
//
// Per step only the B×G×H product dh_{t-1} = dA_t·W_hh is sequential. The
// weight gradients are then one product each over all steps,
// dW_hh = dAᵀ·[h₀ … h_{T-1}] and dW_ih = dAᵀ·X, and the input gradient is
// dX = dA·W_ih, where dA holds the pre-activation gate gradients (for a
// GRU, whose reset gate scales the recurrent side, dW_hh and db_hh use the
// recurrent side's own dA).
func (l *RNNLayer) Backward(c *seqCache, dY, dhT, dcT []float32, g RNNGrads) {
	T, B := c.T, c.B
	H, G := l.Hidden, l.Cell.Gates()*l.Hidden
	N := T * B
	c.dG = grow(c.dG, N*G)
	c.dh = grow(c.dh, B*H)
	copyOrZero(c.dh, dhT)
	c.dt = grow(c.dt, B*H)
	var dhh []float32 // gradient w.r.t. the recurrent pre-activations
	if l.Cell == LSTM {
		dhh = l.backwardLSTM(c, dY, dcT, g.C0)
	} else {
		dhh = l.backwardGRU(c, dY)
	}
	if g.H0 != nil {
		copy(g.H0, c.dh)
	}
	if g.Whh != nil {
		gemm(true, false, G, H, N, 1, dhh, G, c.hs[:N*H], H, 0, g.Whh, H)
	}
	if g.Bhh != nil {
		clear(g.Bhh)
		colSum(g.Bhh, dhh, N)
	}
	if g.Wih != nil {
		gemm(true, false, G, l.In, N, 1, c.dG, G, c.x, l.In, 0, g.Wih, l.In)
	}
	if g.Bih != nil {
		clear(g.Bih)
		colSum(g.Bih, c.dG, N)
	}
	if g.X != nil {
		gemm(false, false, N, l.In, G, 1, c.dG, G, l.Wih.Data, l.In, 0, g.X, l.In)
	}
}

// backwardLSTM runs Backward's recurrence for an LSTM, leaving the gate
// gradients in c.dG (shared by the input and the recurrent side, which it
// returns), the gradient w.r.t. h₀ in c.dh and, if dC0 is not nil, the
// one w.r.t. c₀ in dC0. A frozen row (past its length) passes its
// gradients straight through: h_t = h_{t-1}, c_t = c_{t-1}.
func (l *RNNLayer) backwardLSTM(c *seqCache, dY, dcT, dC0 []float32) []float32 {
	T, B := c.T, c.B
	H, G := l.Hidden, l.Cell.Gates()*l.Hidden
	c.dc = grow(c.dc, B*H)
	copyOrZero(c.dc, dcT)
	for t := T - 1; t >= 0; t-- {
		for b := 0; b < B; b++ {
			k := t*B + b
			d := c.dG[k*G : (k+1)*G]
			dy := dY[k*H : (k+1)*H]
			dh := c.dh[b*H : (b+1)*H]
			if c.frozen(t, b) {
				clear(d)
				st := c.dt[b*H : (b+1)*H]
				for j := range st {
					st[j] = dh[j] + dy[j]
				}
				continue
			}
			lstmCellBackward(c.act[k*G:(k+1)*G], c.tc[k*H:(k+1)*H], c.cs[k*H:(k+1)*H], dh, dy, c.dc[b*H:(b+1)*H], d)
		}
		gemm(false, false, B, H, G, 1, c.dG[t*B*G:(t+1)*B*G], G, l.Whh.Data, H, 0, c.dh, H)
		if c.lengths != nil {
			for b := 0; b < B; b++ {
				if c.frozen(t, b) {
					copy(c.dh[b*H:(b+1)*H], c.dt[b*H:(b+1)*H])
				}
			}
		}
	}
	if dC0 != nil {
		copy(dC0, c.dc)
	}
	return c.dG
}

// backwardGRU runs Backward's recurrence for a GRU, leaving the input
// side's gate gradients in c.dG, the recurrent side's in c.dHG (which it
// returns) and the gradient w.r.t. h₀ in c.dh. A frozen row passes its
// gradient straight through: h_t = h_{t-1}.
func (l *RNNLayer) backwardGRU(c *seqCache, dY []float32) []float32 {
	T, B := c.T, c.B
	H, G := l.Hidden, l.Cell.Gates()*l.Hidden
	c.dHG = grow(c.dHG, T*B*G)
	for t := T - 1; t >= 0; t-- {
		for b := 0; b < B; b++ {
			k := t*B + b
			dx := c.dG[k*G : (k+1)*G]
			dr := c.dHG[k*G : (k+1)*G]
			dy := dY[k*H : (k+1)*H]
			dh := c.dh[b*H : (b+1)*H]
			if c.frozen(t, b) {
				clear(dx)
				clear(dr)
				for j := range dh {
					dh[j] += dy[j]
				}
				continue
			}
			gruCellBackward(c.act[k*G:(k+1)*G], c.hn[k*H:(k+1)*H], c.hs[k*H:(k+1)*H], dh, dy, dx, dr, dh)
		}
		gemm(false, false, B, H, G, 1, c.dHG[t*B*G:(t+1)*B*G], G, l.Whh.Data, H, 1, c.dh, H)
	}
	return c.dHG
}
