package bench

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Case is one workload ready to time: its model and data are built, Step runs
// one timed iteration.
type Case struct {
	// Step is one iteration: a train step, a prompt + first token, 100
	// sampled tokens, a batch of GEMMs.
	Step func() error
	// Units is the work of one Step in the workload's unit: characters,
	// tokens, GFLOPs for the peak/* kernels; 1 for a latency ("ms").
	Units float64
	// Extra describes the configuration (shapes, repetitions); it is copied
	// into the result's "extra" object.
	Extra map[string]any
	// AlsoPerUnit lists secondary figures that scale with the measured
	// rate, per unit of work (weight bytes per token, in GB, gives weight
	// GB/s beside tokens/s); each becomes Result.Also[key] = rate × value.
	AlsoPerUnit map[string]float64
}

// Workload is a benchmark recur implements: a Spec of the shared suite plus
// the Setup that builds its Case. Setup does all allocation and
// initialisation, so only Step is timed.
type Workload struct {
	Spec
	Setup func(o Options) (*Case, error)
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Workload{}
)

// Register adds w to the registry. Its name must be one of Specs() with the
// same unit and FLOPs, so a result always joins the PyTorch reference's, and
// may be registered only once. Later models (seq2seq, captioning) register
// their workloads from an init function in this package.
func Register(w Workload) error {
	s, err := SpecFor(w.Name)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	if s != w.Spec {
		return fmt.Errorf("register %s: spec %+v differs from the shared suite's %+v", w.Name, w.Spec, s)
	}
	if w.Setup == nil {
		return fmt.Errorf("register %s: no Setup", w.Name)
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[w.Name]; dup {
		return fmt.Errorf("register %s: already registered", w.Name)
	}
	registry[w.Name] = w
	return nil
}

func mustRegister(w Workload) {
	if err := Register(w); err != nil {
		panic(err) // a programming error in this package's own init
	}
}

// spec returns the shared suite's Spec for a name known to exist.
func spec(name string) Spec {
	s, err := SpecFor(name)
	if err != nil {
		panic(err) // only called with the literal names of this package
	}
	return s
}

// Workloads returns the registered workloads in the shared suite's order.
func Workloads() []Workload {
	registryMu.RLock()
	defer registryMu.RUnlock()
	var out []Workload
	for _, s := range Specs() {
		if w, ok := registry[s.Name]; ok {
			out = append(out, w)
		}
	}
	return out
}

// Lookup returns the registered workload called name.
func Lookup(name string) (Workload, error) {
	registryMu.RLock()
	w, ok := registry[name]
	registryMu.RUnlock()
	if !ok {
		return Workload{}, fmt.Errorf("unknown benchmark %q (valid: %s)", name, strings.Join(Names(), ", "))
	}
	return w, nil
}

// Names lists the registered workload names in suite order.
func Names() []string {
	var out []string
	for _, w := range Workloads() {
		out = append(out, w.Name)
	}
	return out
}

// Select resolves a --suite value: "all", or a comma-separated list of full
// names ("charlm-train/small-lstm") and groups ("peak", "charlm-train").
// The result is in suite order without duplicates. A name of the shared
// suite that recur does not implement yet, or a name nobody knows, is an
// error naming the valid choices.
func Select(suite string) ([]Workload, error) {
	all := Workloads()
	want := map[string]bool{}
	any := false
	for _, part := range strings.Split(suite, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		any = true
		if part == "all" {
			for _, w := range all {
				want[w.Name] = true
			}
			continue
		}
		n := 0
		for _, w := range all {
			if w.Name == part || w.Group() == part {
				want[w.Name] = true
				n++
			}
		}
		if n > 0 {
			continue
		}
		if known(part) {
			return nil, fmt.Errorf("--suite: %q is in the shared suite but not implemented in recur yet (valid: %s)", part, validChoices())
		}
		return nil, fmt.Errorf("--suite: unknown benchmark %q (valid: %s)", part, validChoices())
	}
	if !any {
		return nil, fmt.Errorf("--suite is empty (valid: %s)", validChoices())
	}
	var out []Workload
	for _, w := range all {
		if want[w.Name] {
			out = append(out, w)
		}
	}
	return out, nil
}

// known reports whether part names a benchmark or group of the shared suite.
func known(part string) bool {
	for _, s := range Specs() {
		if s.Name == part || s.Group() == part {
			return true
		}
	}
	return false
}

// validChoices is "all", the groups, then every registered name.
func validChoices() string {
	groups := map[string]bool{}
	var names []string
	for _, w := range Workloads() {
		if g := w.Group(); g != w.Name && !groups[g] {
			groups[g] = true
		}
		names = append(names, w.Name)
	}
	gs := make([]string, 0, len(groups))
	for g := range groups {
		gs = append(gs, g)
	}
	sort.Strings(gs)
	return strings.Join(append(append([]string{"all"}, gs...), names...), ", ")
}
