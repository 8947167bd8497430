package nn

// The gate arithmetic of one row (one batch element at one step) of each
// cell, forward and backward, shared by the whole-sequence passes
// (rnn_seq.go), the inference step (rnn_step.go) and the Bahdanau decoder.
// The products with W_ih and W_hh stay with the callers, which batch them
// over rows (and, for W_ih, over steps).

// lstmCell is PyTorch's LSTM gate arithmetic for one row: row holds the
// summed pre-activations of i, f, g, o [4H] (W_i x + b_i + W_h h + b_h)
// and is overwritten with their activations, then
//
//	i, f, o = σ(·),  g = tanh(·)
//	c' = f ⊙ c + i ⊙ g,  tc = tanh(c'),  h' = o ⊙ tc
//
// cnew may alias cprev, and tc may alias hnew (the step keeps no tanh(c')).
func lstmCell(row, cprev, cnew, tc, hnew []float32) {
	H := len(cprev)
	sigmoid(row[:2*H], row[:2*H])
	tanh(row[2*H:3*H], row[2*H:3*H])
	sigmoid(row[3*H:], row[3*H:])
	i, f, g, o := row[:H], row[H:2*H], row[2*H:3*H], row[3*H:]
	for j := range cnew {
		cnew[j] = f[j]*cprev[j] + i[j]*g[j]
	}
	tanh(tc, cnew)
	for j := range hnew {
		hnew[j] = o[j] * tc[j]
	}
}

// lstmCellBackward is lstmCell's backward pass for one row, given the
// activated gates (row), tc = tanh(c') and c. With the gradient w.r.t. h'
// being dnext + dy and dc holding the gradient w.r.t. c' (from the step
// after), it writes the pre-activation gradients of the gates into d [4H]
// and overwrites dc with the gradient w.r.t. c:
//
//	δh = dnext + dy,  δc = dc + δh ⊙ o ⊙ (1 − tc²)
//	δi = δc ⊙ g ⊙ i(1 − i),  δf = δc ⊙ c ⊙ f(1 − f)
//	δg = δc ⊙ i ⊙ (1 − g²),  δo = δh ⊙ tc ⊙ o(1 − o)
//	d = [δi, δf, δg, δo],  dc ← δc ⊙ f
//
// The input and the recurrent side share the pre-activations, so d is the
// gradient of both; the caller computes the gradient w.r.t. h as d·W_h.
func lstmCellBackward(row, tc, cprev, dnext, dy, dc, d []float32) {
	H := len(cprev)
	i, f, g, o := row[:H], row[H:2*H], row[2*H:3*H], row[3*H:]
	for j := 0; j < H; j++ {
		h := dnext[j] + dy[j]
		cc := dc[j] + h*o[j]*(1-tc[j]*tc[j])
		d[j] = cc * g[j] * i[j] * (1 - i[j])
		d[H+j] = cc * cprev[j] * f[j] * (1 - f[j])
		d[2*H+j] = cc * i[j] * (1 - g[j]*g[j])
		d[3*H+j] = h * tc[j] * o[j] * (1 - o[j])
		dc[j] = cc * f[j]
	}
}

// gruCell is PyTorch's GRU gate arithmetic for one row:
//
//	r = σ(i_r + h_r), z = σ(i_z + h_z), n = tanh(i_n + r ⊙ h_n)
//	h' = (1 − z) ⊙ n + z ⊙ h
//
// row holds the input side i = W_i x + b_i [3H] and is overwritten with the
// activated r, z, n; hg holds the recurrent side h = W_h h + b_h [3H]; keep,
// if not nil, receives h_n for the backward pass. hnew may alias hprev.
func gruCell(row, hg, keep, hprev, hnew []float32) {
	H := len(hprev)
	for j := 0; j < 2*H; j++ {
		row[j] += hg[j]
	}
	sigmoid(row[:2*H], row[:2*H])
	r, z, n := row[:H], row[H:2*H], row[2*H:]
	if keep != nil {
		copy(keep, hg[2*H:])
	}
	for j := range n {
		n[j] += r[j] * hg[2*H+j]
	}
	tanh(n, n)
	for j := range hnew {
		hnew[j] = n[j] + z[j]*(hprev[j]-n[j])
	}
}

// gruCellBackward is gruCell's backward pass for one row, given the
// activated gates (row), h_n = W_hn h + b_hn and h. With the gradient
// w.r.t. h' being dnext + dy, it writes the pre-activation gradients of
// the input side (dx [3H]) and the recurrent side (dr [3H]), which differ
// only in n's block (the reset gate scales the recurrent one), and the
// direct part of the gradient w.r.t. h into dprev (which may alias dnext):
//
//	δh = dnext + dy,  δn = δh ⊙ (1 − z) ⊙ (1 − n²)
//	δz = δh ⊙ (h − n) ⊙ z(1 − z),  δr = δn ⊙ h_n ⊙ r(1 − r)
//	dx = [δr, δz, δn],  dr = [δr, δz, δn ⊙ r],  dprev = δh ⊙ z
//
// The caller adds dr·W_h to dprev.
func gruCellBackward(row, hn, hprev, dnext, dy, dx, dr, dprev []float32) {
	H := len(hprev)
	r, z, n := row[:H], row[H:2*H], row[2*H:]
	for j := 0; j < H; j++ {
		h := dnext[j] + dy[j]
		dn := h * (1 - z[j]) * (1 - n[j]*n[j])
		dz := h * (hprev[j] - n[j]) * z[j] * (1 - z[j])
		drr := dn * hn[j] * r[j] * (1 - r[j])
		dx[j], dx[H+j], dx[2*H+j] = drr, dz, dn
		dr[j], dr[H+j], dr[2*H+j] = drr, dz, dn*r[j]
		dprev[j] = h * z[j]
	}
}
