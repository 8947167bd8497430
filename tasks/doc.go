// Package tasks puts models, data and metrics together: one file per task
// (text generation, translation, captioning, classification), and train.go,
// the one training loop they all share, with validation, checkpoints that a
// killed run resumes from exactly, early stopping, a progress line and a
// loss-curve plot.
package tasks
