package training

import (
	"strings"
	"testing"
)

// Config.Validate names the option that is wrong, never a flag.
func TestConfigValidateNamesOptions(t *testing.T) {
	ok := DefaultConfig()
	ok.Out = "m.model"
	if err := ok.Validate(); err != nil {
		t.Fatalf("default config with Out: %v", err)
	}
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Steps = 0 }, "training.Config.Steps must be >= 1"},
		{func(c *Config) { c.EvalEvery = -1 }, "training.Config.EvalEvery must be >= 0"},
		{func(c *Config) { c.CheckpointEvery = -1 }, "training.Config.CheckpointEvery must be >= 0"},
		{func(c *Config) { c.Patience = -1 }, "training.Config.Patience must be >= 0"},
		{func(c *Config) { c.Out = "" }, "training.Config.Out is required"},
	} {
		cfg := ok
		c.edit(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "--") {
			t.Errorf("got %v, want an error naming %q and no flag", err, c.want)
		}
	}
}

// The checkpoint sits next to the model file.
func TestCheckpointPath(t *testing.T) {
	if got := Checkpoint("runs/m.model"); got != "runs/m.model.ckpt" {
		t.Errorf("Checkpoint = %q", got)
	}
}
