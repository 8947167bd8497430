//go:build amd64 && !purego

package kernels

//go:noescape
func geluAVX2(n int, dst, t, src *float32, c *[4]float32)

//go:noescape
func geluGradAVX2(n int, dx, dy, x, t *float32, c *[4]float32)

//go:noescape
func sumAVX2(n int, x *float32) float32

//go:noescape
func sqDevSumAVX2(n int, x *float32, mu float32) float32

//go:noescape
func lnApplyAVX2(n int, y, xhat, x, w, b *float32, c *[2]float32)

//go:noescape
func lnGradSumsAVX2(n int, dy, xhat, w, dw, db *float32, out *[2]float32)

//go:noescape
func lnGradApplyAVX2(n int, dx, dy, xhat, w *float32, c *[3]float32)
