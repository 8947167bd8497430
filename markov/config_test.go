package markov

import (
	"math"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"default", DefaultConfig(), ""},
		{"unigram", Config{Order: 1, Smoothing: KneserNey, Discount: 0.5}, ""},
		{"max order", Config{Order: 10, Smoothing: KneserNey, Discount: 1}, ""},
		{"witten-bell ignores discount", Config{Order: 3, Smoothing: WittenBell}, ""},
		{"order 0", Config{Order: 0, Smoothing: KneserNey, Discount: 0.75}, "order must be in [1, 10] (got 0)"},
		{"order 11", Config{Order: 11, Smoothing: KneserNey, Discount: 0.75}, "order must be in [1, 10] (got 11)"},
		{"unknown smoothing", Config{Order: 3, Smoothing: "kn", Discount: 0.75}, `unknown smoothing "kn" (valid: kneser-ney, witten-bell)`},
		{"empty smoothing", Config{Order: 3}, `unknown smoothing ""`},
		{"discount 0", Config{Order: 3, Smoothing: KneserNey}, "discount must be in (0, 1] for kneser-ney (got 0)"},
		{"discount 1.5", Config{Order: 3, Smoothing: KneserNey, Discount: 1.5}, "(got 1.5)"},
		{"discount NaN", Config{Order: 3, Smoothing: KneserNey, Discount: math.NaN()}, "(got NaN)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.wantErr)
			}
			if _, err := Train([]int{1, 2, 1}, 3, tt.cfg); err == nil {
				t.Fatalf("Train accepted invalid config")
			}
		})
	}
}
