package modelfile

import (
	"fmt"
	"sort"
	"strings"
)

// FormatVersion is the recur model-file version this build writes and reads.
// It is stored as metadata "recur.version"; bump it when the meaning of the
// stored tensors or reserved metadata changes incompatibly.
const FormatVersion = 1

// Reserved metadata keys. Every key starting with ReservedPrefix belongs to
// this package: File.Metadata must not use it.
const (
	ReservedPrefix = "recur."
	keyFormat      = "recur.format"
	keyVersion     = "recur.version"
	keyTask        = "recur.task"
	formatName     = "recur"
)

// DType is a tensor element type, named as in safetensors.
type DType string

// The element types recur uses.
const (
	F32 DType = "F32" // IEEE 754 binary32
	F16 DType = "F16" // IEEE 754 binary16, stored only; widened to float32 in memory
	I32 DType = "I32" // two's complement int32
)

// Size returns the number of bytes one element takes in the file, or 0 for
// an unknown dtype.
func (d DType) Size() int {
	switch d {
	case F32, I32:
		return 4
	case F16:
		return 2
	}
	return 0
}

// validDTypes is the list shown in "unknown dtype" errors.
const validDTypes = "F32, F16, I32"

// Tensor holds one named tensor.
//
// Float tensors (DType F32 or F16) always live in F32 in memory: F16 is a
// storage choice, converted on write and widened on read. I32 tensors use the
// I32 slice. The slice for the other kind must be empty. Shape is row-major,
// outermost dimension first; an empty Shape is a scalar with one element.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	F32   []float32
	I32   []int32
}

// NumElements returns the number of elements Shape describes: the product of
// the dimensions (1 for a scalar). It fails on a negative dimension or when
// the product does not fit in an int.
func NumElements(shape []int) (int, error) {
	n := 1
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("dimension %d of shape %v is negative", i, shape)
		}
		if d != 0 && n > maxInt/d {
			return 0, fmt.Errorf("element count of shape %v overflows int", shape)
		}
		n *= d
	}
	return n, nil
}

const maxInt = int(^uint(0) >> 1)

// File is one recur model: its task, free-form metadata and tensors.
type File struct {
	// Task names what the model does: "textgen", "markov", "translate",
	// "caption", "classify", ... It is stored as metadata "recur.task".
	Task string
	// Metadata is free-form (config JSON, vocabulary JSON, training
	// metadata). Keys starting with "recur." are reserved.
	Metadata map[string]string
	// Tensors are written in this order.
	Tensors []Tensor
	// Verified is set by Read and Decode when the file carried a
	// checksum and it matched; it is false for files written before recur
	// stored checksums. Write ignores it (it always stores a checksum).
	Verified bool
}

// Add appends t to the file's tensors.
func (f *File) Add(t Tensor) { f.Tensors = append(f.Tensors, t) }

// Get returns the tensor called name. The error names the missing tensor, the
// file's task and (some of) the tensors the file does have.
func (f *File) Get(name string) (*Tensor, error) {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i], nil
		}
	}
	return nil, fmt.Errorf("tensor %q not found in %q model (has: %s)", name, f.Task, f.tensorNames(8))
}

// tensorNames lists at most max tensor names, sorted, for error messages.
func (f *File) tensorNames(max int) string {
	if len(f.Tensors) == 0 {
		return "no tensors"
	}
	names := make([]string, len(f.Tensors))
	for i, t := range f.Tensors {
		names[i] = t.Name
	}
	sort.Strings(names)
	more := ""
	if len(names) > max {
		more = fmt.Sprintf(", ... %d more", len(names)-max)
		names = names[:max]
	}
	return strings.Join(names, ", ") + more
}
