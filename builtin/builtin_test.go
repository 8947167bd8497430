package builtin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/recur-dev/recur/decoder"
)

// The built-in character model loads from the binary, records where it came
// from, and writes play-like text.
func TestShakespeare(t *testing.T) {
	m, err := Shakespeare()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"data.sha256", "train.steps", "train.validation"} {
		if m.Meta[k] == "" {
			t.Errorf("metadata %s missing", k)
		}
	}
	var val map[string]float64
	if err := json.Unmarshal([]byte(m.Meta["train.validation"]), &val); err != nil || val["loss"] > 1.5 {
		t.Errorf("recorded validation %v (%v), want loss <= 1.5", val, err)
	}
	g, err := m.Generate(context.Background(), "ROMEO:", 300, decoder.SampleConfig{Temperature: 0.8, TopP: 1}, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(g.Text, "ROMEO:") || strings.Count(g.Text, "\n") < 3 {
		t.Fatalf("sample does not look like a play:\n%s", g.Text)
	}
}

func ExampleShakespeare() {
	m, _ := Shakespeare()
	g, _ := m.Generate(context.Background(), "ROMEO:", 40, decoder.SampleConfig{Greedy: true, TopP: 1}, 1, nil)
	_ = g.Text // "ROMEO:\n..." — the same text for the same seed and flags
}
