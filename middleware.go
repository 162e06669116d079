package dmchamp

import (
	"context"
	"net/http"
)

// Middleware wraps each HTTP request the client sends: every attempt, and
// every redirect it follows. It sees the request as sent, except that no
// credential is in it: the apiKey, userId and OTP secret query parameters
// and the Authorization header are added beneath the middleware, after
// next is called, and only for the API's own origin. A middleware may add
// headers, record, or answer by itself without calling next; it must not
// keep the request after it returns. CallInfoFrom(req.Context()) describes
// the call.
type Middleware func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error)

// WithMiddleware adds middleware, run in the order given, the first
// outermost. Options given more than once add to the list.
func WithMiddleware(mw ...Middleware) Option {
	return func(c *config) error {
		for _, m := range mw {
			if m == nil {
				return invalid("WithMiddleware", "middleware must not be nil")
			}
		}
		c.middleware = append(c.middleware, mw...)
		return nil
	}
}

// CallInfo describes the SDK call a request belongs to, for middleware.
type CallInfo struct {
	API     string // "dmchamp" or "sessions"
	Method  string // the call's HTTP method
	Route   string // the path template, base path included, e.g. "/v1/contacts/{contactId}"; "" for Client.Do without Request.Route
	Attempt int    // 1 for the first attempt, 2 for the first retry, ...
	Resends int    // requests of this call before this one: retries and redirects
}

type callInfoKey struct{}

// CallInfoFrom returns the call a request's context belongs to. It is set
// on the requests middleware sees.
func CallInfoFrom(ctx context.Context) (CallInfo, bool) {
	info, ok := ctx.Value(callInfoKey{}).(*CallInfo)
	if !ok {
		return CallInfo{}, false
	}
	return *info, true
}
