package modelfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ReadPlain reads safetensors files without recur metadata, widens BF16,
// reads past skipped tensors of any dtype and refuses to load integer
// tensors it cannot convert.
func TestReadPlain(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// bf16 0x3fc0 = 1.5, 0xc000 = -2; a BOOL mask of 3 bytes; an F16 1.0.
	p := write("a.safetensors", mk(`{"__metadata__":{"format":"pt"},`+
		`"b":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]},`+
		`"m":{"dtype":"BOOL","shape":[3],"data_offsets":[4,7]},`+
		`"h":{"dtype":"F16","shape":[],"data_offsets":[7,9]}}`,
		"\xc0\x3f\x00\xc0\x01\x01\x00\x00\x3c"))
	var seen []string
	f, err := ReadPlain(p, func(meta map[string]string, infos []TensorInfo) (map[string]bool, error) {
		if meta["format"] != "pt" {
			t.Errorf("metadata %v", meta)
		}
		for _, in := range infos {
			seen = append(seen, in.Name+":"+string(in.DType))
		}
		return map[string]bool{"m": true}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(seen, " ") != "b:BF16 m:BOOL h:F16" {
		t.Errorf("check saw %v", seen)
	}
	if len(f.Tensors) != 2 || f.Tensors[0].F32[0] != 1.5 || f.Tensors[0].F32[1] != -2 || f.Tensors[1].F32[0] != 1 || f.Task != "" {
		t.Errorf("tensors %+v", f.Tensors)
	}
	if _, err := ReadPlain(p, nil); err == nil || !strings.Contains(err.Error(), `tensor "m": dtype BOOL cannot be loaded`) {
		t.Errorf("loading BOOL: %v", err)
	}
	bad := write("b.safetensors", mk(`{"x":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}`, "1"))
	if _, err := ReadPlain(bad, nil); err == nil || !strings.Contains(err.Error(), "b.safetensors") || !strings.Contains(err.Error(), "BF16") {
		t.Errorf("unknown dtype: %v", err)
	}
	// The check's error stops the read, named after the file.
	if _, err := ReadPlain(p, func(map[string]string, []TensorInfo) (map[string]bool, error) {
		return nil, os.ErrInvalid
	}); err == nil || !strings.Contains(err.Error(), "a.safetensors") {
		t.Errorf("check error: %v", err)
	}
}
