package modelfile

import (
	"strings"
	"testing"
)

func TestGet(t *testing.T) {
	var f File
	f.Task = "textgen"
	f.Add(Tensor{Name: "rnn.weight_ih_l0", DType: F32, Shape: []int{1}, F32: []float32{1}})
	f.Add(Tensor{Name: "embedding.weight", DType: F32, Shape: []int{1}, F32: []float32{2}})
	got, err := f.Get("embedding.weight")
	if err != nil || got.F32[0] != 2 {
		t.Fatalf("Get(embedding.weight) = %v, %v", got, err)
	}
	got.F32[0] = 3 // Get returns a pointer into the file
	if f.Tensors[1].F32[0] != 3 {
		t.Error("Get did not return a pointer into f.Tensors")
	}
	_, err = f.Get("fc.bias")
	if err == nil {
		t.Fatal("Get(fc.bias) succeeded")
	}
	for _, want := range []string{`"fc.bias"`, `"textgen"`, "embedding.weight, rnn.weight_ih_l0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestNumElements(t *testing.T) {
	tests := []struct {
		shape   []int
		want    int
		wantErr string
	}{
		{nil, 1, ""},
		{[]int{}, 1, ""},
		{[]int{0, 5}, 0, ""},
		{[]int{2, 3, 4}, 24, ""},
		{[]int{2, -3}, 0, "negative"},
		{[]int{1 << 31, 1 << 31, 1 << 31}, 0, "overflow"},
	}
	for _, tt := range tests {
		got, err := NumElements(tt.shape)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NumElements(%v) error = %v, want one mentioning %q", tt.shape, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NumElements(%v) = %d, %v, want %d", tt.shape, got, err, tt.want)
		}
	}
}
