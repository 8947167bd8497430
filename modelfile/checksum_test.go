package modelfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checksumModel has one tensor of each dtype plus metadata a loader reads.
func checksumModel() *File {
	f := &File{Task: "textgen", Metadata: map[string]string{"config": `{"hidden":3}`, "vocab": `["a","b","c"]`}}
	f.Add(Tensor{Name: "w", DType: F32, Shape: []int{2, 3}, F32: []float32{1, 2, 3, 4, 5, 6}})
	f.Add(Tensor{Name: "h", DType: F16, Shape: []int{3}, F32: []float32{0.5, -1, 2}})
	f.Add(Tensor{Name: "ids", DType: I32, Shape: []int{2}, I32: []int32{7, -7}})
	return f
}

// One flipped byte anywhere in a tensor's data, or inside a metadata value,
// makes Read fail with an error naming the file and saying it is corrupt.
// (Before the checksum these files loaded with silently changed values.)
func TestChecksumDetectsFlippedBytes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.model")
	if err := Write(path, checksumModel()); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Verified {
		t.Error("a freshly written file is not Verified")
	}
	hlen := int(binary.LittleEndian.Uint64(good))
	data := 8 + hlen
	// Flip the first, a middle and the last byte of every tensor.
	type flip struct {
		what string
		at   int
		xor  byte
	}
	var flips []flip
	for _, tt := range []struct {
		name       string
		begin, end int
	}{{"w", 0, 24}, {"h", 24, 30}, {"ids", 30, 38}} {
		for _, off := range []int{tt.begin, (tt.begin + tt.end) / 2, tt.end - 1} {
			flips = append(flips, flip{"tensor " + tt.name, data + off, 0xff})
		}
	}
	// Inside the vocabulary ("a" -> "c") and the config (3 -> 2): the JSON
	// stays valid, so only the checksum can tell.
	flips = append(flips,
		flip{"vocab", bytes.Index(good, []byte(`\"a\"`)) + 2, 'a' ^ 'c'},
		flip{"config", bytes.Index(good, []byte(`\"hidden\":3`)) + 10, '3' ^ '2'})
	for _, fl := range flips {
		bad := bytes.Clone(good)
		bad[fl.at] ^= fl.xor
		p := filepath.Join(dir, "bad.model")
		if err := os.WriteFile(p, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(p)
		if err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "corrupt") {
			t.Errorf("byte %d (%s) flipped: error %v, want one naming %s and saying it is corrupt", fl.at, fl.what, err, p)
		}
		if _, err := Decode(bad); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Decode, byte %d (%s) flipped: error %v, want ErrCorrupt", fl.at, fl.what, err)
		}
	}
	// A damaged checksum is an error too.
	bad := bytes.Clone(good)
	at := bytes.Index(bad, []byte(sumPrefix)) + len(sumPrefix)
	bad[at] = 'x'
	if _, err := Decode(bad); err == nil || !strings.Contains(err.Error(), keySHA256) {
		t.Errorf("non-hex digest: error %v", err)
	}
}

// A file written before the checksum existed still loads, unverified, and
// Read reports it once through Notice; Decode (built-in models) stays quiet.
func TestChecksumOldFilesLoadWithNotice(t *testing.T) {
	var notices []string
	defer func(old func(string)) { Notice = old }(Notice)
	Notice = func(msg string) { notices = append(notices, msg) }

	var buf bytes.Buffer
	if err := encode(&buf, checksumModel(), false); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(keySHA256)) {
		t.Fatal("encode without checksum wrote one")
	}
	path := filepath.Join(t.TempDir(), "old.model")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	assertSameFile(t, f, checksumModel())
	if f.Verified {
		t.Error("old file reported Verified")
	}
	if len(notices) != 1 || !strings.Contains(notices[0], path) || !strings.Contains(notices[0], "no checksum") || strings.Contains(notices[0], "\n") {
		t.Errorf("notices = %q, want one line naming %s", notices, path)
	}
	notices = nil
	if f, err := Decode(buf.Bytes()); err != nil || f.Verified {
		t.Errorf("Decode old file: verified %v, err %v", f != nil && f.Verified, err)
	}
	if len(notices) != 0 {
		t.Errorf("Decode sent notices %q", notices)
	}
	// The real built-in translator predates the checksum and must keep loading.
	builtin := filepath.Join("..", "builtin", "en-fr.model")
	if _, err := os.Stat(builtin); err != nil {
		t.Skipf("built-in model not found: %v", err)
	}
	if f, err := Read(builtin); err != nil {
		t.Errorf("built-in en-fr model: %v", err)
	} else if f.Verified && len(notices) != 0 {
		t.Errorf("verified built-in sent notices %q", notices)
	}
}
