package kernels

import "fmt"

// GELU with the tanh approximation (GPT-2's):
//
//	gelu(x) = ½x(1 + t),  t = tanh(u),  u = √(2/π)(x + 0.044715x³)
//	gelu'(x) = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)
//
// The forward pass keeps t so the backward pass needs no second tanh.
// Both run in one pass over memory with the vector code (8 lanes, the
// same exp as Tanh), instead of separate passes for u, tanh and the
// product.
const (
	geluK = 0.7978845608028654 // √(2/π)
	geluA = 0.044715
)

// geluConsts are the kernels' constants: see geluAVX2 and geluGradAVX2.
var geluConsts = [4]float32{geluK, geluK * geluA, 0.5, 3 * geluK * geluA}

// geluChunk is how many values GELU without a t slice computes at a time
// through a stack buffer.
const geluChunk = 256

// GELU sets dst[i] = gelu(src[i]) and, when t is not nil, t[i] = tanh(u_i)
// for GELUBackward. dst may be src (in place); t must not overlap either.
// All non-nil slices must have the same length. The tanh has absolute
// error below 1e-6, as Tanh's.
func GELU(dst, t, src []float32) {
	checkSame("GELU", dst, src)
	if t == nil {
		var buf [geluChunk]float32
		for len(src) > 0 {
			n := min(len(src), geluChunk)
			gelu(current().vec, dst[:n], buf[:n], src[:n])
			dst, src = dst[n:], src[n:]
		}
		return
	}
	checkSame("GELU", t, src)
	gelu(current().vec, dst, t, src)
}

func gelu(vec bool, dst, t, src []float32) {
	n := 0
	if vec {
		n = len(src) &^ 7
		if n > 0 {
			geluAVX2(n, &dst[0], &t[0], &src[0], &geluConsts)
		}
		if n < len(src) {
			// The tail through an 8-value block, so that every element gets
			// exactly the same arithmetic.
			var x, tt, y [8]float32
			copy(x[:], src[n:])
			geluAVX2(8, &y[0], &tt[0], &x[0], &geluConsts)
			copy(dst[n:], y[:])
			copy(t[n:], tt[:])
		}
		return
	}
	for i, x := range src {
		u := x * (geluK + geluK*geluA*x*x)
		th := 1 - 2/(1+expClamped(2*u))
		t[i] = th
		dst[i] = 0.5 * x * (1 + th)
	}
}

// GELUBackward sets dx[i] = dy[i]·gelu'(x[i]) from the t GELU saved. dx
// may be dy. All slices must have the same length.
func GELUBackward(dx, dy, x, t []float32) {
	if len(dy) != len(dx) || len(x) != len(dx) || len(t) != len(dx) {
		panic(fmt.Sprintf("kernels: GELUBackward: lengths dx=%d dy=%d x=%d t=%d differ", len(dx), len(dy), len(x), len(t)))
	}
	n := 0
	if current().vec {
		n = len(dx) &^ 7
		if n > 0 {
			geluGradAVX2(n, &dx[0], &dy[0], &x[0], &t[0], &geluConsts)
		}
	}
	for i := n; i < len(dx); i++ {
		v, th := x[i], t[i]
		dx[i] = dy[i] * (0.5 * ((1 + th) + v*(1-th*th)*(geluK+3*geluK*geluA*v*v)))
	}
}
