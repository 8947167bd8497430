package encoder

import (
	"math"
	"testing"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/tokenizers"
)

func TestPromptPrimesLikeSteps(t *testing.T) {
	tok, err := tokenizers.BuildChar("hello world\n", tokenizers.DefaultCharConfig())
	if err != nil {
		t.Fatal(err)
	}
	dec, err := decoder.New(decoder.Config{Cell: nn.GRU, Vocab: tok.Vocab().Size(), Embed: 4, Hidden: 6, Layers: 2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Prompt{Tokenizer: tok, Decoder: dec}.Encode("hello")
	if err != nil {
		t.Fatal(err)
	}
	s := dec.NewState(1)
	logits := make([]float32, dec.VocabSize())
	for _, id := range p.Tokens {
		if err := dec.Step(s, []int{id}, logits); err != nil {
			t.Fatal(err)
		}
	}
	for i := range logits {
		if math.Abs(float64(logits[i]-p.Logits[i])) > 1e-5 {
			t.Fatalf("logit %d: primed %v, stepped %v", i, p.Logits[i], logits[i])
		}
	}
	if len(p.Unknown) != 0 {
		t.Fatalf("unexpected unknown tokens %q", p.Unknown)
	}
}

func TestPromptReportsUnknown(t *testing.T) {
	tok, _ := tokenizers.BuildChar("abc\n", tokenizers.DefaultCharConfig())
	dec, _ := decoder.New(decoder.Config{Cell: nn.LSTM, Vocab: tok.Vocab().Size(), Embed: 4, Hidden: 4, Layers: 1}, 1)
	p, err := Prompt{Tokenizer: tok, Decoder: dec}.Encode("abzé")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Unknown) != 2 || p.Unknown[0] != "z" || p.Unknown[1] != "é" {
		t.Fatalf("unknown = %q, want [z é]", p.Unknown)
	}
	if p.Tokens[2] != 0 || p.Tokens[3] != 0 {
		t.Fatalf("unknown characters not read as <unk>: %v", p.Tokens)
	}
	empty, err := Prompt{Tokenizer: tok, Decoder: dec}.Encode("")
	if err != nil || len(empty.Tokens) != 1 {
		t.Fatalf("empty prompt: %v %v", empty, err)
	}
}
