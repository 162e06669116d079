package dmchamptest_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var recentOpts = &dmchamp.RecentChatSessionsOptions{Hours: 24}

func TestFaultStatusThenRecovery(t *testing.T) {
	srv := newServer(t, dmchamptest.WithDemoData())
	c := newClient(t, srv)
	ctx := t.Context()

	// 2 x 503, then the route works: the SDK's retries get through in 3 calls.
	srv.Inject(http.MethodGet, "/v1/chat-sessions/recent", 2, dmchamptest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0"})
	recent, err := c.ChatSessions.Recent(ctx, recentOpts)
	require.NoError(t, err)
	assert.NotEmpty(t, recent.Sessions)
	assert.Len(t, srv.Requests(), 3)
	srv.ResetRequests()
	_, err = c.ChatSessions.Recent(ctx, recentOpts)
	require.NoError(t, err)
	assert.Len(t, srv.Requests(), 1, "the fault is used up")

	// More failures than retries: the last answer is the error.
	srv.Inject(http.MethodGet, "/v1/chat-sessions/recent", 3, dmchamptest.Fault{Status: http.StatusInternalServerError})
	_, err = c.ChatSessions.Recent(ctx, recentOpts)
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.Equal(t, 3, apiErr.Attempts)
	assert.Equal(t, 500, apiErr.Code, "the API's JSON error for the status")
	assert.Equal(t, "Internal Server Error", apiErr.Message)
	_, err = c.ChatSessions.Recent(ctx, recentOpts)
	require.NoError(t, err)

	// On the wire: the status, Retry-After and each API's error shape.
	srv.Inject(http.MethodGet, "/v1/tags", 1, dmchamptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "120"})
	r := raw(t, srv, "GET", "/v1/tags", key(srv), nil)
	assert.Equal(t, http.StatusTooManyRequests, r.Status)
	assert.Equal(t, "120", r.Header.Get("Retry-After"))
	assert.Equal(t, envelopeError(http.StatusTooManyRequests, "Too Many Requests"), r.JSON(t))
	assert.Equal(t, http.StatusOK, raw(t, srv, "GET", "/v1/tags", key(srv), nil).Status, "once only")

	srv.Inject(http.MethodGet, "/api/sessions", 1, dmchamptest.Fault{Status: http.StatusServiceUnavailable})
	r = raw(t, srv, "GET", "/api/sessions", nil, nil, bearer(srv)...)
	assert.Equal(t, http.StatusServiceUnavailable, r.Status)
	assert.Equal(t, map[string]any{"success": false, "message": "Service Unavailable"}, r.JSON(t))

	// A Retry-After longer than the SDK waits for ends the call at once.
	srv.ResetRequests()
	srv.Inject(http.MethodGet, "/v1/tags", 1, dmchamptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "120"})
	_, err = c.Tags.List(ctx)
	require.ErrorIs(t, err, dmchamp.ErrRateLimited)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 120*time.Second, apiErr.RetryAfter)
	assert.Len(t, srv.Requests(), 1)

	// Faults come before the credential check.
	srv.Inject("", "/v1/tags", 1, dmchamptest.Fault{Status: http.StatusBadGateway})
	assert.Equal(t, http.StatusBadGateway, raw(t, srv, "GET", "/v1/tags", nil, nil).Status)
	assert.Equal(t, http.StatusUnauthorized, raw(t, srv, "GET", "/v1/tags", nil, nil).Status)
}

func TestFaultPOSTIsSentOnce(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()

	srv.Inject(http.MethodPost, "/v1/contacts", 1, dmchamptest.Fault{Status: http.StatusInternalServerError})
	_, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+4915112345678"})
	assert.ErrorIs(t, err, dmchamp.ErrServer)
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 1, apiErr.Attempts)
	assert.Len(t, srv.Requests(), 1, "a POST that may have reached the server is not sent again")

	// The fault answered instead of the handler: nothing was created.
	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+4915112345678"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+4915112345678"})
	require.NoError(t, err)

	// Same for the Session API.
	bot, client := srv.AddChatbot("Julia", ""), srv.AddSessionClient("Tom", "tom@example.com")
	srv.ResetRequests()
	srv.Inject(http.MethodPost, "/api/sessions", 1, dmchamptest.Fault{Status: http.StatusServiceUnavailable})
	_, err = c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{ChatbotID: bot, ClientID: client})
	assert.ErrorIs(t, err, dmchamp.ErrServer)
	assert.Len(t, srv.Requests(), 1)
	page, err := c.Sessions.List(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, page.Sessions)
}

func TestFaultMatching(t *testing.T) {
	srv := newServer(t)
	get := func(path string) int {
		t.Helper()
		return raw(t, srv, "GET", path, key(srv, "hours", "1"), nil).Status
	}

	// A path ending in "*" matches by prefix.
	srv.Inject("GET", "/v1/chat-*", 0, dmchamptest.Fault{Status: http.StatusTeapot})
	assert.Equal(t, http.StatusTeapot, get("/v1/chat-sessions/recent"))
	assert.Equal(t, http.StatusTeapot, get("/v1/chat-exports/recent"))
	assert.Equal(t, http.StatusTeapot, get("/v1/chat-nothing"), "unknown routes too")
	assert.Equal(t, http.StatusOK, get("/v1/tags"))
	assert.Equal(t, http.StatusOK, get("/v1/whatsapp-templates"))
	srv.ClearFaults()
	assert.Equal(t, http.StatusOK, get("/v1/chat-sessions/recent"))

	// An exact path does not match its children or its parent.
	srv.Inject("GET", "/v1/contacts", 0, dmchamptest.Fault{Status: http.StatusTeapot})
	assert.Equal(t, http.StatusTeapot, get("/v1/contacts"))
	assert.Equal(t, http.StatusNotFound, get("/v1/contacts/tags/abc"))
	srv.ClearFaults()

	// The method matches in any case; another method does not match.
	srv.Inject("post", "/v1/tags", 0, dmchamptest.Fault{Status: http.StatusTeapot})
	assert.Equal(t, http.StatusOK, get("/v1/tags"))
	assert.Equal(t, http.StatusTeapot, raw(t, srv, "POST", "/v1/tags", key(srv), nil).Status)
	srv.ClearFaults()

	// An empty method or path matches any.
	srv.Inject("", "/v1/tags", 0, dmchamptest.Fault{Status: http.StatusTeapot})
	assert.Equal(t, http.StatusTeapot, get("/v1/tags"))
	assert.Equal(t, http.StatusTeapot, raw(t, srv, "DELETE", "/v1/tags", key(srv), nil).Status)
	srv.ClearFaults()
	srv.Inject("PUT", "", 0, dmchamptest.Fault{Status: http.StatusTeapot})
	assert.Equal(t, http.StatusTeapot, raw(t, srv, "PUT", "/api/sessions/0123456789abcdef01234567", nil, map[string]any{}).Status)
	assert.Equal(t, http.StatusTeapot, raw(t, srv, "PUT", "/v1/contacts/x", key(srv), map[string]any{}).Status)
	assert.Equal(t, http.StatusOK, get("/v1/tags"))
	srv.ClearFaults()
	srv.Inject("", "", 0, dmchamptest.Fault{Status: http.StatusTeapot})
	assert.Equal(t, http.StatusTeapot, get("/v1/tags"))
	assert.Equal(t, http.StatusTeapot, raw(t, srv, "GET", "/api/sessions", nil, nil).Status)
	assert.Equal(t, http.StatusTeapot, get("/anything"))
	srv.ClearFaults()

	// Faults apply in the order injected; only matching requests count.
	srv.Inject("GET", "/v1/tags", 1, dmchamptest.Fault{Status: http.StatusBadGateway})
	srv.Inject("GET", "/v1/*", 2, dmchamptest.Fault{Status: http.StatusServiceUnavailable})
	assert.Equal(t, http.StatusOK, raw(t, srv, "GET", "/api/sessions", nil, nil, bearer(srv)...).Status)
	assert.Equal(t, http.StatusServiceUnavailable, get("/v1/whatsapp-templates"))
	assert.Equal(t, http.StatusBadGateway, get("/v1/tags"))
	assert.Equal(t, http.StatusServiceUnavailable, get("/v1/tags"))
	assert.Equal(t, http.StatusOK, get("/v1/tags"))
	assert.Equal(t, http.StatusOK, get("/v1/whatsapp-templates"))
}

func TestFaultUntilCleared(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	srv.Inject("GET", "/v1/tags", 0, dmchamptest.Fault{Status: http.StatusServiceUnavailable})
	for range 5 {
		_, err := c.Tags.List(t.Context())
		assert.ErrorIs(t, err, dmchamp.ErrServer)
	}
	assert.Len(t, srv.Requests(), 15, "5 calls of 3 attempts, every one failed")
	srv.ClearFaults()
	_, err := c.Tags.List(t.Context())
	require.NoError(t, err)
}

func TestFaultBody(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, dmchamp.WithRetryMax(0))

	srv.Inject("GET", "/v1/tags", 1, dmchamptest.Fault{Status: http.StatusBadGateway, Body: dmchamptest.BadGatewayHTML})
	_, err := c.Tags.List(t.Context())
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
	assert.Equal(t, dmchamptest.BadGatewayHTML, string(apiErr.Body), "the proxy's page, whole")
	assert.Empty(t, apiErr.Message)
	assert.ErrorIs(t, err, dmchamp.ErrServer)

	srv.Inject("GET", "/v1/tags", 1, dmchamptest.Fault{Status: http.StatusBadGateway, Body: dmchamptest.BadGatewayHTML})
	r := raw(t, srv, "GET", "/v1/tags", key(srv), nil)
	assert.Equal(t, "text/html", r.Header.Get("Content-Type"))

	srv.Inject("GET", "/api/sessions", 1, dmchamptest.Fault{Status: http.StatusServiceUnavailable, Body: `{"success":false,"message":"Down for maintenance"}`})
	_, err = c.Sessions.List(t.Context(), nil)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Down for maintenance", apiErr.Message)
	r = raw(t, srv, "GET", "/api/sessions", nil, nil, bearer(srv)...)
	assert.Equal(t, http.StatusOK, r.Status)
}

func TestFaultTruncate(t *testing.T) {
	srv := newServer(t, dmchamptest.WithDemoData())
	c := newClient(t, srv)

	srv.Inject("GET", "/v1/chat-sessions/recent", 1, dmchamptest.Fault{Truncate: true})
	_, err := c.ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24, IncludeMessages: true})
	assert.ErrorIs(t, err, dmchamp.ErrInvalidResponse)
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusOK, apiErr.StatusCode)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	_, err = c.ChatSessions.Recent(t.Context(), recentOpts)
	require.NoError(t, err, "once only")

	// The raw client sees a body shorter than announced.
	srv.Inject("GET", "/v1/tags", 1, dmchamptest.Fault{Truncate: true})
	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL()+"/v1/tags?"+key(srv).Encode(), nil)
	require.NoError(t, err)
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	_, err = io.ReadAll(resp.Body)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)

	// A truncated error answer, and a truncated CSV report.
	srv.Inject("GET", "/v1/tags", 1, dmchamptest.Fault{Status: http.StatusBadRequest, Truncate: true})
	_, err = c.Tags.List(t.Context())
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	srv.Inject("GET", "/v1/agencies/usage/export", 1, dmchamptest.Fault{Truncate: true})
	var failed error
	for _, err := range c.Agency.UsageExport(t.Context(), nil) {
		if err != nil {
			failed = err
		}
	}
	assert.Error(t, failed, "a cut report is an error, not a short one")
}

func TestFaultDelay(t *testing.T) {
	t.Run("answers late", func(t *testing.T) {
		srv := newServer(t)
		c := newClient(t, srv)
		srv.Inject("GET", "/v1/tags", 1, dmchamptest.Fault{Delay: 15 * time.Millisecond})
		start := time.Now()
		_, err := c.Tags.List(t.Context())
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 15*time.Millisecond)
	})

	t.Run("per-attempt timeout", func(t *testing.T) {
		srv := newServer(t)
		c := newClient(t, srv, dmchamp.WithTimeout(50*time.Millisecond), dmchamp.WithRetryMax(0))
		srv.Inject("GET", "/v1/tags", 1, dmchamptest.Fault{Delay: time.Minute})
		start := time.Now()
		_, err := c.Tags.List(t.Context())
		var reqErr *dmchamp.RequestError
		require.ErrorAs(t, err, &reqErr)
		var netErr net.Error
		require.ErrorAs(t, err, &netErr)
		assert.True(t, netErr.Timeout())
		assert.Less(t, time.Since(start), 10*time.Second)

		// With a retry, the second attempt gets the normal answer (in time,
		// even on a busy machine).
		c = newClient(t, srv, dmchamp.WithTimeout(300*time.Millisecond), dmchamp.WithRetryMax(1))
		srv.Inject("GET", "/v1/tags", 1, dmchamptest.Fault{Delay: time.Minute})
		srv.ResetRequests()
		_, err = c.Tags.List(t.Context())
		require.NoError(t, err)
		assert.Len(t, srv.Requests(), 2)
	})

	t.Run("client cancellation", func(t *testing.T) {
		srv := dmchamptest.NewServer()
		c := newClient(t, srv)
		srv.Inject("GET", "/api/sessions", 0, dmchamptest.Fault{Delay: time.Minute})
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(20*time.Millisecond, cancel)
		start := time.Now()
		_, err := c.Sessions.List(ctx, nil)
		assert.ErrorIs(t, err, context.Canceled)
		var reqErr *dmchamp.RequestError
		assert.ErrorAs(t, err, &reqErr)
		assert.Less(t, time.Since(start), 10*time.Second)

		// The server stopped waiting too: Close waits for its handlers.
		start = time.Now()
		srv.Close()
		assert.Less(t, time.Since(start), 10*time.Second)
	})
}

func TestFaultDrop(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)

	srv.Inject("", "/v1/tags", 0, dmchamptest.Fault{Drop: true})
	_, err := c.Tags.List(t.Context())
	var reqErr *dmchamp.RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1+dmchamp.DefaultRetryMax, reqErr.Attempts, "a GET is retried")
	assert.Len(t, srv.Requests(), 3)

	srv.ResetRequests()
	srv.Inject("POST", "/v1/whatsapp-web/send", 1, dmchamptest.Fault{Drop: true})
	_, err = c.WhatsAppWeb.Send(t.Context(), "+14155550123", "Hello")
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1, reqErr.Attempts, "a POST that left is not retried")
	assert.Equal(t, 1000, srv.Credits(), "the dropped request was not handled")

	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL()+"/v1/tags", nil)
	require.NoError(t, err)
	_, err = srv.HTTPClient().Do(req)
	var urlErr *url.Error
	assert.True(t, errors.As(err, &urlErr), "no answer at all: %v", err)

	srv.ClearFaults()
	_, err = c.Tags.List(t.Context())
	require.NoError(t, err)
}
