// Package bench is recur's side of the CPU benchmark suite that compares it
// with PyTorch (shared/bench/torch_ref.py): the same workloads under the same
// names and units, the same timing protocol and the same JSON layout, so
// `torch_ref.py --compare` can read recur's results file directly.
//
// The pieces:
//
//   - Specs: every benchmark the suite defines (name, unit, FLOPs per unit),
//     including those recur does not implement yet;
//   - the registry: a Workload pairs a Spec with a Setup function that builds
//     the data and model once and returns the Step timed per iteration;
//     Register plugs new workloads in (seq2seq, captioning) as they appear;
//   - Measure: warm-up, then a timed loop, every iteration timed on its own,
//     reported as the median of the per-iteration throughputs;
//   - Result and Report: the JSON written by `recur bench --json`;
//   - child processes: each workload runs in a fresh process so its peak
//     resident memory (VmHWM) is its own.
//
// FLOP accounting follows the shared README: a multiply-add is 2 FLOPs, only
// matrix products count, and training is 3 × forward. The GPT workloads
// (gpt.go) count attention at the average context a token sees, as
// torch_ref.py's gpt_fwd_flops_per_token does, and the batch-1 sampling row
// also reports the weight bytes it streams per second (Also["weight_GB/s"])
// to set beside peak/stream-512mib.
package bench
