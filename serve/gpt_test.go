package serve

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/recur-dev/recur/internal/gpt2test"
)

// A GPT-2 checkpoint folder is served like any language model: its info
// in /v1/models, and /v1/generate streaming one event per sampled token,
// each a whole number of UTF-8 characters (byte-level BPE pieces are held
// back until they complete a character), past the model's 16-position
// context.
func TestServeGPT2FolderStreams(t *testing.T) {
	folder := filepath.Join(t.TempDir(), "tiny-gpt2")
	if _, err := gpt2test.WriteFolder(folder, gpt2test.Tiny(), gpt2test.Options{Seed: 2}); err != nil {
		t.Fatal(err)
	}
	reg := NewRegistry()
	m, err := reg.LoadFile(folder)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "tiny-gpt2" {
		t.Fatalf("model named %q", m.Name)
	}
	in := m.Info()
	if in.Arch != "gpt" || in.Level != "bpe" || in.VocabSize != 300 || in.Params == 0 {
		t.Errorf("info %+v", in)
	}
	s, err := New(testConfig(), reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 24
	w := do(s, "POST", "/v1/generate", "", []byte(`{"model":"tiny-gpt2","prompt":"the cat","length":24,"stream":true,"seed":3,"top_p":1,"temperature":1}`))
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
	ev := sseEvents(w.Body.String())
	if len(ev) != n+2 || ev[0][0] != "start" || ev[n+1][0] != "done" {
		t.Fatalf("%d events, want start, %d tokens, done: %v", len(ev), n, ev)
	}
	var text string
	for _, e := range ev[1 : n+1] {
		var tok map[string]string
		json.Unmarshal([]byte(e[1]), &tok)
		if !utf8.ValidString(tok["text"]) {
			t.Errorf("token event %q is not valid UTF-8", tok["text"])
		}
		text += tok["text"]
	}
	var done GenerateResponse
	json.Unmarshal([]byte(ev[n+1][1]), &done)
	if done.Text != text || done.Tokens != n {
		t.Errorf("done %+v, streamed %q", done, text)
	}
	if strings.Contains(text, "\x00") {
		t.Errorf("streamed %q", text)
	}
}
