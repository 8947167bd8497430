// Package fileerr words file errors one way for every package that reads
// files: the path first and only once, then what went wrong, with
// fs.ErrNotExist still testable with errors.Is.
//
// Files: fileerr.go (Wrap), fileerr_test.go.
package fileerr
