package modelfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Write encodes into a temporary file ".BASE.tmp-DIGITS" beside the
// destination (os.CreateTemp's pattern "."+base+".tmp-*") and renames it into
// place. A process killed mid-write (SIGKILL, power loss) leaves that
// temporary file behind; RemoveStaleTemps cleans it up on the next run.
//
// While Write fills a temporary file it holds an exclusive advisory lock on
// it (flock on Unix), so "is some process still writing this?" has an exact
// answer: the lock is released by the kernel when the writer dies, however it
// dies. A file is removed only when a non-blocking lock attempt succeeds.

// tempPattern is the os.CreateTemp pattern Write uses for path's base name.
func tempPattern(base string) string { return "." + base + ".tmp-*" }

// staleMinAge protects the instant between os.CreateTemp creating a temporary
// file and Write locking it: a file younger than this is never removed. On
// systems without advisory locks it is the only test, so it is much longer
// there (see lockedTempMinAge in the lock_*.go files).
var staleMinAge = 10 * time.Second

// isTempOf reports whether name (a base name) is one of Write's temporary
// files for destination base: "." + base + ".tmp-" followed by one or more
// ASCII digits and nothing else (os.CreateTemp's random part is a decimal
// number).
func isTempOf(name, base string) bool {
	prefix := "." + base + ".tmp-"
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// RemoveStaleTemps removes the temporary files a killed Write left beside
// path (for a training run: call it for the model path and for its
// checkpoint path before the first save). It removes only regular files
// whose name matches Write's pattern for path exactly (".BASE.tmp-DIGITS")
// and that no live process is writing: it takes a non-blocking exclusive lock
// on each and skips any file it cannot lock or that is younger than a few
// seconds. It returns the paths it removed; the error (if any) names the
// first file it could not inspect or remove, after trying all of them.
func RemoveStaleTemps(path string) ([]string, error) {
	dir, base := filepath.Split(path)
	if base == "" {
		return nil, fmt.Errorf("%s: not a file path", path)
	}
	if dir == "" {
		dir = "."
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("looking for stale temporary files of %s: %w", path, err)
	}
	var removed []string
	var firstErr error
	keep := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	for _, e := range ents {
		if !isTempOf(e.Name(), base) || !e.Type().IsRegular() {
			continue
		}
		name := filepath.Join(dir, e.Name())
		ok, err := removeIfStale(name)
		if err != nil {
			keep(err)
			continue
		}
		if ok {
			removed = append(removed, name)
		}
	}
	return removed, firstErr
}

// removeIfStale removes the temporary file name when it is old enough and
// unlocked. It reports whether it removed the file.
func removeIfStale(name string) (bool, error) {
	fh, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil // another cleaner or the writer got there first
		}
		return false, fmt.Errorf("stale temporary file: %w", err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return false, fmt.Errorf("stale temporary file %s: %w", name, err)
	}
	minAge := staleMinAge
	if !canLock {
		minAge = unlockedMinAge
	}
	if time.Since(fi.ModTime()) < minAge {
		return false, nil
	}
	locked, err := tryLock(fh)
	if err != nil {
		return false, fmt.Errorf("stale temporary file %s: locking: %w", name, err)
	}
	if !locked {
		return false, nil // a live Write holds it
	}
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("removing stale temporary file: %w", err)
	}
	return true, nil
}
