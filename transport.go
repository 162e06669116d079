package dmchamp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A call is the transport of its own attempts (the http.Client that
// go-retryablehttp drives for it has the call as its Transport), so every
// request it sends passes through RoundTrip, redirects included:
//
//	sanitize (a redirect's URL may echo a credential) → middleware →
//	authorize (the credential, for the API's own origin only) → transport
//
// The URLs go-retryablehttp and http.Client handle, put into errors, or
// hand to middleware never carry a credential.
func (cl *call) RoundTrip(req *http.Request) (*http.Response, error) {
	redirect := cl.hop > 0
	if cl.attemptCtx == nil {
		cl.beginAttempt(req.Context())
	}
	cl.hop++
	if redirect {
		var err error
		if req, err = cl.sanitize(req); err != nil {
			return nil, err
		}
	}
	if len(cl.c.middleware) == 0 {
		return cl.sendHop(cl.authorize(req.WithContext(cl.attemptCtx), true), req)
	}
	info := &CallInfo{
		API: cl.ep.api().String(), Method: cl.ep.method, Route: cl.route(),
		Attempt: cl.attempts + 1, Resends: cl.resends,
	}
	return cl.next(0)(req.WithContext(context.WithValue(cl.attemptCtx, callInfoKey{}, info)))
}

// next returns the chain from the i-th middleware down.
func (cl *call) next(i int) func(*http.Request) (*http.Response, error) {
	if i == len(cl.c.middleware) {
		return func(r *http.Request) (*http.Response, error) {
			return cl.sendHop(cl.authorize(r, false), r)
		}
	}
	return func(r *http.Request) (*http.Response, error) {
		return cl.c.middleware[i](r, cl.next(i+1))
	}
}

// beginAttempt starts an attempt: its context carries the per-attempt
// deadline, for the request, its redirects and the reading of the answer.
func (cl *call) beginAttempt(parent context.Context) {
	if cl.cfg.timeout > 0 {
		cl.attemptCtx, cl.cancel = context.WithTimeout(parent, cl.cfg.timeout)
	} else {
		cl.attemptCtx, cl.cancel = context.WithCancel(parent)
	}
}

// endAttempt releases the attempt's context. Any body still open on it is
// cut off.
func (cl *call) endAttempt() {
	if cl.cancel != nil {
		cl.cancel()
		cl.cancel, cl.attemptCtx = nil, nil
	}
	cl.hop = 0
}

// sendHop sends one request and returns what the transport answered, with
// resp.Request pointing at the credential-free request it was asked for.
func (cl *call) sendHop(out, asked *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := cl.c.roundTripper().RoundTrip(out)
	cl.resends++
	if resp != nil {
		resp.Request = asked
		cl.reached = true // even a redirect: the server may have acted
	}
	if cl.c.logger != nil {
		cl.log(asked, resp, err, start)
	}
	// A transport may name the URL it was given, credential included.
	return resp, cl.red.error(err)
}

// authorize returns r with the credentials that belong to its origin: the
// query credential and the call's secrets for the DM Champ origin, the
// bearer token for the Session API origin. owned says that r is a copy the
// call made, which may be changed; otherwise r is copied first.
func (cl *call) authorize(r *http.Request, owned bool) *http.Request {
	c := cl.c
	switch cl.ep.auth {
	case authKeyOrUser, authKeyOnly, authNone:
		q := ""
		if cl.ep.auth != authNone {
			q = c.creds.query
		}
		if cl.secret != "" {
			q = joinQuery(q, cl.secret)
		}
		if q == "" || !sameOrigin(r.URL, c.dmchamp.url) {
			return r
		}
		if !owned {
			r = r.Clone(r.Context())
		} else {
			u := *r.URL
			r.URL = &u
		}
		r.URL.RawQuery = joinQuery(r.URL.RawQuery, q)
	case authBearer:
		if c.creds.bearer == "" || c.sessions.url == nil || !sameOrigin(r.URL, c.sessions.url) {
			return r
		}
		if !owned {
			r = r.Clone(r.Context())
		} else {
			r.Header = r.Header.Clone()
		}
		// A slice of this request's own: a transport beneath may edit it.
		r.Header["Authorization"] = []string{c.creds.bearer}
	}
	return r
}

func joinQuery(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "&" + b
}

var errCredentialInRedirect = errors.New("refused a redirect to another origin whose URL holds a credential")

// sanitize returns a redirect's request without credentials: query
// parameters named as a credential (apiKey, userId, the call's secrets) or
// whose value holds one, and any Authorization header. A redirect to
// another origin whose URL still holds a credential (in its path, say) is
// refused.
func (cl *call) sanitize(req *http.Request) (*http.Request, error) {
	out := req
	if req.URL.RawQuery != "" {
		q, err := url.ParseQuery(req.URL.RawQuery)
		changed := err != nil // an unparsable query is dropped
		for k, vs := range q {
			if cl.credentialParam(k) || cl.red.String(strings.Join(vs, "&")) != strings.Join(vs, "&") {
				delete(q, k)
				changed = true
			}
		}
		if changed {
			out = req.Clone(req.Context())
			out.URL.RawQuery = q.Encode()
		}
	}
	if _, ok := req.Header["Authorization"]; ok {
		if out == req {
			out = req.Clone(req.Context())
		}
		out.Header.Del("Authorization")
	}
	if !sameOrigin(out.URL, cl.c.dmchamp.url) && (cl.c.sessions.url == nil || !sameOrigin(out.URL, cl.c.sessions.url)) {
		if s := out.URL.String(); cl.red.String(s) != s {
			return nil, errCredentialInRedirect
		}
	}
	return out, nil
}

// credentialParam reports whether a query parameter name is a credential's.
func (cl *call) credentialParam(name string) bool {
	if strings.EqualFold(name, "apiKey") || strings.EqualFold(name, "userId") {
		return true
	}
	for _, n := range cl.secretNames {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	return false
}

// log records one request: at Debug level, or Info for a retry. Only
// metadata is logged: no query string, header value or body, and the path
// with any credential replaced.
func (cl *call) log(req *http.Request, resp *http.Response, err error, start time.Time) {
	end := time.Now()
	level, msg := slog.LevelDebug, "dmchamp: http attempt"
	attrs := make([]slog.Attr, 0, 10)
	if cl.attempts > 0 && cl.hop == 1 {
		level, msg = slog.LevelInfo, "dmchamp: http retry"
		attrs = append(attrs, slog.Duration("waited", start.Sub(cl.lastEnd)))
	}
	cl.lastEnd = end
	l := cl.c.logger
	if !l.Enabled(req.Context(), level) {
		return
	}
	attrs = append(attrs,
		slog.String("api", cl.ep.api().String()),
		slog.Int("attempt", cl.attempts+1),
		slog.String("method", req.Method),
		slog.String("host", req.URL.Host),
		slog.String("path", cl.red.String(req.URL.EscapedPath())),
		slog.Duration("duration", end.Sub(start)),
	)
	if cl.hop > 1 {
		attrs = append(attrs, slog.Int("redirect", cl.hop-1))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", cl.red.String(err.Error())))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if wait, ok := retryAfter(resp.Header, end); ok {
			attrs = append(attrs, slog.Duration("retry_after", wait))
		}
	}
	l.LogAttrs(req.Context(), level, msg, attrs...)
}

// sameOrigin reports whether u has the origin of base: scheme, host and
// port, a missing port being the scheme's default.
func sameOrigin(u, base *url.URL) bool {
	return strings.EqualFold(u.Scheme, base.Scheme) &&
		strings.EqualFold(u.Hostname(), base.Hostname()) &&
		portOf(u) == portOf(base)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
