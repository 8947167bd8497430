package decoder

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/recur-dev/recur/nn"
)

// untiedPair is an untied GPT with random weights and a tied GPT sharing
// every tensor but lm_head.weight (no copies).
func untiedPair(t *testing.T) (untied, tied *GPT) {
	t.Helper()
	cfg := tinyGPTConfig()
	cfg.UntiedHead = true
	untied = tinyGPT(t, cfg)
	ps := untied.Params()
	if last := ps[len(ps)-1]; last.Name != "lm_head.weight" || last != untied.LMHead {
		t.Fatalf("last parameter %s, want lm_head.weight", last.Name)
	}
	cfg.UntiedHead = false
	tied, err := NewGPTFromParams(cfg, ps[:len(ps)-1])
	if err != nil {
		t.Fatal(err)
	}
	return untied, tied
}

// allLogits runs ids through m three ways (Logits; a Prime of the first
// half then Steps; and Steps of two rows at once, the second row a copy)
// and returns the Logits result after checking the others agree with it.
func allLogits(t *testing.T, m *GPT, ids []int) []float32 {
	t.Helper()
	V := m.Config.Vocab
	all, err := m.Logits(ids)
	if err != nil {
		t.Fatal(err)
	}
	logits := make([]float32, 2*V)
	s := m.NewState(1)
	half := len(ids) / 2
	if err := m.Prime(s, ids[:half], logits); err != nil {
		t.Fatal(err)
	}
	closeTo(t, "prime vs logits", logits[:V], float64s(all[(half-1)*V:half*V]), 1e-5)
	for i := half; i < len(ids); i++ {
		if err := m.Step(s, ids[i:i+1], logits); err != nil {
			t.Fatal(err)
		}
		closeTo(t, "step vs logits", logits[:V], float64s(all[i*V:(i+1)*V]), 1e-5)
	}
	s = m.NewState(2)
	for i, id := range ids {
		if err := m.Step(s, []int{id, id}, logits); err != nil {
			t.Fatal(err)
		}
		for r := 0; r < 2; r++ {
			closeTo(t, "batched step vs logits", logits[r*V:(r+1)*V], float64s(all[i*V:(i+1)*V]), 1e-5)
		}
	}
	return all
}

// An untied head is what every inference path multiplies by: with
// lm_head set to a copy of wte the untied model gives the tied model's
// logits exactly; changing row v of lm_head then changes logit v, and
// only logit v, at every position; and Step, Prime and batched Step agree
// with Logits throughout. (TestGPTMatchesReference checks the untied
// logits against the float64 hand computation, LN_f(x)·lm_headᵀ.)
func TestGPTUntiedHead(t *testing.T) {
	untied, tied := untiedPair(t)
	V := tied.Config.Vocab
	ids := []int{3, 1, 4, 1, 5, 9, 2, 6}
	saved := slices.Clone(untied.LMHead.Data)
	copy(untied.LMHead.Data, tied.WTE.W.Data)
	want := allLogits(t, tied, ids)
	got := allLogits(t, untied, ids)
	if !slices.Equal(got, want) {
		t.Fatal("an untied head equal to wte does not give the tied model's logits")
	}
	const row = 7
	C := tied.Config.Embed
	for i := 0; i < C; i++ {
		untied.LMHead.Data[row*C+i] += 0.5
	}
	got = allLogits(t, untied, ids)
	for p := range ids {
		for v := 0; v < V; v++ {
			same := got[p*V+v] == want[p*V+v]
			if same == (v == row) {
				t.Fatalf("position %d logit %d: %v, tied %v (only logit %d should change)", p, v, got[p*V+v], want[p*V+v], row)
			}
		}
	}
	copy(untied.LMHead.Data, saved)
	allLogits(t, untied, ids)
}

// Tied and untied models of one seed share every weight but the head,
// which is drawn last, N(0, 0.02²); the head is the last parameter.
func TestNewGPTUntied(t *testing.T) {
	cfg := GPTConfig{Vocab: 100, Context: 16, Layers: 2, Heads: 2, Embed: 32, Bias: true}
	tied, err := NewGPT(cfg, 9)
	if err != nil {
		t.Fatal(err)
	}
	cfg.UntiedHead = true
	untied, err := NewGPT(cfg, 9)
	if err != nil {
		t.Fatal(err)
	}
	tp, up := tied.Params(), untied.Params()
	if len(up) != len(tp)+1 {
		t.Fatalf("%d parameters untied, %d tied", len(up), len(tp))
	}
	for i, p := range tp {
		if up[i].Name != p.Name || !slices.Equal(up[i].Data, p.Data) {
			t.Fatalf("parameter %d: %s differs between the tied and untied model", i, p.Name)
		}
	}
	h := up[len(up)-1]
	if h.Name != "lm_head.weight" || !slices.Equal(h.Shape, []int{100, 32}) || untied.Head() != h || tied.Head() != tied.WTE.W {
		t.Fatalf("head %s %v", h.Name, h.Shape)
	}
	var ss float64
	for _, v := range h.Data {
		ss += float64(v) * float64(v)
	}
	if std := ss / float64(len(h.Data)); std < 0.019*0.019 || std > 0.021*0.021 {
		t.Errorf("lm_head variance %g, want 0.02² = 4e-4", std)
	}
	if slices.Equal(h.Data, untied.WTE.W.Data) {
		t.Error("lm_head is a copy of wte")
	}
	untied.AllocGrads()
	if len(h.Grad) != len(h.Data) {
		t.Error("AllocGrads left lm_head without a gradient")
	}
	if !nn.DecayWeight(h) || nn.DecayWeight(untied.WTE.W) {
		t.Error("weight decay: lm_head should decay (a matrix), wte should not (an embedding)")
	}
}

// NewGPTFromParams wants lm_head.weight [Vocab, Embed] exactly when the
// config is untied, and names it otherwise.
func TestNewGPTFromParamsUntied(t *testing.T) {
	untied, _ := untiedPair(t)
	cfg := untied.Config
	ps := untied.Params()
	if _, err := NewGPTFromParams(cfg, ps); err != nil {
		t.Fatal(err)
	}
	transposed := *untied.LMHead
	transposed.Shape = []int{cfg.Embed, cfg.Vocab}
	tied := cfg
	tied.UntiedHead = false
	for _, tc := range []struct {
		name string
		cfg  GPTConfig
		ps   nn.Params
		want string
	}{
		{"missing", cfg, ps[:len(ps)-1], `"lm_head.weight" is missing (want shape [13 8])`},
		{"transposed", cfg, append(slices.Clone(ps[:len(ps)-1]), &transposed), `"lm_head.weight" has shape [8 13]`},
		{"short", cfg, append(slices.Clone(ps[:len(ps)-1]), &nn.Param{Name: "lm_head.weight", Shape: []int{13, 8}, Data: make([]float32, 5)}), `(5 values)`},
		{"tied config", tied, ps, `unexpected tensor "lm_head.weight"`},
	} {
		_, err := NewGPTFromParams(tc.cfg, tc.ps)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %s", tc.name, err, tc.want)
		}
	}
}

// UntiedHead is stored as "untied_head" only when set: a tied config's
// JSON is unchanged (TestGPTConfigGoldenJSON), an untied one round-trips.
func TestGPTConfigUntiedJSON(t *testing.T) {
	cfg := tinyGPTConfig()
	b, err := json.Marshal(cfg)
	if err != nil || strings.Contains(string(b), "untied") {
		t.Fatalf("tied config JSON %s, %v", b, err)
	}
	cfg.UntiedHead = true
	b, err = json.Marshal(cfg)
	if err != nil || !strings.Contains(string(b), `"untied_head":true`) {
		t.Fatalf("untied config JSON %s, %v", b, err)
	}
	var back GPTConfig
	if err := json.Unmarshal(b, &back); err != nil || back != cfg {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
}
