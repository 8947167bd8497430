package datasets

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadText(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// 16 lines of 10 ASCII bytes ("line NN..\n"), then "caf" and a Latin-1 é
	// (0xe9): the bad byte is at offset 16*10+3 = 163, on line 17.
	var latin1 []byte
	for i := 0; i < 16; i++ {
		latin1 = append(latin1, []byte("line ....\n")...)
	}
	latin1 = append(latin1, []byte("caf\xe9 au lait\n")...)

	tests := []struct {
		name    string
		path    string
		want    string   // expected text when err is nil
		wantErr []string // substrings the error must contain
		notExit bool     // error must wrap fs.ErrNotExist
	}{
		{name: "plain", path: write("plain.txt", []byte("hello\nworld\n")), want: "hello\nworld\n"},
		{name: "bom stripped", path: write("bom.txt", []byte("\xef\xbb\xbfhi")), want: "hi"},
		{name: "crlf kept", path: write("crlf.txt", []byte("a\r\nb\r\n")), want: "a\r\nb\r\n"},
		{name: "nul ok", path: write("nul.txt", []byte("a\x00b")), want: "a\x00b"},
		{name: "multibyte", path: write("utf8.txt", []byte("café ½ 日本")), want: "café ½ 日本"},
		{name: "missing", path: filepath.Join(dir, "nope.txt"), wantErr: []string{"nope.txt: file does not exist"}, notExit: true},
		{name: "directory", path: dir, wantErr: []string{dir + ": is a directory"}},
		{name: "empty", path: write("corpus.txt", nil), wantErr: []string{"corpus.txt: file is empty"}},
		{name: "only bom", path: write("onlybom.txt", utf8BOM), wantErr: []string{"onlybom.txt: file is empty", "byte-order mark"}},
		{name: "utf16", path: write("u16.txt", []byte{0xFF, 0xFE, 'h', 0}), wantErr: []string{"u16.txt: file is UTF-16"}},
		{name: "latin1", path: write("latin1.txt", latin1),
			wantErr: []string{"latin1.txt: invalid UTF-8 at byte offset 163 (line 17)", "byte 0xe9", `"caf\xe9 au lait"`, "iconv"}},
		{name: "invalid first byte", path: write("first.txt", []byte{0x80, 'a'}),
			wantErr: []string{"first.txt: invalid UTF-8 at byte offset 0 (line 1): byte 0x80"}},
		// The offset counts from the start of the file, BOM included.
		{name: "invalid after bom", path: write("bombad.txt", []byte("\xef\xbb\xbfab\n\xc3")),
			wantErr: []string{"bombad.txt: invalid UTF-8 at byte offset 6 (line 2): byte 0xc3"}},
		// A truncated 3-byte sequence is reported at its first byte.
		{name: "truncated", path: write("trunc.txt", []byte("ok \xe6\x97")),
			wantErr: []string{"trunc.txt: invalid UTF-8 at byte offset 3 (line 1)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadText(tc.path)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("ReadText: %v", err)
				}
				if got != tc.want {
					t.Fatalf("ReadText = %q, want %q", got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ReadText = %q, want error containing %q", got, tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if tc.notExit && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("error %v does not wrap fs.ErrNotExist", err)
			}
		})
	}
}
