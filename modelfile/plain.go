package modelfile

import (
	"fmt"
	"io"
)

// BF16 is bfloat16 (1 sign, 8 exponent, 7 fraction bits: the top half of a
// float32). recur never writes it; ReadPlain widens it to float32 exactly.
const BF16 DType = "BF16"

// validPlainDTypes is the list shown in "unknown dtype" errors of ReadPlain.
const validPlainDTypes = "F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL"

// plainSize is the element size of every dtype safetensors defines (except
// the float8 kinds), so that any well-formed file's offsets can be checked
// even for tensors that are then skipped. Only F32, F16, BF16 and I32 can be
// loaded.
func plainSize(d DType) int {
	switch d {
	case "F64", "I64", "U64":
		return 8
	case F32, I32, "U32":
		return 4
	case F16, BF16, "I16", "U16":
		return 2
	case "I8", "U8", "BOOL":
		return 1
	}
	return 0
}

// TensorInfo describes one tensor of a safetensors header, before any of
// its data is read.
type TensorInfo struct {
	Name  string
	DType DType
	Shape []int
}

// PlainCheck inspects a safetensors header before ReadPlain allocates any
// tensor memory. meta is the __metadata__ object (nil when absent) and infos
// lists every tensor in header order, its sizes already checked against the
// data buffer. It returns the names of tensors to read past without loading
// them, or an error that rejects the file.
type PlainCheck func(meta map[string]string, infos []TensorInfo) (skip map[string]bool, err error)

// ReadPlain reads any safetensors file, with or without recur metadata
// (e.g. a Hugging Face model.safetensors), with every check of Read. check
// runs on the header before tensor memory is allocated; tensors it does
// not skip must be F32, F16, BF16 or I32 and are loaded in header order
// (float data widened to float32, DType keeping the stored type). The
// returned File has no Task; its Metadata is the file's __metadata__.
// Errors name path.
func ReadPlain(path string, check PlainCheck) (*File, error) {
	f, err := readWith(path, func(hdr []byte, dataLen uint64, r io.Reader) (*File, error) {
		return decodePlain(hdr, dataLen, r, check)
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

func decodePlain(hdr []byte, dataLen uint64, r io.Reader, check PlainCheck) (*File, error) {
	raw, err := parseHeader(hdr)
	if err != nil {
		return nil, err
	}
	entries, err := checkEntries(raw.entries, uint64(len(hdr)), dataLen, plainSize)
	if err != nil {
		return nil, err
	}
	f := &File{Metadata: raw.meta}
	if f.Metadata == nil {
		f.Metadata = map[string]string{}
	}
	if check != nil {
		infos := make([]TensorInfo, len(entries))
		for i, e := range entries {
			infos[i] = TensorInfo{Name: e.name, DType: e.dtype, Shape: append([]int(nil), e.shape...)}
		}
		skip, err := check(raw.meta, infos)
		if err != nil {
			return nil, err
		}
		for i := range entries {
			entries[i].skip = skip[entries[i].name]
		}
	}
	for _, e := range entries {
		switch e.dtype {
		case F32, F16, BF16, I32:
		default:
			if !e.skip {
				return nil, fmt.Errorf("tensor %q: dtype %s cannot be loaded (F32, F16, BF16 or I32)", e.name, e.dtype)
			}
		}
	}
	f.Tensors, err = readTensors(r, entries)
	if err != nil {
		return nil, err
	}
	return f, nil
}
