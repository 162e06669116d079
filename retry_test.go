package dmchamp

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dialRefused is the error a transport returns when no connection was made.
var dialRefused = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}

// connReset is the error of a connection lost after the request was written.
var connReset = &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}

func status(code int) httpmock.Responder {
	return jsonReply(code, `{"success":false,"error":"`+http.StatusText(code)+`"}`)
}

func TestRetryIdempotent503Then200(t *testing.T) {
	c, mt := setup(t)
	waits := recordWaits(c)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		status(503).Then(status(503)).Then(reply(t, 200, "chatsessions/recent.json")))

	got, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	assert.Equal(t, 3, got.TotalSessions)
	assert.Equal(t, 3, mt.GetTotalCallCount())
	assert.Len(t, *waits, 2)
}

func TestRetryExhaustedReturnsLastAPIError(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		status(500).Then(status(500)).Then(jsonReply(503, `{"success":false,"error_code":503,"error":"Service unavailable"}`)))

	err := callRecent(t, c)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, "Service unavailable", apiErr.Message)
	assert.Equal(t, 3, apiErr.Attempts)
	assert.ErrorIs(t, err, ErrServer)
	assert.Equal(t, "dmchamp: GET /v1/chat-sessions/recent: HTTP 503 Service Unavailable (error_code 503): Service unavailable (after 3 attempts)", err.Error())
	assert.NotContains(t, err.Error(), "giving up")
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

func TestRetryStatuses(t *testing.T) {
	for code, retried := range map[int]bool{
		429: true, 500: true, 502: true, 503: true, 504: true,
		400: false, 401: false, 403: false, 404: false, 409: false, 501: false, 505: false,
	} {
		c, mt := setup(t)
		mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, status(code))
		_ = callRecent(t, c)
		want := 1
		if retried {
			want = 1 + DefaultRetryMax
		}
		assert.Equal(t, want, mt.GetTotalCallCount(), "status %d", code)
	}
}

func TestRetryPOSTIsSentOnce(t *testing.T) {
	for _, code := range []int{429, 500, 502, 503, 504} {
		c, mt := setup(t)
		mt.RegisterResponder(http.MethodPost, testSessionsURL+"/sessions", status(code))
		_, err := c.Sessions.Create(t.Context(), &CreateSessionRequest{ChatbotID: chatbotID, ClientID: clientID})
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, code, apiErr.StatusCode)
		assert.Equal(t, 1, apiErr.Attempts)
		assert.Equal(t, 1, mt.GetTotalCallCount(), "POST with %d", code)
	}
}

func TestRetryPOSTAfterConnectionLostIsNotRetried(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPost, testSessionsURL+"/sessions/chat", httpmock.NewErrorResponder(connReset))
	_, err := c.Sessions.Chat(t.Context(), sessionID, "hello")
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1, reqErr.Attempts)
	assert.ErrorIs(t, err, syscall.ECONNRESET)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestRetryPOSTWhenNeverConnected(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPost, testSessionsURL+"/sessions",
		httpmock.NewErrorResponder(dialRefused).Then(httpmock.NewErrorResponder(dialRefused)).
			Then(reply(t, 201, "sessions/create.json")))
	got, err := c.Sessions.Create(t.Context(), &CreateSessionRequest{ChatbotID: chatbotID, ClientID: clientID})
	require.NoError(t, err)
	assert.Equal(t, sessionID, got.ID)
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

func TestRetryDialErrorsExhausted(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, httpmock.NewErrorResponder(dialRefused))
	err := callRecent(t, c)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 3, reqErr.Attempts)
	var opErr *net.OpError
	assert.ErrorAs(t, err, &opErr)
	var urlErr *url.Error
	assert.ErrorAs(t, err, &urlErr)
	assert.Equal(t, "dmchamp: GET /v1/chat-sessions/recent: dial tcp: connection refused (after 3 attempts)", err.Error())
}

func TestRetryNonIdempotentOptIn(t *testing.T) {
	c, mt := setup(t, WithRetryNonIdempotent())
	mt.RegisterResponder(http.MethodPost, testSessionsURL+"/sessions",
		status(500).Then(httpmock.NewErrorResponder(connReset)).Then(reply(t, 201, "sessions/create.json")))
	_, err := c.Sessions.Create(t.Context(), &CreateSessionRequest{ChatbotID: chatbotID, ClientID: clientID})
	require.NoError(t, err)
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

func TestRetryPUTIsRetried(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPut, testSessionsURL+"/sessions/"+sessionID,
		status(502).Then(reply(t, 200, "sessions/update.json")))
	_, err := c.Sessions.Update(t.Context(), sessionID, &UpdateSessionRequest{Title: Ptr("x")})
	require.NoError(t, err)
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

func TestRetryMaxZero(t *testing.T) {
	c, mt := setup(t, WithRetryMax(0))
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, status(503))
	err := callRecent(t, c)
	assert.ErrorIs(t, err, ErrServer)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestRetryAfterHonoured(t *testing.T) {
	c, mt := setup(t)
	waits := recordWaits(c)
	date := time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		status(429).HeaderSet(http.Header{"Retry-After": {"7"}}).
			Then(status(503).HeaderSet(http.Header{"Retry-After": {date}})).
			Then(reply(t, 200, "chatsessions/recent.json")))

	require.NoError(t, callRecent(t, c))
	require.Len(t, *waits, 2)
	assert.Equal(t, 7*time.Second, (*waits)[0])
	assert.InDelta(t, 10*time.Second, (*waits)[1], float64(1500*time.Millisecond), "HTTP-date Retry-After")
}

func TestRetryAfterBeyondLimitStops(t *testing.T) {
	c, mt := setup(t, WithMaxRetryAfter(30*time.Second))
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		status(429).HeaderSet(http.Header{"Retry-After": {"120"}}))

	err := callRecent(t, c)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrRateLimited)
	assert.Equal(t, 120*time.Second, apiErr.RetryAfter)
	assert.Equal(t, 1, apiErr.Attempts)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestRetryAfterBeyondDeadlineStops(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		status(503).HeaderSet(http.Header{"Retry-After": {"20"}}))
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()

	_, err := c.ChatSessions.Recent(ctx, &RecentChatSessionsOptions{Hours: 24})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "the server's error, not a deadline error after waiting")
	assert.Equal(t, 20*time.Second, apiErr.RetryAfter)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	c, mt := setup(t, WithRetryWait(time.Hour, time.Hour))
	ctx, cancel := context.WithCancel(t.Context())
	c.wait = func(d time.Duration) time.Duration {
		cancel() // the wait has been decided: cancel while waiting
		return d
	}
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, status(503))

	start := time.Now()
	_, err := c.ChatSessions.Recent(ctx, &RecentChatSessionsOptions{Hours: 24})
	assert.Less(t, time.Since(start), time.Minute, "the hour-long wait was cut short")
	assert.ErrorIs(t, err, context.Canceled)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1, reqErr.Attempts)
	assert.Equal(t, "dmchamp: GET /v1/chat-sessions/recent: context canceled", err.Error())
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestContextDeadlineDuringBackoff(t *testing.T) {
	c, mt := setup(t, WithRetryWait(time.Hour, time.Hour))
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, status(500))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()

	_, err := c.ChatSessions.Recent(ctx, &RecentChatSessionsOptions{Hours: 24})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var reqErr *RequestError
	assert.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestContextAlreadyDone(t *testing.T) {
	c, mt := setup(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := callRecentCtx(ctx, c)
	assert.ErrorIs(t, err, context.Canceled)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Zero(t, reqErr.Attempts)
	assert.Zero(t, mt.GetTotalCallCount())
}

func callRecentCtx(ctx context.Context, c *Client) error {
	_, err := c.ChatSessions.Recent(ctx, &RecentChatSessionsOptions{Hours: 24})
	return err
}

func TestPerAttemptTimeout(t *testing.T) {
	c, mt := setup(t, WithTimeout(20*time.Millisecond))
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		reply(t, 200, "chatsessions/recent.json").Delay(time.Second).
			Then(reply(t, 200, "chatsessions/recent.json").Delay(time.Second)).
			Then(reply(t, 200, "chatsessions/recent.json")))

	require.NoError(t, callRecent(t, c), "the third attempt answers in time")
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

func TestPerAttemptTimeoutExhausted(t *testing.T) {
	c, mt := setup(t, WithTimeout(10*time.Millisecond), WithRetryMax(1))
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		reply(t, 200, "chatsessions/recent.json").Delay(time.Second))

	err := callRecent(t, c)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 2, reqErr.Attempts)
	var netErr net.Error
	require.ErrorAs(t, err, &netErr)
	assert.True(t, netErr.Timeout())
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestBackoff(t *testing.T) {
	lo, hi := 100*time.Millisecond, time.Second
	for attempt, floor := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		floor *= time.Millisecond
		for range 50 {
			d := jitteredBackoff(lo, hi, attempt)
			assert.GreaterOrEqual(t, d, floor, "attempt %d: never below lo·2^attempt", attempt)
			assert.LessOrEqual(t, d, min(floor*3/2, hi), "attempt %d: at most half more, never above hi", attempt)
		}
	}
	assert.Equal(t, hi, jitteredBackoff(lo, hi, 1000), "no overflow on a large attempt count")
	huge := time.Duration(1 << 62)
	assert.Equal(t, huge, jitteredBackoff(huge/4, huge, 3), "no overflow near the Duration limit")
	assert.Zero(t, jitteredBackoff(0, 0, 5))

	cl := &call{c: &Client{}, retryAfter: 3 * time.Second, hasRetryAfter: true}
	assert.Equal(t, 3*time.Second, cl.backoff(lo, hi, 0, nil), "Retry-After wins over the backoff")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"  5 ", 5 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"99999999999999999999", 0, false},
		{"9999999999999", maxRetryAfterSeconds * time.Second, true},
		{"Sat, 21 Nov 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Sat, 21 Nov 2026 11:00:00 GMT", 0, true},
	}
	for _, tc := range cases {
		got, ok := retryAfter(http.Header{"Retry-After": {tc.value}}, now)
		assert.Equal(t, tc.ok, ok, "%q", tc.value)
		assert.Equal(t, tc.want, got, "%q", tc.value)
	}
}

func TestNeverConnected(t *testing.T) {
	assert.True(t, neverConnected(&url.Error{Op: "Post", URL: "x", Err: dialRefused}))
	assert.True(t, neverConnected(&url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host"}}}))
	assert.False(t, neverConnected(&url.Error{Op: "Post", URL: "x", Err: connReset}))
	assert.False(t, neverConnected(io.ErrUnexpectedEOF))
	assert.False(t, neverConnected(errors.New(strings.Repeat("dial ", 3))))
}

func TestRetryPOSTNotResentAfterARedirect(t *testing.T) {
	// The server answered (and may have acted) before the redirect target
	// refused the connection: the POST must not go again.
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPost, testSessionsURL+"/sessions",
		httpmock.NewStringResponder(http.StatusSeeOther, "").HeaderSet(http.Header{"Location": {"https://elsewhere.test/done"}}))
	mt.RegisterResponder(http.MethodGet, "https://elsewhere.test/done", httpmock.NewErrorResponder(dialRefused))

	_, err := c.Sessions.Create(t.Context(), &CreateSessionRequest{ChatbotID: chatbotID, ClientID: clientID})
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1, reqErr.Attempts)
	assert.Equal(t, 2, mt.GetTotalCallCount(), "the POST and the redirect, once each")
}
