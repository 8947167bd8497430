package serve

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// browserCandidates checks the next-token panel after TestBrowser's
// generation (candidates are on by default): the panel shows the newest
// token's candidates, one of them marked as drawn, and clicking an earlier
// token switches the panel to it. It saves a screenshot of the Generate
// card as candidates.png in shots, and also at RECUR_CANDIDATES_SCREENSHOT
// if set (docs/playground-candidates.png was made that way).
func browserCandidates(t *testing.T, ctx context.Context, step func(string, ...chromedp.Action[chromedp.Void]), text func(string) string, shots string) {
	t.Helper()
	step("candidate panel follows the generation", chromedp.WaitVisible(chromedp.CSS("#gen-cands .lab.chosen")))
	if h := text("#gen-cands .head"); !strings.Contains(h, "Token 300 ") {
		t.Errorf("panel head %q, want the newest token (300)", h)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#gen-cands .grid .lab").length`))
	if err != nil {
		t.Fatal(err)
	}
	if rows < 8 || rows > 9 {
		t.Errorf("%d candidate rows, want 8 (9 when the drawn token is outside them)", rows)
	}
	step("point at an earlier token", chromedp.Click(chromedp.CSS(`#gen-output .tok[data-i="40"]`)))
	if h := text("#gen-cands .head"); !strings.Contains(h, "Token 40 ") {
		t.Errorf("after clicking token 40 the panel head is %q", h)
	}
	chosen := text("#gen-cands .lab.chosen")
	tok := text(`#gen-output .tok[data-i="40"]`)
	if want := strings.NewReplacer("\n", "↵", " ", "␣", "\t", "⇥").Replace(tok); chosen != want {
		t.Errorf("chosen candidate %q, token 40 is %q", chosen, tok)
	}
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#gen-card")))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(shots, "candidates.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
	if out := os.Getenv("RECUR_CANDIDATES_SCREENSHOT"); out != "" {
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
