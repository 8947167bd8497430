package tasks

import (
	"strings"
	"testing"

	"github.com/recur-dev/recur/models"
	"github.com/recur-dev/recur/tokenizers"
)

// Building a model for training checks the same limits (the CLI's train
// commands build through NewTranslator and NewCaptioner).
func TestNewModelsCheckLimits(t *testing.T) {
	v, err := tokenizers.NewVocab(append(tokenizers.BuildSeqVocab(nil, 1).Tokens(), "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultTranslateTaskConfig().Model
	cfg.MaxLen = 5000
	if _, err := models.NewTranslator(cfg, v, v, 1); err == nil || !strings.Contains(err.Error(), "TranslatorConfig.MaxLen 5000 is out of range (valid: 0 to 1000)") {
		t.Errorf("NewTranslator: err = %v", err)
	}
	cc := DefaultCaptionTaskConfig().Model
	cc.Decoder.Layers = 9
	if _, err := models.NewCaptioner(cc, v, 1); err == nil || !strings.Contains(err.Error(), "CaptionerConfig.Decoder.Layers 9") {
		t.Errorf("NewCaptioner: err = %v", err)
	}
}
