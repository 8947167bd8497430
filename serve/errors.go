package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Error codes are stable: clients may switch on them.
const (
	CodeBadJSON      = "bad_json"           // body is not the JSON object expected
	CodeInvalidField = "invalid_field"      // a field is out of range or of the wrong type
	CodeUnknownModel = "unknown_model"      // no such model, or none for the task
	CodeNotFound     = "not_found"          // no such route
	CodeMethod       = "method_not_allowed" // wrong HTTP method
	CodeTooLarge     = "too_large"          // body or upload over the limit
	CodeBadImage     = "bad_image"          // image unreadable, too large in pixels, wrong format
	CodeOverloaded   = "overloaded"         // concurrency and queue full
	CodeShuttingDown = "shutting_down"      // graceful shutdown in progress
	CodeTimeout      = "timeout"            // per-request timeout reached
	CodeInternal     = "internal"           // a bug: please report
)

// APIError is the JSON error every endpoint returns.
type APIError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (e *APIError) Error() string { return e.Message }

// fieldError is a 400 naming the field.
func fieldError(field, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: CodeInvalidField, Field: field, Message: fmt.Sprintf(format, args...)}
}

// writeJSON sends v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.Encode(v)
}

// writeError sends e as {"error": e}; 429 and 503 carry Retry-After.
func (s *Server) writeError(w http.ResponseWriter, e *APIError) {
	if e.Status == http.StatusTooManyRequests || e.Status == http.StatusServiceUnavailable {
		secs := max(int(s.cfg.RetryAfter.Seconds()+0.999), 1)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	if e.Status == http.StatusServiceUnavailable {
		w.Header().Set("Connection", "close")
	}
	writeJSON(w, e.Status, map[string]*APIError{"error": e})
}
