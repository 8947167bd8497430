//go:build !unix

package modelfile

import (
	"os"
	"time"
)

// canLock is false where this package has no advisory lock: RemoveStaleTemps
// then treats a temporary file as stale only once it is unlikely that any
// write is still filling it.
const canLock = false

// unlockedMinAge is how old a temporary file must be before RemoveStaleTemps
// removes it on a system without locks.
const unlockedMinAge = 24 * time.Hour

func lockFile(*os.File) error { return nil }

func tryLock(*os.File) (bool, error) { return true, nil }
