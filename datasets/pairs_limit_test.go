package datasets

import (
	"fmt"
	"strings"
	"testing"
)

// A synthetic English–Japanese-like file: the target is written without
// spaces, one token per character, about 2.4 characters per English word
// (issue 12, item 15). The reference limit of 15 tokens per side counted
// characters on the Japanese side and dropped most pairs; the limit now
// scales with the character-tokenized side, and the report gives the share
// dropped and, past 10%, a limit to try.
func TestMaxTokensFitsCharacterTokenizedScripts(t *testing.T) {
	kana := []rune("あいうえおかきくけこさしすせそたちつてと")
	var b strings.Builder
	for i := 0; i < 200; i++ {
		words := 4 + i%10 // 4 to 13 English words
		var en, ja []string
		for w := 0; w < words; w++ {
			en = append(en, fmt.Sprintf("w%d", (i+w)%50))
		}
		for c := 0; c < words*12/5; c++ {
			ja = append(ja, string(kana[(i+c)%len(kana)]))
		}
		fmt.Fprintf(&b, "%s\t%s\n", strings.Join(en, " "), strings.Join(ja, ""))
	}
	pairs, rep, err := ParsePairs([]byte(b.String()), "en-ja.tsv", PairsConfig{MaxTokens: 15})
	if err != nil {
		t.Fatal(err)
	}
	// Every English side has at most 13 words: nothing should be dropped
	// (before the scaling, every pair over 6 words, 140 of 200, was).
	if len(pairs) != 200 || rep.TooLong != 0 {
		t.Errorf("kept %d of 200 (dropped %d), want all", len(pairs), rep.TooLong)
	}
	if rep.MaxSrcTokens != 15 || rep.MaxTgtTokens <= 30 {
		t.Errorf("limits %d/%d, want 15 and a scaled target limit > 30", rep.MaxSrcTokens, rep.MaxTgtTokens)
	}
	if note := rep.LengthNote(); !strings.Contains(note, "dropped 0 of 200 pairs (0.0%)") {
		t.Errorf("note %q", note)
	}
	// A limit that still drops over 10% says so and suggests a value.
	_, rep, err = ParsePairs([]byte(b.String()), "en-ja.tsv", PairsConfig{MaxTokens: 8})
	if err != nil {
		t.Fatal(err)
	}
	note := rep.LengthNote()
	if rep.SuggestMaxTokens < 12 || !strings.Contains(note, "over 10%: PairsConfig.MaxTokens") || !strings.Contains(note, "would keep 90%") {
		t.Errorf("dropped %d, suggestion %d, note %q", rep.TooLong, rep.SuggestMaxTokens, note)
	}
}
