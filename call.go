package dmchamp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Every call, typed method or Client.Do, goes the same way:
//
//	newCall   the call's settings, credentials check, URL, body and headers
//	send      go-retryablehttp's loop; each attempt's requests go through
//	          the call's RoundTrip (transport.go), each answer through its
//	          checkRetry (retry.go), which reads an error body once
//	read      a 2xx body, into a pooled buffer or streamed (body.go)
//	decode    into the result (decode.go), or an error (errors.go)
//	done      the attempt's resources released, WithResponseInto filled

// request holds the arguments of one call.
type request struct {
	segments []string   // path parameters, escaped, in the route's order
	path     string     // Client.Do: the escaped path; else built from the route
	query    string     // encoded; never credentials: they are added beneath the middleware
	secret   url.Values // credentials of this call (an OTP secret)
	body     any        // sent as JSON when not nil
}

// call is the state of one call, owned by it: its settings, and what its
// attempts found. Attempts run one after the other, so it needs no locking.
type call struct {
	c     *Client
	ep    *endpoint
	cfg   callConfig
	red   *redactor // the client's secrets and the call's
	base  string    // the base URL's escaped path, e.g. "/v1"
	path  string    // the escaped URL path below base, e.g. "/contacts"
	start time.Time

	secret      string   // the call's own credentials, query-encoded
	secretNames []string // their parameter names

	attempts int       // attempts completed
	resends  int       // requests sent so far: attempts and redirects
	hop      int       // requests sent in the current attempt
	reached  bool      // a server answered: a POST must not be sent again
	lastEnd  time.Time // when the previous request's answer or error arrived

	attemptCtx context.Context // the current attempt's, with its deadline
	cancel     context.CancelFunc

	// The last answer.
	status        int
	header        http.Header
	retryAfter    time.Duration
	hasRetryAfter bool
	errBody       []byte     // the head of an error body, read once
	errParsed     *errorBody // errBody parsed, once

	retry retryablehttp.Client
	http  http.Client
}

// origin is a base URL in the forms a call needs.
type origin struct {
	url    *url.URL
	prefix string // scheme://host and path, escaped: "https://api.dmchamp.com/v1"
	path   string // the path: "/v1"
}

func newOrigin(u *url.URL) origin {
	if u == nil {
		return origin{}
	}
	return origin{url: u, prefix: u.Scheme + "://" + u.Host + u.EscapedPath(), path: u.EscapedPath()}
}

// newCall prepares a call of ep: its settings, after checking that the
// client can call ep, and the request of its first attempt.
func (c *Client) newCall(ctx context.Context, ep *endpoint, r *request, opts []CallOption) (*call, *retryablehttp.Request, error) {
	cl := &call{c: c, ep: ep, cfg: c.defaults, red: c.redact, start: time.Now()}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cl.cfg); err != nil {
			return nil, nil, err
		}
	}
	o, err := c.origin(ep)
	if err != nil {
		return nil, nil, err
	}
	path := r.path
	if path == "" {
		path = ep.path(r.segments...)
	}
	cl.base, cl.path = o.path, path
	if len(r.secret) > 0 {
		cl.secret = r.secret.Encode()
		var values []string
		for k, vs := range r.secret {
			cl.secretNames = append(cl.secretNames, k)
			values = append(values, vs...)
		}
		cl.red = c.redact.with(values...)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, cl.requestError(err)
	}

	var rawURL string
	if r.query != "" {
		rawURL = o.prefix + path + "?" + r.query
	} else {
		rawURL = o.prefix + path
	}
	var body any
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, nil, invalid("request", "cannot be sent as JSON: %v", err)
		}
		body = b
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, ep.method, rawURL, body)
	if err != nil {
		return nil, nil, invalid("request", "%v", cl.red.String(err.Error()))
	}
	h := req.Header
	for k, vs := range cl.cfg.header {
		h[k] = vs
	}
	h["Accept"] = acceptJSON
	if ep.accept != "" {
		h["Accept"] = []string{ep.accept}
	}
	h["User-Agent"] = c.userAgent
	if body != nil {
		h["Content-Type"] = contentJSON
	}

	cl.http = http.Client{Transport: cl, CheckRedirect: c.checkRedirect, Jar: c.jar}
	cl.retry = retryablehttp.Client{
		HTTPClient:   &cl.http,
		Logger:       nil, // it would log URLs; the call logs metadata itself
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     cl.cfg.retryMax,
		CheckRetry:   cl.checkRetry,
		Backoff:      cl.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return cl, req, nil
}

var (
	acceptJSON  = []string{"application/json"}
	contentJSON = []string{"application/json"}
)

// origin returns the base URL of ep's API, after checking that the client
// can call it.
func (c *Client) origin(ep *endpoint) (origin, error) {
	switch ep.auth {
	case authBearer:
		if c.sessions.url == nil {
			return origin{}, invalid("Session API base URL", "not set: use WithSessionsBaseURL")
		}
		return c.sessions, nil
	case authKeyOnly:
		if c.creds.queryName != "apiKey" {
			return origin{}, invalid("credentials", "this agency-only endpoint requires an API key (WithAPIKey); a user ID is not accepted")
		}
	case authKeyOrUser:
		if c.creds.queryName == "" {
			return origin{}, invalid("credentials", "no API key or user ID: use WithAPIKey or WithUserID")
		}
	}
	return c.dmchamp, nil
}

// send runs the attempts and returns the final response if its status is
// 2xx; the caller reads its body. Any other outcome is a *RequestError or
// an *APIError.
func (cl *call) send(req *retryablehttp.Request) (*http.Response, error) {
	resp, err := cl.retry.Do(req)
	if err != nil {
		if resp != nil {
			cl.abort(resp.Body)
		}
		return nil, cl.requestError(err)
	}
	if !is2xx(resp.StatusCode) {
		return nil, cl.apiError(cl.errBody, cl.errorBody())
	}
	return resp, nil
}

// done ends the call: the attempt's context is released, and
// WithResponseInto's destination filled.
func (cl *call) done() {
	cl.endAttempt()
	cl.respond()
}

// respond fills WithResponseInto's destination, if a response arrived.
func (cl *call) respond() {
	dst := cl.cfg.responseInto
	if dst == nil || cl.status == 0 {
		return
	}
	*dst = Response{
		StatusCode: cl.status,
		Header:     cl.red.header(cl.header),
		Attempts:   cl.attempts,
		Duration:   time.Since(cl.start),
	}
	for _, k := range requestIDHeaders {
		if v := dst.Header.Get(k); v != "" {
			dst.RequestID = v
			break
		}
	}
}

// callJSON performs a call of ep whose answer is JSON, and decodes it into
// a new T.
func callJSON[T any](ctx context.Context, c *Client, ep *endpoint, r *request, opts []CallOption) (*T, error) {
	cl, req, err := c.newCall(ctx, ep, r, opts)
	if err != nil {
		return nil, err
	}
	defer cl.done()
	resp, err := cl.send(req)
	if err != nil {
		return nil, err
	}
	out := new(T)
	if err := decodeInto(cl, resp, out); err != nil {
		return nil, err
	}
	return out, nil
}

// decodeInto reads a 2xx body and decodes it into out. A GET's {success,
// data} answer over maxWholeBody streams; anything else is read whole, up to
// the client's limit, and the answer of a side-effecting call must hold one
// of its endpoint's result fields.
func decodeInto[T any](cl *call, resp *http.Response, out *T) error {
	whole := cl.ep.shape != inData || cl.ep.sideEffect()
	a, err := cl.read(resp, true, whole)
	defer a.release()
	var failed *errorBody
	switch {
	case err != nil:
		cl.discard(resp.Body, err)
	case a.rest != nil:
		failed, err = decodeStream(io.MultiReader(bytes.NewReader(a.b), a.rest), out)
		if err != nil {
			cl.abort(resp.Body)
		} else {
			_ = resp.Body.Close()
		}
	case len(a.b) == 0 && resp.StatusCode == http.StatusNoContent && cl.ep.confirms():
		_ = resp.Body.Close()
	default:
		_ = resp.Body.Close()
		failed, err = decodeAnswer(a.b, cl.ep.shape, out)
		if err == nil && failed == nil && cl.ep.sideEffect() && len(cl.ep.result) > 0 &&
			!hasResult(a.b, cl.ep.shape == inData, cl.ep.result) {
			err = errNotAnswer
		}
	}
	return cl.answerError(&a, failed, err)
}

// answerError returns the error of a 2xx answer: the failure it reports,
// a *RequestError when reading it failed for want of a connection, or an
// *APIError matching ErrInvalidResponse. It returns nil for neither.
func (cl *call) answerError(a *answer, failed *errorBody, err error) error {
	switch {
	case failed != nil:
		return cl.apiError(a.head(cl.red.margin()), failed)
	case err != nil && readFailed(err):
		return cl.requestError(err)
	case err != nil:
		return cl.invalidResponse(a.head(cl.red.margin()), err)
	}
	return nil
}

// readFailed reports whether reading a body failed for want of a
// connection (lost, timed out, cancelled) rather than because of what the
// server sent: the call then gets a *RequestError.
func readFailed(err error) bool {
	var ne net.Error
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne)
}

// fullPath returns the call's escaped URL path, base path included: what
// errors report.
func (cl *call) fullPath() string { return cl.base + cl.path }

// route returns the call's path template, base path included, or "" for a
// Client.Do call that names none.
func (cl *call) route() string {
	if cl.ep.route == "" {
		return ""
	}
	return cl.base + cl.ep.route
}
