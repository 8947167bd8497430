package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/recur-dev/recur/cnn"
)

// upload is a parsed multipart image request.
type upload struct {
	image    []byte
	filename string
	fields   map[string]string
}

// readUpload reads a multipart/form-data body with one file part "image"
// and short text fields named in allowed. The body is capped at
// MaxUploadBytes (413); everything else wrong is a 400 naming the part.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request, allowed ...string) (*upload, *APIError) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, fieldError("image", "send the image as a multipart/form-data upload with the file in field \"image\" (e.g. curl -F image=@scene.png)")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, fieldError("image", "bad multipart body: %v", err)
	}
	u := &upload{fields: map[string]string{}}
	seen := map[string]bool{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, uploadError(err)
		}
		name := p.FormName()
		if seen[name] {
			return nil, fieldError(name, "field %q appears twice", name)
		}
		seen[name] = true
		switch {
		case name == "image":
			u.filename = p.FileName()
			if u.filename == "" {
				u.filename = "upload"
			}
			if u.image, err = io.ReadAll(p); err != nil {
				return nil, uploadError(err)
			}
		case contains(allowed, name):
			b, err := io.ReadAll(io.LimitReader(p, 257))
			if err != nil {
				return nil, uploadError(err)
			}
			if len(b) > 256 {
				return nil, fieldError(name, "field %q is longer than 256 bytes", name)
			}
			u.fields[name] = strings.TrimSpace(string(b))
		default:
			return nil, fieldError(name, "unknown field %q (valid: image, %s)", name, strings.Join(allowed, ", "))
		}
	}
	if u.image == nil {
		return nil, fieldError("image", "no file in field \"image\" (e.g. curl -F image=@scene.png)")
	}
	if len(u.image) == 0 {
		return nil, fieldError("image", "the uploaded image %q is empty", u.filename)
	}
	return u, nil
}

func uploadError(err error) *APIError {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge,
			Message: fmt.Sprintf("upload is more than the limit of %d bytes", mb.Limit)}
	}
	return fieldError("image", "the multipart upload of field \"image\" is bad or truncated: %v", err)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// intField parses an optional integer form field in [lo, hi].
func (u *upload) intField(name string, def, lo, hi int) (int, *APIError) {
	v, ok := u.fields[name]
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fieldError(name, "%s must be an integer in [%d, %d] (got %q)", name, lo, hi, v)
	}
	return n, nil
}

// pixels decodes the upload for a model: the header's dimensions are
// checked against MaxImagePixels before any pixel is decoded (an image
// bomb is refused with 413 in microseconds).
func (s *Server) pixels(u *upload, cfg cnn.InputConfig) ([]float32, *APIError) {
	cfg.MaxPixels = min(cfg.MaxPixels, s.cfg.MaxImagePixels)
	cfg.MaxFileBytes = min(cfg.MaxFileBytes, s.cfg.MaxUploadBytes)
	x, err := cnn.DecodeImage(bytes.NewReader(u.image), u.filename, cfg)
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "(MaxPixels)") || strings.Contains(msg, "(MaxFileBytes)") {
			return nil, &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge, Field: "image", Message: msg}
		}
		return nil, &APIError{Status: http.StatusBadRequest, Code: CodeBadImage, Field: "image", Message: msg}
	}
	return x, nil
}

// CaptionResponse is the answer of /v1/caption.
type CaptionResponse struct {
	Model     string    `json:"model"`
	Captions  []Caption `json:"captions"`
	ElapsedMS float64   `json:"elapsed_ms"`
}

func (s *Server) handleCaption(w http.ResponseWriter, r *http.Request) *APIError {
	u, e := s.readUpload(w, r, "model", "beam", "max_len")
	if e != nil {
		return e
	}
	beam, e := u.intField("beam", 1, 1, s.cfg.MaxBeam)
	if e != nil {
		return e
	}
	maxLen, e := u.intField("max_len", 0, 0, s.cfg.MaxOutputLength)
	if e != nil {
		return e
	}
	m, e := s.models.Lookup(TaskCaption, u.fields["model"])
	if e != nil {
		return e
	}
	info(r).model = m.Name
	return s.work(w, r, func(ctx context.Context) *APIError {
		start := time.Now()
		x, e := s.pixels(u, m.Captioner.InputConfig())
		if e != nil {
			return e
		}
		caps, err := m.Captioner.Caption(ctx, x, beam, maxLen)
		if err != nil {
			return s.modelError(ctx, err)
		}
		for _, c := range caps {
			info(r).tokens += len(c.Tokens)
		}
		writeJSON(w, http.StatusOK, CaptionResponse{Model: m.Name, Captions: caps, ElapsedMS: ms(time.Since(start))})
		return nil
	})
}

// ClassifyResponse is the answer of /v1/classify: one result per text, or
// one for the image.
type ClassifyResponse struct {
	Model     string           `json:"model"`
	Results   []Classification `json:"results"`
	ElapsedMS float64          `json:"elapsed_ms"`
}

// Classification is one input's most likely labels, best first.
type Classification struct {
	Input   string  `json:"input"` // the text, or the image's file name
	Classes []Class `json:"classes"`
}

// ClassifyRequest is the JSON body of /v1/classify for text classifiers;
// image classifiers take a multipart upload (field "image", optional
// "model" and "top_k").
type ClassifyRequest struct {
	Model string    `json:"model"`
	Text  Sentences `json:"text"`
	TopK  int       `json:"top_k"`
}

func topClasses(labels []string, probs []float64, k int) []Class {
	out := make([]Class, len(labels))
	for i, l := range labels {
		out[i] = Class{Label: l, Prob: probs[i]}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Prob > out[j].Prob })
	return out[:min(k, len(out))]
}

func (s *Server) handleClassify(w http.ResponseWriter, r *http.Request) *APIError {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return s.classifyText(w, r)
	}
	u, e := s.readUpload(w, r, "model", "top_k")
	if e != nil {
		return e
	}
	topK, e := u.intField("top_k", 5, 1, 1000)
	if e != nil {
		return e
	}
	m, e := s.models.Lookup(TaskClassifyImage, u.fields["model"])
	if e != nil {
		return e
	}
	info(r).model = m.Name
	return s.work(w, r, func(ctx context.Context) *APIError {
		start := time.Now()
		x, e := s.pixels(u, m.Classifier.Config.Image)
		if e != nil {
			return e
		}
		preds, err := m.Classifier.ClassifyImages([][]float32{x})
		if err != nil {
			return s.modelError(ctx, err)
		}
		writeJSON(w, http.StatusOK, ClassifyResponse{Model: m.Name, ElapsedMS: ms(time.Since(start)),
			Results: []Classification{{Input: u.filename, Classes: topClasses(m.Classifier.Labels, preds[0].Probs, topK)}}})
		return nil
	})
}

func (s *Server) classifyText(w http.ResponseWriter, r *http.Request) *APIError {
	q := ClassifyRequest{TopK: 5}
	if e := decodeJSON(w, r, s.cfg.MaxBodyBytes, &q); e != nil {
		return e
	}
	tq := TranslateRequest{Text: q.Text, Beam: 1, NBest: 1}
	if e := tq.validate(s.cfg); e != nil {
		return e
	}
	if q.TopK < 1 || q.TopK > 1000 {
		return fieldError("top_k", "top_k must be in [1, 1000] (got %d)", q.TopK)
	}
	m, e := s.models.Lookup(TaskClassify, q.Model)
	if e != nil {
		return e
	}
	info(r).model = m.Name
	return s.work(w, r, func(ctx context.Context) *APIError {
		start := time.Now()
		resp := ClassifyResponse{Model: m.Name}
		for i, text := range q.Text {
			if ctx.Err() != nil {
				return ctxError(ctx)
			}
			preds, err := m.Classifier.ClassifyText([]string{text})
			if err != nil {
				return fieldError(fmt.Sprintf("text[%d]", i), "text[%d]: %v", i, err)
			}
			resp.Results = append(resp.Results, Classification{Input: text, Classes: topClasses(m.Classifier.Labels, preds[0].Probs, q.TopK)})
		}
		resp.ElapsedMS = ms(time.Since(start))
		writeJSON(w, http.StatusOK, resp)
		return nil
	})
}
