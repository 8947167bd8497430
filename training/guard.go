package training

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/recur-dev/recur/modelfile"
)

// CheckWritable reports, before any long work, whether a file can be
// written at path: its folder must exist and accept a new file (one is
// created and removed there), and path must not be a folder. Every command
// that writes after minutes of work calls it first, so a typo in an output
// path fails at once instead of after the work.
func CheckWritable(path string) error {
	if path == "" {
		return errors.New("no output path given")
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a folder: give a file path inside it", path)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: the folder %s does not exist", path, dir)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: %s is not a folder", path, dir)
	}
	f, err := os.CreateTemp(dir, ".recur-write-check-*")
	if err != nil {
		return fmt.Errorf("%s: the folder %s is not writable: %w", path, dir, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("%s: cannot remove the test file %s: %w", path, name, err)
	}
	return nil
}

// CheckOutput is what a training run checks before its first step (Train
// calls it; a command that writes other files before training, such as
// the translator's held-out pairs, calls it earlier): Out and its checkpoint
// can be written, and a fresh run (no Resume) does not silently replace a
// model or checkpoint already there unless Force is set.
func CheckOutput(cfg Config) error {
	if cfg.Out == "" {
		return errors.New("training.Config.Out is required: the path of the model file to write")
	}
	if err := CheckWritable(cfg.Out); err != nil {
		return fmt.Errorf("training.Config.Out: %w", err)
	}
	if cfg.Resume || cfg.Force {
		return nil
	}
	for _, p := range []string{cfg.Out, Checkpoint(cfg.Out)} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("training.Config.Out: %s already exists: set training.Config.Resume to continue its training, or training.Config.Force to overwrite it", p)
		}
	}
	return nil
}

// removeStaleTemps removes temporary files that a killed earlier run left
// beside Out and its checkpoint (see modelfile.RemoveStaleTemps), noting
// what it removed.
func removeStaleTemps(cfg Config, note func(string)) error {
	var removed []string
	for _, p := range []string{cfg.Out, Checkpoint(cfg.Out)} {
		r, err := modelfile.RemoveStaleTemps(p)
		if err != nil {
			return err
		}
		removed = append(removed, r...)
	}
	if len(removed) > 0 {
		sort.Strings(removed)
		note("removed temporary files left by an interrupted write: " + strings.Join(removed, ", "))
	}
	return nil
}

// dataKeys are the metadata a task records about its data: a resumed run
// on other data (or another vocabulary, so token ids mean other tokens)
// would continue silently on a different problem.
var dataKeys = []string{"data.sha256", "vocab", "src_vocab", "tgt_vocab", "labels", "src_bpe", "tgt_bpe"}

// checkSameData compares the checkpoint's data records with the run's.
func checkSameData(path string, ckpt, now *modelfile.File) error {
	for _, k := range dataKeys {
		was, had := ckpt.Metadata[k]
		is, has := now.Metadata[k]
		if had == has && was == is {
			continue
		}
		if k == "data.sha256" {
			return fmt.Errorf("training.Config.Resume: %s was trained on data with sha256 %s, but this run's data has sha256 %s: resume with the same data, or start a new model", path, orNone(was), orNone(is))
		}
		return fmt.Errorf("training.Config.Resume: %s was trained with another %s than this run's data gives (token ids would change meaning; data sha256 %s then, %s now): resume with the same data and options, or start a new model", path, k, orNone(ckpt.Metadata["data.sha256"]), orNone(now.Metadata["data.sha256"]))
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none recorded)"
	}
	return s
}
