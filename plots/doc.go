// Package plots draws every picture recur writes: loss curves (curve.go),
// attention maps and confusion matrices as heatmaps (attention.go,
// confusion.go), and, for image models, captioned contact sheets and
// per-word attention panels over the input image (images.go).
//
// Every function takes plain data (numbers, tokens, preprocessed pixels)
// and a path, so that plotting depends on no model or training type.
package plots
