package kernels

import (
	"fmt"
	"testing"
)

// BenchmarkKernel times the bare micro-kernel on one L1-resident packed A
// panel and B panel: the ceiling the blocked Sgemm can approach, and the
// figure to compare against the core's FMA peak when changing asmgen.go.
func BenchmarkKernel(b *testing.B) {
	ar := current()
	for _, kc := range []int{64, 256} {
		b.Run(fmt.Sprintf("%s/kc%d", ar.name, kc), func(b *testing.B) {
			a := aligned(nil, ar.mr*kc)
			bp := aligned(nil, ar.nr*kc)
			c := aligned(nil, ar.mr*ar.nr)
			for i := range a {
				a[i] = float32(i%7) - 3
			}
			for i := range bp {
				bp[i] = float32(i%5) - 2
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ar.kernel(kc, &a[0], &bp[0], ar.nr*4, &c[0], ar.nr*4, 1, 0)
			}
			b.ReportMetric(2*float64(ar.mr*ar.nr*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
