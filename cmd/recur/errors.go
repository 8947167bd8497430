package main

import (
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
)

// optionFlags maps the option names the library's errors use (it never
// knows about flags) to the flags that set them: the one place where a
// library error becomes a command-line one. Longer names are replaced
// first, so "TextGenTaskConfig.Batch" never half-matches a shorter entry.
var optionFlags = map[string]string{
	"training.Config.Steps":                 "--steps",
	"training.Config.EvalEvery":             "--eval-every",
	"training.Config.CheckpointEvery":       "--checkpoint-every",
	"training.Config.Patience":              "--patience",
	"training.Config.Out":                   "--out",
	"training.Config.Optim.LR":              "--lr",
	"training.Config.Resume":                "--resume",
	"training.Config.Force":                 "--force",
	"ImageLimits.MaxPixels":                 "--max-pixels",
	"TranslateTaskConfig.Pairs.MaxTokens":   "--max-tokens",
	"PairsConfig.MaxTokens":                 "--max-tokens",
	"ImageLimits.MaxFileBytes":              "--max-file-bytes",
	"training.Config.Seed":                  "--seed",
	"TextGenTaskConfig.Arch":                "--arch",
	"TextGenTaskConfig.Level":               "--level",
	"TextGenTaskConfig.MinCount":            "--min-count",
	"TextGenTaskConfig.ValFrac":             "--val-frac",
	"TextGenTaskConfig.Batch":               "--batch",
	"TextGenTaskConfig.Seq":                 "--seq",
	"TextGenTaskConfig.BPEVocab":            "--vocab-size",
	"TrainConfig.VocabSize":                 "--vocab-size",
	"GPTConfig.Layers":                      "--layers",
	"GPTConfig.Heads":                       "--heads",
	"GPTConfig.Embed":                       "--embed",
	"GPTConfig.Context":                     "--context",
	"GPTConfig.Dropout":                     "--dropout",
	"TranslateTaskConfig.Batch":             "--batch",
	"TranslateTaskConfig.Val":               "--val",
	"TranslateTaskConfig.Test":              "--test",
	"TranslateTaskConfig.TeacherForcing":    "--teacher-forcing",
	"TranslateTaskConfig.Smoothing":         "--label-smoothing",
	"TranslateOptions.LengthPenalty":        "--length-penalty",
	"CaptionTaskConfig.Batch":               "--batch",
	"CaptionTaskConfig.Val":                 "--val",
	"ClassifyTaskConfig.Batch":              "--batch",
	"ClassifyTaskConfig.Val":                "--val",
	"decoder Config.Hidden":                 "--hidden",
	"the model Config.Cell":                 "--cell",
	"Config.Hidden":                         "--hidden",
	"Config.Layers":                         "--layers",
	"Config.Embed":                          "--embed",
	"serve.Config.Addr":                     "--addr",
	"load a model file you trained instead": "pass --model with a model you trained",
	"valid columns:":                        "valid --label:",
	// decoder.SampleConfig.Validate names its fields in lower case.
	"temperature": "--temperature",
	"top-k":       "--top-k",
	"top-p":       "--top-p",
}

// optionNames is optionFlags' keys, longest first.
var optionNames = func() []string {
	ks := make([]string, 0, len(optionFlags))
	for k := range optionFlags {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return len(ks[i]) > len(ks[j]) || len(ks[i]) == len(ks[j]) && ks[i] < ks[j] })
	return ks
}()

// flagErr is a library error reworded to name flags; errors.Is and As
// still see the original.
type flagErr struct {
	msg string
	err error
}

func (e *flagErr) Error() string { return e.msg }
func (e *flagErr) Unwrap() error { return e.err }

// flagError rewords err to name the flags that set the options it names.
func flagError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "--") {
		return err // already a command-line error
	}
	r := msg
	for _, k := range optionNames {
		if k == "temperature" || k == "top-k" || k == "top-p" {
			// Lower-case sampling names only at the start of a message.
			if strings.HasPrefix(r, k) {
				r = optionFlags[k] + r[len(k):]
			}
			continue
		}
		r = strings.ReplaceAll(r, k, optionFlags[k])
	}
	if r == msg {
		return err
	}
	return &flagErr{msg: r, err: err}
}

// withFlagErrors makes every command's (and subcommand's) errors name flags.
func withFlagErrors(cmds []*cli.Command) []*cli.Command {
	for _, c := range cmds {
		if act := c.Action; act != nil {
			c.Action = func(ctx *cli.Context) error { return flagError(act(ctx)) }
		}
		withFlagErrors(c.Subcommands)
	}
	return cmds
}
