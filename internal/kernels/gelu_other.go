//go:build !amd64 || purego

package kernels

func geluAVX2(n int, dst, t, src *float32, c *[4]float32) { panic("kernels: no assembly") }
func geluGradAVX2(n int, dx, dy, x, t *float32, c *[4]float32) {
	panic("kernels: no assembly")
}
