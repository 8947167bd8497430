package jsonkeys

import (
	"encoding/json"
	"testing"
)

type sample struct {
	Cell         string  `json:"cell"`
	AttentionDim int     `json:"attention_dim,omitempty"`
	MaxFileBytes int64   `json:"max_file_bytes"`
	Untagged     float64 // keeps its Go name
	Skipped      int     `json:"-"`
}

func (s *sample) UnmarshalJSON(b []byte) error {
	type plain sample
	return Unmarshal(b, (*plain)(s))
}

func TestUnmarshalLegacyKeys(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     sample
	}{
		{"tags", `{"cell":"gru","attention_dim":8,"max_file_bytes":9,"Untagged":1.5}`, sample{"gru", 8, 9, 1.5, 0}},
		{"go field names (files written before the tags)", `{"Cell":"lstm","AttentionDim":7,"MaxFileBytes":3,"untagged":2}`, sample{"lstm", 7, 3, 2, 0}},
		{"exact key wins over a legacy spelling", `{"AttentionDim":7,"attention_dim":8}`, sample{AttentionDim: 8}},
		{"skipped field stays unset", `{"Skipped":4,"skipped":5}`, sample{}},
		{"unknown keys ignored", `{"other":1,"cell":"gru"}`, sample{Cell: "gru"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got sample
			if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestUnmarshalErrors(t *testing.T) {
	for _, in := range []string{`[1]`, `{"cell":3}`, `{"cell":`, `"x"`} {
		var s sample
		if err := json.Unmarshal([]byte(in), &s); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
	var s sample
	if err := json.Unmarshal([]byte(`null`), &s); err != nil {
		t.Errorf("null: %v", err)
	}
}

func TestNestedInSlice(t *testing.T) {
	var got []sample
	if err := json.Unmarshal([]byte(`[{"AttentionDim":1},{"attention_dim":2}]`), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].AttentionDim != 1 || got[1].AttentionDim != 2 {
		t.Errorf("got %+v", got)
	}
}
