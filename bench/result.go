package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// SchemaVersion is the results file's layout version, shared with
// torch_ref.py.
const SchemaVersion = 1

// Keys of Result.Also, the secondary figures derived from one measurement.
const (
	AlsoGFLOPS  = "GFLOP/s"
	AlsoPeak    = "%peak"
	AlsoPeakRSS = "peak_rss_mib"
	// AlsoWeightGBs is the weight bytes a batch-1 sampling workload
	// streams per second (GB = 1e9 bytes), to set beside peak/stream-512mib.
	AlsoWeightGBs = "weight_GB/s"
)

// Result is one benchmark's entry in the results file. Name, Unit, Value and
// HigherIsBetter are what a comparison reads; the rest follows
// torch_ref.py's entries (stats, flops_per_unit or flops_per_iter, gflops,
// fraction_of_peak) so the two files look alike.
type Result struct {
	Name           string             `json:"name"`
	Unit           string             `json:"unit"`
	Value          float64            `json:"value"`
	HigherIsBetter bool               `json:"higher_is_better"`
	Stats          *Stats             `json:"stats,omitempty"`
	FlopsPerUnit   int64              `json:"flops_per_unit,omitempty"`
	FlopsPerIter   int64              `json:"flops_per_iter,omitempty"`
	GFLOPS         float64            `json:"gflops,omitempty"`
	FractionOfPeak float64            `json:"fraction_of_peak,omitempty"`
	Also           map[string]float64 `json:"also,omitempty"`
	Extra          map[string]any     `json:"extra,omitempty"`
}

// Run sets w up and measures it with o. The value is the median
// per-iteration throughput, or the median latency in ms for a latency
// workload; GFLOP/s comes from the shared FLOP table.
func Run(ctx context.Context, w Workload, o Options) (Result, error) {
	if err := o.Validate(); err != nil {
		return Result{}, err
	}
	c, err := w.Setup(o)
	if err != nil {
		return Result{}, fmt.Errorf("%s: set-up: %w", w.Name, err)
	}
	st, err := Measure(ctx, c.Step, c.Units, o)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", w.Name, err)
	}
	r := newResult(w.Spec, st, c.Extra)
	for k, v := range c.AlsoPerUnit {
		r.Also[k] = st.MedianRate * v
	}
	return r, nil
}

// newResult fills a Result from a measurement (split from Run for tests).
func newResult(s Spec, st Stats, extra map[string]any) Result {
	r := Result{Name: s.Name, Unit: s.Unit, HigherIsBetter: s.HigherIsBetter(), Stats: &st,
		Extra: extra, Also: map[string]float64{}}
	switch {
	case s.Unit == "ms":
		r.Value = st.IterMsMedian
		r.FlopsPerIter = s.FlopsPerUnit
		if st.IterMsMedian > 0 {
			r.GFLOPS = float64(s.FlopsPerUnit) / (st.IterMsMedian * 1e-3) / 1e9
		}
	case s.Unit == "GFLOP/s":
		r.Value = st.MedianRate
		r.GFLOPS = st.MedianRate
	default:
		r.Value = st.MedianRate
		r.FlopsPerUnit = s.FlopsPerUnit
		r.GFLOPS = st.MedianRate * float64(s.FlopsPerUnit) / 1e9
	}
	if r.GFLOPS > 0 && s.Unit != "GFLOP/s" {
		r.Also[AlsoGFLOPS] = r.GFLOPS
	}
	return r
}

// AddPeakFractions sets FractionOfPeak and Also["%peak"] of every result
// with a GFLOP/s figure, relative to peak/sgemm-4096 among results (the
// practical peak of the same run). It returns that peak, or 0 (and changes
// nothing) when sgemm-4096 is not among them.
func AddPeakFractions(results []Result) float64 {
	peak := 0.0
	for _, r := range results {
		if r.Name == "peak/sgemm-4096" {
			peak = r.Value
		}
	}
	if peak <= 0 {
		return 0
	}
	for i := range results {
		r := &results[i]
		if r.GFLOPS <= 0 {
			continue
		}
		r.FractionOfPeak = r.GFLOPS / peak
		if r.Also == nil {
			r.Also = map[string]float64{}
		}
		r.Also[AlsoPeak] = 100 * r.FractionOfPeak
	}
	return peak
}

// CPU describes the processor.
type CPU struct {
	Model       string `json:"model"`
	LogicalCPUs int    `json:"logical_cpus"`
}

// Settings are the protocol options as run.
type Settings struct {
	TimeS    float64 `json:"time_s"`
	WarmupS  float64 `json:"warmup_s"`
	MinIters int     `json:"min_iters"`
	Seed     uint64  `json:"seed"`
	Suite    string  `json:"suite"`
	Isolated bool    `json:"process_per_workload"`
}

// Env describes where and how the suite ran. framework, threads, affinity,
// cpu.model, blas and go_version are the fields the shared README asks for.
type Env struct {
	Tool                string   `json:"tool"`
	Framework           string   `json:"framework"`
	Threads             int      `json:"threads"`
	Affinity            []int    `json:"affinity"`
	CPU                 CPU      `json:"cpu"`
	BLAS                string   `json:"blas"`
	GoVersion           string   `json:"go_version"`
	Platform            string   `json:"platform"`
	TimestampUTC        string   `json:"timestamp_utc"`
	Settings            Settings `json:"settings"`
	WallS               float64  `json:"wall_s,omitempty"`
	PracticalPeakGFLOPS float64  `json:"practical_peak_gflops,omitempty"`
}

// Report is the whole results file.
type Report struct {
	SchemaVersion int      `json:"schema_version"`
	Env           Env      `json:"env"`
	Results       []Result `json:"results"`
}

// WriteJSON writes rep to path, indented like torch_ref.py's files. NaN or
// infinite figures (which JSON cannot hold) are an error naming the field.
func WriteJSON(path string, rep Report) error {
	if err := rep.check(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	b, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadJSON reads a results file written by WriteJSON (or torch_ref.py).
func ReadJSON(path string) (Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return Report{}, fmt.Errorf("%s: %w", path, err)
	}
	if rep.SchemaVersion != SchemaVersion {
		return Report{}, fmt.Errorf("%s: schema_version %d, want %d", path, rep.SchemaVersion, SchemaVersion)
	}
	return rep, nil
}

func (rep Report) check() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	for _, r := range rep.Results {
		if bad(r.Value) || bad(r.GFLOPS) || bad(r.FractionOfPeak) {
			return fmt.Errorf("result %s: non-finite value %g / gflops %g", r.Name, r.Value, r.GFLOPS)
		}
		for k, v := range r.Also {
			if bad(v) {
				return fmt.Errorf("result %s: also[%q] is %g", r.Name, k, v)
			}
		}
	}
	return nil
}

// WriteTable prints results as a fixed-width table: name, value, unit,
// ms/iteration, GFLOP/s, %peak (of peak/sgemm-4096 when it ran) and peak
// resident memory in MiB (when measured in a child process).
func WriteTable(w io.Writer, results []Result, peak float64) {
	hdr := fmt.Sprintf("%-40s %12s %-12s %9s %8s %6s %8s", "benchmark", "value", "unit", "ms/iter", "GFLOP/s", "%peak", "RSS MiB")
	fmt.Fprintln(w, hdr)
	fmt.Fprintln(w, strings.Repeat("-", len(hdr)))
	for _, r := range results {
		ms, gf, pk, rss := "", "", "", ""
		if r.Stats != nil {
			ms = fmt.Sprintf("%.2f", r.Stats.IterMsMedian)
		}
		if r.GFLOPS > 0 {
			gf = fmt.Sprintf("%.2f", r.GFLOPS)
		}
		if r.FractionOfPeak > 0 {
			pk = fmt.Sprintf("%.1f%%", 100*r.FractionOfPeak)
		}
		if v, ok := r.Also[AlsoPeakRSS]; ok {
			rss = fmt.Sprintf("%.1f", v)
		}
		fmt.Fprintf(w, "%-40s %12s %-12s %9s %8s %6s %8s\n", r.Name, commas(r.Value), r.Unit, ms, gf, pk, rss)
	}
	if peak > 0 {
		fmt.Fprintf(w, "(%%peak relative to practical peak %.1f GFLOP/s = peak/sgemm-4096)\n", peak)
	}
}

// commas formats v with two decimals and thousands separators, like
// Python's "{:,.2f}".
func commas(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	dot := strings.IndexByte(s, '.')
	intPart, frac := s[:dot], s[dot:]
	var b strings.Builder
	for i, d := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	out := b.String() + frac
	if neg {
		out = "-" + out
	}
	return out
}
