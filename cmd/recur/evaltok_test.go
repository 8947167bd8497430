package main

import (
	"strings"
	"testing"
)

// eval chooses the BLEU tokenizer by the target language, --tokenize
// overrides it (validated), and the signature names it (issue 12, item 16).
func TestBLEUTokenizerByTargetLanguage(t *testing.T) {
	for _, c := range []struct {
		lang, flag, want, why string
	}{
		{"ja", "", "char", `target language "ja"`},
		{"zh-CN", "", "zh", `target language "zh-CN"`},
		{"fr", "", "13a", `target language "fr"`},
		{"", "", "13a", "no target language"},
		{"ja", "13a", "13a", "--tokenize"},
	} {
		cfg, why, err := bleuConfigFor(c.lang, c.flag)
		if err != nil || cfg.Tokenize != c.want || !strings.Contains(why, c.why) {
			t.Errorf("%q %q: %q (%s, %v), want %q (%s)", c.lang, c.flag, cfg.Tokenize, why, err, c.want, c.why)
		}
		if !strings.Contains(cfg.Signature(1), "tok:"+c.want) {
			t.Errorf("signature %s does not name %s", cfg.Signature(1), c.want)
		}
	}
	if _, _, err := bleuConfigFor("ja", "mecab"); err == nil || !strings.Contains(err.Error(), "--tokenize \"mecab\" is unknown (valid: 13a, zh, char, none)") {
		t.Errorf("err = %v", err)
	}
	if err := run(t, "eval", "--data", "x.tsv", "--tokenize", "mecab"); err == nil || !strings.Contains(err.Error(), "--tokenize") {
		t.Errorf("eval --tokenize mecab: %v", err)
	}
}
