package dmchamp

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// api names the server a request is for.
type api uint8

const (
	dmChampAPI api = iota
	sessionAPI
)

func (a api) String() string {
	if a == sessionAPI {
		return "sessions"
	}
	return "dmchamp"
}

// call is the state of one SDK call, shared through the request context by
// the transport (each attempt) and the retry policy (between attempts).
// Attempts run one after the other, so it needs no locking.
type call struct {
	api               api
	notFoundByMessage bool // see request.notFoundByMessage
	method            string
	path              string // escaped URL path, for errors and logs
	idempotent        bool
	secretQuery       url.Values // credentials of this call (e.g. an OTP secret), added by the transport
	attempts          int        // attempts completed
	reached           bool       // a server answered: a POST must not be sent again
	lastEnd           time.Time  // when the previous attempt's response or error arrived
}

type callKey struct{}

func callFrom(ctx context.Context) *call {
	cl, _ := ctx.Value(callKey{}).(*call)
	return cl
}

// transport sits beneath the retry layer: the URLs go-retryablehttp handles,
// logs and puts into errors never carry a credential. It adds the DM Champ
// query credential only on requests to the DM Champ origin, and removes the
// Session API's Authorization header (which send sets: go-retryablehttp
// never shows headers) from requests to any other origin than the Session
// API's, so a redirect to another host never receives either.
type transport struct {
	base   http.RoundTripper
	client *Client
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	cl := callFrom(req.Context())
	out := req
	if cl != nil {
		out = t.authorize(req, cl)
	}
	logging := t.client.logger != nil
	var start time.Time
	if logging {
		start = time.Now()
	}
	resp, err := t.base.RoundTrip(out)
	if resp != nil {
		// http.Transport points resp.Request at the request it was given:
		// the credential-bearing copy. Hand back the caller's request.
		resp.Request = req
		if cl != nil {
			cl.reached = true // even a redirect: the server may have acted
		}
	}
	if logging {
		t.log(req, cl, resp, err, start)
	}
	// A transport may name the URL it was given, credential included.
	return resp, t.client.redactFor(cl).error(err)
}

// authorize returns a copy of req carrying the credentials that belong to
// its origin, or req itself when none do. The copy shares what it does not
// change with req, which RoundTrip must not modify.
func (t *transport) authorize(req *http.Request, cl *call) *http.Request {
	c := t.client
	switch {
	case cl.api == dmChampAPI && sameOrigin(req.URL, c.baseURL):
		if c.creds.queryName == "" && len(cl.secretQuery) == 0 {
			return req
		}
		q := req.URL.RawQuery
		if c.creds.queryName != "" {
			q = appendQuery(q, c.creds.queryName, c.creds.queryValue)
		}
		for k, vs := range cl.secretQuery {
			for _, v := range vs {
				q = appendQuery(q, k, v)
			}
		}
		u := *req.URL
		u.RawQuery = q
		out := *req
		out.URL = &u
		return &out
	case req.Header.Get("Authorization") != "" && (cl.api != sessionAPI || !sameOrigin(req.URL, c.sessionsBaseURL)):
		out := *req
		out.Header = req.Header.Clone()
		out.Header.Del("Authorization")
		return &out
	}
	return req
}

// appendQuery adds key=value to an encoded query string.
func appendQuery(q, key, value string) string {
	if q != "" {
		q += "&"
	}
	return q + url.QueryEscape(key) + "=" + url.QueryEscape(value)
}

// log records one attempt: at Debug level, or Info for a retry. Only
// metadata is logged: no query string, header or body.
func (t *transport) log(req *http.Request, cl *call, resp *http.Response, err error, start time.Time) {
	end := time.Now()
	l := t.client.logger
	level, msg := slog.LevelDebug, "dmchamp: http attempt"
	var attrs []slog.Attr
	if cl != nil {
		if cl.attempts > 0 {
			level, msg = slog.LevelInfo, "dmchamp: http retry"
			attrs = append(attrs, slog.Duration("waited", start.Sub(cl.lastEnd)))
		}
		cl.lastEnd = end
		attrs = append(attrs, slog.String("api", cl.api.String()), slog.Int("attempt", cl.attempts+1))
	}
	if !l.Enabled(req.Context(), level) {
		return
	}
	attrs = append(attrs,
		slog.String("method", req.Method),
		slog.String("host", req.URL.Host),
		slog.String("path", req.URL.EscapedPath()),
		slog.Duration("duration", end.Sub(start)),
	)
	if err != nil {
		attrs = append(attrs, slog.String("error", t.client.redactFor(cl).String(err.Error())))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			attrs = append(attrs, slog.String("retry_after", ra))
		}
	}
	l.LogAttrs(req.Context(), level, msg, attrs...)
}

// sameOrigin reports whether u has the scheme and host of base.
func sameOrigin(u, base *url.URL) bool {
	return strings.EqualFold(u.Scheme, base.Scheme) && strings.EqualFold(u.Host, base.Host)
}

// redactFor returns the redactor for a call: the client's secrets plus the
// call's own.
func (c *Client) redactFor(cl *call) *redactor {
	if cl == nil || len(cl.secretQuery) == 0 {
		return c.redact
	}
	var vals []string
	for _, vs := range cl.secretQuery {
		vals = append(vals, vs...)
	}
	return c.redact.with(vals...)
}
