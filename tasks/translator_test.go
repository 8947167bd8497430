package tasks

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/tokenizers"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/encoder"
	"github.com/recur-dev/recur/training"
)

// untrainedTranslator is a randomly initialised translator over a tiny
// synthetic corpus: enough to test decoding mechanics, not quality.
func untrainedTranslator(t *testing.T, lstm bool) (*TranslateTask, *PairSplits) {
	t.Helper()
	data := reverseCorpus(t, 300)
	cfg, _ := tinyTranslateConfig()
	cfg.Val, cfg.Test = 20, 20
	if lstm {
		cfg.Model.Encoder.Cell, cfg.Model.Decoder.Cell = "lstm", "lstm"
	}
	splits, err := LoadPairs(data, cfg)
	if err != nil {
		t.Fatal(err)
	}
	task, err := NewTranslateTask(cfg, splits, 3)
	if err != nil {
		t.Fatal(err)
	}
	return task, splits
}

// A padded batch must score exactly as its sentences do one at a time:
// padding never reaches the encoder's final state, the attention or the loss.
func TestPaddedBatchEqualsOneAtATime(t *testing.T) {
	for _, lstm := range []bool{false, true} {
		task, splits := untrainedTranslator(t, lstm)
		pairs := splits.Val[:5]
		src, tgt := encodePairs(task.Config.Pairs, splits, pairs)
		batch, err := datasets.MakeSeqBatch(src, tgt)
		if err != nil {
			t.Fatal(err)
		}
		g, err := task.Net.NewBatchGraph(batch.B, batch.SrcLen+3, batch.TgtLen+2, false, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		g.Fill(batch)
		loss, err := g.Forward()
		if err != nil {
			t.Fatal(err)
		}
		batched := float64(loss) * float64(batch.Tokens())
		var single float64
		for i := range src {
			b, _ := datasets.MakeSeqBatch(src[i:i+1], tgt[i:i+1])
			g1, err := task.Net.NewBatchGraph(1, b.SrcLen, b.TgtLen, false, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			g1.Fill(b)
			l, err := g1.Forward()
			if err != nil {
				t.Fatal(err)
			}
			single += float64(l) * float64(b.Tokens())
			// The plain-Go path (Encode + Step, no padding at all) agrees too.
			enc, err := task.Net.Enc.Encode(src[i])
			if err != nil {
				t.Fatal(err)
			}
			s := encoder.Start(task.Net.Dec, []*encoder.Encoded{enc})
			logits := make([]float32, task.Net.Dec.VocabSize())
			var nll float64
			for k, in := range b.TgtIn {
				if err := task.Net.Dec.Step(s, []int{in}, logits); err != nil {
					t.Fatal(err)
				}
				lp := make([]float32, len(logits))
				decoder.LogSoftmax(lp, logits)
				nll -= float64(lp[b.TgtOut[k]])
			}
			if math.Abs(nll-float64(l)*float64(b.Tokens())) > 1e-4*math.Max(1, nll) {
				t.Errorf("lstm=%v sentence %d: graph NLL %v, step-by-step %v", lstm, i, float64(l)*float64(b.Tokens()), nll)
			}
		}
		if math.Abs(batched-single) > 1e-5*math.Max(1, single) {
			t.Fatalf("lstm=%v: padded batch NLL %.7f, one at a time %.7f", lstm, batched, single)
		}
	}
}

func TestBeamWidthOneEqualsGreedyAndOrder(t *testing.T) {
	task, splits := untrainedTranslator(t, false)
	m := task.Net
	var srcs []string
	for _, p := range splits.Val[:6] {
		srcs = append(srcs, p.Src)
	}
	greedy, err := m.Translate(context.Background(), srcs, models.TranslateOptions{Beam: 1, NBest: 1, MaxLen: 12})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range srcs {
		enc, err := m.Enc.Encode(tokenizers.EncodeSeq(m.SrcVocab, m.Tokenize(s)))
		if err != nil {
			t.Fatal(err)
		}
		st := encoder.Start(m.Dec, []*encoder.Encoded{enc})
		hyps, err := decoder.BeamSearch(context.Background(), m.Dec, st, tokenizers.BOSID, tokenizers.EOSID, decoder.BeamConfig{Width: 1, LengthPenalty: 1, MaxLen: 12, MinLen: 1, NBest: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(tokenizers.DecodeSeq(m.TgtVocab, hyps[0].Tokens), " "), strings.Join(greedy[i].Hyps[0].Tokens, " "); got != want {
			t.Errorf("sentence %d: beam 1 %q, greedy %q", i, got, want)
		}
	}
	nb, err := m.Translate(context.Background(), srcs[:2], models.TranslateOptions{Beam: 5, NBest: 5, LengthPenalty: models.Penalty(1), MaxLen: 12})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range nb {
		for k := 1; k < len(tr.Hyps); k++ {
			if tr.Hyps[k].Finished == tr.Hyps[k-1].Finished && tr.Hyps[k].Score > tr.Hyps[k-1].Score {
				t.Fatalf("n-best not in score order: %v then %v", tr.Hyps[k-1].Score, tr.Hyps[k].Score)
			}
		}
	}
}

func TestTranslatorInputErrors(t *testing.T) {
	task, _ := untrainedTranslator(t, false)
	m := task.Net
	if _, err := m.Translate(context.Background(), []string{"   "}, models.DefaultTranslateOptions()); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty source: %v", err)
	}
	long := strings.Repeat("cat ", 200)
	if _, err := m.Translate(context.Background(), []string{long}, models.DefaultTranslateOptions()); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("over-long source: %v", err)
	}
	// A model of another task is refused by name.
	dir := t.TempDir()
	lm := filepath.Join(dir, "lm.model")
	cfg, tc := tinyConfig()
	corpus, _ := LoadCorpus(tinyCorpus(t), cfg)
	tg, _ := NewTextGenTask(cfg, corpus, 1)
	tc.Steps, tc.Out = 2, lm
	if _, err := training.Train(context.Background(), tg, tc); err != nil {
		t.Fatal(err)
	}
	if _, err := models.LoadTranslator(lm); err == nil || !strings.Contains(err.Error(), `"textgen" model, want "translate"`) {
		t.Errorf("wrong task: %v", err)
	}
}
