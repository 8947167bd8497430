package modelfile

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// RemoveStaleTemps removes exactly the temporary files a killed Write left
// for the same destination, and nothing a live writer holds.
func TestRemoveStaleTemps(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.model")
	old := time.Now().Add(-time.Hour)
	mk := func(name string, mtime time.Time) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := mk(".m.model.tmp-123456", old)
	stale2 := mk(".m.model.tmp-9", old)
	keep := []string{
		mk(".m.model.ckpt.tmp-42", old),    // another destination (the checkpoint)
		mk(".m.model.tmp-12x", old),        // not Write's pattern
		mk(".m.model.tmp-", old),           // no random part
		mk("m.model.tmp-1", old),           // not hidden
		mk(".x.m.model.tmp-1", old),        // another base name
		mk(".m.model.tmp-777", time.Now()), // too young: may be between create and lock
		mk("m.model", old),                 // the model itself
	}
	// A live writer: the lock is held through another open file description.
	held := mk(".m.model.tmp-31337", old)
	fh, err := os.OpenFile(held, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := lockFile(fh); err != nil {
		t.Fatal(err)
	}
	if canLock {
		keep = append(keep, held)
	}

	removed, err := RemoveStaleTemps(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{stale, stale2}
	if !canLock {
		want = append(want, held)
	}
	slices.Sort(removed)
	slices.Sort(want)
	if !slices.Equal(removed, want) {
		t.Errorf("removed %q, want %q", removed, want)
	}
	for _, p := range want {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still exists (err %v)", p, err)
		}
	}
	for _, p := range keep {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
	// A folder with nothing to remove is fine; a missing folder is an error.
	if r, err := RemoveStaleTemps(filepath.Join(dir, "other.model")); err != nil || len(r) != 0 {
		t.Errorf("no temps: removed %q, err %v", r, err)
	}
	if _, err := RemoveStaleTemps(filepath.Join(dir, "nope", "m.model")); err == nil {
		t.Error("missing folder: no error")
	}
}

// Write holds the lock on its temporary file while it writes: a cleaner
// running at that moment must leave it alone.
func TestWriteLocksItsTemporaryFile(t *testing.T) {
	if !canLock {
		t.Skip("no advisory locks on this system")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "m.model")
	defer func(old time.Duration) { staleMinAge = old }(staleMinAge)
	staleMinAge = 0
	var during []string
	old := wrapTempWriter
	defer func() { wrapTempWriter = old }()
	hook := func() {
		r, err := RemoveStaleTemps(out)
		if err != nil {
			t.Error(err)
		}
		during = append(during, r...)
	}
	wrapTempWriter = func(w io.Writer) io.Writer { hook(); return w }
	f := &File{Task: "textgen"}
	f.Add(Tensor{Name: "w", DType: F32, Shape: []int{3}, F32: []float32{1, 2, 3}})
	if err := Write(out, f); err != nil {
		t.Fatal(err)
	}
	if len(during) != 0 {
		t.Errorf("cleaner removed %q while Write held it", during)
	}
	if _, err := Read(out); err != nil {
		t.Fatal(err)
	}
}
