package dmchamp

import (
	"bytes"
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
	Route      string     // optional path template for middleware and tracing, e.g. "/contacts/messages/{contactId}"
}

// Do calls an endpoint that has no typed method, with the client's
// credentials, retries, error decoding and redaction. GET, PUT and DELETE
// are retried like the typed methods; POST is not once it may have reached
// the server.
//
// The 2xx body is decoded into out: the whole JSON body, envelope included,
// when out is a pointer to a JSON-decodable value (a struct, a map, a slice
// for a top-level array, json.RawMessage), with the typed methods' rules
// (keys match exactly); the raw bytes when out is a *[]byte (for HTML,
// JavaScript or CSV answers); nothing when out is nil. Either way, a JSON
// object reporting "success": false or an error_code is an *APIError. A
// body over the client's WithMaxResponseSize is an error.
//
// The client adds its credential to the query: Query must not hold apiKey,
// nor userId when the client's credential is a user ID. A query parameter
// named userId is sent as given beside an API key.
func (c *Client) Do(ctx context.Context, req *Request, out any, opts ...CallOption) error {
	ep, r, err := c.doRequest(req)
	if err != nil {
		return err
	}
	if out != nil {
		if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
			return invalid("out", "must be nil or a non-nil pointer, got %T", out)
		}
	}
	cl, hreq, err := c.newCall(ctx, ep, r, opts)
	if err != nil {
		return err
	}
	defer cl.done()
	resp, err := cl.send(hreq)
	if err != nil {
		return err
	}
	a, err := cl.read(resp, false, true)
	defer a.release()
	if err != nil {
		cl.discard(resp.Body, err)
		return cl.answerError(&a, nil, err)
	}
	_ = resp.Body.Close()
	var failed *errorBody
	switch o := out.(type) {
	case nil:
		failed = failureIn(a.b)
	case *[]byte:
		*o = bytes.Clone(a.b)
		failed = failureIn(a.b)
	default:
		switch first(a.b) {
		case 0: // an empty body: nothing to decode
		case '{':
			failed, err = decodeFlat(a.b, out)
		default:
			err = unmarshal(a.b, out)
		}
	}
	return cl.answerError(&a, failed, err)
}

// doRequest checks a Request and describes it as the typed methods'
// endpoints are.
func (c *Client) doRequest(req *Request) (*endpoint, *request, error) {
	switch {
	case req == nil:
		return nil, nil, invalid("request", "must not be nil")
	case req.Method == "" || strings.ContainsFunc(req.Method, func(r rune) bool { return !isTokenChar(r) }):
		return nil, nil, invalid("Method", "%q is not an HTTP method", req.Method)
	case !strings.HasPrefix(req.Path, "/"):
		return nil, nil, invalid("Path", "must start with /")
	case strings.ContainsAny(req.Path, "?#"):
		return nil, nil, invalid("Path", "must not hold a query or fragment: use Query")
	case req.Query.Has("apiKey"):
		return nil, nil, invalid("Query", "must not hold apiKey: the client adds its credential")
	case req.Query.Has("userId") && c.creds.queryName == "userId" && !req.SessionAPI:
		return nil, nil, invalid("Query", "must not hold userId: the client adds its credential")
	}
	for _, seg := range strings.Split(req.Path[1:], "/") {
		dec, err := url.PathUnescape(seg)
		switch {
		case err != nil:
			return nil, nil, invalid("Path", "has an invalid escape")
		case dec == "." || dec == "..":
			return nil, nil, invalid("Path", "must not contain . or .. segments, escaped or not")
		case strings.Contains(dec, "/") && (strings.HasPrefix(dec, "../") || strings.HasSuffix(dec, "/..") || strings.Contains(dec, "/../")):
			return nil, nil, invalid("Path", "must not contain escaped .. segments")
		}
	}
	ep := &endpoint{name: "Do", method: strings.ToUpper(req.Method), route: req.Route, auth: authKeyOrUser}
	switch {
	case req.SessionAPI:
		ep.auth, ep.notFoundByMessage = authBearer, true
	case req.Public:
		ep.auth = authNone
	}
	return ep, &request{path: req.Path, query: req.Query.Encode(), body: req.Body}, nil
}

// isTokenChar reports whether r may appear in an HTTP method (RFC 9110's
// token characters).
func isTokenChar(r rune) bool {
	return r < 0x7f && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' ||
		strings.ContainsRune("!#$%&'*+-.^_`|~", r))
}
