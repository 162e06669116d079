package dmchamp

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// Option configures a Client. Options are checked by NewClient, which returns
// the first option error.
type Option func(*config) error

// WithAPIKey sets the DM Champ API key, sent as the apiKey query parameter.
// It is the only credential agency-only endpoints accept.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if err := checkSecret("WithAPIKey", key); err != nil {
			return err
		}
		c.apiKey = key
		return nil
	}
}

// WithUserID sets the DM Champ user ID, the alternative credential sent as
// the userId query parameter. Agency-only endpoints do not accept it.
func WithUserID(id string) Option {
	return func(c *config) error {
		if err := checkSecret("WithUserID", id); err != nil {
			return err
		}
		c.userID = id
		return nil
	}
}

// WithBaseURL sets the DM Champ API base URL (default DefaultBaseURL), for
// example to point the client at a test server.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		u, err := parseBaseURL("WithBaseURL", rawURL)
		if err != nil {
			return err
		}
		c.baseURL = u
		return nil
	}
}

// WithSessionsBaseURL sets the Session API base URL, including the server's
// /api prefix, e.g. "https://coach.example.com/api". The Session API is a
// separate server: without this option its methods return a *ValidationError.
func WithSessionsBaseURL(rawURL string) Option {
	return func(c *config) error {
		u, err := parseBaseURL("WithSessionsBaseURL", rawURL)
		if err != nil {
			return err
		}
		c.sessionsBaseURL = u
		return nil
	}
}

// WithSessionsToken sets the Session API JWT, sent as "Authorization: Bearer
// <token>" to the Session API host only. Pass the bare token.
func WithSessionsToken(token string) Option {
	return func(c *config) error {
		if err := checkSecret("WithSessionsToken", token); err != nil {
			return err
		}
		c.sessionsToken = token
		return nil
	}
}

// WithHTTPClient sets the HTTP client whose Transport, CheckRedirect and Jar
// each attempt uses; the caller's client is not modified. The SDK adds
// credentials beneath its own middleware, on top of that Transport. A nil
// Transport means http.DefaultTransport, as it is when the call is made
// (httpmock.Activate replaces it). The client's Timeout, when set and
// WithTimeout is not, is the per-attempt timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return invalid("WithHTTPClient", "client must not be nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent appends a product token, such as "myapp/1.2", to the SDK's
// User-Agent.
func WithUserAgent(product string) Option {
	return func(c *config) error {
		if strings.TrimSpace(product) == "" || strings.ContainsFunc(product, unicode.IsControl) {
			return invalid("WithUserAgent", "product must be non-empty printable text")
		}
		c.userAgentSuffix = product
		return nil
	}
}

// WithTimeout sets the time limit of each attempt (default DefaultTimeout),
// reading the body included; 0 means no limit. The context's deadline, if
// any, bounds the whole call, retries and waits included.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return invalid("WithTimeout", "%v is negative", d)
		}
		c.timeout, c.timeoutSet = d, true
		return nil
	}
}

// WithRetryMax sets how many times a failed call may be retried (default
// DefaultRetryMax); 0 disables retries.
func WithRetryMax(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return invalid("WithRetryMax", "%d is negative", n)
		}
		c.retryMax = n
		return nil
	}
}

// WithRetryWait sets the bounds of the exponential backoff between retries
// (defaults DefaultRetryWaitMin and DefaultRetryWaitMax). A Retry-After sent
// by the server takes precedence.
func WithRetryWait(min, max time.Duration) Option {
	return func(c *config) error {
		if min < 0 || max < min {
			return invalid("WithRetryWait", "need 0 <= min <= max, got %v and %v", min, max)
		}
		c.retryWaitMin, c.retryWaitMax = min, max
		return nil
	}
}

// WithMaxRetryAfter sets the longest Retry-After the client will wait for
// (default DefaultMaxRetryAfter). A longer one ends the call at once with the
// server's *APIError, whose RetryAfter field tells the caller when to retry.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return invalid("WithMaxRetryAfter", "%v is negative", d)
		}
		c.maxRetryAfter = d
		return nil
	}
}

// WithRetryNonIdempotent lets POST calls be retried like GET and PUT calls.
// By default a POST is retried only when the connection was never made,
// because the API has no idempotency keys: a POST retried after it reached
// the server may create a second session or send a message twice.
func WithRetryNonIdempotent() Option {
	return func(c *config) error {
		c.retryNonIdempotent = true
		return nil
	}
}

// WithMaxResponseSize sets the largest answer the client reads, in bytes
// (default DefaultMaxResponseSize), whether it is decoded whole, decoded as
// it streams in, or read by the caller (ChatExports.RecentText,
// Agency.UsageExport). A larger answer is an *APIError matching
// ErrInvalidResponse, and its connection is closed rather than read to the
// end.
func WithMaxResponseSize(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return invalid("WithMaxResponseSize", "must be at least 1 byte, got %d", n)
		}
		c.maxResponseSize = n
		return nil
	}
}

// WithLogger sets a logger for request metadata: method, host, path, attempt,
// status, duration and retry waits, at Debug level (retries at Info). Query
// strings, headers and bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return invalid("WithLogger", "logger must not be nil")
		}
		c.logger = l
		return nil
	}
}

func checkSecret(option, v string) error {
	if v == "" {
		return invalid(option, "must not be empty")
	}
	if strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		// The value itself is not printed: it is a credential.
		return invalid(option, "contains white space or control characters")
	}
	return nil
}

func parseBaseURL(option, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, invalid(option, "not a valid URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, invalid(option, "must be an http or https URL")
	case u.Host == "":
		return nil, invalid(option, "has no host")
	case u.User != nil:
		return nil, invalid(option, "must not carry user info: use the credential options")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, invalid(option, "must not have a query or fragment")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}
