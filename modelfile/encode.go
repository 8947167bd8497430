package modelfile

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// MaxHeaderSize bounds the JSON header, on write and on read. The
// safetensors reference implementation uses the same limit; real headers are
// a few kB.
const MaxHeaderSize = 100_000_000

// chunk is the size of the scratch buffer used to convert tensor data to and
// from bytes without holding a second copy of the whole tensor.
const chunk = 64 << 10

// Encode writes f to w in the safetensors layout described in the package
// documentation. It checks f completely before writing anything.
func Encode(w io.Writer, f *File) error {
	return encode(w, f, true)
}

// encode is Encode; withSum false writes a file as recur wrote them before
// the checksum existed (for tests of that path).
func encode(w io.Writer, f *File, withSum bool) error {
	header, sumAt, err := encodeHeader(f, withSum)
	if err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	buf := make([]byte, 0, chunk)
	if withSum {
		// First pass: hash the file as it will be written, with the
		// checksum's digits still zero; then write the digits in.
		h := sha256.New()
		h.Write(n[:])
		h.Write(header)
		for i := range f.Tensors {
			writeData(h, &f.Tensors[i], buf) // a hash never fails to write
		}
		hex.Encode(header[sumAt:sumAt+sumLen], h.Sum(nil))
	}
	bw := bufio.NewWriterSize(w, chunk)
	bw.Write(n[:])
	bw.Write(header)
	for i := range f.Tensors {
		if err := writeData(bw, &f.Tensors[i], buf); err != nil {
			return fmt.Errorf("writing tensor %q: %w", f.Tensors[i].Name, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	return nil
}

// checkTensor validates t for writing and returns its data size in bytes.
func checkTensor(t *Tensor) (int, error) {
	if t.Name == "" {
		return 0, errors.New("tensor with empty name")
	}
	if t.Name == "__metadata__" {
		return 0, errors.New(`tensor name "__metadata__" is reserved by safetensors`)
	}
	size := t.DType.Size()
	if size == 0 {
		return 0, fmt.Errorf("tensor %q: unknown dtype %q (valid: %s)", t.Name, t.DType, validDTypes)
	}
	if len(t.Shape) > MaxRank {
		return 0, fmt.Errorf("tensor %q: shape has %d dimensions, more than %d", t.Name, len(t.Shape), MaxRank)
	}
	n, err := NumElements(t.Shape)
	if err != nil {
		return 0, fmt.Errorf("tensor %q: %w", t.Name, err)
	}
	if n > maxInt/size {
		return 0, fmt.Errorf("tensor %q: byte size of shape %v overflows int", t.Name, t.Shape)
	}
	switch t.DType {
	case F32, F16:
		if len(t.F32) != n {
			return 0, fmt.Errorf("tensor %q: shape %v needs %d values, F32 has %d", t.Name, t.Shape, n, len(t.F32))
		}
		if len(t.I32) != 0 {
			return 0, fmt.Errorf("tensor %q: dtype %s but I32 holds %d values (float tensors use F32)", t.Name, t.DType, len(t.I32))
		}
	case I32:
		if len(t.I32) != n {
			return 0, fmt.Errorf("tensor %q: shape %v needs %d values, I32 has %d", t.Name, t.Shape, n, len(t.I32))
		}
		if len(t.F32) != 0 {
			return 0, fmt.Errorf("tensor %q: dtype I32 but F32 holds %d values", t.Name, len(t.F32))
		}
	}
	return n * size, nil
}

// encodeHeader validates f and builds its JSON header, padded with spaces to
// a multiple of 8 bytes so the data buffer starts 8-byte aligned (as the
// safetensors reference writer does). With withSum, the header holds the
// checksum entry with sumLen zero digits starting at byte sumAt, for the
// caller to fill in.
func encodeHeader(f *File, withSum bool) (header []byte, sumAt int, err error) {
	if f == nil {
		return nil, 0, errors.New("nil model file")
	}
	if f.Task == "" {
		return nil, 0, errors.New(`model file has no Task (e.g. "textgen", "markov", "translate")`)
	}
	keys := make([]string, 0, len(f.Metadata))
	for k := range f.Metadata {
		if strings.HasPrefix(k, ReservedPrefix) {
			return nil, 0, fmt.Errorf("metadata key %q uses the reserved prefix %q", k, ReservedPrefix)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic output

	var b strings.Builder
	b.WriteString(`{"__metadata__":{`)
	writeKV(&b, keyFormat, formatName)
	b.WriteByte(',')
	writeKV(&b, keyVersion, strconv.Itoa(FormatVersion))
	b.WriteByte(',')
	writeKV(&b, keyTask, f.Task)
	if withSum {
		b.WriteByte(',')
		b.WriteString(sumPrefix)
		sumAt = b.Len()
		b.WriteString(strings.Repeat("0", sumLen))
		b.WriteByte('"')
	}
	for _, k := range keys {
		b.WriteByte(',')
		writeKV(&b, k, f.Metadata[k])
	}
	b.WriteByte('}')

	seen := make(map[string]bool, len(f.Tensors))
	var off uint64
	for i := range f.Tensors {
		t := &f.Tensors[i]
		size, err := checkTensor(t)
		if err != nil {
			return nil, 0, err
		}
		if seen[t.Name] {
			return nil, 0, fmt.Errorf("duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		if off+uint64(size) < off {
			return nil, 0, errors.New("total data size overflows")
		}
		b.WriteByte(',')
		b.WriteString(jsonString(t.Name))
		b.WriteString(`:{"dtype":`)
		b.WriteString(jsonString(string(t.DType)))
		b.WriteString(`,"shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(d))
		}
		fmt.Fprintf(&b, `],"data_offsets":[%d,%d]}`, off, off+uint64(size))
		off += uint64(size)
		if b.Len() > MaxHeaderSize {
			break // reported below
		}
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	if b.Len() > MaxHeaderSize {
		return nil, 0, fmt.Errorf("header would be over %d bytes (too much metadata or too many tensors)", MaxHeaderSize)
	}
	return []byte(b.String()), sumAt, nil
}

func writeKV(b *strings.Builder, k, v string) {
	b.WriteString(jsonString(k))
	b.WriteByte(':')
	b.WriteString(jsonString(v))
}

// jsonString quotes s as a JSON string. Invalid UTF-8 is replaced by U+FFFD
// by encoding/json, so the header is always valid UTF-8.
func jsonString(s string) string {
	q, _ := json.Marshal(s) // a string always marshals
	return string(q)
}

// writeData writes t's elements little-endian, converting F16 on the fly,
// through buf (capacity chunk) to avoid a full-size byte copy.
func writeData(w io.Writer, t *Tensor, buf []byte) error {
	buf = buf[:0]
	flush := func() error {
		_, err := w.Write(buf)
		buf = buf[:0]
		return err
	}
	switch t.DType {
	case F32:
		for _, v := range t.F32 {
			if len(buf)+4 > cap(buf) {
				if err := flush(); err != nil {
					return err
				}
			}
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
	case F16:
		for _, v := range t.F32 {
			if len(buf)+2 > cap(buf) {
				if err := flush(); err != nil {
					return err
				}
			}
			buf = binary.LittleEndian.AppendUint16(buf, F32ToF16(v))
		}
	case I32:
		for _, v := range t.I32 {
			if len(buf)+4 > cap(buf) {
				if err := flush(); err != nil {
					return err
				}
			}
			buf = binary.LittleEndian.AppendUint32(buf, uint32(v))
		}
	}
	return flush()
}

// wrapTempWriter lets tests inject a write failure midway through Write.
var wrapTempWriter = func(w io.Writer) io.Writer { return w }

// Write stores f at path atomically: it encodes into a temporary file in the
// same directory, fsyncs and closes it, renames it over path and fsyncs the
// directory. On any error the temporary file is removed and whatever was at
// path before is left untouched. Errors name path.
func Write(path string, f *File) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("%s: %w", path, err)
		}
	}()
	if path == "" {
		return errors.New("empty model file path")
	}
	// Validate before touching the disk, so bad input creates no file.
	if _, _, err := encodeHeader(f, false); err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return errors.New("is a directory")
		}
		mode = fi.Mode().Perm() // keep the permissions of the file we replace
	}
	tmp, err := os.CreateTemp(dir, tempPattern(base))
	if err != nil {
		return fmt.Errorf("creating temporary file: %w", err)
	}
	tmpName := tmp.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				tmp.Close()
			}
			os.Remove(tmpName)
		}
	}()
	// The lock tells RemoveStaleTemps this file is being written; the
	// kernel drops it when tmp is closed or the process dies.
	if err := lockFile(tmp); err != nil {
		return fmt.Errorf("locking temporary file %s: %w", tmpName, err)
	}
	if err := Encode(wrapTempWriter(tmp), f); err != nil {
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("setting permissions: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", tmpName, err)
	}
	// Where the lock works, rename while it is still held, so that
	// RemoveStaleTemps never sees this file unlocked under its temporary
	// name. (The data is already synced, so Close cannot lose it.)
	renamed := false
	if canLock {
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("renaming temporary file into place: %w", err)
		}
		renamed = true
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmpName, err)
	}
	if !renamed {
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("renaming temporary file into place: %w", err)
		}
	}
	// The rename is durable only once the directory entry is on disk.
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("opening directory to sync: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}
