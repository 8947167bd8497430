// Package builtin embeds the models recur ships with, so every command works
// on a fresh clone with no training and no data. Each model is reproduced by
// a script in scripts/ and records in its metadata the data's sha256, the
// training steps and its validation figures.
//
// Files: builtin.go (Shakespeare, EnFr, Captioner: the embedded files
// and their loaders).
package builtin
