package kernels

import (
	"fmt"
	"math"
)

// ReLUMaxPool2 pools one output row of a 2×2 max-pool after ReLU: window j
// covers columns 2j and 2j+1 of the input rows top and bot (each at least
// 2·len(out) long). out[j] = max(0, its four values) and arg[j] is the
// winner's position, base + 2j (+1 for the right column, +w for the bottom
// row), or −1 when the maximum is 0 (no input gets a gradient). Ties go to
// the first of top-left, top-right, bottom-left, bottom-right.
//
// After ReLU every value is ≥ 0, and for those the float order is the
// integer order of the bit patterns, so the comparisons are integer ones:
// branch-free (which of the four wins is random, so branches mispredict)
// and, on AVX2, eight windows at a time.
func ReLUMaxPool2(top, bot, out []float32, arg []int32, base, w int) {
	n := len(out)
	if len(top) < 2*n || len(bot) < 2*n || len(arg) < n {
		panic(fmt.Sprintf("kernels: ReLUMaxPool2: rows of %d and %d for %d outputs and %d positions", len(top), len(bot), n, len(arg)))
	}
	j := 0
	if current().vec && n >= 8 {
		j = n &^ 7
		reluMaxPoolAVX2(j, &top[0], &bot[0], &out[0], &arg[0], int32(base), int32(w))
	}
	relu := func(v float32) int32 {
		x := int32(math.Float32bits(v))
		return x &^ (x >> 31)
	}
	for ; j < n; j++ {
		c := int32(base + 2*j)
		best, at := relu(top[2*j]), c
		if v := relu(top[2*j+1]); v > best {
			best, at = v, c+1
		}
		if v := relu(bot[2*j]); v > best {
			best, at = v, c+int32(w)
		}
		if v := relu(bot[2*j+1]); v > best {
			best, at = v, c+int32(w)+1
		}
		out[j] = math.Float32frombits(uint32(best))
		arg[j] = at | (best-1)>>31 // −1 when the maximum is 0
	}
}
