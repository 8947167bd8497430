package bench

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sampleReport() Report {
	st := Summarize([]float64{0.03, 0.032, 0.031}, 1600, 2)
	lstm := newResult(spec("charlm-train/small-lstm"), st, map[string]any{"seq": 50})
	lstm.Also[AlsoPeakRSS] = 42.5
	lat := newResult(spec("charlm-sample/medium-lstm-first-token"), Summarize([]float64{0.2, 0.21, 0.19}, 1, 2), nil)
	peak := newResult(spec("peak/sgemm-4096"), Summarize([]float64{1, 1, 1}, 100, 2), nil)
	rs := []Result{peak, lstm, lat}
	AddPeakFractions(rs)
	return Report{SchemaVersion: SchemaVersion, Env: NewEnv(DefaultOptions(), "all", true), Results: rs}
}

func TestNewResult(t *testing.T) {
	rep := sampleReport()
	peak, lstm, lat := rep.Results[0], rep.Results[1], rep.Results[2]
	// 1600 chars in 31 ms (the median iteration) → 51,612.9 chars/s, at
	// 836,352 FLOPs per char (README table).
	if math.Abs(lstm.Value-1600/0.031) > 1e-6 || !lstm.HigherIsBetter || lstm.FlopsPerUnit != 836_352 {
		t.Errorf("train result = %+v", lstm)
	}
	if want := lstm.Value * 836_352 / 1e9; math.Abs(lstm.GFLOPS-want) > 1e-9 || lstm.Also[AlsoGFLOPS] != lstm.GFLOPS {
		t.Errorf("train GFLOP/s = %g (also %g), want %g", lstm.GFLOPS, lstm.Also[AlsoGFLOPS], want)
	}
	if math.Abs(lstm.FractionOfPeak-lstm.GFLOPS/100) > 1e-12 || math.Abs(lstm.Also[AlsoPeak]-lstm.GFLOPS) > 1e-9 {
		t.Errorf("train %%peak = %g / %g, want %g", lstm.FractionOfPeak, lstm.Also[AlsoPeak], lstm.GFLOPS/100)
	}
	// Latency: the median of 190, 200, 210 ms; lower is better; the prompt's
	// 1,691,033,600 FLOPs in 0.2 s = 8.455 GFLOP/s.
	if math.Abs(lat.Value-200) > 1e-9 || lat.HigherIsBetter || lat.FlopsPerIter != 1_691_033_600 || lat.FlopsPerUnit != 0 {
		t.Errorf("latency result = %+v", lat)
	}
	if math.Abs(lat.GFLOPS-8.455168) > 1e-9 {
		t.Errorf("latency GFLOP/s = %g, want 8.455168", lat.GFLOPS)
	}
	// A peak kernel's value already is GFLOP/s: no duplicate in also.
	if peak.GFLOPS != peak.Value || peak.FractionOfPeak != 1 || peak.Also[AlsoPeak] != 100 {
		t.Errorf("peak result = %+v", peak)
	}
	if _, dup := peak.Also[AlsoGFLOPS]; dup {
		t.Error("peak result repeats GFLOP/s in also")
	}
}

func TestAddPeakFractionsWithoutPeak(t *testing.T) {
	rs := []Result{newResult(spec("charlm-train/small-lstm"), Summarize([]float64{0.03}, 1600, 2), nil)}
	if p := AddPeakFractions(rs); p != 0 || rs[0].FractionOfPeak != 0 {
		t.Errorf("AddPeakFractions without sgemm-4096 = %g, fraction %g", p, rs[0].FractionOfPeak)
	}
	if _, ok := rs[0].Also[AlsoPeak]; ok {
		t.Errorf("also[%q] set without a peak", AlsoPeak)
	}
}

// The field names torch_ref.py --compare and the README's "How the Go
// benchmark should report" rely on.
func TestJSONLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	if err := WriteJSON(path, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["schema_version"] != 1.0 {
		t.Errorf("schema_version = %v", doc["schema_version"])
	}
	env := doc["env"].(map[string]any)
	for _, k := range []string{"framework", "threads", "affinity", "cpu", "blas", "go_version"} {
		if _, ok := env[k]; !ok {
			t.Errorf("env has no %q", k)
		}
	}
	if env["framework"] != "recur" || !strings.HasPrefix(env["blas"].(string), "recur kernels ") {
		t.Errorf("env framework %v blas %v", env["framework"], env["blas"])
	}
	if _, ok := env["cpu"].(map[string]any)["model"]; !ok {
		t.Error("env.cpu has no model")
	}
	results := doc["results"].([]any)
	for _, k := range []string{"name", "unit", "value", "higher_is_better", "stats", "also", "gflops"} {
		if _, ok := results[1].(map[string]any)[k]; !ok {
			t.Errorf("result has no %q", k)
		}
	}
	stats := results[1].(map[string]any)["stats"].(map[string]any)
	for _, k := range []string{"iters", "iter_ms_median", "p10_rate", "p90_rate", "median_rate"} {
		if _, ok := stats[k]; !ok {
			t.Errorf("stats has no %q", k)
		}
	}
	// higher_is_better is written even when false (latency).
	if hib, ok := results[2].(map[string]any)["higher_is_better"]; !ok || hib != false {
		t.Errorf("latency higher_is_better = %v (present %v)", hib, ok)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	want := sampleReport()
	if err := WriteJSON(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	// Extra decodes numbers as float64; compare through JSON once more.
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(got)
	if !bytes.Equal(wb, gb) {
		t.Errorf("round trip differs:\n%s\n%s", wb, gb)
	}
	if !reflect.DeepEqual(got.Env, want.Env) {
		t.Errorf("env differs: %+v vs %+v", got.Env, want.Env)
	}
}

func TestWriteJSONRejectsNaN(t *testing.T) {
	rep := sampleReport()
	rep.Results[1].Also["x"] = math.NaN()
	if err := WriteJSON(filepath.Join(t.TempDir(), "r.json"), rep); err == nil || !strings.Contains(err.Error(), `also["x"]`) {
		t.Errorf("WriteJSON with NaN: %v", err)
	}
}

func TestReadJSONErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ body, wantErr string }{
		{`{"schema_version": 2, "results": []}`, "schema_version 2"},
		{`{"schema_version": 1, "results": [`, "unexpected end"},
	}
	for _, tt := range tests {
		p := filepath.Join(dir, "bad.json")
		if err := os.WriteFile(p, []byte(tt.body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadJSON(p); err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), p) {
			t.Errorf("ReadJSON(%s) = %v, want error naming the file and %q", tt.body, err, tt.wantErr)
		}
	}
}

func TestWriteTable(t *testing.T) {
	rep := sampleReport()
	var b bytes.Buffer
	WriteTable(&b, rep.Results, 100)
	out := b.String()
	for _, want := range []string{"RSS MiB", "charlm-train/small-lstm", "51,612.90", "chars/s", "42.5", "200.00", "100.0%", "practical peak 100.0"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestCommas(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{{0, "0.00"}, {999.999, "1,000.00"}, {1234567.891, "1,234,567.89"}, {-12345, "-12,345.00"}, {12.5, "12.50"}}
	for _, tt := range tests {
		if got := commas(tt.v); got != tt.want {
			t.Errorf("commas(%g) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
