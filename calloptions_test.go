package dmchamp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithResponseInto(t *testing.T) {
	c, mt := setup(t)
	ok := httpmock.NewStringResponse(200, string(fixture(t, "chatsessions/recent.json")))
	ok.Header.Set("X-Request-Id", "req-7f3a")
	ok.Header.Set("X-Echo", "apiKey="+testAPIKey)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		httpmock.ResponderFromMultipleResponses([]*http.Response{httpmock.NewStringResponse(503, ""), ok}))

	var resp Response
	_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24}, WithResponseInto(&resp))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "req-7f3a", resp.RequestID)
	assert.Equal(t, 2, resp.Attempts)
	assert.Positive(t, resp.Duration)
	assert.Equal(t, "apiKey=REDACTED", resp.Header.Get("X-Echo"), "no credential in Response")
	assert.Equal(t, "apiKey="+testAPIKey, ok.Header.Get("X-Echo"), "the response's own headers are not changed")

	// On an error answer too.
	mt.RegisterResponder(http.MethodGet, testBaseURL+"/tags", httpmock.NewStringResponder(404, `{"success":false,"error":"Not found"}`).
		HeaderSet(http.Header{"Request-Id": {"req-404"}}))
	resp = Response{}
	_, err = c.Tags.List(t.Context(), WithResponseInto(&resp))
	require.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, Response{StatusCode: 404, Header: http.Header{"Request-Id": {"req-404"}}, RequestID: "req-404", Attempts: 1, Duration: resp.Duration}, resp)

	// No response at all: left unchanged.
	mt.RegisterResponder(http.MethodGet, testBaseURL+"/whatsapp-templates", httpmock.NewErrorResponder(errors.New("connection reset")))
	resp = Response{StatusCode: -1}
	_, err = c.WhatsAppTemplates.List(t.Context(), WithResponseInto(&resp), WithCallRetryMax(0))
	require.Error(t, err)
	assert.Equal(t, Response{StatusCode: -1}, resp)
}

func TestWithCallRetryMax(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		c, mt := setup(t)
		mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, status(503))
		var resp Response
		_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24}, WithCallRetryMax(n), WithResponseInto(&resp))
		require.ErrorIs(t, err, ErrServer)
		assert.Equal(t, n+1, mt.GetTotalCallCount())
		assert.Equal(t, n+1, resp.Attempts)
	}
}

func TestWithCallRetryNonIdempotent(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPost, testSessionsURL+"/sessions", httpmock.ResponderFromMultipleResponses([]*http.Response{
		httpmock.NewStringResponse(503, ""), httpmock.NewStringResponse(502, ""),
		httpmock.NewStringResponse(201, string(fixture(t, "sessions/create.json"))),
	}))
	in := &CreateSessionRequest{ChatbotID: chatbotID, ClientID: clientID}
	_, err := c.Sessions.Create(t.Context(), in, WithCallRetryNonIdempotent())
	require.NoError(t, err)
	assert.Equal(t, 3, mt.GetTotalCallCount())

	mt.Reset()
	mt.RegisterResponder(http.MethodPost, testSessionsURL+"/sessions", status(503))
	_, err = c.Sessions.Create(t.Context(), in)
	require.ErrorIs(t, err, ErrServer)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "the option held for its call only")
}

func TestWithCallTimeout(t *testing.T) {
	c, mt := setup(t, WithTimeout(time.Minute))
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, reply(t, 200, "chatsessions/recent.json").Delay(300*time.Millisecond))
	start := time.Now()
	_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24}, WithCallTimeout(20*time.Millisecond), WithCallRetryMax(1))
	var re *RequestError
	require.ErrorAs(t, err, &re)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 2, re.Attempts, "each attempt has its own time limit")
	assert.Less(t, time.Since(start), 250*time.Millisecond)

	_, err = c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err, "the client's timeout holds for the other calls")
}

func TestWithCallHeader(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, []string{"acme", "beta"}, req.Header.Values("X-Tenant"))
		assert.Equal(t, "application/json", req.Header.Get("Accept"), "the SDK's headers stay")
		return reply(t, 200, "chatsessions/recent.json")(req)
	})
	_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24},
		WithCallHeader("x-tenant", "acme"), WithCallHeader("X-Tenant", "beta"))
	require.NoError(t, err)

	for _, h := range [][2]string{
		{"Authorization", "Bearer x"}, {"proxy-authorization", "x"}, {"Cookie", "a=b"}, {"X-Api-Key", "k"},
		{"X-Auth-Token", "t"}, {"X-User-Id", "u"}, {"Host", "evil.example"}, {"Content-Length", "1"},
		{"Transfer-Encoding", "chunked"}, {"Bad Name", "v"}, {"", "v"}, {"X-Ok", "a\r\nX-Injected: 1"},
	} {
		_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24}, WithCallHeader(h[0], h[1]))
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%q", h)
		assert.Equal(t, "WithCallHeader", ve.Field)
	}
	assert.Equal(t, 1, mt.GetTotalCallCount(), "refused headers send nothing")
}

func TestCallOptionErrors(t *testing.T) {
	c, mt := setup(t)
	for _, opt := range []CallOption{WithResponseInto(nil), WithCallTimeout(-1), WithCallRetryMax(-1)} {
		_, err := c.Tags.List(t.Context(), opt)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
	}
	assert.Zero(t, mt.GetTotalCallCount())
	mt.RegisterResponder(http.MethodGet, testBaseURL+"/tags", reply(t, 200, "tags/list.json"))
	_, err := c.Tags.List(t.Context(), nil) // a nil option is ignored
	require.NoError(t, err)
}

// TestCallOptionsDoNotLeak runs calls with different options at the same
// time on one client: each request carries its own call's header and
// retry budget, never another's.
func TestCallOptionsDoNotLeak(t *testing.T) {
	c, mt := setup(t)
	var mu sync.Mutex
	sent := map[string]int{}
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		sent[req.Header.Get("X-Caller")]++
		mu.Unlock()
		return httpmock.NewStringResponse(503, ""), nil
	})
	const calls = 20
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var resp Response
			_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24},
				WithCallHeader("X-Caller", fmt.Sprint(i)), WithCallRetryMax(i%3), WithResponseInto(&resp))
			assert.ErrorIs(t, err, ErrServer)
			assert.Equal(t, i%3+1, resp.Attempts, "call %d", i)
		}()
	}
	wg.Wait()
	for i := range calls {
		assert.Equal(t, i%3+1, sent[fmt.Sprint(i)], "call %d", i)
	}
}
