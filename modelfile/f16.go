package modelfile

import "math"

// IEEE 754 binary16 ("half") has 1 sign bit, 5 exponent bits (bias 15) and
// 10 fraction bits; binary32 has 1, 8 (bias 127) and 23. A normal half with
// biased exponent e and fraction f is (-1)^s * 2^(e-15) * (1 + f/2^10); e = 0
// gives subnormals (-1)^s * 2^-14 * f/2^10 (so the smallest is 2^-24) and
// e = 31 gives infinities (f = 0) and NaNs (f != 0). The largest finite half
// is 2^15 * (2 - 2^-10) = 65504.

// F32ToF16 converts a float32 to the bit pattern of the nearest binary16,
// rounding to nearest with ties to even (the IEEE 754 default). Values whose
// magnitude rounds past 65504 become infinity, values below half the
// smallest subnormal (2^-25) become a signed zero, and NaNs stay NaNs (the
// top 10 payload bits are kept; an all-zero result is made quiet so it does
// not turn into infinity).
func F32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	mant := b & 0x7fffff

	switch {
	case exp == 0xff: // infinity or NaN
		if mant == 0 {
			return sign | 0x7c00
		}
		h := uint16(mant >> 13)
		if h == 0 {
			h = 0x200 // payload lived only in the dropped low bits
		}
		return sign | 0x7c00 | h
	case exp == 0: // zero or float32 subnormal (< 2^-126): far below 2^-25
		return sign
	}

	e := exp - 127 + 15 // half's biased exponent if the result is normal
	if e >= 0x1f {
		return sign | 0x7c00 // >= 2^16: overflow even before rounding
	}
	m := mant | 0x800000 // 24-bit significand with the implicit 1
	// Keep the top 11 bits of m for a normal half (shift 13). For a
	// subnormal half (e <= 0) the value must be expressed in units of 2^-24,
	// which shifts out 1-e more bits.
	shift := uint(13)
	if e <= 0 {
		shift = uint(14 - e)
		if shift > 24 {
			return sign // below 2^-25: rounds to zero
		}
	}
	h := m >> shift
	rem := m & (1<<shift - 1)
	half := uint32(1) << (shift - 1)
	if rem > half || (rem == half && h&1 == 1) {
		h++ // round to nearest, ties to even
	}
	if e <= 0 {
		// h is the subnormal fraction; rounding up to 0x400 correctly
		// yields the smallest normal number's encoding.
		return sign | uint16(h)
	}
	// h is in [0x400, 0x800]; adding it to (e-1)<<10 puts the implicit bit
	// into the exponent field, so a carry out of rounding (h = 0x800) bumps
	// the exponent, as it should.
	r := uint32(e-1)<<10 + h
	if r >= 0x7c00 {
		return sign | 0x7c00 // rounded past 65504
	}
	return sign | uint16(r)
}

// F16ToF32 widens a binary16 bit pattern to float32. Every half is exactly
// representable as a float32, so this is exact; NaN payloads are kept.
func F16ToF32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h & 0x3ff)
	switch exp {
	case 0:
		// Zero or subnormal: frac * 2^-24, exact in float32.
		v := float32(frac) * (1.0 / (1 << 24))
		return math.Float32frombits(math.Float32bits(v) | sign)
	case 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}
