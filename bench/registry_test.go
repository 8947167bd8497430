package bench

import (
	"reflect"
	"strings"
	"testing"
)

// The workloads implemented now, in the README's order with its units.
var implemented = []struct{ name, unit string }{
	{"peak/sgemm-1024", "GFLOP/s"},
	{"peak/sgemm-4096", "GFLOP/s"},
	{"peak/sgemm-32x512x2048", "GFLOP/s"},
	{"peak/sgemv-4096x1024", "GFLOP/s"},
	{"peak/stream-512mib", "GB/s"},
	{"charlm-train/small-lstm", "chars/s"},
	{"charlm-train/medium-lstm", "chars/s"},
	{"charlm-train/medium-gru", "chars/s"},
	{"charlm-sample/medium-lstm-first-token", "ms"},
	{"charlm-sample/medium-lstm-tokens", "tokens/s"},
	{"seq2seq-train", "pairs/s"},
	{"seq2seq-beam", "sentences/s"},
	{"caption-train", "images/s"},
	{"gpt-train/baby", "tokens/s"},
	{"gpt-train/small", "tokens/s"},
	{"gpt-sample/gpt2-124m-tokens", "tokens/s"},
	{"gpt-sample/gpt2-124m-first-token", "ms"},
}

func TestRegistryMatchesReadme(t *testing.T) {
	ws := Workloads()
	if len(ws) != len(implemented) {
		t.Fatalf("%d workloads registered (%v), want %d", len(ws), Names(), len(implemented))
	}
	for i, w := range ws {
		if w.Name != implemented[i].name || w.Unit != implemented[i].unit {
			t.Errorf("workload %d = %s [%s], want %s [%s]", i, w.Name, w.Unit, implemented[i].name, implemented[i].unit)
		}
		if s, _ := SpecFor(w.Name); s != w.Spec {
			t.Errorf("%s: spec %+v differs from Specs() %+v", w.Name, w.Spec, s)
		}
	}
}

func TestRegisterRejects(t *testing.T) {
	setup := func(Options) (*Case, error) { return &Case{}, nil }
	tests := []struct {
		w       Workload
		wantErr string
	}{
		{Workload{Spec: Spec{Name: "nope", Unit: "x/s"}, Setup: setup}, "no benchmark \"nope\""},
		{Workload{Spec: Spec{Name: "seq2seq-train", Unit: "sentences/s"}, Setup: setup}, "differs"},
		{Workload{Spec: spec("seq2seq-train")}, "no Setup"},
		{Workload{Spec: spec("charlm-train/small-lstm"), Setup: setup}, "already registered"},
	}
	for _, tt := range tests {
		if err := Register(tt.w); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Register(%s) = %v, want error containing %q", tt.w.Name, err, tt.wantErr)
		}
	}
}

func TestSelect(t *testing.T) {
	names := func(ws []Workload) []string {
		var out []string
		for _, w := range ws {
			out = append(out, w.Name)
		}
		return out
	}
	tests := []struct {
		suite   string
		want    []string
		wantErr string
	}{
		{"all", Names(), ""},
		{"charlm-train", []string{"charlm-train/small-lstm", "charlm-train/medium-lstm", "charlm-train/medium-gru"}, ""},
		// Suite order, duplicates dropped, whatever the order asked.
		{"charlm-sample/medium-lstm-tokens, peak/sgemm-1024,peak/sgemm-1024",
			[]string{"peak/sgemm-1024", "charlm-sample/medium-lstm-tokens"}, ""},
		{"peak,charlm-train/small-lstm", []string{"peak/sgemm-1024", "peak/sgemm-4096", "peak/sgemm-32x512x2048",
			"peak/sgemv-4096x1024", "peak/stream-512mib", "charlm-train/small-lstm"}, ""},
		{"charlm-trian", nil, `unknown benchmark "charlm-trian" (valid: all, charlm-sample, charlm-train, gpt-sample, gpt-train, peak, peak/sgemm-1024`},
		{"caption-train/x", nil, "unknown benchmark"},
		{"charlm-train/tiny", nil, "unknown benchmark"},
		{" , ", nil, "--suite is empty"},
	}
	for _, tt := range tests {
		ws, err := Select(tt.suite)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Select(%q) error = %v, want one containing %q", tt.suite, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(names(ws), tt.want) {
			t.Errorf("Select(%q) = %v, %v; want %v", tt.suite, names(ws), err, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	if w, err := Lookup("peak/sgemm-1024"); err != nil || w.Unit != "GFLOP/s" {
		t.Errorf("Lookup(peak/sgemm-1024) = %+v, %v", w.Spec, err)
	}
	if _, err := Lookup("peak"); err == nil || !strings.Contains(err.Error(), "valid: peak/sgemm-1024") {
		t.Errorf("Lookup(peak) error = %v", err)
	}
}
