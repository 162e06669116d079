package dmchamp

import (
	"errors"
	"fmt"
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
		if err := checkSecret("API key", key); err != nil {
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
		if err := checkSecret("user ID", id); err != nil {
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
		u, err := parseBaseURL("base URL", rawURL)
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
		u, err := parseBaseURL("Session API base URL", rawURL)
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
		if err := checkSecret("Session API token", token); err != nil {
			return err
		}
		c.sessionsToken = token
		return nil
	}
}

// WithHTTPClient sets the HTTP client used for each attempt. The SDK works on
// a shallow copy and wraps its transport to add credentials; the caller's
// client is not modified. A nil Transport means http.DefaultTransport; a zero
// Timeout means DefaultTimeout, unless WithTimeout says otherwise.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("dmchamp: WithHTTPClient: client must not be nil")
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
			return errors.New("dmchamp: WithUserAgent: product must be non-empty printable text")
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
			return fmt.Errorf("dmchamp: WithTimeout: %v is negative", d)
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
			return fmt.Errorf("dmchamp: WithRetryMax: %d is negative", n)
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
			return fmt.Errorf("dmchamp: WithRetryWait: need 0 <= min <= max, got %v and %v", min, max)
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
			return fmt.Errorf("dmchamp: WithMaxRetryAfter: %v is negative", d)
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

// WithLogger sets a logger for request metadata: method, host, path, attempt,
// status, duration and retry waits, at Debug level (retries at Info). Query
// strings, headers and bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("dmchamp: WithLogger: logger must not be nil")
		}
		c.logger = l
		return nil
	}
}

func checkSecret(what, v string) error {
	if v == "" {
		return fmt.Errorf("dmchamp: %s must not be empty", what)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		// The value itself is not printed: it is a credential.
		return fmt.Errorf("dmchamp: %s contains white space or control characters", what)
	}
	return nil
}

func parseBaseURL(what, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("dmchamp: %s is not a valid URL", what)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("dmchamp: %s must be an http or https URL", what)
	case u.Host == "":
		return nil, fmt.Errorf("dmchamp: %s has no host", what)
	case u.User != nil:
		return nil, fmt.Errorf("dmchamp: %s must not carry user info: use the credential options", what)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("dmchamp: %s must not have a query or fragment", what)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}
