package datasets

// pyRand is the Mersenne Twister MT19937 exactly as CPython's random module
// uses it, so that a seeded shuffle here puts items in the same order as
// random.Random(seed).shuffle in the PyTorch reference scripts. That is what
// lets SplitPairs reproduce the reference's train/validation/test split (and
// so its vocabulary sizes) pair for pair.
//
// Only the parts the shuffle needs are implemented: seeding from an integer
// (init_by_array over the integer's 32-bit words, least significant first),
// genrand_uint32, getrandbits(k) for k <= 32 and _randbelow by rejection.
type pyRand struct {
	mt  [mtN]uint32
	idx int
}

const (
	mtN         = 624
	mtM         = 397
	mtMatrixA   = 0x9908b0df
	mtUpperMask = 0x80000000
	mtLowerMask = 0x7fffffff
)

// newPyRand seeds like random.Random(seed) for a non-negative integer seed
// whose 32-bit words are key (least significant first; Python drops leading
// zero words but keeps at least one word).
func newPyRand(key ...uint32) *pyRand {
	for len(key) > 1 && key[len(key)-1] == 0 {
		key = key[:len(key)-1]
	}
	if len(key) == 0 {
		key = []uint32{0}
	}
	r := &pyRand{}
	r.initGenrand(19650218)
	i, j := 1, 0
	for k := max(mtN, len(key)); k > 0; k-- {
		r.mt[i] = (r.mt[i] ^ ((r.mt[i-1] ^ (r.mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= mtN {
			r.mt[0] = r.mt[mtN-1]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k := mtN - 1; k > 0; k-- {
		r.mt[i] = (r.mt[i] ^ ((r.mt[i-1] ^ (r.mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= mtN {
			r.mt[0] = r.mt[mtN-1]
			i = 1
		}
	}
	r.mt[0] = 0x80000000 // guarantees a non-zero initial state
	return r
}

// newPyRand64 seeds like random.Random(seed) for a 64-bit seed.
func newPyRand64(seed uint64) *pyRand { return newPyRand(uint32(seed), uint32(seed>>32)) }

func (r *pyRand) initGenrand(s uint32) {
	r.mt[0] = s
	for i := 1; i < mtN; i++ {
		r.mt[i] = 1812433253*(r.mt[i-1]^(r.mt[i-1]>>30)) + uint32(i)
	}
	r.idx = mtN
}

// uint32 is genrand_uint32: the next tempered output.
func (r *pyRand) uint32() uint32 {
	if r.idx >= mtN {
		for k := 0; k < mtN; k++ {
			y := r.mt[k]&mtUpperMask | r.mt[(k+1)%mtN]&mtLowerMask
			v := r.mt[(k+mtM)%mtN] ^ (y >> 1)
			if y&1 != 0 {
				v ^= mtMatrixA
			}
			r.mt[k] = v
		}
		r.idx = 0
	}
	y := r.mt[r.idx]
	r.idx++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// below returns a uniform integer in [0, n) for 1 <= n < 2^32 the way
// Python's _randbelow does: draw k = bit_length(n) bits (the top k bits of
// one output) until the value is below n.
func (r *pyRand) below(n int) int {
	k := 0
	for v := n; v > 0; v >>= 1 {
		k++
	}
	for {
		v := int(r.uint32() >> (32 - k))
		if v < n {
			return v
		}
	}
}

// shuffle permutes n items through swap exactly like random.shuffle: for i
// from n-1 down to 1, swap i with a uniform j in [0, i].
func (r *pyRand) shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, r.below(i+1))
	}
}
