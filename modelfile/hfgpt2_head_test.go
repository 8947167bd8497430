package modelfile

import (
	"strings"
	"testing"
)

// The parameter limit counts lm_head.weight when the file has one: a
// config within the limit for a tied model (2.2 billion parameters, most
// of them the 2^20 × 2048 embedding) is refused once a separate head of
// the same size doubles that, before any tensor memory is allocated.
func TestPlanGPT2CountsHead(t *testing.T) {
	cfg := GPT2Config{Embd: 2048, Layers: 1, Heads: 16, Positions: 1024, Vocab: 1 << 20, LayerNorm: 1e-5}
	if cfg.paramCount() > MaxGPT2Params {
		t.Fatalf("test config has %d parameters, over the limit already", cfg.paramCount())
	}
	want := GPT2Names(cfg)
	var infos []TensorInfo
	for _, w := range want {
		in := TensorInfo{Name: strings.TrimPrefix(w.Name, "transformer."), DType: F16, Shape: w.Shape}
		if conv1D(w.Name) {
			in.Shape = []int{w.Shape[1], w.Shape[0]}
		}
		infos = append(infos, in)
	}
	if _, err := planGPT2(cfg, want, infos); err != nil {
		t.Fatalf("tied: %v", err)
	}
	infos = append(infos, TensorInfo{Name: "lm_head.weight", DType: F16, Shape: []int{cfg.Vocab, cfg.Embd}})
	_, err := planGPT2(cfg, want, infos)
	if err == nil || !strings.Contains(err.Error(), "with lm_head.weight") || !strings.Contains(err.Error(), "over recur's limit") {
		t.Fatalf("untied: %v, want the parameter limit", err)
	}
}
