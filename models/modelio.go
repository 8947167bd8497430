package models

import (
	"fmt"
	"math"

	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
)

// loadModel reads path as a model file of the given task and builds the
// model from it; every error names the file.
func loadModel[T any](path, task string, build func(*modelfile.File) (T, error)) (T, error) {
	return readModel(path, func(p string) (*modelfile.File, error) { return modelfile.ReadTask(p, task) }, build)
}

// readModel reads path with read and builds the model from the file; the
// build's errors are prefixed with the path (read's name it already).
func readModel[T any](path string, read func(string) (*modelfile.File, error), build func(*modelfile.File) (T, error)) (T, error) {
	var zero T
	f, err := read(path)
	if err != nil {
		return zero, err
	}
	if err := checkFile(f); err != nil {
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	m, err := build(f)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// decodeModel is loadModel for a model held in memory (embedded in the
// binary); name stands for the path in errors.
func decodeModel[T any](data []byte, name, task string, build func(*modelfile.File) (T, error)) (T, error) {
	var zero T
	f, err := modelfile.Decode(data)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", name, err)
	}
	if f.Task != task {
		return zero, fmt.Errorf("%s: is a %q model, want %q", name, f.Task, task)
	}
	if err := checkFile(f); err != nil {
		return zero, fmt.Errorf("%s: %w", name, err)
	}
	m, err := build(f)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// addWeights appends meta to f's metadata and every parameter as a tensor
// stored as dtype: the part of writing a model file every task shares.
func addWeights(f *modelfile.File, meta map[string]string, params nn.Params, dtype modelfile.DType) *modelfile.File {
	if f.Metadata == nil {
		f.Metadata = map[string]string{}
	}
	for k, v := range meta {
		f.Metadata[k] = v
	}
	for _, p := range params {
		f.Add(modelfile.Tensor{Name: p.Name, DType: dtype, Shape: p.Shape, F32: p.Data})
	}
	return f
}

// checkFinite refuses a stored tensor holding NaN or ±Inf (a poisoned or
// corrupt file), naming the tensor and the index; every loader uses it.
func checkFinite(name string, xs []float32) error {
	for i, x := range xs {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("tensor %s holds a non-finite value at %d", name, i)
		}
	}
	return nil
}
