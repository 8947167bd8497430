package serve

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Every endpoint's success path answers with the documented shape.
// endpointCase is one request of TestEndpoints and what it must answer.
type endpointCase struct {
	name, method, path, ctype string
	body                      []byte
	status                    int
	check                     func(t *testing.T, body string)
}

// modelEndpointCases ask the models: generate, translate, caption, classify.
func modelEndpointCases(capBody []byte, capType string, clsBody []byte, clsType string) []endpointCase {
	return []endpointCase{
		{"generate", "POST", "/v1/generate", "", []byte(`{"prompt":"ROMEO:","length":40,"temperature":0.8,"seed":1}`), 200, func(t *testing.T, body string) {
			var g GenerateResponse
			if err := json.Unmarshal([]byte(body), &g); err != nil {
				t.Fatal(err)
			}
			if g.Model != "shakespeare" || g.Tokens != 40 || len([]rune(g.Text)) != 40 || g.Seed != 1 {
				t.Errorf("got %+v, want 40 characters from shakespeare with seed 1", g)
			}
		}},
		{"generate greedy top-k", "POST", "/v1/generate", "", []byte(`{"prompt":"KING","length":5,"greedy":true,"top_k":3,"model":"shakespeare"}`), 200, nil},
		{"generate stream", "POST", "/v1/generate", "", []byte(`{"prompt":"ROMEO:","length":12,"stream":true,"seed":3}`), 200, func(t *testing.T, body string) {
			ev := sseEvents(body)
			if len(ev) != 14 || ev[0][0] != "start" || ev[13][0] != "done" {
				t.Fatalf("events %v, want start, 12 tokens, done", ev)
			}
			var text string
			for _, e := range ev[1:13] {
				var tok map[string]string
				json.Unmarshal([]byte(e[1]), &tok)
				text += tok["text"]
			}
			var done GenerateResponse
			json.Unmarshal([]byte(ev[13][1]), &done)
			if done.Text != text || done.Tokens != 12 {
				t.Errorf("done %+v, streamed %q", done, text)
			}
		}},
		{"translate string", "POST", "/v1/translate", "", []byte(`{"text":"I am cold."}`), 200, func(t *testing.T, body string) {
			var r TranslateResponse
			json.Unmarshal([]byte(body), &r)
			if r.Model != "tiny-en-fr" || len(r.Translations) != 1 {
				t.Fatalf("got %s", body)
			}
			tr := r.Translations[0]
			h := tr.Hyps[0]
			if len(tr.SourceTokens) == 0 || len(h.Attention) == 0 || len(h.Attention[0]) != len(tr.SourceTokens) {
				t.Errorf("attention %d×? over %d source tokens, want one column per source token", len(h.Attention), len(tr.SourceTokens))
			}
		}},
		{"translate batch beam", "POST", "/v1/translate", "", []byte(`{"text":["I am cold.","the cat sleeps"],"beam":3,"n_best":2,"attention":false}`), 200, func(t *testing.T, body string) {
			var r TranslateResponse
			json.Unmarshal([]byte(body), &r)
			if len(r.Translations) != 2 || len(r.Translations[1].Hyps) != 2 || r.Translations[0].Hyps[0].Attention != nil {
				t.Errorf("got %s, want 2 sentences × 2 hypotheses without attention", body)
			}
		}},
		{"translate sampled", "POST", "/v1/translate", "", []byte(`{"text":["you are warm"],"sample":true,"temperature":0.5,"seed":4}`), 200, nil},
		{"caption", "POST", "/v1/caption", capType, capBody, 200, func(t *testing.T, body string) {
			var r CaptionResponse
			json.Unmarshal([]byte(body), &r)
			if r.Model != "tiny-scenes" || len(r.Captions) != 1 {
				t.Fatalf("got %s", body)
			}
			c := r.Captions[0]
			if c.Grid != 8 || len(c.Attention) == 0 || len(c.Attention[0]) != 64 {
				t.Errorf("grid %d, attention %d rows, want an 8×8 grid (32 px, two pooling blocks)", c.Grid, len(c.Attention))
			}
		}},
		{"classify image", "POST", "/v1/classify", clsType, clsBody, 200, func(t *testing.T, body string) {
			var r ClassifyResponse
			json.Unmarshal([]byte(body), &r)
			if r.Model != "tiny-shapes" || len(r.Results) != 1 || len(r.Results[0].Classes) != 3 || r.Results[0].Input != "scene.png" {
				t.Fatalf("got %s", body)
			}
		}},
		{"classify text", "POST", "/v1/classify", "", []byte(`{"text":["good film","bad"],"top_k":1}`), 200, func(t *testing.T, body string) {
			var r ClassifyResponse
			json.Unmarshal([]byte(body), &r)
			if r.Model != "tiny-sentiment" || len(r.Results) != 2 || len(r.Results[1].Classes) != 1 || r.Results[1].Input != "bad" {
				t.Fatalf("got %s", body)
			}
			if p := r.Results[0].Classes[0].Prob; !(p >= 0.5 && p <= 1) {
				t.Errorf("top probability %v of two labels, want in [0.5, 1]", p)
			}
		}},
	}
}

// serviceEndpointCases ask everything else: the model list, health,
// metrics (counting the model cases' requests before them), the page and
// the errors.
func serviceEndpointCases() []endpointCase {
	return []endpointCase{
		{"models", "GET", "/v1/models", "", nil, 200, func(t *testing.T, body string) {
			var r ModelsResponse
			json.Unmarshal([]byte(body), &r)
			want := map[string]string{"shakespeare": TaskTextGen, "tiny-en-fr": TaskTranslate, "tiny-scenes": TaskCaption,
				"tiny-sentiment": TaskClassify, "tiny-shapes": TaskClassifyImage}
			if len(r.Models) != len(want) {
				t.Fatalf("models %s", body)
			}
			for _, m := range r.Models {
				if want[m.Name] != m.Task || m.Params <= 0 || (m.VocabSize <= 4 && m.Task != TaskClassifyImage) {
					t.Errorf("model %+v", m)
				}
				if _, ok := m.Metadata["vocab"]; ok {
					t.Errorf("%s: metadata lists the vocabulary", m.Name)
				}
			}
			if strings.Contains(body, `"src_vocab"`) {
				t.Error("translator metadata lists its vocabulary")
			}
		}},
		{"health", "GET", "/healthz", "", nil, 200, nil},
		{"head health", "HEAD", "/healthz", "", nil, 200, nil},
		{"metrics", "GET", "/metrics", "", nil, 200, func(t *testing.T, body string) {
			for _, want := range []string{"# TYPE recur_http_requests_total counter", `recur_http_requests_total{endpoint="generate",code="200"}`,
				`recur_tokens_generated_total{endpoint="generate"} 57`, `recur_http_request_duration_seconds_bucket{endpoint="translate",le="+Inf"} 3`,
				"recur_inflight_requests 0"} {
				if !strings.Contains(body, want) {
					t.Errorf("metrics lack %q:\n%s", want, body)
				}
			}
		}},
		{"page", "GET", "/", "", nil, 200, func(t *testing.T, body string) {
			if !strings.Contains(body, `<script src="/app.js"`) || strings.Contains(body, "https://") {
				t.Errorf("page: %s", body)
			}
		}},
		{"script", "GET", "/app.js", "", nil, 200, nil},
		{"style", "GET", "/style.css", "", nil, 200, nil},
		{"no page", "GET", "/nope.html", "", nil, 404, nil},
		{"unknown endpoint", "POST", "/v1/nope", "", []byte(`{}`), 404, nil},
		{"wrong method", "GET", "/v1/generate", "", nil, 405, nil},
		{"unknown model", "POST", "/v1/generate", "", []byte(`{"model":"nope"}`), 404, nil},
		{"model of another task", "POST", "/v1/generate", "", []byte(`{"model":"tiny-en-fr"}`), 404, nil},
	}
}

func TestEndpoints(t *testing.T) {
	s := newTestServer(t, testConfig(), nil)
	scene := readScene(t)
	capBody, capType := multipartBody(t, "scene.png", scene, "beam", "2")
	clsBody, clsType := multipartBody(t, "scene.png", scene)
	cases := append(modelEndpointCases(capBody, capType, clsBody, clsType), serviceEndpointCases()...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := do(s, c.method, c.path, c.ctype, c.body)
			if w.Code != c.status {
				t.Fatalf("%s %s: %s, want %d", c.method, c.path, statusOf(w), c.status)
			}
			if c.status >= 400 && c.method != "HEAD" {
				var e struct{ Error APIError }
				if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
					t.Errorf("error body %q is not {\"error\": {code, message}}", w.Body.String())
				}
			}
			if c.check != nil {
				c.check(t, w.Body.String())
			}
		})
	}
}

// The same seed gives the same text; requests share the model safely.
func TestConcurrentRequestsShareModels(t *testing.T) {
	s := newTestServer(t, testConfig(), nil)
	scene := readScene(t)
	want := do(s, "POST", "/v1/generate", "", []byte(`{"prompt":"ROMEO:","length":30,"seed":7}`)).Body.String()
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w interface{ Result() *http.Response }
			switch i % 3 {
			case 0:
				r := do(s, "POST", "/v1/generate", "", []byte(`{"prompt":"ROMEO:","length":30,"seed":7}`))
				var a, b GenerateResponse
				json.Unmarshal(r.Body.Bytes(), &a)
				json.Unmarshal([]byte(want), &b)
				if a.Text != b.Text {
					errs <- "same seed, different text: " + a.Text + " vs " + b.Text
				}
				w = r
			case 1:
				w = do(s, "POST", "/v1/translate", "", []byte(`{"text":["I am cold.","you are warm"],"beam":2}`))
			case 2:
				body, ct := multipartBody(t, "scene.png", scene)
				w = do(s, "POST", "/v1/caption", ct, body)
			}
			if code := w.Result().StatusCode; code != 200 {
				errs <- http.StatusText(code)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// A text that is a bare string or an array both work; the response keeps
// the sentences in order.
func TestTranslateKeepsOrder(t *testing.T) {
	s := newTestServer(t, testConfig(), nil)
	w := do(s, "POST", "/v1/translate", "", []byte(`{"text":["the cat sleeps","I am cold.","you are warm"]}`))
	var r TranslateResponse
	json.Unmarshal(w.Body.Bytes(), &r)
	var got []string
	for _, tr := range r.Translations {
		got = append(got, tr.Source)
	}
	if strings.Join(got, "|") != "the cat sleeps|I am cold.|you are warm" {
		t.Fatalf("sources %q", got)
	}
}

// Request logs are structured: one JSON line per request with the fields
// an operator filters on.
func TestRequestLog(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	s := newTestServer(t, testConfig(), &lockedWriter{w: &buf, mu: &mu})
	do(s, "POST", "/v1/generate", "", []byte(`{"prompt":"A","length":3,"seed":1}`))
	do(s, "POST", "/v1/generate", "", []byte(`{"length":-1}`))
	mu.Lock()
	defer mu.Unlock()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log:\n%s", buf.String())
	}
	var rec map[string]any
	json.Unmarshal([]byte(lines[0]), &rec)
	if rec["msg"] != "request" || rec["status"] != 200.0 || rec["model"] != "shakespeare" || rec["tokens"] != 3.0 || rec["path"] != "/v1/generate" {
		t.Errorf("log line %s", lines[0])
	}
	json.Unmarshal([]byte(lines[1]), &rec)
	if rec["status"] != 400.0 {
		t.Errorf("log line %s", lines[1])
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
