package modelfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// mk assembles a file: 8-byte little-endian header length, header, data.
func mk(header, data string) []byte {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	return []byte(string(n[:]) + header + data)
}

const okMeta = `"__metadata__":{"recur.format":"recur","recur.version":"1","recur.task":"textgen"}`

// hdr builds a header with valid recur metadata and the given entries.
func hdr(entries ...string) string {
	return "{" + strings.Join(append([]string{okMeta}, entries...), ",") + "}"
}

// rejectCases lists malformed files and a fact each error must mention.
var rejectCases = []struct {
	name string
	data []byte
	want []string
}{
	{"empty", nil, []string{"empty file", "0 bytes"}},
	{"too short", []byte("abc"), []string{"only 3 bytes", "8-byte"}},
	{"garbage", []byte("hello, this is certainly not a model file"), []string{"header length", "limit"}},
	{"header length zero", mk("", ""), []string{"too small"}},
	{"truncated header", mk(hdr(), "")[:50], []string{"truncated", "but the file has only 50 bytes", "needs"}},
	{"invalid UTF-8", mk("{\"a\xff\":1}", ""), []string{"UTF-8", "header offset 3"}},
	{"not an object", mk(`["recur"]`, ""), []string{"must start with '{'"}},
	{"leading space", mk(` {}`, ""), []string{"must start with '{'"}},
	{"bad JSON", mk(`{"__metadata__":`, ""), []string{"not valid JSON", "header byte"}},
	{"bad JSON token", mk(`{"__metadata__" 1}`, ""), []string{"not valid JSON"}},
	{"trailing data", mk(hdr()+`{}`, ""), []string{"after the header JSON object"}},
	{"duplicate tensor", mk(hdr(
		`"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`,
		`"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}`), "12345678"), []string{"duplicate tensor name", `"a"`}},
	{"duplicate via escape", mk(hdr(
		`"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`,
		`"\u0061":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}`), "12345678"), []string{"duplicate"}},
	{"duplicate metadata", mk(`{"__metadata__":{"recur.format":"recur","recur.format":"recur"}}`, ""), []string{"duplicate", "recur.format"}},
	{"duplicate __metadata__", mk(`{"__metadata__":{},"__metadata__":{}}`, ""), []string{"duplicate", "__metadata__"}},
	{"metadata number", mk(`{"__metadata__":{"recur.format":"recur","n":1}}`, ""), []string{"must be a string", `"n"`}},
	{"metadata object", mk(`{"__metadata__":{"n":{}}}`, ""), []string{"must be a string"}},
	{"metadata array", mk(`{"__metadata__":["recur"]}`, ""), []string{"__metadata__ must be an object"}},
	{"plain safetensors", mk(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, "1234"), []string{"not a recur model file", "recur.format"}},
	{"other format", mk(`{"__metadata__":{"recur.format":"pt"}}`, ""), []string{"not a recur model file", `"pt"`}},
	{"newer version", mk(`{"__metadata__":{"recur.format":"recur","recur.version":"2","recur.task":"x"}}`, ""), []string{`version "2"`, "reads version 1", "newer"}},
	{"no version", mk(`{"__metadata__":{"recur.format":"recur","recur.task":"x"}}`, ""), []string{"recur.version", "reads version 1"}},
	{"no task", mk(`{"__metadata__":{"recur.format":"recur","recur.version":"1"}}`, ""), []string{"recur.task"}},
	{"unknown reserved key", mk(`{"__metadata__":{"recur.format":"recur","recur.version":"1","recur.task":"x","recur.extra":""}}`, ""), []string{"reserved", "recur.extra"}},
	{"unknown dtype", mk(hdr(`"a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}`), "12"), []string{`unknown dtype "BF16"`, "valid: F32, F16, I32"}},
	{"dtype not string", mk(hdr(`"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}`), "1234"), []string{"dtype must be a string"}},
	{"entry not object", mk(hdr(`"a":[1]`), ""), []string{`entry of tensor "a" must be a JSON object`}},
	{"unknown field", mk(hdr(`"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}`), "1234"), []string{`unknown field "x"`}},
	{"duplicate field", mk(hdr(`"a":{"dtype":"F32","shape":[1],"shape":[1],"data_offsets":[0,4]}`), "1234"), []string{`duplicate field "shape"`}},
	{"missing dtype", mk(hdr(`"a":{"shape":[1],"data_offsets":[0,4]}`), "1234"), []string{"missing dtype"}},
	{"missing shape", mk(hdr(`"a":{"dtype":"F32","data_offsets":[0,4]}`), "1234"), []string{"missing shape"}},
	{"missing offsets", mk(hdr(`"a":{"dtype":"F32","shape":[1]}`), "1234"), []string{"missing data_offsets"}},
	{"empty name", mk(hdr(`"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`), "1234"), []string{"empty name"}},
	{"negative dim", mk(hdr(`"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}`), "1234"), []string{"negative"}},
	{"fractional dim", mk(hdr(`"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}`), "1234"), []string{"not a non-negative integer"}},
	{"exponent dim", mk(hdr(`"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}`), "1234"), []string{"not a non-negative integer"}},
	{"string dim", mk(hdr(`"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}`), "1234"), []string{"only integers"}},
	{"nested dim", mk(hdr(`"a":{"dtype":"F32","shape":[[1]],"data_offsets":[0,4]}`), "1234"), []string{"only integers"}},
	{"dim over 64 bits", mk(hdr(`"a":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,4]}`), "1234"), []string{"overflows 64 bits"}},
	{"dim over int", mk(hdr(`"a":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,4]}`), "1234"), []string{"overflows int"}},
	{"count overflow", mk(hdr(`"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}`), "1234"), []string{"element count", "overflow"}},
	{"byte size overflow", mk(hdr(`"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,4]}`), "1234"), []string{"byte size", "overflow"}},
	{"size mismatch", mk(hdr(`"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}`), "1234"), []string{"needs 8 bytes", "span 4 bytes"}},
	{"begin after end", mk(hdr(`"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}`), "1234"), []string{"begin 4 > end 0"}},
	{"three offsets", mk(hdr(`"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}`), "1234"), []string{"[begin, end]", "more than 2"}},
	{"one offset", mk(hdr(`"a":{"dtype":"F32","shape":[0],"data_offsets":[0]}`), ""), []string{"[begin, end]", "found 1"}},
	{"rank too high", mk(hdr(`"a":{"dtype":"F32","shape":[`+strings.Repeat("1,", 40)+`1],"data_offsets":[0,4]}`), "1234"), []string{"more than 32 dimensions"}},
	{"negative offset", mk(hdr(`"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}`), "1234"), []string{"begin", "negative"}},
	{"truncated data", mk(hdr(`"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}`), "1234"), []string{"truncated", "expected file size at least", "actual"}},
	{"huge end", mk(hdr(`"a":{"dtype":"F32","shape":[1],"data_offsets":[18446744073709551612,18446744073709551615]}`), "1234"), []string{"needs 4 bytes"}},
	{"huge end, right span", mk(hdr(`"a":{"dtype":"F32","shape":[1],"data_offsets":[18446744073709551608,18446744073709551612]}`), "1234"), []string{"truncated", "at least 2^64+"}},
	{"gap at start", mk(hdr(`"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}`), "12345678"), []string{"gap of 4 bytes", "start of the data buffer"}},
	{"gap between", mk(hdr(
		`"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`,
		`"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}`), "123456789012"), []string{"gap of 4 bytes", `after tensor "a"`}},
	{"overlap", mk(hdr(
		`"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}`,
		`"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}`), "123456789012"), []string{"overlap", `"a"`}},
	{"aliased", mk(hdr(
		`"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`,
		`"b":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}`), "1234"), []string{"overlap"}},
	{"trailing bytes", mk(hdr(`"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`), "12345678"), []string{"4 trailing bytes", "expected file size", "actual"}},
	{"trailing bytes no tensors", mk(hdr(), "x"), []string{"1 trailing bytes"}},
}

func TestDecodeRejects(t *testing.T) {
	for _, tt := range rejectCases {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Decode(tt.data)
			if err == nil {
				t.Fatalf("Decode succeeded: %+v", f)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// Read runs the same checks on files and names the path in every error.
func TestReadRejects(t *testing.T) {
	dir := t.TempDir()
	for i, tt := range rejectCases {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".bin")
		if err := os.WriteFile(path, tt.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(path)
		if err == nil {
			t.Errorf("case %d %s: Read succeeded", i, tt.name)
			continue
		}
		for _, w := range append([]string{path + ": "}, tt.want...) {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tt.name, err, w)
			}
		}
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.bin")
	_, err := Read(missing)
	if err == nil || !strings.Contains(err.Error(), missing+": ") || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if strings.Count(err.Error(), missing) != 1 {
		t.Errorf("path repeated in %q", err)
	}
	_, err = Read(dir)
	if err == nil || !strings.Contains(err.Error(), dir+": is a directory") {
		t.Errorf("directory: %v", err)
	}
	empty := filepath.Join(dir, "empty.bin")
	os.WriteFile(empty, nil, 0o644)
	_, err = Read(empty)
	if err == nil || !strings.Contains(err.Error(), empty+": empty file") || !errors.Is(err, ErrNotRecur) {
		t.Errorf("empty file: %v", err)
	}
	garbage := filepath.Join(dir, "notes.txt")
	os.WriteFile(garbage, []byte("these are my notes, not a model\n"), 0o644)
	_, err = Read(garbage)
	if err == nil || !strings.Contains(err.Error(), garbage) || !errors.Is(err, ErrNotRecur) {
		t.Errorf("garbage file: %v", err)
	}
}

func TestReadTask(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.bin")
	m := goldenModel()
	m.Task = "markov"
	if err := Write(path, m); err != nil {
		t.Fatal(err)
	}
	if f, err := ReadTask(path, "markov"); err != nil || f.Task != "markov" {
		t.Fatalf("ReadTask(markov) = %v, %v", f, err)
	}
	_, err := ReadTask(path, "textgen")
	want := path + `: is a "markov" model, want "textgen" (train one with: recur train textgen)`
	if err == nil || err.Error() != want {
		t.Errorf("ReadTask error = %v\nwant %s", err, want)
	}
	if !errors.Is(err, ErrWrongTask) {
		t.Error("error does not match ErrWrongTask")
	}
	if _, err := ReadTask(path+".missing", "textgen"); err == nil || errors.Is(err, ErrWrongTask) {
		t.Errorf("ReadTask on missing file: %v", err)
	}
}

// A header claiming a [2^20, 2^20] F32 tensor (4 TiB) is rejected from the
// header alone: no allocation proportional to the claim, and fast.
func TestHugeShapeRejectedQuickly(t *testing.T) {
	cases := []string{
		`"w":{"dtype":"F32","shape":[1048576,1048576],"data_offsets":[0,4398046511104]}`,
		`"w":{"dtype":"F32","shape":[1048576,1048576],"data_offsets":[0,16]}`,
	}
	for _, c := range cases {
		data := mk(hdr(c), "0123456789abcdef")
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		_, err := Decode(data)
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Fatal("Decode accepted a 2^40-element tensor")
		}
		if elapsed > time.Second {
			t.Errorf("rejection took %v", elapsed)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
			t.Errorf("rejection allocated %d bytes", alloc)
		}
	}
}

// Files from other safetensors writers may order data differently from the
// header; tensors still come back in header order with the right data.
func TestDecodeHeaderOrderDiffersFromDataOrder(t *testing.T) {
	data := mk(hdr(
		`"second":{"dtype":"I32","shape":[1],"data_offsets":[4,8]}`,
		`"empty":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}`,
		`"first":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}`), "\x01\x00\x00\x00\x02\x00\x00\x00")
	f, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Tensors[0].Name != "second" || f.Tensors[0].I32[0] != 2 || f.Tensors[2].Name != "first" || f.Tensors[2].I32[0] != 1 {
		t.Errorf("tensors = %+v", f.Tensors)
	}
	// __metadata__ null and trailing whitespace padding are accepted.
	if _, err := Decode(mk(`{"__metadata__":null}  `, "")); !errors.Is(err, ErrNotRecur) {
		t.Errorf("null metadata: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(goldenFile)
	var buf bytes.Buffer
	m := goldenModel()
	m.Add(Tensor{Name: "empty", DType: F16, Shape: []int{0}})
	Encode(&buf, m)
	f.Add(buf.Bytes())
	for _, c := range rejectCases {
		f.Add(c.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		f1, err := Decode(data)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Encode(&out, f1); err != nil {
			t.Fatalf("decoded file does not re-encode: %v", err)
		}
		f2, err := Decode(out.Bytes())
		if err != nil {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
		assertSameFile(t, f2, f1)
	})
}

func BenchmarkDecode(b *testing.B) {
	var buf bytes.Buffer
	if err := Encode(&buf, benchModel(1<<20)); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*float64(len(data))/b.Elapsed().Seconds()/1e6, "MB/s")
}
