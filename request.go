package dmchamp

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/hashicorp/go-retryablehttp"
)

// Body limits.
const (
	maxWholeBody = 1 << 20   // a {success, data} body up to this size is decoded whole
	maxFlatBody  = 32 << 20  // the largest body read whole (all but {success, data} answers)
	maxDrain     = 256 << 10 // what is read to reuse a connection before closing it
)

// request describes one API call.
type request struct {
	api         api
	method      string
	path        string     // escaped path below the base URL, starting with "/"
	query       url.Values // never credentials: the transport adds them
	secretQuery url.Values // credentials of this call, added by the transport
	body        any        // sent as JSON when not nil
	public      bool       // a DM Champ endpoint that needs no credential
	apiKeyOnly  bool       // an agency-only endpoint: userId is not accepted
	emptyOK     bool       // a flat answer may have an empty body
	accept      string     // the Accept header; "" means application/json

	// notFoundByMessage makes an error whose message says "not found" match
	// ErrNotFound even with HTTP 200 or 500 (the Session API; sub-accounts).
	notFoundByMessage bool
}

// shape says where a 2xx body carries the result.
type shape uint8

const (
	inData shape = iota // {"success": true, "data": <result>}
	flat                // the result's fields beside "success" in one object
	bare                // the body is the result, with no envelope
)

// envelope is the {success, data} wrapper, for bodies decoded whole. The
// error fields are decoded in the same pass, for a "success": false on a 2xx.
type envelope[T any] struct {
	Data *T `json:"data"`
	errorBody
}

var errNoData = errors.New(`"data" is missing`)

// do performs the call and decodes its result. It is the single path every
// service method goes through.
//
// A body whose announced length is at most maxWholeBody is read into one
// buffer and decoded in one pass. A larger or unannounced {success, data}
// body streams: the lists in data are decoded an element at a time, so the
// body is never held whole.
func do[T any](ctx context.Context, c *Client, r *request, sh shape) (*T, error) {
	resp, cl, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	defer drainClose(resp.Body)

	var (
		out    *T
		failed *errorBody // an envelope reporting failure
		body   []byte     // the body, or its head when it streamed
	)
	if n := resp.ContentLength; sh == inData && (n < 0 || n > maxWholeBody) {
		head := newCapBuffer(n)
		var eb errorBody
		var present bool
		out = new(T)
		if present, err = decodeEnvelope(json.NewDecoder(io.TeeReader(resp.Body, head)), out, &eb); err == nil {
			switch {
			case eb.failed():
				failed = &eb
			case !present:
				err = errNoData
			}
		}
		if err != nil {
			// Judge the failure on the whole body, as far as it is kept.
			_, _ = io.Copy(head, io.LimitReader(resp.Body, maxErrorBody))
			if !head.overflow {
				failed = failureIn(head.buf)
			}
		}
		body = head.buf
	} else if body, err = readBody(resp.Body, n); err == nil {
		switch sh {
		case inData:
			var env envelope[T]
			if err = json.Unmarshal(body, &env); err == nil {
				switch {
				case env.failed():
					failed = &env.errorBody
				case env.Data == nil:
					err = errNoData
				default:
					out = env.Data
				}
			}
		case flat:
			out = new(T)
			failed, err = decodeFlat(body, out, r.emptyOK)
		case bare:
			out = new(T)
			err = json.Unmarshal(body, out)
		}
	}
	if err != nil && failed == nil {
		// A body of an unexpected shape may still be an error envelope.
		failed = failureIn(body)
	}
	switch {
	case failed != nil:
		return nil, c.apiError(cl, resp, headOf(body), failed)
	case err != nil && readFailed(err):
		return nil, c.requestError(cl, err)
	case err != nil:
		return nil, c.invalidResponse(cl, resp, headOf(body), err)
	}
	return out, nil
}

// readFailed reports whether reading a body failed for want of a
// connection (lost, timed out, cancelled) rather than because of what the
// server sent: the call then gets a *RequestError.
func readFailed(err error) bool {
	var ne net.Error
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne)
}

var errTooLarge = fmt.Errorf("the body exceeds %d MiB", maxFlatBody>>20)

// readBody reads a whole body: the announced n bytes, or, when n is unknown,
// up to maxFlatBody. A larger body is an error.
func readBody(body io.Reader, n int64) ([]byte, error) {
	if n > maxFlatBody {
		return nil, errTooLarge
	}
	if n < 0 {
		b, err := io.ReadAll(io.LimitReader(body, maxFlatBody+1))
		if err == nil && len(b) > maxFlatBody {
			return b[:maxFlatBody], errTooLarge
		}
		return b, err
	}
	b := make([]byte, n)
	read, err := io.ReadFull(body, b)
	return b[:read], err
}

// decodeFlat decodes a whole body into out after checking that it does not
// report a failure. An empty body is accepted when emptyOK is set.
func decodeFlat(b []byte, out any, emptyOK bool) (*errorBody, error) {
	if emptyOK && len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	var status errorBody
	if err := json.Unmarshal(b, &status); err != nil {
		return nil, err
	}
	if status.failed() {
		return &status, nil
	}
	return nil, json.Unmarshal(b, out)
}

// stream performs the call and returns the 2xx body for the caller to read
// and close. A JSON answer reporting a failure is an *APIError, as
// elsewhere.
func (c *Client) stream(ctx context.Context, r *request) (*download, error) {
	resp, cl, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	d := &download{Reader: resp.Body, body: resp.Body, c: c, cl: cl, resp: resp}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/json" {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		if eb := failureIn(head); eb != nil {
			drainClose(resp.Body)
			return nil, c.apiError(cl, resp, head, eb)
		}
		d.Reader = io.MultiReader(bytes.NewReader(head), resp.Body)
	}
	return d, nil
}

// download is a streamed 2xx body. A failure while reading it is returned
// as the SDK's error types; Close drains what is left so that the
// connection can be reused.
type download struct {
	io.Reader
	body io.ReadCloser
	c    *Client
	cl   *call
	resp *http.Response
}

func (d *download) Read(p []byte) (int, error) {
	n, err := d.Reader.Read(p)
	if err != nil && err != io.EOF {
		err = d.fail(err)
	}
	return n, err
}

func (d *download) Close() error {
	drainClose(d.body)
	return nil
}

// fail returns the error for a body that could not be read or understood:
// a *RequestError when the connection failed, else an *APIError matching
// ErrInvalidResponse. Errors that are already the SDK's pass unchanged.
func (d *download) fail(err error) error {
	var re *RequestError
	var ae *APIError
	switch {
	case errors.As(err, &re), errors.As(err, &ae):
		return err
	case readFailed(err):
		return d.c.requestError(d.cl, err)
	}
	return d.c.invalidResponse(d.cl, d.resp, nil, err)
}

// send performs the call, with retries, and returns the final response if
// its status is 2xx; the caller closes its body. Any other outcome is an
// error: *ValidationError, *RequestError or *APIError.
func (c *Client) send(ctx context.Context, r *request) (*http.Response, *call, error) {
	base, err := c.base(r)
	if err != nil {
		return nil, nil, err
	}
	cl := &call{
		api:               r.api,
		notFoundByMessage: r.notFoundByMessage || r.api == sessionAPI,
		method:            r.method,
		path:              base.EscapedPath() + r.path,
		idempotent:        idempotent(r.method),
		secretQuery:       r.secretQuery,
	}
	if err := ctx.Err(); err != nil {
		return nil, cl, c.requestError(cl, err)
	}

	rawURL := base.Scheme + "://" + base.Host + cl.path
	if len(r.query) > 0 {
		rawURL += "?" + r.query.Encode()
	}
	var body any
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, cl, invalid("request", "cannot be sent as JSON: %v", err)
		}
		body = b
	}
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, callKey{}, cl), r.method, rawURL, body)
	if err != nil {
		return nil, cl, invalid("request", "%v", err)
	}
	req.Header.Set("Accept", cmp.Or(r.accept, "application/json"))
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.api == sessionAPI && c.creds.token != "" {
		// The transport removes it from requests to another host.
		req.Header.Set("Authorization", "Bearer "+c.creds.token)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil {
			drainClose(resp.Body)
		}
		return nil, cl, c.requestError(cl, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer drainClose(resp.Body)
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, cl, c.apiError(cl, resp, b, nil)
	}
	return resp, cl, nil
}

// base returns the base URL of the request's API, after checking that the
// client can call it.
func (c *Client) base(r *request) (*url.URL, error) {
	if r.api == sessionAPI {
		if c.sessionsBaseURL == nil {
			return nil, invalid("Session API base URL", "not set: use WithSessionsBaseURL")
		}
		return c.sessionsBaseURL, nil
	}
	switch {
	case r.apiKeyOnly && c.creds.queryName != "apiKey":
		return nil, invalid("credentials", "this agency-only endpoint requires an API key (WithAPIKey); a user ID is not accepted")
	case !r.public && c.creds.queryName == "":
		return nil, invalid("credentials", "no API key or user ID: use WithAPIKey or WithUserID")
	}
	return c.baseURL, nil
}

// invalidResponse builds the error for a 2xx body that could not be decoded.
// A decoding error may quote the body: it is redacted like the body.
func (c *Client) invalidResponse(cl *call, resp *http.Response, body []byte, err error) *APIError {
	e := c.apiError(cl, resp, body, &errorBody{})
	e.Err = c.redactFor(cl).error(err)
	return e
}

func (c *Client) requestError(cl *call, err error) *RequestError {
	return &RequestError{
		Method:   cl.method,
		Path:     cl.path,
		Attempts: cl.attempts,
		Err:      err,
		text:     c.redactFor(cl).String(transportText(err)),
	}
}

// apiError builds the error for a failed response from its body; eb is the
// body's error envelope when it was already decoded.
func (c *Client) apiError(cl *call, resp *http.Response, body []byte, eb *errorBody) *APIError {
	red := c.redactFor(cl)
	e := &APIError{
		StatusCode:        resp.StatusCode,
		Method:            cl.method,
		Path:              cl.path,
		Attempts:          cl.attempts,
		Body:              red.Bytes(body),
		notFoundByMessage: cl.notFoundByMessage,
	}
	if eb != nil {
		e.Code, e.Message, e.Details = eb.code(), eb.message(), eb.details()
	} else {
		e.Code, e.Message, e.Details = parseErrorBody(body)
	}
	e.Message, e.Details = red.String(e.Message), red.Bytes(e.Details)
	e.RetryAfter, _ = retryAfter(resp.Header, time.Now())
	return e
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// pathParam escapes one path segment, rejecting values that would change the
// path's meaning.
func pathParam(name, v string) (string, error) {
	switch v {
	case "":
		return "", invalid(name, "must not be empty")
	case ".", "..":
		return "", invalid(name, "%q is not a valid path segment", v)
	}
	return url.PathEscape(v), nil
}

// values encodes an options struct (nil allowed) into query parameters.
func values(opts any) (url.Values, error) {
	v, err := query.Values(opts)
	if err != nil {
		return nil, invalid("options", "%v", err)
	}
	return v, nil
}

// drainClose reads what is left of a body, up to a limit, so the connection
// can be reused, and closes it.
func drainClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, maxDrain)
	_ = body.Close()
}

// capBuffer keeps the first maxErrorBody bytes written to it.
type capBuffer struct {
	buf      []byte
	overflow bool
}

func newCapBuffer(contentLength int64) *capBuffer {
	if contentLength > 0 && contentLength <= maxErrorBody {
		return &capBuffer{buf: make([]byte, 0, contentLength)}
	}
	return &capBuffer{}
}

func (b *capBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if room := maxErrorBody - len(b.buf); n > room {
		b.overflow = true
		p = p[:max(room, 0)]
	}
	b.buf = append(b.buf, p...)
	return n, nil
}

// failureIn returns b's error envelope when b is a JSON object reporting a
// failure.
func failureIn(b []byte) *errorBody {
	var eb errorBody
	if json.Unmarshal(b, &eb) != nil || !eb.failed() {
		return nil
	}
	return &eb
}
