// Package kernels holds recur's dense float32 linear-algebra kernels: a
// cache-blocked, packed SGEMM with hand-written AVX-512 and AVX2+FMA
// micro-kernels (chosen at run time), SGEMV, Dot, Axpy, the vectorised
// sigmoid/tanh used by fused RNN gate arithmetic, softmax and log-softmax,
// the one-pass Adam update, ReLU + 2×2 max-pooling (maxpool.go), the
// transformer's one-pass GELU (gelu.go) and LayerNorm rows (layernorm.go),
// and SgemmBias, a linear layer's product with its bias added per tile.
// Products big enough to split run on a small pool of persistent workers
// (Parallel, workerpool.go) that spin between calls, so the second core
// starts within microseconds instead of being woken for every product.
// Everything is pure Go plus Go assembly, so the default build needs no
// cgo; on other architectures, or with the purego build tag, portable Go
// code computes the same results.
//
// All matrices are row-major with an explicit leading dimension, following
// BLAS semantics (see Sgemm). BLAS adapts the kernels to gonum's blas.Float32
// interface so gorgonia can be pointed at them with gorgonia.Use(BLAS{}).
package kernels
