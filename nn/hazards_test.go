package nn

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The tests in this file pin three silent bugs of gorgonia v0.9.18 that recur
// works around; each test is the bug's smallest reproduction.
// They assert the buggy behaviour on purpose: if one starts failing after a
// gorgonia upgrade, the bug changed, and the workaround should be revisited.

// G.Slice hashes its bounds as single bytes, so slices whose bounds agree
// modulo 256 are merged into one node. recur never uses G.Slice: gates live
// inside the fused kernels.
func TestHazardSliceMergesBoundsModulo256(t *testing.T) {
	g := G.NewGraph()
	data := make([]float32, 512)
	for i := range data {
		data[i] = float32(i)
	}
	x := G.NewMatrix(g, G.Float32, G.WithShape(1, 512), G.WithName("x"),
		G.WithValue(tensor.New(tensor.WithShape(1, 512), tensor.WithBacking(data))))
	a, err := G.Slice(x, nil, G.S(0, 128))
	if err != nil {
		t.Fatal(err)
	}
	b, err := G.Slice(x, nil, G.S(256, 384))
	if err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	bv := b.Value().Data().([]float32)
	if a != b && bv[0] == 256 {
		t.Fatal("gorgonia's G.Slice no longer merges S(0,128) with S(256,384): the hazard is fixed upstream")
	}
	if bv[0] != 0 {
		t.Fatalf("S(256,384) starts with %v; the pinned bug returns S(0,128)'s 0", bv[0])
	}
}

// G.Dropout's backward pass divides by p instead of 1-p. recur's dropout is
// its own kernel (TestDropoutGradient checks it by finite differences).
func TestHazardDropoutGradientWrongForPNotHalf(t *testing.T) {
	const p = 0.2
	g := G.NewGraph()
	data := make([]float64, 1000)
	for i := range data {
		data[i] = 1
	}
	x := G.NewVector(g, G.Float64, G.WithShape(1000), G.WithName("x"),
		G.WithValue(tensor.New(tensor.WithShape(1000), tensor.WithBacking(data))))
	d, err := G.Dropout(x, p)
	if err != nil {
		t.Fatal(err)
	}
	cost, err := G.Sum(d)
	if err != nil {
		t.Fatal(err)
	}
	grads, err := G.Grad(cost, x)
	if err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	gv := grads[0].Value().Data().([]float64)
	correct := 1 / (1 - p)
	var kept, wrong int
	for _, v := range gv {
		if v != 0 {
			kept++
			if math.Abs(v-correct) > 1e-9 {
				wrong++
			}
		}
	}
	if kept == 0 {
		t.Fatal("no unit kept")
	}
	if wrong == 0 {
		t.Fatalf("G.Dropout gradient is now correct (1/(1-p) = %v): the hazard is fixed upstream", correct)
	}
}

// Two input nodes with the same name are one node: "w"=1 and "w"=10 add to 2.
// nn.Graph refuses duplicate names instead.
func TestHazardSameNameInputsMerge(t *testing.T) {
	g := G.NewGraph()
	a := G.NewScalar(g, G.Float64, G.WithName("w"), G.WithValue(1.0))
	b := G.NewScalar(g, G.Float64, G.WithName("w"), G.WithValue(10.0))
	sum, err := G.Add(a, b)
	if err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	if got := sum.Value().Data().(float64); got != 2 {
		t.Fatalf("w+w = %v; the pinned bug gives 2 (merged nodes), the fix would give 11", got)
	}

	ng := NewGraph(false, 1)
	ng.Floats("h0", make([]float32, 2), 1, 2)
	ng.Floats("h0", make([]float32, 2), 1, 2)
	if ng.Err() == nil {
		t.Fatal("nn.Graph accepted two nodes with the same name")
	}
}
