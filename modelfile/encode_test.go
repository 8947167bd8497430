package modelfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// goldenFile is a small model file written by hand from the safetensors
// layout: 8-byte little-endian header length (280 = 0x118: 273 bytes of JSON
// plus 7 spaces of padding to a multiple of 8), the JSON header, then the
// data buffer. The data bytes are IEEE 754 encodings: F32 1.0 = 0x3F800000,
// F32 -2.0 = 0xC0000000, F16 1.0 = 0x3C00, F16 65504 = 0x7BFF, I32 -1 =
// 0xFFFFFFFF, all little-endian.
var goldenFile = []byte("\x18\x01\x00\x00\x00\x00\x00\x00" +
	`{"__metadata__":{"recur.format":"recur","recur.version":"1","recur.task":"textgen","config":"{\"hidden\":2}"},` +
	`"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},` +
	`"h":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},` +
	`"ids":{"dtype":"I32","shape":[],"data_offsets":[12,16]}}` + "       " +
	"\x00\x00\x80\x3f\x00\x00\x00\xc0" +
	"\x00\x3c\xff\x7b" +
	"\xff\xff\xff\xff")

// goldenFileSum is goldenFile as Write stores it since the checksum exists:
// the header gains "recur.sha256" right after "recur.task" (82 bytes, so
// 355 bytes of JSON + 5 spaces = 360 = 0x168), holding the SHA-256 of the
// whole file computed with those 64 digits set to '0' (computed here with
// crypto/sha256, following the rule in checksum.go, not with the package's
// own code). goldenFile itself stays as a file written before the checksum.
func goldenFileSum() []byte {
	hdr := func(digits string) string {
		return "\x68\x01\x00\x00\x00\x00\x00\x00" +
			`{"__metadata__":{"recur.format":"recur","recur.version":"1","recur.task":"textgen","recur.sha256":"` + digits + `","config":"{\"hidden\":2}"},` +
			`"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},` +
			`"h":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},` +
			`"ids":{"dtype":"I32","shape":[],"data_offsets":[12,16]}}` + "     "
	}
	data := "\x00\x00\x80\x3f\x00\x00\x00\xc0" + "\x00\x3c\xff\x7b" + "\xff\xff\xff\xff"
	sum := sha256.Sum256([]byte(hdr(strings.Repeat("0", 64)) + data))
	return []byte(hdr(hex.EncodeToString(sum[:])) + data)
}

// goldenModel is what goldenFile holds.
func goldenModel() *File {
	return &File{
		Task:     "textgen",
		Metadata: map[string]string{"config": `{"hidden":2}`},
		Tensors: []Tensor{
			{Name: "w", DType: F32, Shape: []int{2}, F32: []float32{1, -2}},
			{Name: "h", DType: F16, Shape: []int{2}, F32: []float32{1, 65504}},
			{Name: "ids", DType: I32, Shape: []int{}, I32: []int32{-1}},
		},
	}
}

func TestGoldenDecode(t *testing.T) {
	f, err := Decode(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	assertSameFile(t, f, goldenModel())
}

func TestGoldenEncode(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, goldenModel()); err != nil {
		t.Fatal(err)
	}
	if want := goldenFileSum(); !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("Encode(golden model) =\n%q\nwant\n%q", buf.Bytes(), want)
	}
}

// assertSameFile compares task, metadata and tensors, comparing float bits
// so NaNs and signed zeros count, and treating nil and empty slices alike.
func assertSameFile(t *testing.T, got, want *File) {
	t.Helper()
	if got.Task != want.Task {
		t.Errorf("Task = %q, want %q", got.Task, want.Task)
	}
	if len(got.Metadata) != len(want.Metadata) || (len(want.Metadata) > 0 && !reflect.DeepEqual(got.Metadata, want.Metadata)) {
		t.Errorf("Metadata = %q, want %q", got.Metadata, want.Metadata)
	}
	if len(got.Tensors) != len(want.Tensors) {
		t.Fatalf("%d tensors, want %d", len(got.Tensors), len(want.Tensors))
	}
	for i := range want.Tensors {
		if msg := diffTensor(&got.Tensors[i], &want.Tensors[i]); msg != "" {
			t.Errorf("tensor %d: %s", i, msg)
		}
	}
}

func diffTensor(g, w *Tensor) string {
	switch {
	case g.Name != w.Name:
		return "name " + g.Name + " != " + w.Name
	case g.DType != w.DType:
		return "dtype " + string(g.DType) + " != " + string(w.DType)
	case len(g.Shape) != len(w.Shape) || len(g.F32) != len(w.F32) || len(g.I32) != len(w.I32):
		return "shape or length differ"
	}
	for i := range w.Shape {
		if g.Shape[i] != w.Shape[i] {
			return "shape differs"
		}
	}
	for i := range w.F32 {
		if math.Float32bits(g.F32[i]) != math.Float32bits(w.F32[i]) {
			return "F32 data differs"
		}
	}
	for i := range w.I32 {
		if g.I32[i] != w.I32[i] {
			return "I32 data differs"
		}
	}
	return ""
}

func TestRoundTrip(t *testing.T) {
	big := make([]float32, 3*chunk/4+7) // spans several conversion chunks
	for i := range big {
		big[i] = float32(i)*0.25 - 100
	}
	ints := make([]int32, chunk/2+3)
	for i := range ints {
		ints[i] = int32(i*7919) - 1<<30
	}
	in := &File{
		Task: "translate",
		Metadata: map[string]string{
			"config": `{"cell":"gru","hidden":256}`,
			"vocab":  "[\"<pad>\",\"é\",\"\\n\",\"<b>&</b>\",\"\u2028\"]",
			"":       "empty key is allowed",
		},
	}
	in.Add(Tensor{Name: "encoder.rnn.weight_ih_l0", DType: F32, Shape: []int{len(big) / 7, 7}, F32: big[:len(big)/7*7]})
	in.Add(Tensor{Name: "encoder.rnn.bias_ih_l0", DType: F32, Shape: []int{3},
		F32: []float32{float32(math.Inf(-1)), float32(math.Copysign(0, -1)), math.MaxFloat32}})
	in.Add(Tensor{Name: "decoder.embedding.weight", DType: F16, Shape: []int{2, 3},
		F32: []float32{0.5, -0.25, 65504, 1.0 / 1024, float32(math.Ldexp(1, -24)), float32(math.Inf(1))}})
	in.Add(Tensor{Name: "vocab.ids", DType: I32, Shape: []int{len(ints)}, I32: ints})
	in.Add(Tensor{Name: "empty", DType: F16, Shape: []int{0, 4}})
	in.Add(Tensor{Name: "step", DType: I32, Shape: nil, I32: []int32{42}})
	in.Add(Tensor{Name: "nan", DType: F32, Shape: []int{1}, F32: []float32{math.Float32frombits(0x7fc00123)}})

	var buf bytes.Buffer
	if err := Encode(&buf, in); err != nil {
		t.Fatal(err)
	}
	if hl := binary.LittleEndian.Uint64(buf.Bytes()); hl%8 != 0 {
		t.Errorf("data buffer is not 8-byte aligned (header length %d)", hl)
	}
	out, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	assertSameFile(t, out, in)
}

// F16 storage rounds on write; reading gives the rounded value widened.
func TestF16StorageRounds(t *testing.T) {
	in := &File{Task: "textgen"}
	vals := []float32{0.1, 1.0 / 3, 1e-8, 70000}
	in.Add(Tensor{Name: "x", DType: F16, Shape: []int{4}, F32: vals})
	var buf bytes.Buffer
	if err := Encode(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		want := F16ToF32(F32ToF16(v))
		if got := out.Tensors[0].F32[i]; got != want {
			t.Errorf("stored %g as F16, read %g, want %g", v, got, want)
		}
	}
}

func TestEncodeRejects(t *testing.T) {
	ok := Tensor{Name: "a", DType: F32, Shape: []int{1}, F32: []float32{1}}
	tests := []struct {
		name string
		f    *File
		want string
	}{
		{"nil", nil, "nil"},
		{"no task", &File{}, "Task"},
		{"reserved metadata", &File{Task: "x", Metadata: map[string]string{"recur.task": "y"}}, "reserved"},
		{"duplicate", &File{Task: "x", Tensors: []Tensor{ok, ok}}, "duplicate"},
		{"empty name", &File{Task: "x", Tensors: []Tensor{{DType: F32, Shape: []int{}, F32: []float32{1}}}}, "empty name"},
		{"metadata name", &File{Task: "x", Tensors: []Tensor{{Name: "__metadata__", DType: F32, F32: []float32{1}}}}, "reserved"},
		{"bad dtype", &File{Task: "x", Tensors: []Tensor{{Name: "a", DType: "BF16", Shape: []int{1}, F32: []float32{1}}}}, `unknown dtype "BF16" (valid: F32, F16, I32)`},
		{"rank", &File{Task: "x", Tensors: []Tensor{{Name: "a", DType: F32, Shape: make([]int, 33)}}}, "more than 32"},
		{"negative dim", &File{Task: "x", Tensors: []Tensor{{Name: "a", DType: F32, Shape: []int{-1}}}}, "negative"},
		{"short F32", &File{Task: "x", Tensors: []Tensor{{Name: "a", DType: F32, Shape: []int{2, 2}, F32: []float32{1}}}}, "needs 4 values, F32 has 1"},
		{"short I32", &File{Task: "x", Tensors: []Tensor{{Name: "a", DType: I32, Shape: []int{2}}}}, "needs 2 values, I32 has 0"},
		{"I32 in float", &File{Task: "x", Tensors: []Tensor{{Name: "a", DType: F16, Shape: []int{0}, I32: []int32{1}}}}, "I32 holds"},
		{"F32 in int", &File{Task: "x", Tensors: []Tensor{{Name: "a", DType: I32, Shape: []int{0}, F32: []float32{1}}}}, "F32 holds"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		err := Encode(&buf, tt.f)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Encode error = %v, want one mentioning %q", tt.name, err, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: Encode wrote %d bytes before failing", tt.name, buf.Len())
		}
	}
}

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.bin")
	if err := Write(path, goldenModel()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, goldenFileSum()) {
		t.Error("Write output differs from the golden file")
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", fi.Mode().Perm())
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	assertSameFile(t, f, goldenModel())

	// Replacing keeps the old file's permissions.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, goldenModel()); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file mode %v, want 0600 kept", fi.Mode().Perm())
	}
}

// failAfter fails every write once n bytes have gone through.
type failAfter struct {
	w io.Writer
	n int
}

var errDiskFull = errors.New("simulated disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n, _ := f.w.Write(p[:f.n])
		f.n = 0
		return n, errDiskFull
	}
	f.n -= len(p)
	return f.w.Write(p)
}

// A failed Write must leave the previous file intact and no temp files.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.bin")
	if err := Write(path, goldenModel()); err != nil {
		t.Fatal(err)
	}
	bigger := goldenModel()
	bigger.Add(Tensor{Name: "big", DType: F32, Shape: []int{100000}, F32: make([]float32, 100000)})

	tests := []struct {
		name  string
		f     *File
		fail  int // fail the temp file's writes after this many bytes; <0: no injected failure
		want  string
		iswrt error
	}{
		{"inconsistent tensor", &File{Task: "textgen", Tensors: []Tensor{{Name: "w", DType: F32, Shape: []int{3}, F32: []float32{1}}}}, -1, "needs 3 values", nil},
		{"fails in header", bigger, 100, "disk full", errDiskFull},
		{"fails midway through data", bigger, 200000, "disk full", errDiskFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fail >= 0 {
				old := wrapTempWriter
				wrapTempWriter = func(w io.Writer) io.Writer { return &failAfter{w: w, n: tt.fail} }
				defer func() { wrapTempWriter = old }()
			}
			err := Write(path, tt.f)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Write error = %v, want one naming %s and mentioning %q", err, path, tt.want)
			}
			if tt.iswrt != nil && !errors.Is(err, tt.iswrt) {
				t.Errorf("error %v does not wrap %v", err, tt.iswrt)
			}
			assertOnly(t, dir, "model.bin")
			data, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(data, goldenFileSum()) {
				t.Errorf("old file damaged (err %v)", err)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such", "dir", "model.bin")
	err := Write(missing, goldenModel())
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Write into missing dir: error %v, want one naming %s", err, missing)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	err = Write(sub, goldenModel())
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("Write over a directory: error %v, want 'is a directory'", err)
	}
	assertOnly(t, dir, "sub")
}

// assertOnly checks dir holds exactly the named entries (no temp files).
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if !reflect.DeepEqual(got, names) {
		t.Errorf("directory holds %q, want only %q", got, names)
	}
}

func benchModel(n int) *File {
	f := &File{Task: "textgen"}
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i) * 1e-3
	}
	f.Add(Tensor{Name: "rnn.weight_ih_l0", DType: F32, Shape: []int{n}, F32: x})
	return f
}

func BenchmarkEncode(b *testing.B) {
	f := benchModel(1 << 20)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*float64(buf.Len())/b.Elapsed().Seconds()/1e6, "MB/s")
}
