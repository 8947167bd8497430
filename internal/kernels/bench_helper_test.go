package kernels

import (
	"flag"
	"strings"
)

// benchNamedExplicitly reports whether -test.bench mentions name, so very
// slow benchmarks run only when asked for by name.
func benchNamedExplicitly(name string) bool {
	f := flag.Lookup("test.bench")
	return f != nil && strings.Contains(f.Value.String(), name)
}
