package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/recur-dev/recur/models"

	"github.com/recur-dev/recur/decoder"
)

// GenerateResponse is the answer of a non-streamed generate request.
type GenerateResponse struct {
	Model     string   `json:"model"`
	Prompt    string   `json:"prompt"`
	Text      string   `json:"text"` // the continuation only
	Tokens    int      `json:"tokens"`
	Unknown   []string `json:"unknown,omitempty"` // prompt tokens outside the vocabulary
	Seed      uint64   `json:"seed"`
	ElapsedMS float64  `json:"elapsed_ms"`
}

// work runs fn holding a model slot, under the per-request timeout and
// the client's context (a client that goes away cancels it).
func (s *Server) work(w http.ResponseWriter, r *http.Request, fn func(ctx context.Context) *APIError) *APIError {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
	defer cancel()
	release, e := s.lim.acquire(ctx)
	if e != nil {
		return e
	}
	defer release()
	// The body has been read: lift the read deadline so that a long stream
	// is not cut by ReadTimeout (net/http's background read would take the
	// timeout for a closed connection and cancel the request), and give the
	// response the request timeout plus a margin to be written.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Now().Add(s.cfg.RequestTimeout + 10*time.Second))
	return fn(ctx)
}

// modelError maps an inference error: the context's errors become 504 or
// "client closed"; anything else is a bug or a model the input broke.
func (s *Server) modelError(ctx context.Context, err error) *APIError {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return ctxError(ctx)
	}
	s.log.Error("model error", "err", err)
	return &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "the model failed: " + err.Error()}
}

func (s *Server) handleGenerate(w http.ResponseWriter, r *http.Request) *APIError {
	q := DefaultGenerateRequest()
	if e := decodeJSON(w, r, s.cfg.MaxBodyBytes, &q); e != nil {
		return e
	}
	if e := q.validate(s.cfg); e != nil {
		return e
	}
	m, e := s.models.Lookup(TaskTextGen, q.Model)
	if e != nil {
		return e
	}
	ri := info(r)
	ri.model = m.Name
	seed := rand.Uint64()
	if q.Seed != nil {
		seed = *q.Seed
	}
	return s.work(w, r, func(ctx context.Context) *APIError {
		start := time.Now()
		if q.Stream {
			return s.stream(ctx, w, m, q, seed, start)
		}
		g, err := m.LM.Generate(ctx, q.Prompt, q.Length, q.sample(), seed, nil)
		if err != nil {
			return s.modelError(ctx, err)
		}
		ri.tokens = len(g.Tokens)
		writeJSON(w, http.StatusOK, GenerateResponse{Model: m.Name, Prompt: q.Prompt, Text: g.Text[len(q.Prompt):],
			Tokens: len(g.Tokens), Unknown: g.Unknown, Seed: seed, ElapsedMS: ms(time.Since(start))})
		return nil
	})
}

// stream sends the generation as server-sent events:
//
//	event: start   {"model", "seed"}
//	event: token   {"text", "candidates"}  one per sampled token (candidates if asked)
//	event: done    GenerateResponse    (its text is the whole continuation)
//	event: error   {"error": {...}}    if the timeout cut it short
//
// A write that fails (the client went away) stops the decoding at once.
func (s *Server) stream(ctx context.Context, w http.ResponseWriter, m *Model, q GenerateRequest, seed uint64, start time.Time) *APIError {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	ok := true
	send := func(event string, v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			ok = false
			return false
		}
		if err := rc.Flush(); err != nil {
			ok = false
		}
		return ok
	}
	if !send("start", map[string]any{"model": m.Name, "seed": seed}) {
		return ctxError(ctx)
	}
	n := 0
	var cands []models.TokenCandidate // set by the sampler just before each piece
	opts := models.GenerateOptions{Candidates: q.Candidates, OnCandidates: func(c []models.TokenCandidate) { cands = c }}
	g, err := m.LM.Generate(ctx, q.Prompt, q.Length, q.sample(), seed, func(piece string) bool {
		n++
		return send("token", tokenEvent{Text: piece, Candidates: cands})
	}, opts)
	s.countTokens(ctx, n)
	switch {
	case !ok:
		return &APIError{Status: statusClientClosed}
	case err != nil:
		e := s.modelError(ctx, err)
		if e.Status != statusClientClosed {
			send("error", map[string]*APIError{"error": e})
		}
		return e
	}
	send("done", GenerateResponse{Model: m.Name, Prompt: q.Prompt, Text: g.Text[len(q.Prompt):], Tokens: len(g.Tokens),
		Unknown: g.Unknown, Seed: seed, ElapsedMS: ms(time.Since(start))})
	return nil
}

// countTokens records tokens on the request (for the log and metrics).
func (s *Server) countTokens(ctx context.Context, n int) {
	if ri, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		ri.tokens += n
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// TranslateResponse is the answer of /v1/translate.
type TranslateResponse struct {
	Model        string        `json:"model"`
	Translations []Translation `json:"translations"`
	ElapsedMS    float64       `json:"elapsed_ms"`
}

// Translation is one source sentence with its hypotheses, best first.
type Translation struct {
	Source       string   `json:"source"`
	SourceTokens []string `json:"source_tokens"`
	Unknown      []string `json:"unknown,omitempty"`
	Hyps         []Hyp    `json:"hyps"`
}

// Hyp is one translation; Attention[i][j] is how much output token i
// looked at source token j (rows: Tokens then the end token).
type Hyp struct {
	Text      string      `json:"text"`
	Tokens    []string    `json:"tokens"`
	Score     float64     `json:"score"`
	Finished  bool        `json:"finished"`
	Attention [][]float32 `json:"attention,omitempty"`
}

func (s *Server) handleTranslate(w http.ResponseWriter, r *http.Request) *APIError {
	q := DefaultTranslateRequest()
	if e := decodeJSON(w, r, s.cfg.MaxBodyBytes, &q); e != nil {
		return e
	}
	if e := q.validate(s.cfg); e != nil {
		return e
	}
	m, e := s.models.Lookup(TaskTranslate, q.Model)
	if e != nil {
		return e
	}
	info(r).model = m.Name
	o := models.TranslateOptions{Beam: q.Beam, NBest: q.NBest, LengthPenalty: q.LengthPenalty, MaxLen: q.MaxLen, Seed: q.Seed}
	if o.MaxLen == 0 {
		o.MaxLen = min(max(m.Translator.Config.MaxLen, 1), s.cfg.MaxOutputLength)
	}
	if q.Sample {
		o.Sample = &decoder.SampleConfig{Temperature: q.Temperature, TopK: q.TopK, TopP: q.TopP}
	}
	return s.work(w, r, func(ctx context.Context) *APIError {
		start := time.Now()
		trs, err := m.Translator.Translate(ctx, q.Text, o)
		if err != nil {
			return s.modelError(ctx, err)
		}
		resp := TranslateResponse{Model: m.Name, Translations: make([]Translation, len(trs))}
		n := 0
		for i, t := range trs {
			out := Translation{Source: t.Source, SourceTokens: t.SourceTokens, Unknown: t.Unknown}
			for _, h := range t.Hyps {
				hy := Hyp{Text: h.Text, Tokens: h.Tokens, Score: h.Score, Finished: h.Finished}
				if q.Attention == nil || *q.Attention {
					hy.Attention = h.Attention
				}
				n += len(h.Tokens)
				out.Hyps = append(out.Hyps, hy)
			}
			resp.Translations[i] = out
		}
		info(r).tokens = n
		resp.ElapsedMS = ms(time.Since(start))
		writeJSON(w, http.StatusOK, resp)
		return nil
	})
}

// ModelsResponse is the answer of /v1/models.
type ModelsResponse struct {
	Models []ModelInfo `json:"models"`
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) *APIError {
	resp := ModelsResponse{Models: []ModelInfo{}}
	for _, m := range s.models.Models() {
		resp.Models = append(resp.Models, m.Info())
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) *APIError {
	if s.draining.Load() {
		return &APIError{Status: http.StatusServiceUnavailable, Code: CodeShuttingDown, Message: "shutting down"}
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "models": len(s.models.Models()),
		"in_flight": s.lim.inUse(), "queued": s.lim.waiting()})
	return nil
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) *APIError {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.met.write(w, s.lim.inUse(), s.lim.waiting())
	return nil
}
