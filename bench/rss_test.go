package bench

import (
	"strings"
	"testing"
)

func TestParseStatusKiB(t *testing.T) {
	// Layout of a Linux 6.x /proc/self/status excerpt.
	status := "Name:\tbench.test\nVmPeak:\t 1234568 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40000 kB\n"
	tests := []struct {
		text, key string
		want      int64
		wantErr   string
	}{
		{status, "VmHWM", 51200, ""},
		{status, "VmRSS", 40000, ""},
		{status, "VmSwap", 0, "no VmSwap line"},
		{"VmHWM:\t12 MB\n", "VmHWM", 0, "line 1"},
		{"VmHWM:\tx kB\n", "VmHWM", 0, "line 1"},
	}
	for _, tt := range tests {
		got, err := parseStatusKiB(strings.NewReader(tt.text), tt.key)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want one containing %q", tt.key, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s = %d, %v; want %d", tt.key, got, err, tt.want)
		}
	}
}

func TestPeakRSSMiB(t *testing.T) {
	mib, err := PeakRSSMiB()
	if err != nil {
		t.Skip("no /proc/self/status here:", err)
	}
	if mib <= 0 {
		t.Errorf("PeakRSSMiB = %g, want > 0", mib)
	}
}
