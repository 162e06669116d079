package dmchamp

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is the DM Champ API base URL.
const DefaultBaseURL = "https://api.dmchamp.com/v1"

// Defaults applied by NewClient.
const (
	DefaultTimeout       = 60 * time.Second // per attempt
	DefaultRetryMax      = 2                // retries after the first attempt
	DefaultRetryWaitMin  = 500 * time.Millisecond
	DefaultRetryWaitMax  = 8 * time.Second
	DefaultMaxRetryAfter = 30 * time.Second
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

	baseURL         *url.URL
	sessionsBaseURL *url.URL // nil until WithSessionsBaseURL
	userAgent       string
	creds           *credentials
	redact          *redactor
	logger          *slog.Logger // nil: no logging
	http            *retryablehttp.Client

	retryNonIdempotent bool
	maxRetryAfter      time.Duration
}

// credentials sits behind a pointer so that printing a Client with %v, %+v
// or %#v shows an address, never a secret.
type credentials struct {
	queryName  string // "apiKey" or "userId"; "" when none is set
	queryValue string
	token      string // Session API bearer token
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
	retryNonIdempotent bool
	logger             *slog.Logger
}

// NewClient returns a client configured by the options. Every option is
// validated here, so a bad option is an error now rather than a failed call
// later. Credentials are not required to build a client: calling a DM Champ
// endpoint without one is a *ValidationError.
func NewClient(opts ...Option) (*Client, error) {
	base, _ := url.Parse(DefaultBaseURL)
	cfg := config{
		baseURL:       base,
		timeout:       DefaultTimeout,
		retryMax:      DefaultRetryMax,
		retryWaitMin:  DefaultRetryWaitMin,
		retryWaitMax:  DefaultRetryWaitMax,
		maxRetryAfter: DefaultMaxRetryAfter,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.apiKey != "" && cfg.userID != "" {
		return nil, errors.New("dmchamp: WithAPIKey and WithUserID are alternative credentials: set one")
	}

	c := &Client{
		baseURL:            cfg.baseURL,
		sessionsBaseURL:    cfg.sessionsBaseURL,
		userAgent:          userAgent(cfg.userAgentSuffix),
		creds:              &credentials{token: cfg.sessionsToken},
		logger:             cfg.logger,
		retryNonIdempotent: cfg.retryNonIdempotent,
		maxRetryAfter:      cfg.maxRetryAfter,
	}
	switch {
	case cfg.apiKey != "":
		c.creds.queryName, c.creds.queryValue = "apiKey", cfg.apiKey
	case cfg.userID != "":
		c.creds.queryName, c.creds.queryValue = "userId", cfg.userID
	}
	c.redact = newRedactor(c.creds.queryValue, c.creds.token)

	c.http = &retryablehttp.Client{
		HTTPClient:   c.httpClient(cfg),
		Logger:       nil, // it would log full URLs; the SDK logs metadata itself
		RetryWaitMin: cfg.retryWaitMin,
		RetryWaitMax: cfg.retryWaitMax,
		RetryMax:     cfg.retryMax,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
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
	return c, nil
}

// CloseIdleConnections closes the idle connections of the client's HTTP
// transport, for example before a test checks for leaked goroutines. With a
// client given to WithHTTPClient, that is its transport's pool, shared with
// whatever else uses that transport (http.DefaultTransport when it has none).
func (c *Client) CloseIdleConnections() {
	if t, ok := c.http.HTTPClient.Transport.(*transport).base.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// httpClient returns the client used for each attempt: a shallow copy of the
// caller's client (or a pooled default) whose transport adds credentials.
func (c *Client) httpClient(cfg config) *http.Client {
	var hc http.Client
	if cfg.httpClient != nil {
		hc = *cfg.httpClient
	}
	base := hc.Transport
	if base == nil {
		if cfg.httpClient != nil {
			base = http.DefaultTransport
		} else {
			t := http.DefaultTransport.(*http.Transport).Clone()
			t.MaxIdleConnsPerHost = 64
			base = t
		}
	}
	hc.Transport = &transport{base: base, client: c}
	if cfg.timeoutSet || cfg.httpClient == nil || hc.Timeout == 0 {
		hc.Timeout = cfg.timeout
	}
	return &hc
}

func userAgent(suffix string) string {
	ua := "dmchamp-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if suffix != "" {
		ua += " " + suffix
	}
	return ua
}
