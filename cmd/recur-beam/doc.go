// Command recur-beam runs recur's models over many inputs as Apache Beam
// pipelines: translate, caption, generate and score. The same job runs
// in-process on Beam's Prism runner (the default), or on a Flink, Spark or
// Prism job server (--runner universal --endpoint HOST:PORT), or on any
// runner registered by import (Dataflow's flags pass through after "--").
//
// It is a separate binary so that the main recur command does not link
// Beam. See docs/scaling-out.md.
//
// Files: main.go (the command and its flags), pipeline.go (Job, Expand,
// CheckOutput, Build: the pipeline from input files to output shards and
// dead letters), models.go (ModelOptions, LoadRunner: each task's model
// behind one Runner interface), runner.go (RunOptions, Run, Summary),
// progress.go (the progress line of in-process runs), dataflow.go (the
// Dataflow runner, registered by import).
package main
