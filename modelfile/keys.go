package modelfile

import (
	"slices"
	"strings"
)

// The metadata keys recur's loaders read to rebuild a model or resume a
// training run. A writer that copies user-supplied metadata into a file
// (e.g. a "--meta KEY=VALUE" option) must refuse these: overwriting "config"
// or "vocab" leaves a file that no longer loads, or worse, one that loads
// with a different meaning.
var (
	loaderKeys = []string{
		"config",                 // every task: the model's hyperparameters (JSON)
		"vocab",                  // textgen, caption, classify: the token list
		"src_vocab", "tgt_vocab", // translate
		"src_bpe", "tgt_bpe", // translate: subword merges
		"bpe_merges",                // textgen: byte-level BPE merges
		"labels",                    // classify
		"train.state", "train.adam", // checkpoints: loop and optimizer state
	}
	// loaderPrefixes: every key starting with one of these is read back
	// (checkpoint task state, e.g. "state.streams.pos").
	loaderPrefixes = []string{ReservedPrefix, "state."}
)

// LoaderKeys returns the metadata keys a loader reads (a fresh copy), and
// LoaderPrefixes the key prefixes it reads; IsLoaderKey checks both.
func LoaderKeys() []string { return slices.Clone(loaderKeys) }

// LoaderPrefixes returns the metadata key prefixes a loader reads, including
// ReservedPrefix.
func LoaderPrefixes() []string { return slices.Clone(loaderPrefixes) }

// IsLoaderKey reports whether metadata key k is one a loader reads (or is
// reserved for this package), so user-supplied metadata must not set it.
func IsLoaderKey(k string) bool {
	if slices.Contains(loaderKeys, k) {
		return true
	}
	for _, p := range loaderPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}
