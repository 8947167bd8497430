package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/metrics"
)

// tokenizeFlag overrides the BLEU tokenizer eval chooses by the model's
// target language.
var tokenizeFlag = &cli.StringFlag{Name: "tokenize",
	Usage: "translate: BLEU tokenizer, one of " + strings.Join(metrics.BLEUTokenizers, ", ") + " (default: by the model's target language: zh for Chinese, char for Japanese, Thai, Lao, Khmer, Burmese, else 13a)"}

// bleuConfigFor is the BLEU configuration eval uses for a target
// language: sacrebleu's defaults with the tokenizer metrics.TokenizerFor
// picks (13a treats an unspaced Japanese sentence as one word), unless
// flag names one. why says where the choice came from, for the output.
func bleuConfigFor(tgtLang, flag string) (cfg metrics.BLEUConfig, why string, err error) {
	cfg = metrics.DefaultBLEUConfig()
	if flag != "" {
		if !slices.Contains(metrics.BLEUTokenizers, flag) {
			return cfg, "", fmt.Errorf("--tokenize %q is unknown (valid: %s)", flag, strings.Join(metrics.BLEUTokenizers, ", "))
		}
		cfg.Tokenize = flag
		return cfg, "--tokenize", nil
	}
	cfg.Tokenize = metrics.TokenizerFor(tgtLang)
	if tgtLang == "" {
		return cfg, "the model records no target language", nil
	}
	return cfg, fmt.Sprintf("target language %q", tgtLang), nil
}
