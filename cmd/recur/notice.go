package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/recur-dev/recur/modelfile"
)

// The model-file reader's one-line notices (e.g. a user's file written
// before recur stored checksums) go to standard error, prefixed like every
// other message of the CLI, each at most once per run (some commands read a
// file twice: once to learn its task, once to load it). Built-in models are
// decoded from memory and never produce one.
func init() { modelfile.Notice = onceNotices(os.Stderr) }

// onceNotices returns a notice printer that prints each distinct message once.
func onceNotices(w io.Writer) func(string) {
	var mu sync.Mutex
	seen := map[string]bool{}
	return func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		if !seen[msg] {
			seen[msg] = true
			fmt.Fprintln(w, "recur:", msg)
		}
	}
}
