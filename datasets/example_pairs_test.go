package datasets_test

import (
	"fmt"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/tokenizers"
)

func ExampleParsePairs() {
	data := []byte("Go.\tVa !\nRun!\tCours\u202f!\tCC-BY 2.0 (France) Attribution: tatoeba.org\nGo.\tVa !\n")
	cfg := datasets.DefaultPairsConfig() // lowercase, ≤ 15 tokens, dedup
	pairs, rep, err := datasets.ParsePairs(data, "eng-fra.tsv", cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range pairs {
		fmt.Printf("line %d: %q → %q\n", p.Line, cfg.Tokenize(p.Src), cfg.Tokenize(p.Tgt))
	}
	fmt.Printf("read %d, duplicates %d, kept %d\n", rep.Read, rep.Duplicates, rep.Kept)

	_, _, err = datasets.ParsePairs([]byte("Go.\tVa !\nHello\n"), "eng-fra.tsv", cfg)
	fmt.Println(err)
	// Output:
	// line 1: ["go" "."] → ["va" "!"]
	// line 2: ["run" "!"] → ["cours" "!"]
	// read 3, duplicates 1, kept 2
	// eng-fra.tsv:2: no tab: expected source<TAB>target[<TAB>attribution]
}

func ExampleTokenizeMulti() {
	fmt.Printf("%q\n", tokenizers.TokenizeMulti(tokenizers.Normalize("C'est l'heure\u202f!", true)))
	fmt.Printf("%q\n", tokenizers.TokenizeMulti("私は学生です。"))
	// Output:
	// ["c" "'" "est" "l" "'" "heure" "!"]
	// ["私" "は" "学" "生" "で" "す" "。"]
}

func ExampleDetokenize() {
	toks := []string{"est", "-", "ce", "l", "'", "heure", "?"}
	fmt.Printf("%q\n", tokenizers.Detokenize(toks, "fr", true))
	fmt.Printf("%q\n", tokenizers.Detokenize([]string{"i", "'", "m", "here", ",", "tom", "."}, "en", true))
	// Output:
	// "Est-ce l'heure\u202f?"
	// "I'm here, tom."
}

func ExampleNewPairBatcher() {
	src := [][]int{{10, 11, 12}, {13}, {14, 15}, {16}}
	tgt := [][]int{{20}, {21, 22}, {23}, {}}
	p, err := datasets.NewPairBatcher(src, tgt, 2, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Evaluation batches keep the input order; rows are time-major.
	b := p.All()[0]
	fmt.Println("src", b.Src, "lens", b.SrcLens)
	fmt.Println("in ", b.TgtIn)
	fmt.Println("out", b.TgtOut)
	// Output:
	// src [10 13 11 1 12 1] lens [3 1]
	// in  [2 2 20 21 1 22]
	// out [20 21 3 22 -1 3]
}

func ExampleLearnBPE() {
	b, err := tokenizers.LearnBPE(map[string]int{"low": 5, "lower": 2, "newest": 6, "widest": 3}, 15)
	if err != nil {
		fmt.Println(err)
		return
	}
	sub := b.Encode([]string{"lowest", "newer"})
	fmt.Printf("%q\n", sub)
	fmt.Printf("%q\n", tokenizers.DecodeBPE(sub))
	// Output:
	// ["lo" "w" "est</w>" "n" "ew" "e" "r</w>"]
	// ["lowest" "newer"]
}
