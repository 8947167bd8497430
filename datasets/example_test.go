package datasets_test

import (
	"fmt"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/tokenizers"
)

func ExampleBuildWord() {
	train := "ROMEO: I'll go.\nJULIET: Go, Romeo!\nROMEO: I go.\n"
	tok, err := tokenizers.BuildWord(train, tokenizers.DefaultWordConfig()) // lowercase, MinCount 2
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", tok.Vocab().Tokens())

	ids, unknown := tok.Encode("Romeo: I'll go, Juliet.")
	fmt.Println(ids)
	fmt.Printf("unknown: %q\n", unknown)
	fmt.Printf("%q\n", tok.Decode(ids))
	// Output:
	// ["<unk>" "\n" "." ":" "go" "romeo"]
	// [5 3 0 4 0 0 2]
	// unknown: ["i'll" "," "juliet"]
	// "romeo: <unk> go <unk> <unk>."
}

func ExampleNewStreams() {
	ids := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	s, err := datasets.NewStreams(ids, 3, 2) // 3 streams of (13-1)/3 = 4 positions
	if err != nil {
		fmt.Println(err)
		return
	}
	x, y := make([]int, 6), make([]int, 6)
	for i := 0; i < 3; i++ {
		wrapped := s.Next(x, y)
		fmt.Println("x", x, "y", y, "wrapped", wrapped)
	}
	// Output:
	// x [0 4 8 1 5 9] y [1 5 9 2 6 10] wrapped false
	// x [2 6 10 3 7 11] y [3 7 11 4 8 12] wrapped false
	// x [0 4 8 1 5 9] y [1 5 9 2 6 10] wrapped true
}

func ExampleEvalChunks() {
	val := []int{10, 11, 12, 13, 14, 15, 16}
	inputs, targets := datasets.EvalChunks(val, 2)
	fmt.Println(inputs, targets)
	// Output:
	// [[10 11 12] [13 14 15]] [[11 12 13] [14 15 16]]
}

func ExampleReadText() {
	_, err := datasets.ReadText("no/such/corpus.txt")
	fmt.Println(err)
	// Output:
	// no/such/corpus.txt: file does not exist
}
