package gpt2

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// byteVocab is the 256 one-byte tokens as a vocab.json body (without the
// braces), ids 0..255, followed by extra tokens.
func byteVocab(extra ...string) string {
	var parts []string
	for _, b := range byteOrder {
		parts = append(parts, quoteJSON(string(byteToRune[b])))
	}
	for _, e := range extra {
		parts = append(parts, quoteJSON(e))
	}
	var sb strings.Builder
	sb.WriteString("{")
	for i, p := range parts {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(p + ": " + strconv.Itoa(i))
	}
	sb.WriteString("}")
	return sb.String()
}

func quoteJSON(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

func TestReadErrors(t *testing.T) {
	good := byteVocab("ab", "abc")
	for _, c := range []struct {
		name, vocab, merges, want string
	}{
		{"ok", good, "#version: 0.2\na b\nab c\n", ""},
		{"ok without header or final newline", good, "a b\nab c", ""},
		{"not json", "{\"a\": 0", "", "vocab.json: byte"},
		{"not an object", "[1,2]", "", "expected a JSON object"},
		{"id not a number", `{"a": "x"}`, "", `token "a": the id must be a number`},
		{"negative id", `{"a": -1}`, "", `token "a" has id -1`},
		{"fractional id", `{"a": 1.5}`, "", `token "a" has id 1.5`},
		{"huge id", `{"a": 99999999999}`, "", `has id 99999999999`},
		{"duplicate token", `{"a": 0, "a": 1}`, "", `token "a" appears twice`},
		{"duplicate id", `{"a": 0, "b": 0}`, "", `id 0 is given to both "a" and "b"`},
		{"gap", `{"a": 0, "b": 2}`, "", "no token has id 1"},
		{"trailing", good + " x", "", "after the JSON object"},
		{"too few tokens", `{"a": 0}`, "", "has 1 tokens"},
		{"missing byte", strings.Replace(good, `"Ġ"`, `"zz"`, 1), "", `lacks the one-byte token "Ġ" for byte 0x20`},
		{"three fields", good, "#version: 0.2\na b c\n", `merges.txt:2: "a b c" is not a merge`},
		{"one field", good, "a b\nabc\n", `merges.txt:2: "abc" is not a merge`},
		{"part not in vocab", good, "a b\nxy z\n", `merges.txt:2: "xy" is not a token`},
		{"result not in vocab", good, "b c\n", `merges.txt:1: the merged token "bc" is not in vocab.json`},
		{"duplicate merge", good, "a b\n\na b\n", `merges.txt:3: merge "a" "b" repeats merge 0`},
	} {
		_, err := Read(strings.NewReader(c.vocab), "vocab.json", strings.NewReader(c.merges), "merges.txt")
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestLoadFilesLimits(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "vocab.json") {
		t.Fatalf("missing files: %v", err)
	}
	big := filepath.Join(dir, VocabFile)
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file just over the limit: rejected from its size, unread.
	if err := f.Truncate(MaxVocabFileBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	os.WriteFile(filepath.Join(dir, MergesFile), []byte("#version: 0.2\n"), 0o644)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("oversized vocab.json: %v", err)
	}
}

// GPT-2's own files load, and writing them back gives the same tokenizer.
func TestGPT2SaveLoad(t *testing.T) {
	tok := loadGPT2(t)
	dir := t.TempDir()
	if err := tok.Save(dir); err != nil {
		t.Fatal(err)
	}
	again, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.Size() != tok.Size() || len(again.Merges()) != len(tok.Merges()) {
		t.Fatal("sizes differ after Save/Load")
	}
	for id := 0; id < tok.Size(); id++ {
		if again.Token(id) != tok.Token(id) {
			t.Fatalf("id %d: %q became %q", id, tok.Token(id), again.Token(id))
		}
	}
	m1, m2 := tok.Merges(), again.Merges()
	for i := range m1 {
		if m1[i] != m2[i] {
			t.Fatalf("merge %d: %q became %q", i, m1[i], m2[i])
		}
	}
}
