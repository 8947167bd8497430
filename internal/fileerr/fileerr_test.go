package fileerr

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWrap(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.txt")
	_, openErr := os.Open(missing)
	_, dirErr := os.ReadFile(dir) // reading a folder: a PathError that is not ErrNotExist
	tests := []struct {
		name     string
		err      error
		want     string
		notExist bool
	}{
		{"missing file", openErr, "data.txt: file does not exist", true},
		{"path error", dirErr, "data.txt: is a directory", false},
		{"other error", errors.New("bad header"), "data.txt: bad header", false},
	}
	for _, tt := range tests {
		got := Wrap("data.txt", tt.err)
		if got.Error() != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
		if errors.Is(got, fs.ErrNotExist) != tt.notExist {
			t.Errorf("%s: errors.Is(ErrNotExist) = %v", tt.name, !tt.notExist)
		}
	}
}
