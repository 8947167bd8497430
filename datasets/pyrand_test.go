package datasets

import (
	"reflect"
	"testing"
)

// Golden permutations printed by CPython 3 (random.Random(seed).shuffle of
// list(range(n)), /tmp/ref_prep.py when this test was written).
func TestPyRandShuffleMatchesCPython(t *testing.T) {
	tests := []struct {
		seed uint64
		n    int
		want []int // first len(want) items
	}{
		{1234, 10, []int{2, 8, 3, 5, 6, 4, 9, 0, 1, 7}},
		{7, 5, []int{4, 0, 3, 1, 2}},
		{1<<40 + 5, 100, []int{24, 85, 44, 75, 82, 26, 71, 51, 11, 45}},
		// The reference translate.py shuffles the 75,967 kept pairs with seed 1234.
		{1234, 75967, []int{18417, 3261, 45181, 35341, 28846, 42619, 52848, 49401, 61530, 53941}},
	}
	for _, tc := range tests {
		p := make([]int, tc.n)
		for i := range p {
			p[i] = i
		}
		newPyRand64(tc.seed).shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
		if got := p[:len(tc.want)]; !reflect.DeepEqual(got, tc.want) {
			t.Errorf("seed %d n %d: %v, want %v", tc.seed, tc.n, got, tc.want)
		}
	}
}
