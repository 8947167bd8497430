package main

import (
	"fmt"
	"os"

	"github.com/recur-dev/recur/modelfile"
)

// The model-file reader's one-line notices (e.g. a user's file written
// before recur stored checksums) go to standard error, prefixed like every
// other message of the CLI. Built-in models are decoded from memory and never
// produce one.
func init() {
	modelfile.Notice = func(msg string) { fmt.Fprintln(os.Stderr, "recur:", msg) }
}
