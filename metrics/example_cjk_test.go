package metrics_test

import (
	"fmt"

	"github.com/recur-dev/recur/metrics"
)

// Choosing the BLEU tokenizer by target language, and what each one makes
// of a Chinese sentence.
func ExampleTokenizerFor() {
	for _, lang := range []string{"fr", "zh-CN", "ja"} {
		fmt.Println(lang, metrics.TokenizerFor(lang))
	}
	s := "这是GPT-4模型。"
	fmt.Println(metrics.Tokenize13a(s))
	fmt.Println(metrics.TokenizeZh(s))
	fmt.Println(metrics.TokenizeChar(s))
	cfg := metrics.DefaultBLEUConfig()
	cfg.Tokenize = metrics.TokenizerFor("zh")
	fmt.Println(cfg.Signature(1))
	// Output:
	// fr 13a
	// zh-CN zh
	// ja char
	// 这是GPT-4模型。
	// 这 是 GPT-4 模 型 。
	// 这 是 G P T - 4 模 型 。
	// nrefs:1|case:mixed|eff:no|tok:zh|smooth:exp
}
