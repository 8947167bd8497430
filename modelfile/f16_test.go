package modelfile

import (
	"math"
	"testing"
)

// Golden values follow from the IEEE 754 binary16 definition: sign bit,
// 5-bit exponent with bias 15, 10-bit fraction; normal value
// 2^(e-15) * (1 + f/1024), subnormal 2^-14 * f/1024 (unit 2^-24); rounding to
// nearest with ties to the even fraction. Each row notes the arithmetic.
func TestF32ToF16Golden(t *testing.T) {
	p2 := func(e int) float32 { return float32(math.Ldexp(1, e)) }
	tests := []struct {
		in   float32
		want uint16
		why  string
	}{
		{0, 0x0000, "+0"},
		{float32(math.Copysign(0, -1)), 0x8000, "-0 keeps its sign"},
		{1, 0x3C00, "e=15, f=0"},
		{-2, 0xC000, "sign, e=16, f=0"},
		{0.5, 0x3800, "e=14"},
		{65504, 0x7BFF, "largest finite: 2^15*(2-2^-10), e=30, f=0x3ff"},
		{65519, 0x7BFF, "below the 65520 midpoint between 65504 and 65536"},
		{65520, 0x7C00, "tie; 0x7BFF is odd so it rounds up to 2^16 = overflow = +Inf"},
		{-1e6, 0xFC00, "overflow to -Inf"},
		{0.1, 0x2E66, "1.6*2^-4: e=11, f=round(0.6*1024=614.4)=614=0x266"},
		{1.0 / 3, 0x3555, "1.333*2^-2: e=13, f=round(341.33)=341=0x155"},
		{p2(-14), 0x0400, "smallest normal"},
		{p2(-24), 0x0001, "smallest subnormal, 1 unit of 2^-24"},
		{p2(-25), 0x0000, "half a unit: tie, 0 is even"},
		{math.Nextafter32(p2(-25), 1), 0x0001, "just above half a unit"},
		{3 * p2(-25), 0x0002, "1.5 units: tie, rounds to even 2"},
		{5 * p2(-25), 0x0002, "2.5 units: tie, rounds to even 2"},
		{1e-8, 0x0000, "1e-8 < 2^-25 ~ 2.98e-8 rounds to zero"},
		{-1e-8, 0x8000, "negative underflow keeps the sign"},
		{1e-40, 0x0000, "float32 subnormal"},
		{p2(-14) - p2(-25), 0x0400, "1023.5 units: tie, rounds up into the smallest normal"},
		{1 + p2(-11), 0x3C00, "half an ulp above 1: tie, f=0 is even"},
		{1 + 3*p2(-11), 0x3C02, "1.5 ulp above 1: tie between f=1 and f=2, even is 2"},
		{1 + p2(-11) + p2(-20), 0x3C01, "just above the tie"},
		{2 - p2(-11), 0x4000, "tie between 0x3BFF (odd) and 2.0: carry into the exponent"},
		{float32(math.Inf(1)), 0x7C00, "+Inf"},
		{float32(math.Inf(-1)), 0xFC00, "-Inf"},
	}
	for _, tt := range tests {
		if got := F32ToF16(tt.in); got != tt.want {
			t.Errorf("F32ToF16(%g) = %#04x, want %#04x (%s)", tt.in, got, tt.want, tt.why)
		}
	}
	for _, nan := range []float32{float32(math.NaN()), math.Float32frombits(0x7f800001), math.Float32frombits(0xffc00000)} {
		h := F32ToF16(nan)
		if h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
			t.Errorf("F32ToF16(NaN %#08x) = %#04x, not a NaN", math.Float32bits(nan), h)
		}
	}
}

func TestF16ToF32Golden(t *testing.T) {
	tests := []struct {
		in   uint16
		want float32
	}{
		{0x3C00, 1},
		{0xC000, -2},
		{0x7BFF, 65504},
		{0x0001, float32(math.Ldexp(1, -24))},
		{0x03FF, float32(math.Ldexp(1023, -24))},
		{0x0400, float32(math.Ldexp(1, -14))},
		{0x2E66, 0.0999755859375}, // 2^-4 * (1 + 614/1024)
		{0x7C00, float32(math.Inf(1))},
		{0xFC00, float32(math.Inf(-1))},
	}
	for _, tt := range tests {
		if got := F16ToF32(tt.in); got != tt.want {
			t.Errorf("F16ToF32(%#04x) = %g, want %g", tt.in, got, tt.want)
		}
	}
	if got := F16ToF32(0x8000); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("F16ToF32(0x8000) = %g, want -0", got)
	}
	if got := F16ToF32(0x7E00); !math.IsNaN(float64(got)) {
		t.Errorf("F16ToF32(0x7E00) = %g, want NaN", got)
	}
}

// Every half widens exactly and narrows back to itself (NaN payloads too).
func TestF16RoundTripAll(t *testing.T) {
	for h := 0; h <= 0xffff; h++ {
		if got := F32ToF16(F16ToF32(uint16(h))); got != uint16(h) {
			t.Fatalf("F32ToF16(F16ToF32(%#04x)) = %#04x", h, got)
		}
	}
}

// For every pair of adjacent finite halves a < b, the exact midpoint (which
// float32 represents: halves have 11 significant bits) must round to the one
// with the even fraction, and anything just off the midpoint to the nearer.
func TestF16RoundingAllMidpoints(t *testing.T) {
	for h := uint16(0); h < 0x7BFF; h++ {
		for _, sign := range []uint16{0, 0x8000} {
			lo, hi := h|sign, (h+1)|sign
			a, b := F16ToF32(lo), F16ToF32(hi)
			mid := (a + b) / 2
			if float64(mid) != (float64(a)+float64(b))/2 {
				t.Fatalf("midpoint of %#04x and %#04x not exact in float32", lo, hi)
			}
			even := lo
			if lo&1 == 1 {
				even = hi
			}
			if got := F32ToF16(mid); got != even {
				t.Fatalf("F32ToF16(midpoint %g of %#04x,%#04x) = %#04x, want even %#04x", mid, lo, hi, got, even)
			}
			if got := F32ToF16(math.Nextafter32(mid, a)); got != lo {
				t.Fatalf("F32ToF16(just below midpoint %g) = %#04x, want %#04x", mid, got, lo)
			}
			if got := F32ToF16(math.Nextafter32(mid, b)); got != hi {
				t.Fatalf("F32ToF16(just above midpoint %g) = %#04x, want %#04x", mid, got, hi)
			}
		}
	}
}

func BenchmarkF32ToF16(b *testing.B) {
	xs := make([]float32, 4096)
	for i := range xs {
		xs[i] = float32(i-2048) * 0.37
	}
	b.ResetTimer()
	var sink uint16
	for b.Loop() {
		for _, x := range xs {
			sink ^= F32ToF16(x)
		}
	}
	_ = sink
	b.ReportMetric(float64(b.N)*float64(len(xs))/b.Elapsed().Seconds()/1e6, "Mvalues/s")
}
