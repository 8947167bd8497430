package plots

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ConfusionTable renders a confusion matrix as text: rows are the true
// labels, columns the predicted ones.
func ConfusionTable(labels []string, conf [][]int) string {
	w := 6
	for _, l := range labels {
		w = max(w, utf8.RuneCountInString(l)+1)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s", w, "true\\pred")
	for _, l := range labels {
		fmt.Fprintf(&b, " %*s", w, l)
	}
	b.WriteString("\n")
	for i, row := range conf {
		fmt.Fprintf(&b, "%-*s", w, labels[i])
		for _, n := range row {
			fmt.Fprintf(&b, " %*d", w, n)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Confusion draws the row-normalised confusion matrix as a heatmap PNG
// (the attention map's renderer: rows true labels, columns predictions).
func Confusion(path string, labels []string, conf [][]int) error {
	w := make([][]float32, len(conf))
	for i, row := range conf {
		w[i] = make([]float32, len(row))
		total := 0
		for _, n := range row {
			total += n
		}
		for j, n := range row {
			if total > 0 {
				w[i][j] = float32(n) / float32(total)
			}
		}
	}
	return Attention(path, w, labels, labels)
}
