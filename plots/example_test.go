package plots_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/recur-dev/recur/plots"
)

// Draw a loss curve: training loss (NaN where unknown) and the validation
// metrics of each validation, here with BLEU as the primary metric.
func ExampleLossCurve() {
	dir, err := os.MkdirTemp("", "recur-plots")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	curve := []plots.CurvePoint{
		{Step: 0, TrainLoss: math.NaN(), Metrics: map[string]float64{"loss": 4.1, "bleu": 0}},
		{Step: 100, TrainLoss: 2.5, Metrics: map[string]float64{"loss": 2.7, "bleu": 12}},
		{Step: 200, TrainLoss: 1.9, Metrics: map[string]float64{"loss": 2.2, "bleu": 21}},
	}
	path := filepath.Join(dir, "loss.png")
	if err := plots.LossCurve(path, curve, "bleu"); err != nil {
		log.Fatal(err)
	}
	_, err = os.Stat(path)
	fmt.Println(err == nil)
	// Output: true
}

// Print and draw a confusion matrix (rows true labels, columns predictions).
func ExampleConfusionTable() {
	labels := []string{"en", "fr"}
	conf := [][]int{{9, 1}, {2, 8}}
	fmt.Print(plots.ConfusionTable(labels, conf))
	// Output:
	// true\pred     en     fr
	// en          9      1
	// fr          2      8
}
