package serve

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// limiter bounds how many requests run a model at once (slots) and how many
// may wait for a slot (queue). A request that finds both full is refused
// at once: queueing it would only add latency the client cannot see coming,
// and a 429 with Retry-After lets it back off (the behaviour of TGI's
// max_concurrent_requests and vLLM's request limits).
type limiter struct {
	slots   chan struct{}
	queued  atomic.Int64
	maxWait int64
	timeout time.Duration
}

func newLimiter(concurrency, queue int, timeout time.Duration) *limiter {
	return &limiter{slots: make(chan struct{}, concurrency), maxWait: int64(queue), timeout: timeout}
}

// acquire takes a slot, waiting in the queue if there is room in it. The
// returned release must be called exactly once when err is nil.
func (l *limiter) acquire(ctx context.Context) (release func(), err *APIError) {
	release = func() { <-l.slots }
	select {
	case l.slots <- struct{}{}:
		return release, nil
	default:
	}
	if l.queued.Add(1) > l.maxWait {
		l.queued.Add(-1)
		return nil, &APIError{Status: http.StatusTooManyRequests, Code: CodeOverloaded,
			Message: "server is at capacity (all model slots busy and the queue is full); retry after the Retry-After delay"}
	}
	defer l.queued.Add(-1)
	t := time.NewTimer(l.timeout)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, &APIError{Status: http.StatusTooManyRequests, Code: CodeOverloaded,
			Message: "waited " + l.timeout.String() + " in the queue for a model slot; retry after the Retry-After delay"}
	case <-ctx.Done():
		return nil, ctxError(ctx)
	}
}

// inUse and waiting are the current gauges.
func (l *limiter) inUse() int     { return len(l.slots) }
func (l *limiter) waiting() int64 { return l.queued.Load() }

// ctxError maps a finished context to the error a client sees (if it is
// still there): 504 on timeout, 499-style "client closed" otherwise.
func ctxError(ctx context.Context) *APIError {
	if ctx.Err() == context.DeadlineExceeded {
		return &APIError{Status: http.StatusGatewayTimeout, Code: CodeTimeout, Message: "the request timeout was reached before the model finished; ask for fewer tokens or a smaller beam"}
	}
	return &APIError{Status: statusClientClosed, Code: "client_closed", Message: "the client closed the request"}
}

// statusClientClosed is nginx's 499: logged and counted, never seen by the
// client (it is gone).
const statusClientClosed = 499
