package dmchamp

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"time"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is the DM Champ API base URL.
const DefaultBaseURL = "https://api.dmchamp.com/v1"

// Defaults applied by NewClient.
const (
	DefaultTimeout         = 60 * time.Second // per attempt
	DefaultRetryMax        = 2                // retries after the first attempt
	DefaultRetryWaitMin    = 500 * time.Millisecond
	DefaultRetryWaitMax    = 8 * time.Second
	DefaultMaxRetryAfter   = 30 * time.Second
	DefaultMaxResponseSize = 64 << 20 // bytes: far above a day's chat export of a busy account
)

// Client calls the DM Champ API and the chatbot Session API. Create it with
// NewClient; it is safe for concurrent use.
type Client struct {
	Contacts          *ContactsService          // contacts, their lists and tags
	Tags              *TagsService              // tags
	ChatSessions      *ChatSessionsService      // chat sessions and their messages
	ChatExports       *ChatExportsService       // conversation exports
	Summaries         *SummariesService         // AI conversation summaries
	WhatsAppTemplates *WhatsAppTemplatesService // WhatsApp templates
	WhatsAppWeb       *WhatsAppWebService       // messages through WhatsApp Web
	Messages          *MessagesService          // custom channel messages
	SubAccounts       *SubAccountsService       // agency sub-accounts (API key only)
	Agency            *AgencyService            // agency reports (API key only)
	OTP               *OTPService               // one-time codes
	Sessions          *SessionsService          // chatbot Session API

	dmchamp    origin   // the DM Champ API's base URL
	sessions   origin   // the Session API's; zero until WithSessionsBaseURL
	userAgent  []string // the User-Agent header's value, shared by every request
	creds      *credentials
	redact     *redactor
	logger     *slog.Logger // nil: no logging
	middleware []Middleware

	transport     http.RoundTripper // nil: http.DefaultTransport when the call is made
	checkRedirect func(*http.Request, []*http.Request) error
	jar           http.CookieJar

	defaults        callConfig // per-call settings before CallOptions
	retryWaitMin    time.Duration
	retryWaitMax    time.Duration
	maxRetryAfter   time.Duration
	maxResponseSize int64
	wait            func(time.Duration) time.Duration // tests: observe and shorten waits
}

// credentials sits behind a pointer so that printing a Client with %v, %+v
// or %#v shows an address, never a secret.
type credentials struct {
	queryName  string // "apiKey" or "userId"; "" when none is set
	queryValue string
	query      string // queryName=queryValue, escaped once
	bearer     string // "Bearer <token>"; "" when no token is set
}

// config collects the options before NewClient builds the Client.
type config struct {
	baseURL            *url.URL
	sessionsBaseURL    *url.URL
	apiKey, userID     string
	sessionsToken      string
	userAgentSuffix    string
	httpClient         *http.Client
	timeout            time.Duration
	timeoutSet         bool
	retryMax           int
	retryWaitMin       time.Duration
	retryWaitMax       time.Duration
	maxRetryAfter      time.Duration
	maxResponseSize    int64
	retryNonIdempotent bool
	logger             *slog.Logger
	middleware         []Middleware
}

// NewClient returns a client configured by the options. Every option is
// validated here: a bad option is a *ValidationError naming it, now rather
// than a failed call later. Credentials are not required to build a
// client: calling a DM Champ endpoint without one is a *ValidationError.
func NewClient(opts ...Option) (*Client, error) {
	cfg, err := configure(opts)
	if err != nil {
		return nil, err
	}
	return newClient(cfg), nil
}

func configure(opts []Option) (*config, error) {
	base, _ := url.Parse(DefaultBaseURL)
	cfg := &config{
		baseURL:         base,
		timeout:         DefaultTimeout,
		retryMax:        DefaultRetryMax,
		retryWaitMin:    DefaultRetryWaitMin,
		retryWaitMax:    DefaultRetryWaitMax,
		maxRetryAfter:   DefaultMaxRetryAfter,
		maxResponseSize: DefaultMaxResponseSize,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(cfg); err != nil {
			return nil, err
		}
	}
	if cfg.apiKey != "" && cfg.userID != "" {
		return nil, invalid("WithUserID", "WithAPIKey and WithUserID are alternative credentials: set one")
	}
	return cfg, nil
}

// Environment variables read by NewClientFromEnv.
const (
	EnvAPIKey          = "DMCHAMP_API_KEY"
	EnvUserID          = "DMCHAMP_USER_ID"
	EnvBaseURL         = "DMCHAMP_BASE_URL"
	EnvSessionsBaseURL = "SESSIONS_BASE_URL"
	EnvSessionsToken   = "SESSIONS_TOKEN"
)

// NewClientFromEnv is NewClient with settings from the environment:
// DMCHAMP_API_KEY or DMCHAMP_USER_ID (the API key wins when both are set),
// DMCHAMP_BASE_URL, SESSIONS_BASE_URL and SESSIONS_TOKEN. Unset or empty
// variables are ignored. The options given win over the environment: a
// credential option replaces both credential variables.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	explicit, err := configure(opts)
	if err != nil {
		return nil, err
	}
	var env []Option
	if explicit.apiKey == "" && explicit.userID == "" {
		if k := os.Getenv(EnvAPIKey); k != "" {
			env = append(env, WithAPIKey(k))
		} else if id := os.Getenv(EnvUserID); id != "" {
			env = append(env, WithUserID(id))
		}
	}
	for _, v := range []struct {
		name string
		opt  func(string) Option
	}{{EnvBaseURL, WithBaseURL}, {EnvSessionsBaseURL, WithSessionsBaseURL}, {EnvSessionsToken, WithSessionsToken}} {
		if s := os.Getenv(v.name); s != "" {
			env = append(env, v.opt(s))
		}
	}
	cfg, err := configure(append(env, opts...))
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) && ve.Field != "" {
			ve.Reason += " (from the environment or the options)"
		}
		return nil, err
	}
	return newClient(cfg), nil
}

func newClient(cfg *config) *Client {
	c := &Client{
		dmchamp:         newOrigin(cfg.baseURL),
		sessions:        newOrigin(cfg.sessionsBaseURL),
		userAgent:       []string{userAgent(cfg.userAgentSuffix)},
		creds:           &credentials{},
		logger:          cfg.logger,
		middleware:      cfg.middleware,
		retryWaitMin:    cfg.retryWaitMin,
		retryWaitMax:    cfg.retryWaitMax,
		maxRetryAfter:   cfg.maxRetryAfter,
		maxResponseSize: cfg.maxResponseSize,
		defaults: callConfig{
			timeout:            cfg.timeout,
			retryMax:           cfg.retryMax,
			retryNonIdempotent: cfg.retryNonIdempotent,
		},
	}
	switch {
	case cfg.apiKey != "":
		c.creds.queryName, c.creds.queryValue = "apiKey", cfg.apiKey
	case cfg.userID != "":
		c.creds.queryName, c.creds.queryValue = "userId", cfg.userID
	}
	if c.creds.queryName != "" {
		c.creds.query = c.creds.queryName + "=" + url.QueryEscape(c.creds.queryValue)
	}
	if cfg.sessionsToken != "" {
		c.creds.bearer = "Bearer " + cfg.sessionsToken
	}
	c.redact = newRedactor(c.creds.queryValue, cfg.sessionsToken)

	if hc := cfg.httpClient; hc != nil {
		c.transport, c.checkRedirect, c.jar = hc.Transport, hc.CheckRedirect, hc.Jar
		if !cfg.timeoutSet && hc.Timeout > 0 {
			c.defaults.timeout = hc.Timeout
		}
	} else {
		c.transport = defaultTransport()
	}

	c.Contacts = &ContactsService{client: c}
	c.Tags = &TagsService{client: c}
	c.ChatSessions = &ChatSessionsService{client: c}
	c.ChatExports = &ChatExportsService{client: c}
	c.Summaries = &SummariesService{client: c}
	c.WhatsAppTemplates = &WhatsAppTemplatesService{client: c}
	c.WhatsAppWeb = &WhatsAppWebService{client: c}
	c.Messages = &MessagesService{client: c}
	c.SubAccounts = &SubAccountsService{client: c}
	c.Agency = &AgencyService{client: c}
	c.OTP = &OTPService{client: c}
	c.Sessions = &SessionsService{client: c}
	return c
}

// defaultTransport returns the transport of a client built without
// WithHTTPClient: a clone of http.DefaultTransport keeping up to 64 idle
// connections per host. When http.DefaultTransport has been replaced by
// something that is not an *http.Transport (httpmock.Activate, gock, a
// tracing agent), it is nil: the client then uses http.DefaultTransport as
// it is at each call.
func defaultTransport() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}

// CloseIdleConnections closes the idle connections of the client's HTTP
// transport, for example before a test checks for leaked goroutines. With a
// client given to WithHTTPClient, that is its transport's pool, shared with
// whatever else uses that transport (http.DefaultTransport when it has none).
// A failed call never closes them.
func (c *Client) CloseIdleConnections() {
	if t, ok := c.roundTripper().(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// roundTripper is the transport beneath the SDK's own layers.
func (c *Client) roundTripper() http.RoundTripper {
	if c.transport != nil {
		return c.transport
	}
	return http.DefaultTransport
}

func userAgent(suffix string) string {
	ua := "dmchamp-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if suffix != "" {
		ua += " " + suffix
	}
	return ua
}
