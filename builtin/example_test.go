package builtin_test

import (
	"context"
	"fmt"
	"log"

	"github.com/recur-dev/recur/models"

	"github.com/recur-dev/recur/builtin"
	"github.com/recur-dev/recur/decoder"
)

// Generate text with the built-in character-level Shakespeare model: 80
// characters after a prompt, sampled at temperature 0.8 with seed 7 (the
// same seed gives the same text).
func ExampleShakespeare() {
	m, err := builtin.Shakespeare()
	if err != nil {
		log.Fatal(err)
	}
	g, err := m.Generate(context.Background(), "ROMEO:", 80, decoder.SampleConfig{Temperature: 0.8, TopP: 1}, 7, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(g.Text) > len("ROMEO:"))
	// Output: true
}

// Translate with the built-in English → French model. The options leave
// the length penalty unset, so the model applies its own tuned value (and
// lowercases and caps the length as it was trained to).
func ExampleEnFr() {
	tr, err := builtin.EnFr()
	if err != nil {
		log.Fatal(err)
	}
	o := models.DefaultTranslateOptions()
	o.Beam = 5
	out, err := tr.Translate(context.Background(), []string{"I am cold."}, o)
	if err != nil {
		log.Fatal(err)
	}
	best := out[0].Hyps[0]
	fmt.Println(best.Text, len(best.Attention) == len(best.Tokens)+1)
	// Output: J'ai froid. true
}

// Caption a rendered scene with the built-in captioner (beam 3).
func ExampleCaptioner() {
	m, err := builtin.Captioner()
	if err != nil {
		log.Fatal(err)
	}
	imgs, err := m.LoadImages([]string{"../testdata/scene.png"})
	if err != nil {
		log.Fatal(err)
	}
	o := models.DefaultCaptionOptions()
	o.Beam = 3
	caps, err := m.Caption(context.Background(), imgs, o)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(caps[0].Text)
	// Output: a purple cross left of a green triangle
}
