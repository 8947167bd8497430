package datasets

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// charTokenizedRatio: a side averaging more tokens than this per
// whitespace-separated word is character-tokenized. Japanese, Chinese and
// Thai are written without spaces and TokenizeMulti gives one token per
// character, so a 15-token limit there means 15 characters, a third of an
// English sentence of 15 words: on an English–Japanese Tatoeba export the
// reference limit silently dropped 42% of the pairs.
const charTokenizedRatio = 2.5

// dropWarnShare is the share of pairs dropped by the length limit above
// which PairsReport.SuggestMaxTokens suggests a larger limit.
const dropWarnShare = 0.10

// filterLong drops the pairs over the length limit (cfg.MaxTokens > 0).
// The limit counts tokens on a spaced side; on a character-tokenized side
// it is scaled by how many more tokens that side's sentences have than the
// other side's (mean over all pairs), so that it stands for about the same
// sentence length on both sides. It records the limits applied, and when
// more than 10% of the pairs were dropped, the smallest MaxTokens that
// would keep 90% of them.
func filterLong(pairs []Pair, cfg PairsConfig, rep *PairsReport) []Pair {
	if cfg.MaxTokens <= 0 || len(pairs) == 0 {
		return pairs
	}
	srcLen, tgtLen := make([]int, len(pairs)), make([]int, len(pairs))
	var srcTok, tgtTok, srcWords, tgtWords float64
	for i, p := range pairs {
		srcLen[i], tgtLen[i] = len(cfg.Tokenize(p.Src)), len(cfg.Tokenize(p.Tgt))
		srcTok, tgtTok = srcTok+float64(srcLen[i]), tgtTok+float64(tgtLen[i])
		srcWords += float64(len(strings.Fields(p.Src)))
		tgtWords += float64(len(strings.Fields(p.Tgt)))
	}
	srcScale, tgtScale := 1.0, 1.0
	srcChar, tgtChar := srcTok > charTokenizedRatio*srcWords, tgtTok > charTokenizedRatio*tgtWords
	switch {
	case srcChar && !tgtChar && tgtTok > 0:
		srcScale = max(1, srcTok/tgtTok)
	case tgtChar && !srcChar && srcTok > 0:
		tgtScale = max(1, tgtTok/srcTok)
	}
	rep.MaxSrcTokens = int(math.Round(float64(cfg.MaxTokens) * srcScale))
	rep.MaxTgtTokens = int(math.Round(float64(cfg.MaxTokens) * tgtScale))
	kept := pairs[:0]
	need := make([]int, len(pairs)) // the MaxTokens each pair needs
	for i, p := range pairs {
		need[i] = max(int(math.Ceil(float64(srcLen[i])/srcScale)), int(math.Ceil(float64(tgtLen[i])/tgtScale)))
		if srcLen[i] <= rep.MaxSrcTokens && tgtLen[i] <= rep.MaxTgtTokens {
			kept = append(kept, p)
		}
	}
	rep.TooLong = len(pairs) - len(kept)
	if float64(rep.TooLong) > dropWarnShare*float64(len(pairs)) {
		slices.Sort(need)
		rep.SuggestMaxTokens = need[int(math.Ceil((1-dropWarnShare)*float64(len(need))))-1]
	}
	return kept
}

// LengthNote says what the length limit did: the limits per side, the
// share of pairs it dropped and, past 10%, the limit to try. It names the
// option (PairsConfig.MaxTokens); "" when no limit was applied.
func (r PairsReport) LengthNote() string {
	if r.MaxSrcTokens == 0 {
		return ""
	}
	total := r.Read - r.Duplicates
	share := 0.0
	if total > 0 {
		share = 100 * float64(r.TooLong) / float64(total)
	}
	s := fmt.Sprintf("PairsConfig.MaxTokens dropped %d of %d pairs (%.1f%%) longer than %d source and %d target tokens", r.TooLong, total, share, r.MaxSrcTokens, r.MaxTgtTokens)
	if r.SuggestMaxTokens > 0 {
		s += fmt.Sprintf("; over 10%%: PairsConfig.MaxTokens %d would keep 90%%", r.SuggestMaxTokens)
	}
	return s
}
