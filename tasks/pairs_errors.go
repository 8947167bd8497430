package tasks

import (
	"fmt"

	"github.com/recur-dev/recur/datasets"
)

// tooFewPairs explains why too few pairs are left for the held-out
// splits, naming what removed the others: the length limit
// (TranslateTaskConfig.Pairs.MaxTokens) and duplicates, so the user raises
// the right option instead of only lowering Val and Test.
func tooFewPairs(usable int, rep datasets.PairsReport, cfg TranslateTaskConfig) string {
	s := fmt.Sprintf("%d usable pairs, not enough for %d validation and %d test pairs", usable, cfg.Val, cfg.Test)
	if rep.TooLong > 0 {
		s += fmt.Sprintf(": TranslateTaskConfig.Pairs.MaxTokens %d dropped %d of the %d pairs read as too long (raise it, or set it to 0 to keep every pair", cfg.Pairs.MaxTokens, rep.TooLong, rep.Read)
		if rep.SuggestMaxTokens > 0 {
			s += fmt.Sprintf("; %d keeps 90%%", rep.SuggestMaxTokens)
		}
		s += ")"
	}
	if rep.Duplicates > 0 {
		s += fmt.Sprintf("; %d exact duplicates were dropped", rep.Duplicates)
	}
	return s + "; or lower TranslateTaskConfig.Val/TranslateTaskConfig.Test"
}
