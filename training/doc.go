// Package training is the one training loop every recur task shares
// (train.go): Adam updates of a Trainable task, validation every
// Config.EvalEvery steps with the best model kept by a primary metric,
// checkpoints that a killed run resumes from exactly (weights, optimizer
// moments, the task's stream position and the loop's own state), early
// stopping, a loss-curve PNG (drawn by package plots) and a progress line
// on a terminal or a log (progress.go).
//
// The task adapters (tasks.TextGenTask, tasks.TranslateTask, ...) implement
// Trainable; this package knows nothing of any model. Errors name the
// options (training.Config.Steps), never command-line flags.
package training
