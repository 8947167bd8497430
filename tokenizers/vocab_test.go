package tokenizers

import (
	"reflect"
	"strings"
	"testing"
)

func TestNewVocab(t *testing.T) {
	tests := []struct {
		name    string
		tokens  []string
		wantErr string
	}{
		{name: "ok", tokens: []string{"<unk>", "a", "b"}},
		{name: "only unk", tokens: []string{"<unk>"}},
		{name: "unsorted is fine", tokens: []string{"<unk>", "z", "a"}},
		{name: "nil", tokens: nil, wantErr: `vocabulary is empty: it needs at least "<unk>" as id 0`},
		{name: "no unk", tokens: []string{"a", "<unk>"}, wantErr: `vocabulary id 0 is "a": it must be "<unk>"`},
		{name: "dup", tokens: []string{"<unk>", "a", "b", "a"}, wantErr: `vocabulary has token "a" twice (ids 1 and 3)`},
		{name: "unk twice", tokens: []string{"<unk>", "<unk>"}, wantErr: `token "<unk>" twice (ids 0 and 1)`},
		{name: "empty token", tokens: []string{"<unk>", ""}, wantErr: "vocabulary id 1 is the empty string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := NewVocab(tc.tokens)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("NewVocab(%q) error = %v, want it to contain %q", tc.tokens, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Size() != len(tc.tokens) {
				t.Errorf("Size = %d, want %d", v.Size(), len(tc.tokens))
			}
			for id, tok := range tc.tokens {
				if got, ok := v.ID(tok); !ok || got != id {
					t.Errorf("ID(%q) = %d, %v, want %d, true", tok, got, ok, id)
				}
				if got := v.Token(id); got != tok {
					t.Errorf("Token(%d) = %q, want %q", id, got, tok)
				}
			}
			if !reflect.DeepEqual(v.Tokens(), tc.tokens) {
				t.Errorf("Tokens = %q, want %q", v.Tokens(), tc.tokens)
			}
		})
	}
}

func TestVocabLookups(t *testing.T) {
	v, err := NewVocab([]string{"<unk>", "a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := v.ID("zzz"); id != 0 || ok {
		t.Errorf(`ID("zzz") = %d, %v, want 0, false`, id, ok)
	}
	for _, id := range []int{-1, 3, 1 << 40} {
		if got := v.Token(id); got != UnknownToken {
			t.Errorf("Token(%d) = %q, want <unk>", id, got)
		}
	}
	// Tokens returns a copy: changing it must not change the vocabulary.
	toks := v.Tokens()
	toks[1] = "changed"
	if v.Token(1) != "a" {
		t.Error("Tokens() aliases the vocabulary")
	}
	// A nil vocabulary acts as {"<unk>"}.
	var nilV *Vocab
	if nilV.Size() != 1 || nilV.Token(0) != UnknownToken || !reflect.DeepEqual(nilV.Tokens(), []string{UnknownToken}) {
		t.Error("nil vocab is not {<unk>}")
	}
	if id, ok := nilV.ID("a"); id != 0 || ok {
		t.Errorf("nil ID(a) = %d, %v", id, ok)
	}
}

func TestBuildVocab(t *testing.T) {
	counts := map[string]int{"the": 5, "a": 2, "zebra": 1, "Zed": 3, "é": 2, "<unk>": 9, "": 4}
	tests := []struct {
		minCount int
		want     []string
	}{
		// Byte order: uppercase before lowercase, multi-byte UTF-8 last.
		{1, []string{"<unk>", "Zed", "a", "the", "zebra", "é"}},
		{0, []string{"<unk>", "Zed", "a", "the", "zebra", "é"}},
		{2, []string{"<unk>", "Zed", "a", "the", "é"}},
		{4, []string{"<unk>", "the"}},
		{100, []string{"<unk>"}},
	}
	for _, tc := range tests {
		v := BuildVocab(counts, tc.minCount)
		if got := v.Tokens(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("BuildVocab(minCount %d) = %q, want %q", tc.minCount, got, tc.want)
		}
		// The stored form round-trips through NewVocab.
		if _, err := NewVocab(v.Tokens()); err != nil {
			t.Errorf("NewVocab(BuildVocab(...).Tokens()): %v", err)
		}
	}
}
