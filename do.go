package dmchamp

import (
	"context"
	"net/url"
	"reflect"
	"strings"
)

// Request is a call to an endpoint that has no typed method, for Client.Do.
type Request struct {
	Method     string     // HTTP method, e.g. http.MethodPost
	Path       string     // below the base URL, e.g. "/contacts/lists"; escape segments with url.PathEscape
	Query      url.Values // query parameters; the client adds the credential
	Body       any        // sent as JSON when not nil
	SessionAPI bool       // send to the Session API instead of DM Champ
	Public     bool       // the DM Champ endpoint needs no credential
}

// Do calls an endpoint that has no typed method, with the client's
// credentials, retries, error decoding and redaction. GET, PUT and DELETE
// are retried like the typed methods; POST is not once it may have reached
// the server.
//
// The 2xx body is decoded into out: the whole JSON body, envelope included,
// when out is a pointer to a JSON-decodable value (json.RawMessage, a map, a
// struct); the raw bytes when out is a *[]byte (for HTML, JavaScript or CSV
// answers); nothing when out is nil. Either way, a JSON body reporting
// "success": false or an error_code is an *APIError. A body over 32 MiB is
// an error.
//
// The client adds its credential to the query: Query must not hold apiKey.
// A query parameter named userId is sent as given, beside an API key; with
// a user ID as the client's credential, it is sent twice.
func (c *Client) Do(ctx context.Context, req *Request, out any) error {
	r, err := req.request()
	if err != nil {
		return err
	}
	if out != nil {
		if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
			return invalid("out", "must be nil or a non-nil pointer, got %T", out)
		}
	}
	resp, cl, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	defer drainClose(resp.Body)

	b, err := readBody(resp.Body, resp.ContentLength)
	if err == nil {
		if raw, ok := out.(*[]byte); ok {
			*raw = b
			out = nil
		}
		var failed *errorBody
		if out == nil {
			failed = failureIn(b)
		} else {
			failed, err = decodeFlat(b, out, true)
		}
		if failed != nil {
			return c.apiError(cl, resp, headOf(b), failed)
		}
	}
	switch {
	case err != nil && readFailed(err):
		return c.requestError(cl, err)
	case err != nil:
		return c.invalidResponse(cl, resp, headOf(b), err)
	}
	return nil
}

func (req *Request) request() (*request, error) {
	switch {
	case req == nil:
		return nil, invalid("request", "must not be nil")
	case req.Method == "" || strings.ContainsFunc(req.Method, func(r rune) bool { return !isTokenChar(r) }):
		return nil, invalid("Method", "%q is not an HTTP method", req.Method)
	case !strings.HasPrefix(req.Path, "/"):
		return nil, invalid("Path", "must start with /")
	case strings.ContainsAny(req.Path, "?#"):
		return nil, invalid("Path", "must not hold a query or fragment: use Query")
	case req.Query.Has("apiKey"):
		return nil, invalid("Query", "must not hold apiKey: the client adds its credential")
	}
	if _, err := url.PathUnescape(req.Path); err != nil {
		return nil, invalid("Path", "has an invalid escape")
	}
	for _, seg := range strings.Split(req.Path[1:], "/") {
		if seg == "." || seg == ".." {
			return nil, invalid("Path", "must not contain . or .. segments")
		}
	}
	r := &request{
		method: strings.ToUpper(req.Method),
		path:   req.Path,
		query:  req.Query,
		body:   req.Body,
		public: req.Public,
	}
	if req.SessionAPI {
		r.api = sessionAPI
	}
	return r, nil
}

// isTokenChar reports whether r may appear in an HTTP method (RFC 9110's
// token characters).
func isTokenChar(r rune) bool {
	return r < 0x7f && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' ||
		strings.ContainsRune("!#$%&'*+-.^_`|~", r))
}

// headOf returns the part of a body kept in errors; nil when it is empty.
func headOf(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b[:min(len(b), maxErrorBody)]
}
