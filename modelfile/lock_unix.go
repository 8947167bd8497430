//go:build unix

package modelfile

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// canLock: flock(2) tells whether a live process holds a temporary file.
const canLock = true

// unlockedMinAge is unused where locks work.
const unlockedMinAge = time.Duration(0)

// lockFile takes an exclusive advisory lock on f, held until f is closed or
// the process dies. Write holds it while it fills a temporary file.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// tryLock attempts lockFile without waiting: false, nil means another open
// file description holds the lock.
func tryLock(f *os.File) (bool, error) {
	err := lockFile(f)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}
