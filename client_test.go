package dmchamp

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClientDefaults(t *testing.T) {
	c, err := NewClient()
	require.NoError(t, err)
	assert.Equal(t, DefaultBaseURL, c.dmchamp.url.String())
	assert.Nil(t, c.sessions.url)
	assert.Equal(t, "dmchamp-go/"+Version+" ("+runtime.Version()+"; "+runtime.GOOS+"/"+runtime.GOARCH+")", c.userAgent[0])
	assert.Equal(t, DefaultRetryMax, c.defaults.retryMax)
	assert.Equal(t, DefaultRetryWaitMin, c.retryWaitMin)
	assert.Equal(t, DefaultRetryWaitMax, c.retryWaitMax)
	assert.Equal(t, DefaultTimeout, c.defaults.timeout)
	assert.Equal(t, DefaultMaxRetryAfter, c.maxRetryAfter)
	assert.Equal(t, int64(DefaultMaxResponseSize), c.maxResponseSize)
	assert.NotNil(t, c.ChatSessions)
	assert.NotNil(t, c.Sessions)
}

func TestNewClientOptions(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	c, err := NewClient(
		WithBaseURL("http://localhost:8080/v1/"),
		WithSessionsBaseURL("https://coach.example.com/api"),
		WithUserAgent("acme-crm/2.1"),
		WithTimeout(5*time.Second),
		WithRetryMax(4),
		WithRetryWait(time.Millisecond, 2*time.Second),
		WithMaxRetryAfter(time.Minute),
		WithLogger(logger),
		WithRetryNonIdempotent(),
		nil, // ignored
	)
	require.NoError(t, err)
	assert.Equal(t, "http://localhost:8080/v1", c.dmchamp.url.String(), "trailing slash removed")
	assert.Equal(t, "https://coach.example.com/api", c.sessions.url.String())
	assert.True(t, strings.HasSuffix(c.userAgent[0], ") acme-crm/2.1"), c.userAgent)
	assert.Equal(t, 5*time.Second, c.defaults.timeout)
	assert.Equal(t, 4, c.defaults.retryMax)
	assert.Equal(t, time.Millisecond, c.retryWaitMin)
	assert.Equal(t, 2*time.Second, c.retryWaitMax)
	assert.Equal(t, time.Minute, c.maxRetryAfter)
	assert.Same(t, logger, c.logger)
	assert.True(t, c.defaults.retryNonIdempotent)
}

func TestNewClientOptionErrors(t *testing.T) {
	cases := []struct {
		name   string
		opt    Option
		field  string // the option's name
		reason string
	}{
		{"empty API key", WithAPIKey(""), "WithAPIKey", "must not be empty"},
		{"API key with newline", WithAPIKey(testAPIKey + "\n"), "WithAPIKey", "contains white space or control characters"},
		{"empty user ID", WithUserID(""), "WithUserID", "must not be empty"},
		{"empty token", WithSessionsToken(""), "WithSessionsToken", "must not be empty"},
		{"token with Bearer prefix", WithSessionsToken("Bearer " + testToken), "WithSessionsToken", "contains white space or control characters"},
		{"relative base URL", WithBaseURL("/v1"), "WithBaseURL", "must be an http or https URL"},
		{"ftp base URL", WithBaseURL("ftp://api.dmchamp.com/v1"), "WithBaseURL", "must be an http or https URL"},
		{"base URL without host", WithBaseURL("https:///v1"), "WithBaseURL", "has no host"},
		{"base URL with user info", WithBaseURL("https://user:" + testAPIKey + "@api.dmchamp.com/v1"), "WithBaseURL", "must not carry user info: use the credential options"},
		{"base URL with query", WithBaseURL("https://api.dmchamp.com/v1?apiKey=" + testAPIKey), "WithBaseURL", "must not have a query or fragment"},
		{"unparsable base URL", WithBaseURL("https://api.dmchamp.com/%zz" + testAPIKey), "WithBaseURL", "not a valid URL"},
		{"sessions URL", WithSessionsBaseURL("coach.example.com/api"), "WithSessionsBaseURL", "must be an http or https URL"},
		{"nil HTTP client", WithHTTPClient(nil), "WithHTTPClient", "client must not be nil"},
		{"empty user agent", WithUserAgent(" "), "WithUserAgent", "product must be non-empty printable text"},
		{"user agent with newline", WithUserAgent("a\r\nX-Evil: 1"), "WithUserAgent", "product must be non-empty printable text"},
		{"negative timeout", WithTimeout(-time.Second), "WithTimeout", "-1s is negative"},
		{"negative retry max", WithRetryMax(-1), "WithRetryMax", "-1 is negative"},
		{"retry wait min above max", WithRetryWait(2*time.Second, time.Second), "WithRetryWait", "need 0 <= min <= max, got 2s and 1s"},
		{"negative retry wait", WithRetryWait(-1, time.Second), "WithRetryWait", "need 0 <= min <= max, got -1ns and 1s"},
		{"negative max retry after", WithMaxRetryAfter(-1), "WithMaxRetryAfter", "-1ns is negative"},
		{"zero max response size", WithMaxResponseSize(0), "WithMaxResponseSize", "must be at least 1 byte, got 0"},
		{"nil logger", WithLogger(nil), "WithLogger", "logger must not be nil"},
		{"nil middleware", WithMiddleware(nil), "WithMiddleware", "middleware must not be nil"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(tc.opt)
			assert.Nil(t, c)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, &ValidationError{Field: tc.field, Reason: tc.reason}, ve)
			assert.EqualError(t, err, "dmchamp: invalid "+tc.field+": "+tc.reason)
			for _, s := range testSecrets {
				assert.NotContains(t, err.Error(), s, "an option error never echoes a credential")
			}
		})
	}
}

func TestNewClientBothCredentials(t *testing.T) {
	_, err := NewClient(WithAPIKey(testAPIKey), WithUserID(testUserID))
	assert.EqualError(t, err, "dmchamp: invalid WithUserID: WithAPIKey and WithUserID are alternative credentials: set one")
}

func TestWithHTTPClientIsCopied(t *testing.T) {
	mt := httpmock.NewMockTransport()
	jar := &cookieJar{}
	hc := &http.Client{Transport: mt, Timeout: 7 * time.Second, Jar: jar}
	c, err := NewClient(WithHTTPClient(hc))
	require.NoError(t, err)
	assert.Same(t, mt, hc.Transport, "the caller's client is not modified")
	assert.Equal(t, 7*time.Second, c.defaults.timeout, "the caller's timeout is the per-attempt timeout")
	assert.Same(t, jar, c.jar)
	assert.Same(t, mt, c.transport)

	c, err = NewClient(WithHTTPClient(hc), WithTimeout(time.Second))
	require.NoError(t, err)
	assert.Equal(t, time.Second, c.defaults.timeout, "WithTimeout wins")

	c, err = NewClient(WithHTTPClient(&http.Client{}))
	require.NoError(t, err)
	assert.Equal(t, DefaultTimeout, c.defaults.timeout, "a client without timeout gets the default")
	assert.Same(t, http.DefaultTransport, c.roundTripper())
}

type cookieJar struct{ http.CookieJar }

func TestCallWithoutCredential(t *testing.T) {
	c, mt := setupBare(t)
	_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "credentials", ve.Field)
	assert.EqualError(t, err, "dmchamp: invalid credentials: no API key or user ID: use WithAPIKey or WithUserID")
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestCredentialGoesOnlyToItsHost(t *testing.T) {
	// Both APIs on one host with different prefixes: each request carries
	// only its own API's credential.
	c, mt := setupBare(t,
		WithAPIKey(testAPIKey), WithSessionsToken(testToken),
		WithBaseURL("https://shared.test/v1"), WithSessionsBaseURL("https://shared.test/api"))
	expect(t, mt, want{method: http.MethodGet, url: "https://shared.test/v1/chat-sessions/recent",
		query: withKey(url.Values{"hours": {"24"}}), header: noAuth}, reply(t, 200, "chatsessions/recent.json"))
	expect(t, mt, want{method: http.MethodGet, url: "https://shared.test/api/sessions/" + sessionID,
		query: url.Values{}, header: bearer}, reply(t, 200, "sessions/get.json"))

	_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	_, err = c.Sessions.Get(t.Context(), sessionID)
	require.NoError(t, err)
}

func TestRedirectToAnotherHostGetsNoCredential(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		httpmock.NewStringResponder(http.StatusFound, "").
			HeaderSet(http.Header{"Location": {"https://elsewhere.test/collect?hours=24"}}))
	mt.RegisterResponderWithQuery(http.MethodGet, testSessionsURL+"/sessions/"+sessionID, url.Values{},
		httpmock.NewStringResponder(http.StatusTemporaryRedirect, "").
			HeaderSet(http.Header{"Location": {"https://elsewhere.test/session"}}))

	var seen []*http.Request
	mt.RegisterResponder(http.MethodGet, `=~^https://elsewhere\.test/`, func(req *http.Request) (*http.Response, error) {
		seen = append(seen, req)
		return httpmock.NewStringResponse(200, `{"success":true,"data":{}}`), nil
	})

	_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	_, err = c.Sessions.Get(t.Context(), sessionID)
	require.NoError(t, err)

	require.Len(t, seen, 2)
	for _, req := range seen {
		assert.Empty(t, req.URL.Query().Get("apiKey"), req.URL.Path)
		assert.NotContains(t, req.URL.String(), testAPIKey)
		assert.Empty(t, req.Header.Get("Authorization"), req.URL.Path)
	}
}

func TestResponseRequestIsCredentialFree(t *testing.T) {
	_, mt := setup(t)
	var seen *http.Request
	mt.RegisterResponder(http.MethodGet, recentURL, func(req *http.Request) (*http.Response, error) {
		seen = req
		assert.Contains(t, req.URL.RawQuery, "apiKey=")
		return reply(t, 200, "chatsessions/recent.json")(req)
	})
	var first *http.Request
	c, err := NewClient(WithAPIKey(testAPIKey), WithBaseURL(testBaseURL), WithRetryWait(0, 0),
		WithHTTPClient(&http.Client{Transport: mt}),
		WithMiddleware(func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			resp, err := next(req)
			first = resp.Request
			return resp, err
		}))
	require.NoError(t, err)
	_, err = c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	require.NotNil(t, seen)
	// The transport returns the request it was asked for, not the
	// credential-bearing copy it sent.
	assert.NotSame(t, seen, first)
	assert.NotContains(t, first.URL.String(), testAPIKey)
}

func TestUserAgentSent(t *testing.T) {
	c, mt := setup(t, WithUserAgent("acme-crm/2.1"))
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, c.userAgent[0], req.Header.Get("User-Agent"))
		assert.True(t, strings.HasSuffix(req.Header.Get("User-Agent"), " acme-crm/2.1"))
		return httpmock.NewStringResponse(200, string(fixture(t, "chatsessions/recent.json"))), nil
	})
	require.NoError(t, callRecent(t, c))
}

func TestPathParam(t *testing.T) {
	for in, out := range map[string]string{
		"abc":     "abc",
		"a/b":     "a%2Fb",
		"a b?c#d": "a%20b%3Fc%23d",
		"..a":     "..a",
		"a..":     "a..",
		"%2F":     "%252F",
		"ünï":     "%C3%BCn%C3%AF",
	} {
		got, err := pathParam("id", in)
		require.NoError(t, err, in)
		assert.Equal(t, out, got, in)
	}
	for _, in := range []string{"", ".", ".."} {
		_, err := pathParam("id", in)
		var ve *ValidationError
		assert.ErrorAs(t, err, &ve, in)
	}
}

func TestConcurrentUse(t *testing.T) {
	c, mt := setup(t)
	// No t.Fatal from other goroutines: answer unknown routes with an error.
	mt.RegisterNoResponder(httpmock.NewStringResponder(599, "unexpected request"))
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, reply(t, 200, "chatsessions/recent.json"))
	mt.RegisterResponder(http.MethodGet, testSessionsURL+"/sessions/"+sessionID, reply(t, 200, "sessions/get.json"))

	errs := make(chan error, 64)
	for i := range 64 {
		go func() {
			var err error
			if i%2 == 0 {
				_, err = c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
			} else {
				_, err = c.Sessions.Get(t.Context(), sessionID)
			}
			errs <- err
		}()
	}
	for range 64 {
		assert.NoError(t, <-errs)
	}
	assert.Equal(t, 64, mt.GetTotalCallCount())
}

func TestCloseIdleConnections(t *testing.T) {
	body := fixture(t, "chatsessions/recent.json")
	closed := make(chan struct{}, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(body)
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateClosed {
			closed <- struct{}{}
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL+"/v1"), WithAPIKey(testAPIKey))
	require.NoError(t, err)

	require.NoError(t, callRecent(t, c))
	select {
	case <-closed:
		t.Fatal("the connection closed before CloseIdleConnections")
	default:
	}
	c.CloseIdleConnections()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("the idle connection was not closed")
	}

	// A caller's transport without CloseIdleConnections is left alone.
	c, err = NewClient(WithHTTPClient(&http.Client{Transport: httpmock.NewMockTransport()}))
	require.NoError(t, err)
	assert.NotPanics(t, c.CloseIdleConnections)
}

func TestNewClientFromEnv(t *testing.T) {
	t.Setenv(EnvAPIKey, testAPIKey)
	t.Setenv(EnvUserID, testUserID)
	t.Setenv(EnvBaseURL, "https://env.dmchamp.test/v1")
	t.Setenv(EnvSessionsBaseURL, "https://env-coach.test/api")
	t.Setenv(EnvSessionsToken, testToken)

	c, err := NewClientFromEnv()
	require.NoError(t, err)
	assert.Equal(t, "apiKey", c.creds.queryName, "the API key wins over the user ID")
	assert.Equal(t, testAPIKey, c.creds.queryValue)
	assert.Equal(t, "https://env.dmchamp.test/v1", c.dmchamp.url.String())
	assert.Equal(t, "https://env-coach.test/api", c.sessions.url.String())
	assert.Equal(t, "Bearer "+testToken, c.creds.bearer)

	// Explicit options win, a credential option over both variables.
	c, err = NewClientFromEnv(WithUserID("explicit-user"), WithBaseURL("https://explicit.test/v1"))
	require.NoError(t, err)
	assert.Equal(t, "userId", c.creds.queryName)
	assert.Equal(t, "explicit-user", c.creds.queryValue)
	assert.Equal(t, "https://explicit.test/v1", c.dmchamp.url.String())

	t.Setenv(EnvAPIKey, "")
	c, err = NewClientFromEnv()
	require.NoError(t, err)
	assert.Equal(t, "userId", c.creds.queryName, "the user ID when no key is set")

	t.Setenv(EnvBaseURL, "ftp://bad")
	_, err = NewClientFromEnv()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "WithBaseURL", ve.Field)
	assert.NotContains(t, err.Error(), testUserID)
}

// httpmock.Activate, gock and tracing agents replace http.DefaultTransport
// with something that is not an *http.Transport: the client then uses it as
// it is.
func TestNewClientWithReplacedDefaultTransport(t *testing.T) {
	orig := http.DefaultTransport
	mt := httpmock.NewMockTransport()
	http.DefaultTransport = mt
	t.Cleanup(func() { http.DefaultTransport = orig })

	var c *Client
	require.NotPanics(t, func() {
		var err error
		c, err = NewClient(WithAPIKey(testAPIKey), WithBaseURL(testBaseURL))
		require.NoError(t, err)
	})
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, reply(t, 200, "chatsessions/recent.json"))
	_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "the replaced transport served the call")
}
