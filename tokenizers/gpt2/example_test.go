package gpt2_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/recur-dev/recur/tokenizers/gpt2"
)

// Loading GPT-2's tokenizer from a checkpoint folder (compiled, not run:
// the folder is not part of the repository).
func ExampleLoad() {
	tok, err := gpt2.Load("gpt2") // holds vocab.json and merges.txt
	if err != nil {
		log.Fatal(err)
	}
	ids, _ := tok.Encode("Hello world")
	fmt.Println(ids)                                          // [15496 995]
	fmt.Println(tok.EncodeIDs("The end.<|endoftext|>", true)) // [464 886 13 50256]
	fmt.Println(tok.Decode([]int{15496, 995}))                // Hello world
}

func ExampleSplit() {
	fmt.Printf("%q\n", gpt2.Split("I'm  here:\n\n  42 cats!"))
	// Output:
	// ["I" "'m" " " " here" ":" "\n\n " " 42" " cats" "!"]
}

func ExampleTrain() {
	corpus := strings.Repeat("low lower lowest newer newest ", 100)
	tok, err := gpt2.Train([]byte(corpus), gpt2.TrainConfig{VocabSize: 270})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.Size(), len(tok.Merges()))
	fmt.Println(tok.Merges()[:3]) // "we" is the most frequent pair (4 a repeat); Ġ is the space
	ids := tok.EncodeIDs(" lowest", false)
	fmt.Println(len(ids), tok.Decode(ids))
	// Output:
	// 270 13
	// [[w e] [l o] [Ġ lo]]
	// 1  lowest
}

func ExampleStreamDecoder() {
	tok, err := gpt2.Train([]byte("plain ascii text"), gpt2.TrainConfig{VocabSize: 257})
	if err != nil {
		log.Fatal(err)
	}
	// Without merges every byte is a token: "é" is two of them.
	d := tok.NewStreamDecoder()
	for _, id := range tok.EncodeIDs("café", false) {
		s, _ := d.Next(id)
		fmt.Printf("%q ", s)
	}
	fmt.Printf("%q\n", d.Flush())
	// Output:
	// "c" "a" "f" "" "é" ""
}
