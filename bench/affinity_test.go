package bench

import (
	"reflect"
	"testing"
)

func TestParseCPUList(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		ok   bool
	}{
		{"0", []int{0}, true},
		{"0,1", []int{0, 1}, true},
		{" 1 , 0 ,1", []int{0, 1}, true},
		{"0-3,6", []int{0, 1, 2, 3, 6}, true},
		{"", nil, false},
		{"a", nil, false},
		{"3-1", nil, false},
		{"-1", nil, false},
		{"0-", nil, false},
		{"99999", nil, false},
	}
	for _, tt := range tests {
		got, err := ParseCPUList(tt.in)
		if (err == nil) != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseCPUList(%q) = %v, %v; want %v (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestAffinity(t *testing.T) {
	if a := Affinity(); len(a) == 0 {
		t.Skip("sched_getaffinity unavailable")
	}
}

// Pinning to the CPUs we already have changes nothing but exercises Pin.
func TestPinToCurrent(t *testing.T) {
	a := Affinity()
	if len(a) == 0 {
		t.Skip("sched_getaffinity unavailable")
	}
	if err := Pin(a); err != nil {
		t.Fatal(err)
	}
	if got := Affinity(); !reflect.DeepEqual(got, a) {
		t.Errorf("affinity after Pin(%v) = %v", a, got)
	}
}
