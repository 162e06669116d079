package dmchamp

import (
	"net/http"
	"net/textproto"
	"strings"
	"time"
)

// CallOption changes one call: pass it after a method's arguments, as in
// c.Contacts.Create(ctx, req, dmchamp.WithCallTimeout(5*time.Second)). It
// affects only that call.
type CallOption func(*callConfig) error

// callConfig is a call's settings: the client's, changed by its CallOptions.
type callConfig struct {
	timeout            time.Duration
	retryMax           int
	retryNonIdempotent bool
	header             http.Header // extra request headers; nil when none
	responseInto       *Response
}

// Response describes the answer to a call, for WithResponseInto. It holds no
// credential: header values that repeat one are redacted.
type Response struct {
	StatusCode int           // HTTP status of the last response
	Header     http.Header   // headers of the last response
	RequestID  string        // the server's request id, from the first of X-Request-Id, Request-Id, X-Amzn-Requestid, X-Correlation-Id
	Attempts   int           // attempts made, retries included
	Duration   time.Duration // the whole call, retries and waits included
}

// WithResponseInto fills *dst after the call, on success and on error
// alike, whenever a response arrived (it is left unchanged when none did).
// For a streamed answer (ChatExports.RecentText, Agency.UsageExport) it is
// filled when the body starts, before it is read.
func WithResponseInto(dst *Response) CallOption {
	return func(c *callConfig) error {
		if dst == nil {
			return invalid("WithResponseInto", "destination must not be nil")
		}
		c.responseInto = dst
		return nil
	}
}

// WithCallTimeout sets the per-attempt time limit of this call, reading the
// body included (see WithTimeout); 0 means no limit.
func WithCallTimeout(d time.Duration) CallOption {
	return func(c *callConfig) error {
		if d < 0 {
			return invalid("WithCallTimeout", "%v is negative", d)
		}
		c.timeout = d
		return nil
	}
}

// WithCallRetryMax sets how many times this call may be retried; 0
// disables retries.
func WithCallRetryMax(n int) CallOption {
	return func(c *callConfig) error {
		if n < 0 {
			return invalid("WithCallRetryMax", "%d is negative", n)
		}
		c.retryMax = n
		return nil
	}
}

// WithCallRetryNonIdempotent lets this call be retried like a GET even if it
// is a POST, for callers who accept that it may take effect twice (see
// WithRetryNonIdempotent).
func WithCallRetryNonIdempotent() CallOption {
	return func(c *callConfig) error {
		c.retryNonIdempotent = true
		return nil
	}
}

// WithCallHeader adds a header to this call's requests. Credentials are the
// client's to send: Authorization, Proxy-Authorization, Cookie and any
// header whose name suggests a key or token are refused, as are headers the
// HTTP layer owns (Host, Content-Length, Transfer-Encoding, Connection).
func WithCallHeader(key, value string) CallOption {
	return func(c *callConfig) error {
		name := textproto.CanonicalMIMEHeaderKey(key)
		switch {
		case name == "" || strings.ContainsFunc(name, func(r rune) bool { return !isTokenChar(r) }):
			return invalid("WithCallHeader", "%q is not a header name", key)
		case strings.ContainsFunc(value, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }):
			return invalid("WithCallHeader", "the value of %s has control characters", name)
		case credentialHeader(name):
			return invalid("WithCallHeader", "%s carries credentials: the client sends its own", name)
		}
		switch name {
		case "Host", "Content-Length", "Transfer-Encoding", "Connection", "Te", "Trailer", "Upgrade":
			return invalid("WithCallHeader", "%s is set by the HTTP layer", name)
		}
		if c.header == nil {
			c.header = http.Header{}
		}
		c.header.Add(name, value)
		return nil
	}
}

// credentialHeader reports whether a canonical header name carries
// credentials.
func credentialHeader(name string) bool {
	switch name {
	case "Authorization", "Proxy-Authorization", "Cookie":
		return true
	}
	n := strings.ToLower(name)
	for _, word := range []string{"key", "token", "secret", "password", "auth", "session"} {
		if strings.Contains(n, word) {
			return true
		}
	}
	return n == "userid" || strings.HasSuffix(n, "-user-id") || n == "user-id"
}

// requestIDHeaders are the headers a server's request id is read from.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Amzn-Requestid", "X-Correlation-Id"}
