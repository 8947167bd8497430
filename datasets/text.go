package datasets

import (
	"bytes"
	"fmt"
	"os"
	"unicode/utf8"

	"github.com/recur-dev/recur/internal/fileerr"
)

// utf8BOM is the byte-order mark some editors (notably on Windows) put at the
// start of UTF-8 files. It is not part of the text.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ReadText reads a UTF-8 corpus and returns it as a string.
//
// A leading UTF-8 byte-order mark is stripped; everything else is returned
// byte for byte (CRLF line ends stay CRLF, NUL bytes are kept). Every error
// starts with the path and says what is wrong:
//
//	corpus.txt: file does not exist
//	corpus.txt: is a directory, not a text file
//	corpus.txt: file is empty
//	corpus.txt: invalid UTF-8 at byte offset 1234 (line 17): byte 0xe9 near "caf\xe9 au lait"; ...
//
// Byte offsets count from the start of the file (including a BOM) and lines
// count from 1.
func ReadText(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fileError(path, err)
	}
	if info.IsDir() {
		return "", fmt.Errorf("%s: is a directory, not a text file", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fileError(path, err)
	}
	if len(data) == 0 {
		return "", fmt.Errorf("%s: file is empty", path)
	}
	if len(data) >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF) {
		return "", fmt.Errorf("%s: file is UTF-16 (byte-order mark 0x%02x 0x%02x), not UTF-8; convert it, e.g. iconv -f utf-16 -t utf-8", path, data[0], data[1])
	}
	skip := 0
	if bytes.HasPrefix(data, utf8BOM) {
		skip = len(utf8BOM)
	}
	body := data[skip:]
	if len(body) == 0 {
		return "", fmt.Errorf("%s: file is empty (it holds only a UTF-8 byte-order mark)", path)
	}
	if !utf8.Valid(body) {
		return "", invalidUTF8Error(path, data, skip+firstInvalid(body))
	}
	return string(body), nil
}

// fileError rewords an os error so that the path comes first and only once.
func fileError(path string, err error) error { return fileerr.Wrap(path, err) }

// firstInvalid returns the byte offset of the first invalid UTF-8 sequence
// in b, or len(b) if b is valid.
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// invalidUTF8Error describes the bad byte at data[off]: its file offset, its
// 1-based line, the byte itself and a little context around it.
func invalidUTF8Error(path string, data []byte, off int) error {
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	lo := max(off-16, 0)
	if i := bytes.LastIndexByte(data[lo:off], '\n'); i >= 0 {
		lo += i + 1
	}
	hi := min(off+16, len(data))
	if i := bytes.IndexByte(data[off:hi], '\n'); i >= 0 {
		hi = off + i
	}
	return fmt.Errorf("%s: invalid UTF-8 at byte offset %d (line %d): byte 0x%02x near %q; "+
		"the corpus must be UTF-8 (if it is Latin-1, convert it, e.g. iconv -f latin1 -t utf-8)",
		path, off, line, data[off], data[lo:hi])
}
