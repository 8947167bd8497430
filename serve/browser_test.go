package serve

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium (apt-get install chromium; .ci/run
// installs it).
const chromiumPath = "/usr/bin/chromium"

// startBrowser starts headless Chromium on url and returns a context for
// the test's actions (90 s in all); the browser stops when the test ends.
func startBrowser(t *testing.T, url string) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
	)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	// The first Run starts the browser and must not carry a timeout.
	if err := chromedp.Do(browser, chromedp.Navigate(url)); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	ctx, cancel := context.WithTimeout(browser, 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// The playground end to end in a real headless browser: load the page,
// stream a generation, translate a sentence and see the heatmap, upload
// the rendered scene and see its caption with attention over the image,
// then check the layout at phone width. Screenshots go to a temporary
// folder (logged); RECUR_SCREENSHOT=path also saves the desktop one there
// (docs/serve.png was made that way).
func TestBrowser(t *testing.T) {
	if _, err := exec.LookPath(chromiumPath); err != nil {
		t.Skipf("browser test skipped: %s not found (apt-get install chromium)", chromiumPath)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	s := newTestServer(t, testConfig(), nil)
	ts := startHTTP(t, s)
	shots := t.TempDir()
	scene, err := filepath.Abs(scenePath)
	if err != nil {
		t.Fatal(err)
	}

	ctx := startBrowser(t, ts.URL+"/")
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			// Say what the page showed: its status lines carry the errors.
			state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](
				`["gen-status","tr-status","cap-status","cap-output"].map(id => id + ": " + document.getElementById(id).textContent).join("\n")`))
			t.Fatalf("%s: %v\npage:\n%s", what, err, state)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	shot := func(name string) []byte {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		path := filepath.Join(shots, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", path)
		return png
	}

	step("page loads with the model list", chromedp.WaitVisible(chromedp.CSS("#models li")))
	if got := text("#models"); !strings.Contains(got, "shakespeare") || !strings.Contains(got, "tiny-en-fr") {
		t.Fatalf("model list %q", got)
	}

	step("generate",
		chromedp.SetValue(chromedp.CSS("#seed"), "1"),
		chromedp.SetValue(chromedp.CSS("#prompt"), "ROMEO:"),
		chromedp.Click(chromedp.CSS("#generate")),
		chromedp.WaitVisible(chromedp.CSS(`#gen-output[data-done="1"]`)))
	if out := text("#gen-output"); !strings.HasPrefix(out, "ROMEO:") || len([]rune(out)) != len("ROMEO:")+300 {
		t.Errorf("generated %d characters %q, want the prompt and 300 more", len([]rune(out)), out)
	}
	if st := text("#gen-status"); !strings.Contains(st, "300 tokens") {
		t.Errorf("generate status %q", st)
	}
	browserCandidates(t, ctx, step, text, shots)

	step("translate",
		chromedp.SetValue(chromedp.CSS("#src"), "I am cold."),
		chromedp.Click(chromedp.CSS("#translate")),
		chromedp.WaitVisible(chromedp.CSS("#tr-output .heatmap .cell")))
	if hyp := text("#tr-output .hyp"); !strings.Contains(hyp, "← I am cold.") {
		t.Errorf("translation line %q", hyp)
	}

	step("caption an uploaded scene",
		chromedp.SetUploadFiles(chromedp.CSS("#image"), []string{scene}),
		chromedp.WaitVisible(chromedp.CSS("#cap-tokens button.on")))
	if c := text("#cap-output"); strings.TrimSpace(c) == "" {
		t.Error("no caption shown")
	}
	if st := text("#cap-status"); !strings.Contains(st, "scenes") {
		t.Errorf("caption status %q", st)
	}
	desktop := shot("desktop.png")
	if out := os.Getenv("RECUR_SCREENSHOT"); out != "" {
		if err := os.WriteFile(out, desktop, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	browserPhone(t, ctx, step, shot)
}

// browserPhone narrows the page to a phone's width: nothing may scroll
// sideways.
func browserPhone(t *testing.T, ctx context.Context, step func(string, ...chromedp.Action[chromedp.Void]), shot func(string) []byte) {
	t.Helper()
	step("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth + 1"))
	if err != nil {
		t.Fatal(err)
	}
	if overflow {
		t.Error("the page scrolls sideways at 390 px")
	}
	shot("phone.png")
}
