package serve

import "github.com/recur-dev/recur/models"

// MaxCandidates caps the "candidates" field of a generate request: each
// token event then carries at most this many next-token candidates (plus
// the drawn token when it is not among them). Twenty bars is already more
// than the playground shows; the cap keeps events small.
const MaxCandidates = 20

// tokenEvent is the data of a streamed "token" event.
type tokenEvent struct {
	Text       string                  `json:"text"`
	Candidates []models.TokenCandidate `json:"candidates,omitempty"`
}

// validateCandidates checks the opt-in "candidates" field: a count in
// [0, MaxCandidates], and only for streamed requests (the candidates ride
// on the per-token events, which a non-streamed answer does not have).
func (q *GenerateRequest) validateCandidates() *APIError {
	if q.Candidates < 0 || q.Candidates > MaxCandidates {
		return fieldError("candidates", "candidates must be in [0, %d] (got %d); 0 turns them off", MaxCandidates, q.Candidates)
	}
	if q.Candidates > 0 && !q.Stream {
		return fieldError("candidates", "candidates needs \"stream\": true (they are sent with each token event)")
	}
	return nil
}
