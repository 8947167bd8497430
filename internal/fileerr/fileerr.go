package fileerr

import (
	"errors"
	"fmt"
	"io/fs"
)

// Wrap rewords err from opening or reading path as "path: reason". An
// *fs.PathError already names the path (often a different spelling of it,
// and with the operation), so only its cause is kept; a missing file
// keeps fs.ErrNotExist in the chain.
func Wrap(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", path, fs.ErrNotExist)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", path, pe.Err)
	}
	return fmt.Errorf("%s: %w", path, err)
}
