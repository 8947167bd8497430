package modelfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/bits"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrNotRecur is wrapped by errors for inputs that are not recur model files
// at all (garbage, or a safetensors file without recur metadata).
var ErrNotRecur = errors.New("not a recur model file")

// ErrWrongTask is wrapped by ReadTask's error when the model is for another task.
var ErrWrongTask = errors.New("wrong model task")

// Read loads the model file at path. It checks the whole safetensors header
// before allocating tensor memory and reads the data straight into the
// tensors. Every error names path.
func Read(path string) (*File, error) {
	f, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !f.Verified && Notice != nil {
		Notice(noChecksumNotice(path))
	}
	return f, nil
}

// ReadTask is Read plus a check that the model was trained for task, e.g.
//
//	model.bin: is a "markov" model, want "textgen" (train one with: recur train textgen)
func ReadTask(path, task string) (*File, error) {
	f, err := Read(path)
	if err != nil {
		return nil, err
	}
	if f.Task != task {
		return nil, &WrongTaskError{Path: path, Have: f.Task, Want: task}
	}
	return f, nil
}

// WrongTaskError is ReadTask's error for a model trained for another task.
// It matches ErrWrongTask with errors.Is.
type WrongTaskError struct {
	Path, Have, Want string
}

func (e *WrongTaskError) Error() string {
	return fmt.Sprintf("%s: is a %q model, want %q (train one with: recur train %s)", e.Path, e.Have, e.Want, e.Want)
}

// Is reports whether target is ErrWrongTask.
func (e *WrongTaskError) Is(target error) bool { return target == ErrWrongTask }

func readFile(path string) (*File, error) { return readWith(path, decode) }

// readWith opens path, checks its size and the header length prefix, reads
// the header and hands it to dec with the data buffer's length and a reader
// positioned at its start. It fails if the file grows while being read.
func readWith(path string, dec func(hdr []byte, dataLen uint64, r io.Reader) (*File, error)) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the caller prefixes the path already
		}
		return nil, fmt.Errorf("cannot open model file: %w", err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot stat model file: %w", err)
	}
	if fi.IsDir() {
		return nil, errors.New("is a directory, not a model file")
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("is not a regular file (mode %v)", fi.Mode())
	}
	size := uint64(fi.Size())
	r := bufio.NewReaderSize(fh, chunk)
	var n [8]byte
	if size >= 8 {
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return nil, fmt.Errorf("reading header length: %w", err)
		}
	}
	hlen, err := checkPrefix(n[:], size)
	if err != nil {
		return nil, err
	}
	header := make([]byte, hlen) // hlen <= MaxHeaderSize and <= size: safe
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	f, err := dec(header, size-8-hlen, r)
	if err != nil {
		return nil, err
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, errors.New("file grew while it was being read")
	}
	return f, nil
}

// Decode parses a model file held in memory (e.g. embedded with go:embed),
// with the same checks as Read.
func Decode(data []byte) (*File, error) {
	size := uint64(len(data))
	hlen, err := checkPrefix(data, size)
	if err != nil {
		return nil, err
	}
	return decode(data[8:8+hlen], size-8-hlen, bytes.NewReader(data[8+hlen:]))
}

// checkPrefix checks the file size and the 8-byte header length prefix
// (prefix must hold at least 8 bytes when size >= 8) and returns the header
// length N, guaranteed to satisfy 2 <= N <= MaxHeaderSize and 8+N <= size.
func checkPrefix(prefix []byte, size uint64) (uint64, error) {
	if size == 0 {
		return 0, fmt.Errorf("empty file (0 bytes): %w", ErrNotRecur)
	}
	if size < 8 {
		return 0, fmt.Errorf("file is only %d bytes, too short for the 8-byte safetensors header length: %w", size, ErrNotRecur)
	}
	n := binary.LittleEndian.Uint64(prefix[:8])
	if n > MaxHeaderSize {
		return 0, fmt.Errorf("header length %d is over the %d-byte limit (garbage or not a safetensors file?): %w", n, MaxHeaderSize, ErrNotRecur)
	}
	if n < 2 {
		return 0, fmt.Errorf("header length %d is too small for a JSON object: %w", n, ErrNotRecur)
	}
	if 8+n > size {
		return 0, fmt.Errorf("truncated: header needs %d bytes (8 + header length %d) but the file has only %d bytes", 8+n, n, size)
	}
	return n, nil
}

// entry is one tensor's header entry, checked against the data buffer.
type entry struct {
	name       string
	dtype      DType
	shape      []int
	count      int
	size       int // bytes per element
	begin, end uint64
	index      int  // position in header order
	skip       bool // read past, not loaded (see readPlain)
}

// decode parses and checks the header, then reads the data buffer (exactly
// dataLen bytes) from r into tensors.
func decode(hdr []byte, dataLen uint64, r io.Reader) (*File, error) {
	raw, err := parseHeader(hdr)
	if err != nil {
		return nil, err
	}
	f, err := checkMetadata(raw)
	if err != nil {
		return nil, err
	}
	entries, err := checkEntries(raw.entries, uint64(len(hdr)), dataLen, DType.Size)
	if err != nil {
		return nil, err
	}
	var sum *checksum
	if want, ok := raw.meta[keySHA256]; ok {
		if sum, err = startChecksum(want, hdr); err != nil {
			return nil, err
		}
		r = io.TeeReader(r, sum.h)
	}
	f.Tensors, err = readTensors(r, entries)
	if err != nil {
		return nil, err
	}
	if sum != nil {
		if err := sum.check(); err != nil {
			return nil, err
		}
		f.Verified = true
	}
	return f, nil
}

// rawHeader is the header JSON, syntax-checked but not yet interpreted.
type rawHeader struct {
	meta    map[string]string // nil when __metadata__ is absent or null
	entries []rawEntry
}

type rawEntry struct {
	name    string
	pos     int64 // header byte offset of the name, for errors
	dtype   string
	shape   []string // JSON numbers, as written
	offsets []string
}

// parseHeader tokenizes the header JSON. It uses json.Decoder tokens instead
// of unmarshalling into a map because encoding/json silently keeps the last
// of duplicate keys, which the safetensors format forbids (two entries with
// one name could otherwise alias or hide data).
func parseHeader(hdr []byte) (*rawHeader, error) {
	if !utf8.Valid(hdr) {
		off := 0
		for off < len(hdr) {
			r, size := utf8.DecodeRune(hdr[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return nil, fmt.Errorf("header is not valid UTF-8 (bad byte at header offset %d, file offset %d): %w", off, off+8, ErrNotRecur)
	}
	if hdr[0] != '{' {
		return nil, fmt.Errorf("header must start with '{', found %q: %w", hdr[0], ErrNotRecur)
	}
	p := &parser{dec: json.NewDecoder(bytes.NewReader(hdr))}
	p.dec.UseNumber()
	if err := p.delim('{', "the header"); err != nil {
		return nil, err
	}
	h := &rawHeader{}
	seen := make(map[string]bool)
	for p.dec.More() {
		pos := p.dec.InputOffset()
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		if seen[key] {
			what := "tensor name"
			if key == "__metadata__" {
				what = "key"
			}
			return nil, fmt.Errorf("duplicate %s %q at header byte %d", what, key, pos)
		}
		seen[key] = true
		if key == "__metadata__" {
			if h.meta, err = p.metadata(); err != nil {
				return nil, err
			}
			continue
		}
		e, err := p.entry(key)
		if err != nil {
			return nil, err
		}
		e.pos = pos
		h.entries = append(h.entries, e)
	}
	if err := p.delim('}', "the header"); err != nil {
		return nil, err
	}
	end := p.dec.InputOffset()
	if rest := bytes.TrimLeft(hdr[end:], " \t\r\n"); len(rest) > 0 {
		return nil, fmt.Errorf("unexpected data after the header JSON object at header byte %d", int64(len(hdr)-len(rest)))
	}
	return h, nil
}

// parser wraps a token decoder with error messages that carry offsets.
type parser struct{ dec *json.Decoder }

func (p *parser) token() (json.Token, error) {
	t, err := p.dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("header is not valid JSON near header byte %d: %v", p.dec.InputOffset(), err)
	}
	return t, nil
}

func (p *parser) delim(want json.Delim, what string) error {
	t, err := p.token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("header byte %d: %s must be a JSON %s, found %s", p.dec.InputOffset(), what, kind(want), describe(t))
	}
	return nil
}

func kind(d json.Delim) string {
	switch d {
	case '{', '}':
		return "object"
	}
	return "array"
}

// describe names a token's JSON type for error messages.
func describe(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", string(v))
	case string:
		return fmt.Sprintf("string %q", v)
	case json.Number:
		return "number " + string(v)
	case bool:
		return fmt.Sprintf("%v", v)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", t)
}

func (p *parser) key() (string, error) {
	t, err := p.token()
	if err != nil {
		return "", err
	}
	k, ok := t.(string) // the decoder only yields strings in key position
	if !ok {
		return "", fmt.Errorf("header byte %d: expected an object key, found %s", p.dec.InputOffset(), describe(t))
	}
	return k, nil
}

// metadata reads the __metadata__ object: string keys to string values.
func (p *parser) metadata() (map[string]string, error) {
	t, err := p.token()
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, nil // "__metadata__": null
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("header byte %d: __metadata__ must be an object of strings, found %s", p.dec.InputOffset(), describe(t))
	}
	m := make(map[string]string)
	for p.dec.More() {
		pos := p.dec.InputOffset()
		k, err := p.key()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("duplicate __metadata__ key %q at header byte %d", k, pos)
		}
		t, err := p.token()
		if err != nil {
			return nil, err
		}
		v, ok := t.(string)
		if !ok {
			return nil, fmt.Errorf("header byte %d: __metadata__ value of %q must be a string, found %s", p.dec.InputOffset(), k, describe(t))
		}
		m[k] = v
	}
	return m, p.delim('}', "__metadata__")
}

// entry reads one tensor entry {"dtype": s, "shape": [..], "data_offsets": [b, e]}.
func (p *parser) entry(name string) (rawEntry, error) {
	e := rawEntry{name: name}
	what := fmt.Sprintf("entry of tensor %q", name)
	if err := p.delim('{', what); err != nil {
		return e, err
	}
	var haveDType, haveShape, haveOffsets bool
	for p.dec.More() {
		k, err := p.key()
		if err != nil {
			return e, err
		}
		var dup bool
		switch k {
		case "dtype":
			dup, haveDType = haveDType, true
			t, err := p.token()
			if err != nil {
				return e, err
			}
			s, ok := t.(string)
			if !ok {
				return e, fmt.Errorf("tensor %q: dtype must be a string, found %s", name, describe(t))
			}
			e.dtype = s
		case "shape":
			dup, haveShape = haveShape, true
			if e.shape, err = p.numbers(name, k, MaxRank); err != nil {
				return e, err
			}
		case "data_offsets":
			dup, haveOffsets = haveOffsets, true
			if e.offsets, err = p.numbers(name, k, 2); err != nil {
				return e, err
			}
		default:
			return e, fmt.Errorf("tensor %q: unknown field %q (valid: dtype, shape, data_offsets)", name, k)
		}
		if dup {
			return e, fmt.Errorf("tensor %q: duplicate field %q", name, k)
		}
	}
	if err := p.delim('}', what); err != nil {
		return e, err
	}
	switch {
	case !haveDType:
		return e, fmt.Errorf("tensor %q: missing dtype", name)
	case !haveShape:
		return e, fmt.Errorf("tensor %q: missing shape", name)
	case !haveOffsets:
		return e, fmt.Errorf("tensor %q: missing data_offsets", name)
	}
	return e, nil
}

// MaxRank bounds the number of dimensions of a tensor. safetensors sets no
// limit, but without one a 100 MB header of [1,1,1,...] would make the
// parser hold tens of millions of numbers; real tensors have a handful.
const MaxRank = 32

// numbers reads a flat JSON array of at most max numbers, kept as text for
// exact integer parsing later.
func (p *parser) numbers(name, field string, max int) ([]string, error) {
	if err := p.delim('[', fmt.Sprintf("%s of tensor %q", field, name)); err != nil {
		return nil, err
	}
	var out []string
	for p.dec.More() {
		t, err := p.token()
		if err != nil {
			return nil, err
		}
		n, ok := t.(json.Number)
		if !ok {
			return nil, fmt.Errorf("tensor %q: %s must hold only integers, found %s", name, field, describe(t))
		}
		if len(out) == max {
			if field == "data_offsets" {
				return nil, fmt.Errorf("tensor %q: data_offsets must be [begin, end], found more than 2 numbers", name)
			}
			return nil, fmt.Errorf("tensor %q: %s has more than %d dimensions", name, field, max)
		}
		out = append(out, string(n))
	}
	return out, p.delim(']', fmt.Sprintf("%s of tensor %q", field, name))
}

// parseUint parses a JSON number that must be a non-negative integer.
func parseUint(s string) (uint64, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	switch {
	case err == nil:
		return v, nil
	case strings.HasPrefix(s, "-"):
		return 0, fmt.Errorf("%s is negative", s)
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("%s overflows 64 bits", s)
	}
	return 0, fmt.Errorf("%s is not a non-negative integer", s)
}

// checkMetadata interprets the reserved recur.* keys and returns a File with
// Task and the free-form Metadata set.
func checkMetadata(h *rawHeader) (*File, error) {
	format, ok := h.meta[keyFormat]
	if !ok {
		return nil, fmt.Errorf("no %q metadata (a plain safetensors file?): %w", keyFormat, ErrNotRecur)
	}
	if format != formatName {
		return nil, fmt.Errorf("%s is %q, want %q: %w", keyFormat, format, formatName, ErrNotRecur)
	}
	version, ok := h.meta[keyVersion]
	if !ok {
		return nil, fmt.Errorf("no %q metadata; this build reads version %d", keyVersion, FormatVersion)
	}
	if version != strconv.Itoa(FormatVersion) {
		hint := ""
		if v, err := strconv.Atoi(version); err == nil && v > FormatVersion {
			hint = " (written by a newer recur: upgrade recur)"
		} else if err == nil {
			hint = " (written by an older recur: re-train the model)"
		}
		return nil, fmt.Errorf("model file has format version %q, this build reads version %d%s", version, FormatVersion, hint)
	}
	f := &File{Metadata: make(map[string]string, len(h.meta))}
	for k, v := range h.meta {
		switch k {
		case keyFormat, keyVersion, keySHA256:
		case keyTask:
			f.Task = v
		default:
			if strings.HasPrefix(k, ReservedPrefix) {
				return nil, fmt.Errorf("unknown reserved metadata key %q (format version %d knows %s, %s, %s, %s)",
					k, FormatVersion, keyFormat, keyVersion, keyTask, keySHA256)
			}
			f.Metadata[k] = v
		}
	}
	if f.Task == "" {
		return nil, fmt.Errorf("no %q metadata: the file does not say what kind of model it is", keyTask)
	}
	return f, nil
}

// checkEntries validates every tensor entry against the data buffer of
// dataLen bytes: known dtype, integer shape, element count and byte size
// without overflow, size matching data_offsets, and offsets that tile the
// buffer exactly (sorted, contiguous from 0, no overlap, no gap, no trailing
// bytes). Nothing proportional to a claimed size is allocated here.
//
// sizeOf gives the bytes per element of each accepted dtype (0 = rejected):
// DType.Size for recur files, plainSize for other safetensors files.
func checkEntries(raws []rawEntry, hdrLen, dataLen uint64, sizeOf func(DType) int) ([]entry, error) {
	fileSize := 8 + hdrLen + dataLen
	entries := make([]entry, len(raws))
	for i, r := range raws {
		e := entry{name: r.name, dtype: DType(r.dtype), index: i}
		if r.name == "" {
			return nil, fmt.Errorf("tensor at header byte %d has an empty name", r.pos)
		}
		size := sizeOf(e.dtype)
		if size == 0 {
			valid := validDTypes
			if sizeOf(BF16) != 0 {
				valid = validPlainDTypes
			}
			return nil, fmt.Errorf("tensor %q: unknown dtype %q (valid: %s)", r.name, r.dtype, valid)
		}
		e.size = size
		count := uint64(1)
		e.shape = make([]int, len(r.shape))
		for j, s := range r.shape {
			d, err := parseUint(s)
			if err != nil {
				return nil, fmt.Errorf("tensor %q: shape dimension %d: %v", r.name, j, err)
			}
			if d > uint64(maxInt) {
				return nil, fmt.Errorf("tensor %q: shape dimension %d = %d overflows int", r.name, j, d)
			}
			e.shape[j] = int(d)
			hi, lo := bits.Mul64(count, d)
			if hi != 0 || lo > uint64(maxInt) {
				return nil, fmt.Errorf("tensor %q: element count of shape %v overflows", r.name, r.shape)
			}
			count = lo
		}
		hi, nbytes := bits.Mul64(count, uint64(size))
		if hi != 0 || nbytes > uint64(maxInt) {
			return nil, fmt.Errorf("tensor %q: byte size of shape %v (%d elements of %s) overflows", r.name, r.shape, count, e.dtype)
		}
		e.count = int(count)
		if len(r.offsets) != 2 {
			return nil, fmt.Errorf("tensor %q: data_offsets must be [begin, end], found %d numbers", r.name, len(r.offsets))
		}
		var err error
		if e.begin, err = parseUint(r.offsets[0]); err != nil {
			return nil, fmt.Errorf("tensor %q: data_offsets begin: %v", r.name, err)
		}
		if e.end, err = parseUint(r.offsets[1]); err != nil {
			return nil, fmt.Errorf("tensor %q: data_offsets end: %v", r.name, err)
		}
		if e.begin > e.end {
			return nil, fmt.Errorf("tensor %q: data_offsets begin %d > end %d", r.name, e.begin, e.end)
		}
		if e.end-e.begin != nbytes {
			return nil, fmt.Errorf("tensor %q: shape %v of %s needs %d bytes but data_offsets [%d, %d] span %d bytes",
				r.name, e.shape, e.dtype, nbytes, e.begin, e.end, e.end-e.begin)
		}
		if e.end > dataLen {
			// end <= MaxUint64 and 8+hdrLen <= 8+MaxHeaderSize, so the
			// sum cannot wrap unless end is absurd; report it either way.
			return nil, fmt.Errorf("truncated: tensor %q ends at data byte %d but the data buffer has %d bytes (expected file size at least %s, actual %d)",
				r.name, e.end, dataLen, sizeString(8+hdrLen, e.end), fileSize)
		}
		entries[i] = e
	}

	sorted := make([]*entry, len(entries))
	for i := range entries {
		sorted[i] = &entries[i]
	}
	sort.SliceStable(sorted, func(a, b int) bool {
		if sorted[a].begin != sorted[b].begin {
			return sorted[a].begin < sorted[b].begin
		}
		return sorted[a].end < sorted[b].end
	})
	var next uint64
	prev := ""
	for _, e := range sorted {
		switch {
		case e.begin < next:
			return nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] overlap tensor %q, which ends at %d", e.name, e.begin, e.end, prev, next)
		case e.begin > next:
			after := "the start of the data buffer"
			if prev != "" {
				after = fmt.Sprintf("tensor %q", prev)
			}
			return nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] leave a gap of %d bytes after %s (offsets must be contiguous)", e.name, e.begin, e.end, e.begin-next, after)
		}
		next, prev = e.end, e.name
	}
	if next != dataLen {
		return nil, fmt.Errorf("%d trailing bytes after the end of the tensor data (expected file size %d, actual %d)", dataLen-next, 8+hdrLen+next, fileSize)
	}
	return entries, nil
}

// sizeString formats a+b, which may exceed 64 bits for a hostile header.
func sizeString(a, b uint64) string {
	if a+b < a {
		return "2^64+"
	}
	return strconv.FormatUint(a+b, 10)
}

// readTensors reads the data buffer from r, in offset order, straight into
// newly allocated tensors (returned in header order). All sizes were checked
// against the buffer length, which is the real size of the input. Entries
// marked skip are read past without allocating and left out of the result.
func readTensors(r io.Reader, entries []entry) ([]Tensor, error) {
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return entries[order[a]].begin < entries[order[b]].begin })
	out := make([]Tensor, len(entries))
	buf := make([]byte, chunk)
	for _, i := range order {
		e := &entries[i]
		if e.skip {
			if _, err := io.CopyN(io.Discard, r, int64(e.end-e.begin)); err != nil {
				return nil, fmt.Errorf("truncated while reading tensor %q (file changed while reading?)", e.name)
			}
			continue
		}
		t := Tensor{Name: e.name, DType: e.dtype, Shape: e.shape}
		size := e.size
		per := chunk / size // elements per chunk
		if e.dtype == I32 {
			t.I32 = make([]int32, e.count)
		} else {
			t.F32 = make([]float32, e.count)
		}
		for done := 0; done < e.count; {
			n := min(per, e.count-done)
			b := buf[:n*size]
			if _, err := io.ReadFull(r, b); err != nil {
				if err == io.EOF || err == io.ErrUnexpectedEOF {
					return nil, fmt.Errorf("truncated while reading tensor %q (file changed while reading?)", e.name)
				}
				return nil, fmt.Errorf("reading tensor %q: %w", e.name, err)
			}
			switch e.dtype {
			case F32:
				for k := range n {
					t.F32[done+k] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*k:]))
				}
			case F16:
				for k := range n {
					t.F32[done+k] = F16ToF32(binary.LittleEndian.Uint16(b[2*k:]))
				}
			case BF16:
				// bfloat16 is the top half of a float32: widening is exact.
				for k := range n {
					t.F32[done+k] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(b[2*k:])) << 16)
				}
			case I32:
				for k := range n {
					t.I32[done+k] = int32(binary.LittleEndian.Uint32(b[4*k:]))
				}
			}
			done += n
		}
		out[i] = t
	}
	kept := out[:0]
	for i := range out {
		if !entries[i].skip {
			kept = append(kept, out[i])
		}
	}
	return kept, nil
}
