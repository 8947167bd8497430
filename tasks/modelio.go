package tasks

import (
	"fmt"

	"github.com/recur-dev/recur/modelfile"
)

// loadModel reads path as a model file of the given task and builds the
// model from it; every error names the file.
func loadModel[T any](path, task string, build func(*modelfile.File) (T, error)) (T, error) {
	var zero T
	f, err := modelfile.ReadTask(path, task)
	if err != nil {
		return zero, err
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
	m, err := build(f)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}
