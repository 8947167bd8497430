package cnn_test

import (
	"fmt"

	"github.com/recur-dev/recur/cnn"
)

// The default extractor turns a 64×64 image into an 8×8 grid of 128-wide
// feature vectors (the attention memory) and their average (the vector
// that starts the decoder).
func ExampleNet_Extract() {
	net, err := cnn.New(cnn.DefaultConfig(), 1)
	if err != nil {
		panic(err)
	}
	x, err := cnn.LoadImage("../testdata/scene.png", cnn.DefaultInputConfig())
	if err != nil {
		panic(err)
	}
	f, err := net.Extract([][]float32{x})
	if err != nil {
		panic(err)
	}
	fmt.Println("cells", f.S, "features", f.C, "grid", len(f.Grid), "pooled", len(f.Pooled))
	// Output: cells 64 features 128 grid 8192 pooled 128
}
