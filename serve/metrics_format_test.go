package serve

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// family is one metric family of a parsed exposition.
type family struct {
	typ     string
	samples map[string]float64 // "name{labels}" → value
}

// parseExposition checks text against the Prometheus text format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): every line
// is "# HELP name text", "# TYPE name type", another comment or a sample
// "name[{l="v",...}] value [timestamp]"; metric and label names are valid;
// each family has one TYPE line, given before its samples, and its samples
// are contiguous; histogram buckets carry le (with a +Inf bucket) and summary
// quantiles carry quantile. It returns the families by name.
func parseExposition(text string) (map[string]*family, error) {
	p := &expositionParser{
		fams:   map[string]*family{},
		helped: map[string]bool{},
		closed: map[string]bool{},
	}
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("exposition does not end with a newline")
	}
	for n, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		var err error
		switch {
		case strings.HasPrefix(line, "#"):
			err = p.comment(line)
		case line != "":
			err = p.sample(line)
		}
		if err != nil {
			return nil, fmt.Errorf("line %d %q: %v", n+1, line, err)
		}
	}
	if err := p.checkInfBuckets(); err != nil {
		return nil, err
	}
	return p.fams, nil
}

// expositionParser is the state of parseExposition between lines.
type expositionParser struct {
	fams    map[string]*family
	helped  map[string]bool
	closed  map[string]bool // families whose block has ended
	current string
}

// enter makes name the current family; a family's lines must be contiguous.
func (p *expositionParser) enter(name string) error {
	if name != p.current {
		if p.closed[name] {
			return fmt.Errorf("samples of %s are not contiguous", name)
		}
		if p.current != "" {
			p.closed[p.current] = true
		}
		p.current = name
	}
	return nil
}

// comment checks a line starting with "#": HELP and TYPE lines, at most
// one each per family and TYPE before any sample; other comments pass.
func (p *expositionParser) comment(line string) error {
	f := strings.SplitN(line, " ", 4)
	if len(f) < 3 || (f[1] != "HELP" && f[1] != "TYPE") {
		return nil // a plain comment
	}
	name := f[2]
	if !validName(name, true) {
		return fmt.Errorf("invalid metric name")
	}
	if err := p.enter(name); err != nil {
		return err
	}
	if f[1] == "HELP" {
		if p.helped[name] {
			return fmt.Errorf("second HELP")
		}
		p.helped[name] = true
		return nil
	}
	if len(f) != 4 {
		return fmt.Errorf("TYPE without a type")
	}
	switch f[3] {
	case "counter", "gauge", "histogram", "summary", "untyped":
	default:
		return fmt.Errorf("unknown type %q", f[3])
	}
	if p.fams[name] != nil {
		return fmt.Errorf("second TYPE, or TYPE after samples")
	}
	p.fams[name] = &family{typ: f[3], samples: map[string]float64{}}
	return nil
}

// sample checks and records a sample line: name, optional labels, value
// and optional timestamp, in a family whose type allows it.
func (p *expositionParser) sample(line string) error {
	end := strings.IndexAny(line, "{ ")
	if end < 0 {
		return fmt.Errorf("no value")
	}
	name, rest := line[:end], line[end:]
	if !validName(name, true) {
		return fmt.Errorf("invalid metric name")
	}
	labels := map[string]string{}
	if strings.HasPrefix(rest, "{") {
		var err error
		if labels, rest, err = parseLabels(rest[1:]); err != nil {
			return err
		}
	}
	v, err := parseSampleValue(rest)
	if err != nil {
		return err
	}
	famName := p.familyOf(name)
	fam := p.fams[famName]
	if fam == nil {
		return fmt.Errorf("sample without a TYPE line before it")
	}
	if err := p.enter(famName); err != nil {
		return err
	}
	switch {
	case famName != name && fam.typ != "histogram" && fam.typ != "summary":
		return fmt.Errorf("suffixed sample in a %s", fam.typ)
	case strings.HasSuffix(name, "_bucket") && fam.typ == "histogram" && labels["le"] == "":
		return fmt.Errorf("bucket without le")
	case famName == name && fam.typ == "summary" && labels["quantile"] == "":
		return fmt.Errorf("summary sample without quantile")
	case famName == name && fam.typ == "histogram":
		return fmt.Errorf("histogram sample without _bucket, _sum or _count")
	}
	key := name + "{" + labelString(labels) + "}"
	if _, dup := fam.samples[key]; dup {
		return fmt.Errorf("duplicate series")
	}
	fam.samples[key] = v
	return nil
}

// parseSampleValue reads what follows a sample's name and labels: a
// space, the value, and an optional integer timestamp.
func parseSampleValue(rest string) (float64, error) {
	fields := strings.Fields(rest)
	if !strings.HasPrefix(rest, " ") || len(fields) < 1 || len(fields) > 2 {
		return 0, fmt.Errorf("want one value and an optional timestamp")
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return 0, fmt.Errorf("value: %v", err)
	}
	if len(fields) == 2 {
		if _, err := strconv.ParseInt(fields[1], 10, 64); err != nil {
			return 0, fmt.Errorf("timestamp: %v", err)
		}
	}
	return v, nil
}

// familyOf is the family of a sample name: the name itself, or the name
// without a suffix its type allows.
func (p *expositionParser) familyOf(name string) string {
	famName := name
	if p.fams[name] == nil {
		for _, suf := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suf); ok && p.fams[base] != nil {
				famName = base
			}
		}
	}
	return famName
}

// checkInfBuckets requires every histogram series with a _count to have
// its le="+Inf" bucket.
func (p *expositionParser) checkInfBuckets() error {
	for name, f := range p.fams {
		if f.typ != "histogram" {
			continue
		}
		for key := range f.samples {
			if strings.HasPrefix(key, name+"_count{") {
				inf := strings.Replace(key, "_count{", "_bucket{", 1)
				inf = strings.TrimSuffix(inf, "}")
				if !strings.HasSuffix(inf, "{") {
					inf += ","
				}
				inf += `le="+Inf"}`
				if _, ok := f.samples[inf]; !ok {
					return fmt.Errorf("histogram %s: no +Inf bucket %s", name, inf)
				}
			}
		}
	}
	return nil
}

func validName(s string, colon bool) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		ok := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (colon && c == ':') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// parseLabels reads `name="value",...}` and returns the labels and the text
// after the closing brace.
func parseLabels(s string) (map[string]string, string, error) {
	labels := map[string]string{}
	for {
		if strings.HasPrefix(s, "}") {
			return labels, s[1:], nil
		}
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return nil, "", fmt.Errorf("label without '='")
		}
		name := s[:eq]
		if !validName(name, false) {
			return nil, "", fmt.Errorf("invalid label name %q", name)
		}
		s = s[eq+1:]
		if !strings.HasPrefix(s, `"`) {
			return nil, "", fmt.Errorf("label %s: value not quoted", name)
		}
		var val strings.Builder
		i := 1
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' {
				i++
				if i == len(s) {
					break
				}
				switch s[i] {
				case '\\', '"':
					val.WriteByte(s[i])
				case 'n':
					val.WriteByte('\n')
				default:
					return nil, "", fmt.Errorf("label %s: bad escape \\%c", name, s[i])
				}
				continue
			}
			val.WriteByte(s[i])
		}
		if i >= len(s) {
			return nil, "", fmt.Errorf("label %s: unterminated value", name)
		}
		if _, dup := labels[name]; dup {
			return nil, "", fmt.Errorf("duplicate label %s", name)
		}
		labels[name] = val.String()
		s = s[i+1:]
		if strings.HasPrefix(s, ",") {
			s = s[1:]
		} else if !strings.HasPrefix(s, "}") {
			return nil, "", fmt.Errorf("after label %s: want ',' or '}'", name)
		}
	}
}

func labelString(l map[string]string) string {
	keys := sortedKeys(l)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, l[k])
	}
	return strings.Join(parts, ",")
}

// /metrics parses as the Prometheus text format and carries the goroutine
// gauge and the standard Go and process metrics, alive: 40 more goroutines
// show in go_goroutines.
func TestMetricsExposition(t *testing.T) {
	s := newTestServer(t, testConfig(), nil)
	do(s, "GET", "/healthz", "", nil)
	do(s, "POST", "/v1/generate", "", []byte(`{"prompt":"A","length":3,"seed":1}`))
	fams, err := parseExposition(metricsText(s))
	if err != nil {
		t.Fatalf("/metrics is not valid Prometheus text format: %v", err)
	}
	want := map[string]string{
		"go_goroutines": "gauge", "go_threads": "gauge", "go_info": "gauge",
		"go_gc_duration_seconds":              "summary",
		"go_memstats_alloc_bytes":             "gauge",
		"go_memstats_alloc_bytes_total":       "counter",
		"go_memstats_sys_bytes":               "gauge",
		"go_memstats_heap_inuse_bytes":        "gauge",
		"go_memstats_heap_objects":            "gauge",
		"go_memstats_mallocs_total":           "counter",
		"go_memstats_next_gc_bytes":           "gauge",
		"process_start_time_seconds":          "gauge",
		"recur_http_requests_total":           "counter",
		"recur_http_request_duration_seconds": "histogram",
	}
	if runtime.GOOS == "linux" {
		want["process_resident_memory_bytes"] = "gauge"
		want["process_virtual_memory_bytes"] = "gauge"
		want["process_cpu_seconds_total"] = "counter"
		want["process_open_fds"] = "gauge"
	}
	for name, typ := range want {
		f := fams[name]
		if f == nil || f.typ != typ || len(f.samples) == 0 {
			t.Errorf("%s: want a %s with samples, got %+v", name, typ, f)
		}
	}
	value := func(name string) float64 {
		f := fams[name]
		if f == nil {
			return -1
		}
		return f.samples[name+"{}"]
	}
	for _, name := range []string{"go_goroutines", "go_memstats_sys_bytes", "process_start_time_seconds", "process_resident_memory_bytes", "process_open_fds"} {
		if _, ok := want[name]; ok && value(name) <= 0 {
			t.Errorf("%s = %v, want > 0", name, value(name))
		}
	}

	before := value("go_goroutines")
	stop := make(chan struct{})
	started := make(chan struct{})
	for range 40 {
		go func() { started <- struct{}{}; <-stop }()
		<-started
	}
	fams, err = parseExposition(metricsText(s))
	close(stop)
	if err != nil {
		t.Fatal(err)
	}
	if after := value("go_goroutines"); after < before+40 {
		t.Errorf("go_goroutines %v with 40 more goroutines, was %v", after, before)
	}
}

// The checker itself rejects what Prometheus would.
func TestParseExpositionRejects(t *testing.T) {
	for _, bad := range []string{
		"x 1",                             // no newline at the end
		"x 1\n",                           // no TYPE
		"# TYPE x gauge\nx one\n",         // bad value
		"# TYPE x gauge\nx{a=\"1} 2\n",    // unterminated label
		"# TYPE x gauge\nx{1a=\"1\"} 2\n", // bad label name
		"# TYPE x gauge\n# TYPE y gauge\ny 1\nx 1\n", // not contiguous
		"# TYPE x gauge\nx 1\nx 2\n",                 // duplicate series
		"# TYPE x histogram\nx_count 1\n",            // no +Inf bucket
		"# TYPE x summary\nx 1\n",                    // no quantile
		"# TYPE x wibble\nx 1\n",                     // unknown type
	} {
		if _, err := parseExposition(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if _, err := parseExposition("# HELP x An x.\n# TYPE x histogram\nx_bucket{le=\"1\"} 0\nx_bucket{le=\"+Inf\"} 1\nx_sum 2\nx_count 1\n"); err != nil {
		t.Errorf("valid histogram rejected: %v", err)
	}
}
