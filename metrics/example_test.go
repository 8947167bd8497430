package metrics_test

import (
	"fmt"

	"github.com/recur-dev/recur/metrics"
)

// The example of sacrebleu's README: three hypotheses, two reference
// streams (refs[k][i] is the k-th reference of hypothesis i).
func ExampleCorpusBLEU() {
	hyps := []string{"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."}
	refs := [][]string{
		{"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
		{"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."},
	}
	bleu, err := metrics.CorpusBLEU(hyps, refs, metrics.DefaultBLEUConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bleu)
	// Output:
	// BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
}

func ExampleCorpusChrF() {
	hyps := []string{"The relationship between cats and dogs is not exactly friendly."}
	refs := [][]string{{"The relationship between dogs and cats is not exactly friendly."}}
	chrf, _ := metrics.CorpusChrF(hyps, refs, metrics.DefaultChrFConfig())
	fmt.Println(chrf)

	cfg := metrics.DefaultChrFConfig()
	cfg.WordOrder = 2 // chrF++
	chrfpp, _ := metrics.CorpusChrF(hyps, refs, cfg)
	fmt.Println(chrfpp)
	// Output:
	// chrF2 = 84.41
	// chrF2++ = 83.31
}

func ExampleSentenceBLEU() {
	s, _ := metrics.SentenceBLEU("the cat", []string{"the cat sat on the mat"}, metrics.DefaultSentenceBLEUConfig())
	fmt.Printf("%.2f (BP %.3f)\n", s.Score, s.BP)
	// Output: 13.53 (BP 0.135)
}

func ExampleTokenize13a() {
	fmt.Println(metrics.Tokenize13a(`He said &quot;it costs $3.14, or 1,000 yen&quot;.`))
	// Output: He said " it costs $ 3.14 , or 1,000 yen " .
}
