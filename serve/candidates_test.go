package serve

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A streamed generate with "candidates" carries, on every token event, the
// top candidates of the distribution the token was drawn from: ordered,
// probabilities in [0, 1], the drawn token marked (its text is the piece),
// and p_sampled sharper than p_raw at temperature 0.5. Over real loopback
// HTTP, against the built-in Shakespeare model.
func TestGenerateStreamCandidates(t *testing.T) {
	s := newTestServer(t, testConfig(), nil)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	body := `{"prompt":"ROMEO:","length":8,"stream":true,"seed":5,"temperature":0.5,"candidates":5}`
	resp, err := http.Post(ts.URL+"/v1/generate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	ev := sseEvents(string(raw))
	if len(ev) != 10 {
		t.Fatalf("%d events, want start, 8 tokens, done: %v", len(ev), ev)
	}
	for i, e := range ev[1:9] {
		var tok tokenEvent
		if err := json.Unmarshal([]byte(e[1]), &tok); err != nil {
			t.Fatal(err)
		}
		c := tok.Candidates
		if len(c) < 5 || len(c) > 6 {
			t.Fatalf("token %d: %d candidates, want 5 (6 if the pick is outside them): %s", i, len(c), e[1])
		}
		chosen := 0
		for j, x := range c {
			if x.PRaw < 0 || x.PRaw > 1 || x.PSampled < 0 || x.PSampled > 1 || math.IsNaN(x.PRaw) {
				t.Errorf("token %d candidate %d: probabilities %v, %v", i, j, x.PRaw, x.PSampled)
			}
			if j > 0 && j < 5 && x.PRaw > c[j-1].PRaw {
				t.Errorf("token %d: candidate %d (%v) above %d (%v)", i, j, x.PRaw, j-1, c[j-1].PRaw)
			}
			if x.Chosen {
				chosen++
				if x.Text != tok.Text {
					t.Errorf("token %d: chosen candidate %q, streamed piece %q", i, x.Text, tok.Text)
				}
			}
		}
		if chosen != 1 {
			t.Errorf("token %d: %d chosen candidates, want 1", i, chosen)
		}
		// T = 0.5 squares and renormalises: the top token gains mass.
		if c[0].PSampled < c[0].PRaw {
			t.Errorf("token %d: top p_sampled %v < p_raw %v at temperature 0.5", i, c[0].PSampled, c[0].PRaw)
		}
	}

	// Without the field the events are unchanged: {"text"} only.
	w := do(s, "POST", "/v1/generate", "", []byte(`{"prompt":"ROMEO:","length":2,"stream":true,"seed":5}`))
	if ev := sseEvents(w.Body.String()); len(ev) != 4 || strings.Contains(ev[1][1], "candidates") {
		t.Errorf("no candidates asked, got %v", ev)
	}
}

func TestGenerateCandidatesValidation(t *testing.T) {
	s := newTestServer(t, testConfig(), nil)
	for _, body := range []string{
		`{"prompt":"a","length":2,"stream":true,"candidates":-1}`,
		`{"prompt":"a","length":2,"stream":true,"candidates":21}`,
		`{"prompt":"a","length":2,"candidates":5}`, // not streamed
	} {
		w := do(s, "POST", "/v1/generate", "", []byte(body))
		var e struct{ Error APIError }
		json.Unmarshal(w.Body.Bytes(), &e)
		if w.Code != 400 || e.Error.Field != "candidates" || !bytes.Contains(w.Body.Bytes(), []byte("candidates")) {
			t.Errorf("%s: %s, want 400 naming field candidates", body, statusOf(w))
		}
	}
}
