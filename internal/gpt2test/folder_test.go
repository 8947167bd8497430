package gpt2test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestWriteFolder(t *testing.T) {
	dir := t.TempDir()
	cfg := Tiny()
	a, err := WriteFolder(dir, cfg, Options{Seed: 3, Float16: true, LMHead: TiedLMHead, MaskBuffers: true, Prefix: true})
	if err != nil {
		t.Fatal(err)
	}
	b := Weights(cfg, Options{Seed: 3, LMHead: TiedLMHead, MaskBuffers: true})
	if len(a) != len(b) || len(a) != 2+cfg.Layers*14+2+1 {
		t.Fatalf("%d and %d tensors", len(a), len(b))
	}
	// Float16 rounding changes values by at most 2^-11 relative.
	for i := range a {
		if a[i].Name != b[i].Name || !reflect.DeepEqual(a[i].Shape, b[i].Shape) {
			t.Fatalf("tensor %d: %s %v vs %s %v", i, a[i].Name, a[i].Shape, b[i].Name, b[i].Shape)
		}
		for j := range a[i].Data {
			if d := a[i].Data[j] - b[i].Data[j]; d > 1e-3*abs(b[i].Data[j])+1e-7 || -d > 1e-3*abs(b[i].Data[j])+1e-7 {
				t.Fatalf("%s[%d]: %g vs %g", a[i].Name, j, a[i].Data[j], b[i].Data[j])
			}
		}
	}
	var vocab map[string]int
	raw, _ := os.ReadFile(filepath.Join(dir, "vocab.json"))
	if err := json.Unmarshal(raw, &vocab); err != nil || len(vocab) != cfg.Vocab {
		t.Fatalf("vocab.json: %d entries, %v", len(vocab), err)
	}
	if vocab["!"] != 0 || vocab["Ġ"] != 220 || vocab["<|endoftext|>"] != cfg.Vocab-1 {
		t.Errorf("ids of !, Ġ, <|endoftext|> = %d %d %d, want 0 220 %d (GPT-2's)", vocab["!"], vocab["Ġ"], vocab["<|endoftext|>"], cfg.Vocab-1)
	}
	merges, _ := os.ReadFile(filepath.Join(dir, "merges.txt"))
	lines := strings.Split(strings.TrimSpace(string(merges)), "\n")
	if lines[0] != "#version: 0.2" || len(lines)-1 != cfg.Vocab-257 || lines[1] != "Ġ e" {
		t.Errorf("merges.txt: %d lines, starts %q", len(lines), lines[:2])
	}
	if sym := ByteSymbols(); sym[' '] != 'Ġ' || sym['\n'] != 'Ċ' || sym['A'] != 'A' {
		t.Errorf("byte symbols: space %q newline %q", sym[' '], sym['\n'])
	}
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
