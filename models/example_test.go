package models_test

import (
	"context"
	"fmt"
	"log"

	"github.com/recur-dev/recur/models"
)

// Load reads a model file of any task and returns the model it holds:
// here the built-in translator's file, which then translates with its own
// tuned length penalty (the options leave it unset). French text is
// detokenized with a narrow no-break space before "?".
func ExampleLoad() {
	m, err := models.Load("../builtin/en-fr.model")
	if err != nil {
		log.Fatal(err)
	}
	o := models.DefaultTranslateOptions()
	o.Beam = 5
	out, err := m.Translator.Translate(context.Background(), []string{"Where is the station?"}, o)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Task, out[0].Hyps[0].Text)
	// Output: translate Où se trouve la gare ?
}
