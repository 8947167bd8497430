package models

import (
	"math"
	"strings"
	"testing"
)

// A NaN or an infinity stored in any weight is a corrupt file, refused with
// the tensor's name, for every task's loader (they share checkFinite).
func TestNonFiniteWeightsRefused(t *testing.T) {
	for _, name := range []string{"shakespeare.model", "en-fr.model", "caption.model"} {
		for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
			f := builtinFile(t, name)
			k := len(f.Tensors) - 1
			f.Tensors[k].F32[0] = bad
			_, err := FromFile(f)
			if err == nil || !strings.Contains(err.Error(), "non-finite") || !strings.Contains(err.Error(), f.Tensors[k].Name) {
				t.Errorf("%s with %v in %s: err = %v", name, bad, f.Tensors[k].Name, err)
			}
		}
	}
}
