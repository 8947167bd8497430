package tasks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/recur-dev/recur/modelfile"
)

// streamPos is a task's position in its shuffled stream of training items
// (epoch e visits them in the order perm(seed, e)); the checkpoint stores
// it under "<unit>.pos". Embedded, it is the task's SaveState and
// LoadState.
type streamPos struct {
	pos  int    // items consumed so far
	unit string // "image", "example": names the key and errors
}

// SaveState implements Trainable.
func (s *streamPos) SaveState() (map[string]string, []modelfile.Tensor) {
	return map[string]string{s.unit + "s.pos": strconv.Itoa(s.pos)}, nil
}

// LoadState implements Trainable.
func (s *streamPos) LoadState(f *modelfile.File) error {
	pos, err := checkpointPos(f, s.unit+"s.pos", s.unit)
	if err != nil {
		return err
	}
	s.pos = pos
	return nil
}

// checkpointPos reads the non-negative stream position a task's SaveState
// stored under key (what names it in the error).
func checkpointPos(f *modelfile.File, key, what string) (int, error) {
	pos, err := strconv.Atoi(f.Metadata[key])
	if err != nil || pos < 0 {
		return 0, fmt.Errorf("checkpoint has no %s position (%s = %q)", what, key, f.Metadata[key])
	}
	return pos, nil
}

// roundUp pads a length to a multiple of 4, so a few graphs serve every batch.
func roundUp(n int) int { return (n + 3) / 4 * 4 }

// cachedGraph returns the graph cached under key, building (and caching)
// it on first use: a task keeps one compiled graph per batch shape.
func cachedGraph[K comparable, G any](cache map[K]G, key K, build func() (G, error)) (G, error) {
	if g, ok := cache[key]; ok {
		return g, nil
	}
	g, err := build()
	if err != nil {
		return g, err
	}
	cache[key] = g
	return g, nil
}

// sha256File is the hex SHA-256 of a corpus text, stored in model files
// as data.sha256.
func sha256File(text string) string {
	s := sha256.Sum256([]byte(text))
	return hex.EncodeToString(s[:])
}
