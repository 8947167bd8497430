package markov

import (
	"fmt"
	"math"
)

// Smoothing method names accepted in Config.Smoothing.
const (
	KneserNey  = "kneser-ney"
	WittenBell = "witten-bell"
)

// validSmoothing is the list shown in "unknown smoothing" errors.
const validSmoothing = KneserNey + ", " + WittenBell

// MaxOrder is the longest n-gram a Model counts.
const MaxOrder = 10

// Config configures an n-gram model.
type Config struct {
	// Order is n: the model conditions on the previous Order-1 ids.
	// Valid: 1 (unigram) to MaxOrder.
	Order int `json:"order"`
	// Smoothing is "kneser-ney" or "witten-bell".
	Smoothing string `json:"smoothing"`
	// Discount is Kneser-Ney's absolute discount D in (0, 1]: the count
	// every seen n-gram gives up for the shorter contexts. Witten-Bell
	// ignores it.
	Discount float64 `json:"discount"`
}

// DefaultConfig returns order 5 interpolated Kneser-Ney with D = 0.75, the
// usual single-discount choice (Ney, Essen & Kneser 1994 estimate D =
// n1/(n1+2 n2), which comes out near 0.75 on most text).
func DefaultConfig() Config {
	return Config{Order: 5, Smoothing: KneserNey, Discount: 0.75}
}

// Validate reports the first invalid field with its valid values.
func (c Config) Validate() error {
	if c.Order < 1 || c.Order > MaxOrder {
		return fmt.Errorf("order must be in [1, %d] (got %d)", MaxOrder, c.Order)
	}
	switch c.Smoothing {
	case KneserNey:
		d := c.Discount
		if math.IsNaN(d) || d <= 0 || d > 1 {
			return fmt.Errorf("discount must be in (0, 1] for %s (got %v)", KneserNey, d)
		}
	case WittenBell:
	default:
		return fmt.Errorf("unknown smoothing %q (valid: %s)", c.Smoothing, validSmoothing)
	}
	return nil
}
