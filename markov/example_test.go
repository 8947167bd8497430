package markov_test

import (
	"context"
	"fmt"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/markov"
)

// A bigram model of a repeating sequence, sampled greedily: each id
// reaches the callback as soon as it is drawn, and the callback stops
// generation at the first 1, although ten ids were asked for.
func ExampleModel_GenerateStream() {
	ids := []int{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}
	m, err := markov.Train(ids, 4, markov.Config{Order: 2, Smoothing: markov.KneserNey, Discount: 0.5})
	if err != nil {
		panic(err)
	}
	smp, err := decoder.NewSampler(decoder.SampleConfig{Greedy: true, TopP: 1}, 1)
	if err != nil {
		panic(err)
	}
	out, err := m.GenerateStream(context.Background(), []int{1}, 10, smp, func(id int) bool {
		fmt.Println("emitted", id)
		return id != 1
	})
	fmt.Println(out, err)
	// Output:
	// emitted 2
	// emitted 3
	// emitted 1
	// [2 3 1] <nil>
}
