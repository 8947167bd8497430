package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/training"
)

// outputFileFlags are the string flags naming a file a command writes
// after its work (eval --errors, caption --sheet, bench --json, ...).
var outputFileFlags = []string{"errors", "sheet", "attention", "json"}

// withOutputChecks makes every command check, before any work, that the
// files it will write can be written: a training command (one with --out
// and --resume) checks OUT with training.CheckOutput (folder exists and is
// writable, and without --resume or --force nothing already there is
// replaced); other commands check each output-file flag given. So a typo
// in a path fails at once, not after an hour of training, and
// `train translate --out FOLDER` writes nothing (no FOLDER.val.tsv) before
// failing.
func withOutputChecks(cmds []*cli.Command) []*cli.Command {
	for _, cmd := range cmds {
		withOutputChecks(cmd.Subcommands)
		if cmd.Action == nil {
			continue
		}
		strFlags, training := map[string]bool{}, false
		for _, f := range cmd.Flags {
			switch f := f.(type) {
			case *cli.StringFlag:
				strFlags[f.Name] = true
			case *cli.BoolFlag:
				training = training || f.Name == "resume"
			}
		}
		before := cmd.Before
		cmd.Before = func(c *cli.Context) error {
			if before != nil {
				if err := before(c); err != nil {
					return err
				}
			}
			return flagError(checkOutputs(c, strFlags, training))
		}
	}
	return cmds
}

// checkOutputs runs the checks withOutputChecks installs.
func checkOutputs(c *cli.Context, strFlags map[string]bool, isTraining bool) error {
	if isTraining && strFlags["out"] && c.String("out") != "" {
		if err := training.CheckOutput(loopConfig(c, c.String("out"))); err != nil {
			return err
		}
	}
	for _, name := range outputFileFlags {
		if p := c.String(name); strFlags[name] && p != "" {
			if err := training.CheckWritable(p); err != nil {
				return fmt.Errorf("--%s: %w", name, err)
			}
		}
	}
	return nil
}
