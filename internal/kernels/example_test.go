package kernels_test

import (
	"fmt"

	"github.com/recur-dev/recur/internal/kernels"
)

// One RNN step's input projection x·Wᵀ: x is batch×in, W is out×in (stored
// row-major, hence transB), the result batch×out.
func ExampleSgemm() {
	x := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	w := []float32{
		1, 0, 0,
		0, 1, 0,
		1, 1, 1,
		0, 0, -1,
	}
	out := make([]float32, 2*4)
	kernels.Sgemm(false, true, 2, 4, 3, 1, x, 3, w, 3, 0, out, 4)
	fmt.Println(out[:4])
	fmt.Println(out[4:])
	// Output:
	// [1 2 6 -3]
	// [4 5 15 -6]
}

func ExampleSgemv() {
	a := []float32{
		1, 2,
		3, 4,
		5, 6,
	}
	y := make([]float32, 3)
	kernels.Sgemv(false, 3, 2, 1, a, 2, []float32{1, -1}, 0, y)
	fmt.Println(y)
	// Output: [-1 -1 -1]
}

func ExampleSigmoid() {
	v := []float32{-1000, 0, 1000}
	kernels.Sigmoid(v, v)
	fmt.Println(v)
	// Output: [0 0.5 1]
}
