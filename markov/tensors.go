package markov

import (
	"errors"
	"fmt"
	"slices"

	"github.com/recur-dev/recur/modelfile"
)

// Tensor names in a recur model file. Only raw counts are stored: the
// continuation counts and context tables are rebuilt on load, and the
// smoothing is applied at query time, so the same file serves any
// Config.Smoothing and Config.Discount of the same order.
const (
	// TensorMeta is I32 [4]: format version, order, vocabulary size and
	// the number of training ids.
	TensorMeta = "markov.meta"
	// TensorNGramsPrefix + k is I32 [count, k]: the distinct k-grams,
	// sorted lexicographically.
	TensorNGramsPrefix = "markov.ngrams."
	// TensorCountsPrefix + k is I32 [count]: the raw count of each k-gram.
	TensorCountsPrefix = "markov.counts."
)

// tensorVersion is bumped when the stored layout changes meaning.
const tensorVersion = 1

// Tensors returns the model as I32 tensors for a recur model file: the meta
// vector and, per order k, the sorted k-grams and their counts. The slices
// are copies; the caller may keep or modify them.
func (m *Model) Tensors() []modelfile.Tensor {
	ts := []modelfile.Tensor{{
		Name:  TensorMeta,
		DType: modelfile.I32,
		Shape: []int{4},
		I32:   []int32{tensorVersion, int32(m.cfg.Order), int32(m.vocab), int32(m.numTokens)},
	}}
	for k := 1; k <= m.cfg.Order; k++ {
		lv := &m.levels[k-1]
		ts = append(ts,
			modelfile.Tensor{
				Name:  fmt.Sprint(TensorNGramsPrefix, k),
				DType: modelfile.I32,
				Shape: []int{lv.numGrams(), k},
				I32:   slices.Clone(lv.grams),
			},
			modelfile.Tensor{
				Name:  fmt.Sprint(TensorCountsPrefix, k),
				DType: modelfile.I32,
				Shape: []int{lv.numGrams()},
				I32:   slices.Clone(lv.raw),
			})
	}
	return ts
}

// FromTensors rebuilds a model stored by Tensors. get returns a tensor by
// name (modelfile.File.Get fits). cfg.Order and vocabSize must match the
// stored ones; cfg's smoothing and discount may differ from training. Every
// size, id, count and the sort order are checked: corrupt data gives an
// error naming the tensor and entry, never a panic.
func FromTensors(get func(name string) (*modelfile.Tensor, error), cfg Config, vocabSize int) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if get == nil {
		return nil, errors.New("markov: nil tensor getter")
	}
	if vocabSize < 1 {
		return nil, fmt.Errorf("vocabulary size must be >= 1 (got %d)", vocabSize)
	}
	meta, err := i32Tensor(get, TensorMeta, []int{4})
	if err != nil {
		return nil, err
	}
	version, order, vocab, numTokens := meta[0], int(meta[1]), int(meta[2]), int(meta[3])
	switch {
	case version != tensorVersion:
		return nil, fmt.Errorf("tensor %q: markov format version %d, this build reads version %d", TensorMeta, version, tensorVersion)
	case order != cfg.Order:
		return nil, fmt.Errorf("tensor %q: model has order %d but the config asks for order %d", TensorMeta, order, cfg.Order)
	case vocab != vocabSize:
		return nil, fmt.Errorf("tensor %q: model has vocabulary size %d but the vocabulary has %d tokens", TensorMeta, vocab, vocabSize)
	case numTokens < 1:
		return nil, fmt.Errorf("tensor %q: number of training ids must be >= 1 (got %d)", TensorMeta, numTokens)
	}
	m := newModel(cfg, vocabSize, numTokens)
	for k := 1; k <= order; k++ {
		gname := fmt.Sprint(TensorNGramsPrefix, k)
		cname := fmt.Sprint(TensorCountsPrefix, k)
		gt, err := get(gname)
		if err != nil {
			return nil, err
		}
		if gt == nil || len(gt.Shape) != 2 {
			return nil, fmt.Errorf("tensor %q: want shape [count, %d]", gname, k)
		}
		count := gt.Shape[0]
		grams, err := i32Tensor(get, gname, []int{count, k})
		if err != nil {
			return nil, err
		}
		raw, err := i32Tensor(get, cname, []int{count})
		if err != nil {
			return nil, err
		}
		// Sliding windows: the counts at order k add up to numTokens-k+1.
		want := int64(max(numTokens-k+1, 0))
		var sum int64
		for i := range count {
			row := grams[i*k : (i+1)*k]
			for j, id := range row {
				if id < 0 || int(id) >= vocabSize {
					return nil, fmt.Errorf("tensor %q: %d-gram %d has id %d at place %d, outside the vocabulary [0, %d)", gname, k, i, id, j, vocabSize)
				}
			}
			if i > 0 && slices.Compare(grams[(i-1)*k:i*k], row) >= 0 {
				return nil, fmt.Errorf("tensor %q: %d-grams %d and %d are not in strictly increasing order (%v, %v)", gname, k, i-1, i, grams[(i-1)*k:i*k], row)
			}
			if raw[i] < 1 {
				return nil, fmt.Errorf("tensor %q: count %d is %d; counts must be >= 1", cname, i, raw[i])
			}
			sum += int64(raw[i])
		}
		if sum != want {
			return nil, fmt.Errorf("tensor %q: %d-gram counts sum to %d, want %d for %d training ids", cname, k, sum, want, numTokens)
		}
		m.levels[k-1].grams = slices.Clone(grams)
		m.levels[k-1].raw = slices.Clone(raw)
	}
	if err := m.finish(); err != nil {
		return nil, fmt.Errorf("markov tensors: %w", err)
	}
	return m, nil
}

// i32Tensor fetches name and checks it is an I32 tensor of the given shape
// whose data length agrees.
func i32Tensor(get func(string) (*modelfile.Tensor, error), name string, shape []int) ([]int32, error) {
	t, err := get(name)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, fmt.Errorf("tensor %q: missing", name)
	}
	if t.DType != modelfile.I32 {
		return nil, fmt.Errorf("tensor %q: dtype %s, want %s", name, t.DType, modelfile.I32)
	}
	if !slices.Equal(t.Shape, shape) {
		return nil, fmt.Errorf("tensor %q: shape %v, want %v", name, t.Shape, shape)
	}
	n, err := modelfile.NumElements(shape)
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %w", name, err)
	}
	if len(t.I32) != n {
		return nil, fmt.Errorf("tensor %q: shape %v needs %d values, has %d", name, shape, n, len(t.I32))
	}
	return t.I32, nil
}
