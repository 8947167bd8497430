package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/recur-dev/recur/decoder"
)

// GenerateRequest is the body of POST /v1/generate. Absent fields take the
// defaults of DefaultGenerateRequest.
type GenerateRequest struct {
	Model       string  `json:"model"`
	Prompt      string  `json:"prompt"`
	Length      int     `json:"length"`
	Temperature float64 `json:"temperature"`
	TopK        int     `json:"top_k"`
	TopP        float64 `json:"top_p"`
	Greedy      bool    `json:"greedy"`
	Seed        *uint64 `json:"seed"` // absent: a random seed, returned in the response
	Stream      bool    `json:"stream"`
	Candidates  int     `json:"candidates"` // streamed only: top next-token candidates per token event (0 = off)
}

// DefaultGenerateRequest matches `recur generate`'s defaults (length 200 for
// a quicker first answer).
func DefaultGenerateRequest() GenerateRequest {
	return GenerateRequest{Length: 200, Temperature: 0.8, TopP: 1}
}

// validate checks every field against the server's caps.
func (q *GenerateRequest) validate(c Config) *APIError {
	if !utf8.ValidString(q.Prompt) {
		return fieldError("prompt", "prompt must be valid UTF-8")
	}
	if len(q.Prompt) > c.MaxPromptBytes {
		return fieldError("prompt", "prompt is %d bytes, more than the limit of %d", len(q.Prompt), c.MaxPromptBytes)
	}
	if q.Length < 1 || q.Length > c.MaxGenerateLength {
		return fieldError("length", "length must be in [1, %d] tokens (got %d)", c.MaxGenerateLength, q.Length)
	}
	if e := sampleError(q.sample()); e != nil {
		return e
	}
	if q.Temperature > 100 {
		return fieldError("temperature", "temperature must be in (0, 100] (got %v)", q.Temperature)
	}
	return q.validateCandidates()
}

func (q *GenerateRequest) sample() decoder.SampleConfig {
	return decoder.SampleConfig{Greedy: q.Greedy, Temperature: q.Temperature, TopK: q.TopK, TopP: q.TopP}
}

// sampleError turns decoder.SampleConfig's complaint into a field error
// with the API's field names (top_k, top_p).
func sampleError(sc decoder.SampleConfig) *APIError {
	err := sc.Validate()
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, f := range [][2]string{{"temperature", "temperature"}, {"top-k", "top_k"}, {"top-p", "top_p"}} {
		if strings.HasPrefix(msg, f[0]) {
			return fieldError(f[1], "%s%s", f[1], strings.TrimPrefix(msg, f[0]))
		}
	}
	return fieldError("", "%s", msg)
}

// Sentences is the "text" field of a translate request: one string or an
// array of strings.
type Sentences []string

// errTextType marks a "text" of the wrong JSON type.
var errTextType = errors.New(`text must be a string or an array of strings`)

// UnmarshalJSON accepts "a sentence" and ["one", "two"].
func (s *Sentences) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return errTextType
		}
		*s = Sentences{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errTextType
	}
	*s = many
	return nil
}

// TranslateRequest is the body of POST /v1/translate.
type TranslateRequest struct {
	Model         string    `json:"model"`
	Text          Sentences `json:"text"`
	Beam          int       `json:"beam"`
	NBest         int       `json:"n_best"`
	LengthPenalty *float64  `json:"length_penalty"` // nil: the model's tuned value
	MaxLen        int       `json:"max_len"`        // 0: the model's default (capped by the server)
	Sample        bool      `json:"sample"`         // sample instead of greedy (beam must be 1)
	Temperature   float64   `json:"temperature"`
	TopK          int       `json:"top_k"`
	TopP          float64   `json:"top_p"`
	Seed          uint64    `json:"seed"`
	Attention     *bool     `json:"attention"` // include attention weights (default true)
}

// DefaultTranslateRequest is greedy decoding with the model's length.
func DefaultTranslateRequest() TranslateRequest {
	return TranslateRequest{Beam: 1, NBest: 1, Temperature: 1, TopP: 1, Seed: 1}
}

func (q *TranslateRequest) validate(c Config) *APIError {
	if len(q.Text) == 0 {
		return fieldError("text", "text is empty: give a sentence or an array of 1 to %d sentences", c.MaxSentences)
	}
	if len(q.Text) > c.MaxSentences {
		return fieldError("text", "text has %d sentences, more than the limit of %d per request", len(q.Text), c.MaxSentences)
	}
	for i, s := range q.Text {
		field := fmt.Sprintf("text[%d]", i)
		switch {
		case strings.TrimSpace(s) == "":
			return fieldError(field, "%s is empty", field)
		case !utf8.ValidString(s):
			return fieldError(field, "%s must be valid UTF-8", field)
		case len(s) > c.MaxSourceBytes:
			return fieldError(field, "%s is %d bytes, more than the limit of %d", field, len(s), c.MaxSourceBytes)
		}
	}
	if q.Beam < 1 || q.Beam > c.MaxBeam {
		return fieldError("beam", "beam must be in [1, %d] (got %d)", c.MaxBeam, q.Beam)
	}
	if q.NBest < 1 || q.NBest > q.Beam {
		return fieldError("n_best", "n_best must be in [1, beam = %d] (got %d)", q.Beam, q.NBest)
	}
	if lp := q.LengthPenalty; lp != nil && !(*lp >= 0 && *lp <= 5) {
		return fieldError("length_penalty", "length_penalty must be in [0, 5] (got %v)", *lp)
	}
	if q.MaxLen < 0 || q.MaxLen > c.MaxOutputLength {
		return fieldError("max_len", "max_len must be in [0, %d] tokens, 0 for the model's default (got %d)", c.MaxOutputLength, q.MaxLen)
	}
	if q.Sample {
		if q.Beam > 1 {
			return fieldError("sample", "sample needs beam = 1 (got beam %d): sampling and beam search are different decodings", q.Beam)
		}
		if e := sampleError(decoder.SampleConfig{Temperature: q.Temperature, TopK: q.TopK, TopP: q.TopP}); e != nil {
			return e
		}
		if q.Temperature > 100 {
			return fieldError("temperature", "temperature must be in (0, 100] (got %v)", q.Temperature)
		}
	}
	return nil
}

// decodeJSON reads one JSON object into v (which holds the defaults) from
// a body capped at limit bytes, rejecting unknown fields, wrong types and
// trailing data with an error that names the field or the byte offset.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) *APIError {
	body := http.MaxBytesReader(w, r.Body, limit)
	data, err := io.ReadAll(body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge,
				Message: fmt.Sprintf("request body is more than the limit of %d bytes", mb.Limit)}
		}
		return &APIError{Status: http.StatusBadRequest, Code: CodeBadJSON, Message: "reading the request body: " + err.Error()}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &APIError{Status: http.StatusBadRequest, Code: CodeBadJSON, Message: "request body is empty: send a JSON object, e.g. {\"prompt\": \"ROMEO:\"}"}
	}
	if trimmed := bytes.TrimSpace(data); trimmed[0] != '{' {
		return &APIError{Status: http.StatusBadRequest, Code: CodeBadJSON,
			Message: fmt.Sprintf("the body must be a JSON object starting with '{' (got %q…)", truncate(trimmed, 12))}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, data)
	}
	if dec.More() {
		return &APIError{Status: http.StatusBadRequest, Code: CodeBadJSON,
			Message: fmt.Sprintf("unexpected data after the JSON object at byte offset %d", dec.InputOffset())}
	}
	return nil
}

// jsonError names the field or byte offset of a decoding error.
func jsonError(err error, data []byte) *APIError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &APIError{Status: http.StatusBadRequest, Code: CodeBadJSON,
			Message: fmt.Sprintf("malformed JSON at byte offset %d: %v", syn.Offset, syn)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &APIError{Status: http.StatusBadRequest, Code: CodeBadJSON,
			Message: fmt.Sprintf("malformed JSON: the body ends early (after %d bytes)", len(data))}
	case errors.Is(err, errTextType):
		return fieldError("text", "%v", err)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return &APIError{Status: http.StatusBadRequest, Code: CodeBadJSON,
				Message: fmt.Sprintf("the body must be a JSON object (got a JSON %s)", typ.Value)}
		}
		want := typ.Type.Kind().String()
		switch want {
		case "int", "uint64":
			want = "an integer"
			if typ.Type.Kind().String() == "uint64" {
				want = "a non-negative integer below 2^64"
			}
			if strings.HasPrefix(typ.Value, "number") {
				return fieldError(typ.Field, "%s must be %s in range (got %s)", typ.Field, want, typ.Value)
			}
		case "float64":
			want = "a number"
			if strings.HasPrefix(typ.Value, "number") {
				return fieldError(typ.Field, "%s must be a finite number in range (got %s)", typ.Field, typ.Value)
			}
		case "string":
			want = "a string"
		case "bool":
			want = "true or false"
		case "ptr":
			want = "a non-negative integer"
		}
		return fieldError(typ.Field, "%s must be %s (got a JSON %s)", typ.Field, want, typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fieldError(name, "unknown field %q", name)
	}
	return &APIError{Status: http.StatusBadRequest, Code: CodeBadJSON, Message: "malformed JSON: " + err.Error()}
}

// truncate cuts b to at most n bytes for an error message.
func truncate(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}
