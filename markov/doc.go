// Package markov is the n-gram baseline language model of recur.
//
// A Model predicts the next token id from the previous Order-1 ids by
// counting n-grams in the training ids and smoothing the counts so that
// every token keeps a non-zero probability:
//
//   - "kneser-ney" (default): interpolated Kneser-Ney with one absolute
//     discount D (Chen & Goodman 1998). Every seen n-gram gives up D of its
//     count; the freed mass goes to the next-shorter context, whose
//     distribution uses continuation counts ("in how many distinct contexts
//     does w appear") instead of raw counts. The unigram level is
//     interpolated with the uniform distribution 1/V, so no token is ever
//     impossible.
//   - "witten-bell": interpolated Witten-Bell, where a context that was
//     followed by N distinct tokens in T occurrences gives N/(T+N) of its
//     mass to the shorter context.
//
// Both are exactly normalised: LogProbs sums to 1 over the vocabulary for
// any context. Ids come from the datasets tokenizers (vocabulary size V,
// id 0 = <unk>); the model works the same at character and word level.
// It is trained, evaluated and sampled through the same commands as the
// recurrent models (--arch markov --order 5), so the perplexity the RNN
// reaches can be compared with a model that only counts.
//
// GenerateStream samples like decoder.Generate: each id goes to the
// caller's emit function as soon as it is drawn, and cancelling the context
// or returning false from emit stops sampling before the next id.
//
// Counts are kept as sorted arrays of n-grams per order; contexts are
// found through hash maps keyed by the ids packed into a uint64 (ceil(log2
// V) bits per id) when they fit, else by a byte string. Models are stored
// in recur model files as I32 tensors (see Tensors); smoothing is applied
// at query time, so one file serves every smoothing and discount; Config
// is stored under the JSON keys "order", "smoothing" and "discount".
//
// Files: config.go (Config, DefaultConfig), model.go (Model, Train,
// LogProbs, Eval), generate.go (Generate, GenerateStream), tensors.go
// (Tensors, FromTensors: the model-file form), config_json.go (Config
// stored under older JSON keys).
package markov
