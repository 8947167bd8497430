package builtin

import (
	"context"
	"strings"
	"testing"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/tasks"
)

// The embedded captioner loads, is small, records its test figures, and
// describes the committed example scene with words from the scene grammar.
func TestBuiltinCaptioner(t *testing.T) {
	b, err := models.ReadFile("caption.model")
	if err != nil {
		t.Skip("this build has no caption.model")
	}
	if len(b) > 4<<20 {
		t.Errorf("caption.model is %d bytes, more than 4 MB", len(b))
	}
	m, err := Captioner()
	if err != nil {
		t.Fatal(err)
	}
	if m.Meta["test.beam3.exact_match"] == "" {
		t.Error("no test.beam3.exact_match in the model's metadata")
	}
	imgs, err := m.LoadImages([]string{"../testdata/scene.png"})
	if err != nil {
		t.Fatal(err)
	}
	caps, err := m.Caption(context.Background(), imgs, tasks.CaptionOptions{Beam: 3, LengthPenalty: 1})
	if err != nil {
		t.Fatal(err)
	}
	words := map[string]bool{"a": true, "an": true, "left": true, "right": true, "of": true, "above": true, "below": true, ",": true, "and": true}
	for _, l := range [][]string{datasets.ShapeKinds, datasets.ShapeColours, datasets.ShapeSizes} {
		for _, w := range l {
			words[w] = true
		}
	}
	if !caps[0].Finished || len(caps[0].Tokens) < 3 {
		t.Fatalf("caption %+v", caps[0])
	}
	for _, w := range caps[0].Tokens {
		if !words[w] {
			t.Errorf("caption %q has %q, not a scene word", strings.Join(caps[0].Tokens, " "), w)
		}
	}
}
