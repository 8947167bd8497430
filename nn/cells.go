package nn

// gruCell is PyTorch's GRU gate arithmetic for one row, shared by the
// whole-sequence kernel, the inference step and the Bahdanau decoder:
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

// gruCellBackward is gruCell's backward pass for one row. With the gradient
// w.r.t. h' being dnext + dy, it writes the pre-activation gradients of the
// input side (dx [3H]) and the recurrent side (dr [3H]) and the direct part
// of the gradient w.r.t. h, z ⊙ dh', into dprev (which may alias dnext);
// the caller adds dr·W_h to dprev.
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

// lstmCell is PyTorch's LSTM gate arithmetic for one row, shared by the
// whole-sequence kernel and the inference step: row holds the summed
// pre-activations of i, f, g, o [4H] and is overwritten with their
// activations, then
//
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
