package gpt2

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// sharedDatasets returns ../shared/datasets next to the repository root
// (the folder holding go.mod), or "" if absent.
func sharedDatasets() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "datasets")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

var (
	gpt2Once sync.Once
	gpt2Tok  *Tokenizer
	gpt2Err  error
)

// loadGPT2 loads GPT-2's own vocab.json and merges.txt from
// ../shared/datasets/gpt2, skipping the test when they are absent.
func loadGPT2(tb testing.TB) *Tokenizer {
	tb.Helper()
	dir := filepath.Join(sharedDatasets(), "gpt2")
	if _, err := os.Stat(filepath.Join(dir, VocabFile)); err != nil {
		tb.Skipf("GPT-2 tokenizer files not found at %s (vocab.json, merges.txt from ../shared/datasets/gpt2 beside the repository): %v", dir, err)
	}
	gpt2Once.Do(func() { gpt2Tok, gpt2Err = Load(dir) })
	if gpt2Err != nil {
		tb.Fatal(gpt2Err)
	}
	return gpt2Tok
}

// sharedFile returns the path of a file in ../shared/datasets, skipping
// the test when it is absent.
func sharedFile(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join(sharedDatasets(), name)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("%s not found (expected in ../shared/datasets beside the repository): %v", name, err)
	}
	return p
}
