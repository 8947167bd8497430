package tasks

import (
	"encoding/json"
	"math"

	"github.com/recur-dev/recur/markov"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/training"
)

// TrainMarkov counts the n-grams of the corpus's training part, scores the
// validation part and writes the model file. It returns the validation loss.
func TrainMarkov(corpus *Corpus, cfg TextGenTaskConfig, mcfg markov.Config, out string, meta map[string]string) (float64, error) {
	mk, err := markov.Train(corpus.Train, corpus.Tokenizer.Vocab().Size(), mcfg)
	if err != nil {
		return 0, err
	}
	loss := mk.Eval(corpus.Val)
	mb, _ := json.Marshal(mcfg)
	h := models.TextGenHeader{Arch: "markov", Level: corpus.Tokenizer.Level(), Lowercase: cfg.Lowercase, Markov: mb}
	all := map[string]string{"data.sha256": corpus.SHA256}
	for k, v := range meta {
		all[k] = v
	}
	vb, _ := json.Marshal(training.Metrics{"loss": loss, "perplexity": math.Exp(loss)})
	all["train.validation"] = string(vb)
	f, err := models.NewTextGenFile(h, corpus.Tokenizer, all)
	if err != nil {
		return 0, err
	}
	for _, t := range mk.Tensors() {
		f.Add(t)
	}
	return loss, modelfile.Write(out, f)
}
