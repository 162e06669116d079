package dmchamp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	sessionID = "66510f3ad2e4c5b6a7f80912"
	chatbotID = "6650e8a1c3f4b2a1d0e9f871"
	clientID  = "6650e9b7c3f4b2a1d0e9f8a2"
)

func TestSessionsCreate(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    testSessionsURL + "/sessions",
		body:   `{"chatbotId":"` + chatbotID + `","clientId":"` + clientID + `","title":"Weekly check-in"}`,
		header: bearer,
	}, reply(t, 201, "sessions/create.json"))

	got, err := c.Sessions.Create(t.Context(), &CreateSessionRequest{
		ChatbotID: chatbotID, ClientID: clientID, Title: "Weekly check-in",
	})
	require.NoError(t, err)
	assert.Equal(t, &Session{
		ID:        sessionID,
		Chatbot:   Ref{ID: chatbotID},
		Client:    Ref{ID: clientID},
		Title:     "Weekly check-in",
		StartTime: ts("2026-11-21T08:00:00.000Z"),
		Status:    SessionActive,
		Messages:  []SessionMessage{},
		CreatedAt: ts("2026-11-21T08:00:00.123Z"),
		UpdatedAt: ts("2026-11-21T08:00:00.123Z"),
	}, got)
}

func TestSessionsGetPopulated(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    testSessionsURL + "/sessions/" + sessionID,
		header: bearer,
	}, reply(t, 200, "sessions/get.json"))

	got, err := c.Sessions.Get(t.Context(), sessionID)
	require.NoError(t, err)

	// The populated objects are kept as sent.
	var raw struct {
		Data struct {
			ChatbotID json.RawMessage `json:"chatbotId"`
			ClientID  json.RawMessage `json:"clientId"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(fixture(t, "sessions/get.json"), &raw))
	assert.JSONEq(t, string(raw.Data.ChatbotID), string(got.Chatbot.Object))
	assert.JSONEq(t, string(raw.Data.ClientID), string(got.Client.Object))
	got.Chatbot.Object, got.Client.Object = nil, nil

	assert.Equal(t, &Session{
		ID:        sessionID,
		Chatbot:   Ref{ID: chatbotID, Name: "Julia – Nutrition Coach"},
		Client:    Ref{ID: clientID, Name: "Tom Becker"},
		Title:     "Weekly check-in",
		StartTime: ts("2026-11-21T08:00:00.000Z"),
		Status:    SessionActive,
		Messages: []SessionMessage{
			{
				ID:        "66510f80d2e4c5b6a7f80915",
				Role:      RoleUser,
				Content:   "I skipped breakfast twice this week, is that a problem?",
				Timestamp: ts("2026-11-21T08:01:12.480Z"),
			},
			{
				ID:        "66510f83d2e4c5b6a7f80918",
				Role:      RoleAssistant,
				Content:   "Skipping breakfast now and then is fine for most people. Did you notice being hungrier later in the day?",
				Timestamp: ts("2026-11-21T08:01:15.902Z"),
			},
		},
		Metadata:  map[string]any{"source": "web", "week": float64(47)},
		CreatedAt: ts("2026-11-21T08:00:00.123Z"),
		UpdatedAt: ts("2026-11-21T08:01:15.905Z"),
	}, got)
}

func TestSessionsUpdate(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPut,
		url:    testSessionsURL + "/sessions/" + sessionID,
		body: `{"title":"Week 47 check-in","status":"ACTIVE","endTime":"2026-11-21T09:00:00Z",
			"feedback":{"rating":4.5,"comment":"Very helpful tips"},"metadata":{"source":"web","week":47}}`,
		header: bearer,
	}, reply(t, 200, "sessions/update.json"))

	got, err := c.Sessions.Update(t.Context(), sessionID, &UpdateSessionRequest{
		Title:    Ptr("Week 47 check-in"),
		Status:   SessionActive,
		EndTime:  tsp("2026-11-21T09:00:00Z"),
		Feedback: &Feedback{Rating: 4.5, Comment: "Very helpful tips"},
		Metadata: map[string]any{"source": "web", "week": 47},
	})
	require.NoError(t, err)
	assert.Equal(t, "Week 47 check-in", got.Title)
	assert.Equal(t, &Feedback{Rating: 4.5, Comment: "Very helpful tips"}, got.Feedback)
	assert.Equal(t, ts("2026-11-21T08:20:31.007Z"), got.UpdatedAt)
	assert.Equal(t, Ref{ID: chatbotID}, got.Chatbot)
}

func TestSessionsUpdateEmptyTitle(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPut,
		url:    testSessionsURL + "/sessions/" + sessionID,
		body:   `{"title":""}`,
	}, reply(t, 200, "sessions/update.json"))

	_, err := c.Sessions.Update(t.Context(), sessionID, &UpdateSessionRequest{Title: Ptr("")})
	require.NoError(t, err)
}

func TestSessionsEnd(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    testSessionsURL + "/sessions/" + sessionID + "/end",
		header: bearer,
	}, reply(t, 200, "sessions/end.json"))

	got, err := c.Sessions.End(t.Context(), sessionID)
	require.NoError(t, err)
	assert.Equal(t, SessionCompleted, got.Status)
	assert.Equal(t, tsp("2026-11-21T08:32:10.551Z"), got.EndTime)
	assert.Equal(t, []SessionMessage{{
		ID: "665114e1d2e4c5b6a7f80930", Role: RoleUser,
		Content: "Thanks, that's all for today", Timestamp: ts("2026-11-21T08:31:58Z"),
	}}, got.Messages)
}

func TestSessionsAddMessage(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    testSessionsURL + "/sessions/message",
		query:  url.Values{"sessionId": {sessionID}},
		body:   `{"message":{"role":"user","content":"What should I eat before a morning run?"}}`,
		header: bearer,
	}, reply(t, 200, "sessions/add_message.json"))

	got, err := c.Sessions.AddMessage(t.Context(), sessionID, &SessionMessage{
		ID:      "ignored: the server assigns ids",
		Role:    RoleUser,
		Content: "What should I eat before a morning run?",
	})
	require.NoError(t, err)
	assert.Equal(t, []SessionMessage{{
		ID: "665110a6d2e4c5b6a7f8091c", Role: RoleUser,
		Content:   "What should I eat before a morning run?",
		Timestamp: ts("2026-11-21T08:05:42.318Z"),
	}}, got.Messages)
}

func TestSessionsAddMessageWithTimestamp(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    testSessionsURL + "/sessions/message",
		query:  url.Values{"sessionId": {sessionID}},
		body:   `{"message":{"role":"system","content":"","timestamp":"2026-11-21T08:05:00.25Z"}}`,
	}, reply(t, 200, "sessions/add_message.json"))

	_, err := c.Sessions.AddMessage(t.Context(), sessionID, &SessionMessage{
		Role: RoleSystem, Timestamp: ts("2026-11-21T08:05:00.250Z"),
	})
	require.NoError(t, err)
}

func TestSessionsChat(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    testSessionsURL + "/sessions/chat",
		query:  url.Values{"sessionId": {sessionID}},
		body:   `{"content":"What should I eat before a morning run?"}`,
		header: bearer,
	}, reply(t, 200, "sessions/chat.json"))

	got, err := c.Sessions.Chat(t.Context(), sessionID, "What should I eat before a morning run?")
	require.NoError(t, err)
	assert.Equal(t, &SessionMessage{
		ID:        "665110aad2e4c5b6a7f8091f",
		Role:      RoleAssistant,
		Content:   "A banana or a slice of toast with honey about 30 minutes before is plenty for an easy run. Keep water nearby.",
		Timestamp: ts("2026-11-21T08:05:46.904Z"),
	}, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestSessionsAsk(t *testing.T) {
	c, mt := setup(t)
	var order []string
	trace := func(name string, r httpmock.Responder) httpmock.Responder {
		return func(req *http.Request) (*http.Response, error) {
			order = append(order, name)
			return r(req)
		}
	}
	q := url.Values{"sessionId": {sessionID}}
	expect(t, mt, want{method: http.MethodPost, url: testSessionsURL + "/sessions/message", query: q,
		body: `{"message":{"role":"user","content":"What should I eat before a morning run?"}}`},
		trace("message", reply(t, 200, "sessions/add_message.json")))
	expect(t, mt, want{method: http.MethodPost, url: testSessionsURL + "/sessions/chat", query: q,
		body: `{"content":"What should I eat before a morning run?"}`},
		trace("chat", reply(t, 200, "sessions/chat.json")))

	got, err := c.Sessions.Ask(t.Context(), sessionID, "What should I eat before a morning run?")
	require.NoError(t, err)
	assert.Equal(t, RoleAssistant, got.Role)
	assert.Equal(t, "665110aad2e4c5b6a7f8091f", got.ID)
	assert.Equal(t, []string{"message", "chat"}, order)
}

func TestSessionsAskFailures(t *testing.T) {
	q := url.Values{"sessionId": {sessionID}}

	t.Run("add message fails: chat is not called", func(t *testing.T) {
		c, mt := setup(t)
		expect(t, mt, want{method: http.MethodPost, url: testSessionsURL + "/sessions/message", query: q,
			body: `{"message":{"role":"user","content":"hi"}}`}, reply(t, 500, "sessions/error_500_not_found.json"))
		_, err := c.Sessions.Ask(t.Context(), sessionID, "hi")
		assert.ErrorIs(t, err, ErrNotFound)
		var askErr *AskError
		require.ErrorAs(t, err, &askErr)
		assert.False(t, askErr.Stored)
		assert.NotContains(t, err.Error(), "stored")
		assert.Equal(t, 1, mt.GetTotalCallCount(), "a POST answered with 500 is sent once")
	})

	t.Run("chat fails after the message was stored", func(t *testing.T) {
		c, mt := setup(t)
		expect(t, mt, want{method: http.MethodPost, url: testSessionsURL + "/sessions/message", query: q,
			body: `{"message":{"role":"user","content":"hi"}}`}, reply(t, 200, "sessions/add_message.json"))
		expect(t, mt, want{method: http.MethodPost, url: testSessionsURL + "/sessions/chat", query: q,
			body: `{"content":"hi"}`}, jsonReply(502, `{"success":false,"message":"OpenAI request failed"}`))
		_, err := c.Sessions.Ask(t.Context(), sessionID, "hi")
		var askErr *AskError
		require.ErrorAs(t, err, &askErr)
		assert.True(t, askErr.Stored, "the message is stored, the reply missing")
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 502, apiErr.StatusCode)
		assert.ErrorIs(t, err, ErrServer)
		assert.Equal(t, "dmchamp: POST /api/sessions/chat: HTTP 502 Bad Gateway: OpenAI request failed (the user message was stored)", err.Error())
		assert.Equal(t, 2, mt.GetTotalCallCount())
	})
}

func TestSessionsList(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    testSessionsURL + "/sessions",
		query: url.Values{
			"searchString": {"check-in"},
			"status":       {"ACTIVE"},
			"chatbotId":    {chatbotID},
			"clientId":     {clientID},
			"startDate":    {"2026-11-01T00:00:00Z"},
			"endDate":      {"2026-11-30T23:59:59Z"},
			"limit":        {"2"},
		},
		header: bearer,
	}, reply(t, 200, "sessions/list_page1.json"))

	page, err := c.Sessions.List(t.Context(), &ListSessionsOptions{
		SearchString: "check-in",
		Status:       SessionActive,
		ChatbotID:    chatbotID,
		ClientID:     clientID,
		StartDate:    ts("2026-11-01T00:00:00Z"),
		EndDate:      ts("2026-11-30T23:59:59Z"),
		Limit:        2,
	})
	require.NoError(t, err)
	assert.True(t, page.HasMore)
	assert.Equal(t, PaginatorInfo{Count: 2, CurrentPage: 1, HasMorePages: true, LastPage: 2, Limit: 2, PerPage: 2, Total: 3}, page.PaginatorInfo)
	require.Len(t, page.Sessions, 2)
	s := page.Sessions[1]
	assert.Equal(t, "664f9c12d2e4c5b6a7f807aa", s.ID)
	assert.Equal(t, "Amara Okafor", s.Client.Name)
	assert.Equal(t, SessionCompleted, s.Status)
	assert.Equal(t, &Feedback{Rating: 5}, s.Feedback)
	assert.Equal(t, tsp("2026-11-20T16:02:44.120Z"), s.EndTime)
}

func TestSessionsListToolkitShape(t *testing.T) {
	c, mt := setup(t)
	// Nil options send no query: skip 0 and limit 10 are the server's defaults.
	expect(t, mt, want{
		method: http.MethodGet,
		url:    testSessionsURL + "/sessions",
		query:  url.Values{},
		header: bearer,
	}, reply(t, 200, "sessions/list_toolkit.json"))

	page, err := c.Sessions.List(t.Context(), nil)
	require.NoError(t, err)
	assert.False(t, page.HasMore)
	assert.Equal(t, PaginatorInfo{Skip: 0, Limit: 10, CurrentPage: 1, Pages: 1, TotalRecords: 1, PageSize: 1}, page.PaginatorInfo)
	require.Len(t, page.Sessions, 1)
	s := page.Sessions[0]
	assert.Equal(t, "664d10aad2e4c5b6a7f80500", s.ID, `"id" is accepted when "_id" is absent`)
	assert.Equal(t, Ref{ID: "6650e8b9c3f4b2a1d0e9f87c"}, s.Chatbot)
	assert.Equal(t, "6650ea02c3f4b2a1d0e9f8b5", s.Client.ID)
	assert.Equal(t, "Amara Okafor", s.Client.Name)
	assert.Equal(t, SessionScheduled, s.Status)
	assert.Nil(t, s.EndTime)
}

func TestSessionPageHasMore(t *testing.T) {
	cases := []struct {
		name string
		info PaginatorInfo
		n    int
		skip int
		want bool
	}{
		{"hasMorePages", PaginatorInfo{HasMorePages: true}, 2, 0, true},
		{"hasNextPage", PaginatorInfo{HasNextPage: true}, 2, 0, true},
		{"total left", PaginatorInfo{Total: 5}, 2, 2, true},
		{"totalRecords left", PaginatorInfo{TotalRecords: 5}, 2, 2, true},
		{"total reached", PaginatorInfo{Total: 4}, 2, 2, false},
		{"no information", PaginatorInfo{}, 2, 0, false},
		{"negative total", PaginatorInfo{Total: -4}, 2, 0, false},
		{"huge total", PaginatorInfo{Total: math.MaxInt}, 2, math.MaxInt - 1, false},
	}
	for _, tc := range cases {
		p := SessionPage{Sessions: make([]Session, tc.n), PaginatorInfo: tc.info}
		assert.Equal(t, tc.want, p.hasMore(tc.skip), tc.name)
	}
}

func TestSessionsAll(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodGet, url: testSessionsURL + "/sessions",
		query: url.Values{"limit": {"2"}, "status": {"ACTIVE"}}}, reply(t, 200, "sessions/list_page1.json"))
	expect(t, mt, want{method: http.MethodGet, url: testSessionsURL + "/sessions",
		query: url.Values{"limit": {"2"}, "status": {"ACTIVE"}, "skip": {"2"}}}, reply(t, 200, "sessions/list_page2.json"))

	opts := &ListSessionsOptions{Limit: 2, Status: SessionActive}
	seq := c.Sessions.All(t.Context(), opts)
	assert.Zero(t, mt.GetTotalCallCount(), "the iterator is lazy")
	opts.Limit = 99 // the iterator copied the options

	var ids []string
	for s, err := range seq {
		require.NoError(t, err)
		ids = append(ids, s.ID)
	}
	assert.Equal(t, []string{"66510f3ad2e4c5b6a7f80912", "664f9c12d2e4c5b6a7f807aa", "664e21f0d2e4c5b6a7f80611"}, ids)
	assert.Equal(t, 2, mt.GetTotalCallCount())
	assert.Equal(t, 99, opts.Limit)
	assert.Zero(t, opts.Skip, "the caller's options are not advanced")

	// Ranging again starts over from the copied options.
	mt.ZeroCallCounters()
	n := 0
	for range seq {
		n++
	}
	assert.Equal(t, 3, n)
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

func TestSessionsAllStops(t *testing.T) {
	page := func(ids []string, info string) string {
		results := []map[string]string{}
		for _, id := range ids {
			results = append(results, map[string]string{"_id": id, "status": "ACTIVE"})
		}
		b, _ := json.Marshal(results)
		return `{"success":true,"data":{"results":` + string(b) + `,"paginatorInfo":` + info + `}}`
	}

	t.Run("empty page", func(t *testing.T) {
		c, mt := setup(t)
		mt.RegisterResponderWithQuery(http.MethodGet, testSessionsURL+"/sessions", url.Values{},
			jsonReply(200, page([]string{"a", "b"}, `{"hasMorePages":true}`)))
		mt.RegisterResponderWithQuery(http.MethodGet, testSessionsURL+"/sessions", url.Values{"skip": {"2"}},
			jsonReply(200, page(nil, `{"hasMorePages":true}`)))
		n := 0
		for _, err := range c.Sessions.All(t.Context(), nil) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 2, n)
		assert.Equal(t, 2, mt.GetTotalCallCount())
	})

	t.Run("server ignores skip", func(t *testing.T) {
		c, mt := setup(t)
		mt.RegisterResponder(http.MethodGet, testSessionsURL+"/sessions",
			jsonReply(200, page([]string{"a", "b"}, `{"hasMorePages":true,"total":100}`)))
		var ids []string
		for s, err := range c.Sessions.All(t.Context(), nil) {
			require.NoError(t, err)
			ids = append(ids, s.ID)
		}
		assert.Equal(t, []string{"a", "b"}, ids, "the repeated page is not yielded")
		assert.Equal(t, 2, mt.GetTotalCallCount())
	})

	t.Run("total reached without flags", func(t *testing.T) {
		c, mt := setup(t)
		mt.RegisterResponderWithQuery(http.MethodGet, testSessionsURL+"/sessions", url.Values{"skip": {"5"}},
			jsonReply(200, page([]string{"f", "g"}, `{"skip":5,"totalRecords":9}`)))
		mt.RegisterResponderWithQuery(http.MethodGet, testSessionsURL+"/sessions", url.Values{"skip": {"7"}},
			jsonReply(200, page([]string{"h", "i"}, `{"skip":7,"totalRecords":9}`)))
		var ids []string
		for s, err := range c.Sessions.All(t.Context(), &ListSessionsOptions{Skip: 5}) {
			require.NoError(t, err)
			ids = append(ids, s.ID)
		}
		assert.Equal(t, []string{"f", "g", "h", "i"}, ids)
		assert.Equal(t, 2, mt.GetTotalCallCount())
	})

	t.Run("error is yielded once", func(t *testing.T) {
		c, mt := setup(t)
		mt.RegisterResponderWithQuery(http.MethodGet, testSessionsURL+"/sessions", url.Values{},
			jsonReply(200, page([]string{"a"}, `{"hasMorePages":true}`)))
		mt.RegisterResponderWithQuery(http.MethodGet, testSessionsURL+"/sessions", url.Values{"skip": {"1"}},
			reply(t, 401, "sessions/error_401.json"))
		var ids []string
		var errs []error
		for s, err := range c.Sessions.All(t.Context(), nil) {
			if err != nil {
				assert.Nil(t, s)
				errs = append(errs, err)
				continue
			}
			ids = append(ids, s.ID)
		}
		assert.Equal(t, []string{"a"}, ids)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrUnauthorized)
	})

	t.Run("break stops fetching", func(t *testing.T) {
		c, mt := setup(t)
		mt.RegisterResponderWithQuery(http.MethodGet, testSessionsURL+"/sessions", url.Values{},
			jsonReply(200, page([]string{"a", "b"}, `{"hasMorePages":true}`)))
		for range c.Sessions.All(t.Context(), nil) {
			break
		}
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}

func TestSessionsWithoutBaseURL(t *testing.T) {
	mt := httpmock.NewMockTransport()
	c, err := NewClient(WithHTTPClient(&http.Client{Transport: mt}), WithSessionsToken(testToken))
	require.NoError(t, err)
	_, err = c.Sessions.Get(t.Context(), sessionID)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "Session API base URL", ve.Field)
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestSessionsWithoutToken(t *testing.T) {
	// The token is optional: an HTTP client may authenticate with the
	// accessToken cookie instead.
	c, mt := setupBare(t)
	expect(t, mt, want{method: http.MethodGet, url: testSessionsURL + "/sessions/" + sessionID, header: noAuth},
		reply(t, 200, "sessions/get.json"))
	_, err := c.Sessions.Get(t.Context(), sessionID)
	require.NoError(t, err)
}

// TestTokenSurvivesATransportEditingHeaders: a transport beneath the
// client that edits a request's Authorization value in place (a recorder
// scrubbing it, say) does not change what the next request sends.
func TestTokenSurvivesATransportEditingHeaders(t *testing.T) {
	c, mt := setup(t)
	var seen []string
	mt.RegisterResponder(http.MethodGet, testSessionsURL+"/sessions/"+sessionID, func(req *http.Request) (*http.Response, error) {
		seen = append(seen, req.Header.Get("Authorization"))
		req.Header["Authorization"][0] = "REDACTED"
		return reply(t, 200, "sessions/get.json")(req)
	})
	for range 2 {
		_, err := c.Sessions.Get(t.Context(), sessionID)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"Bearer " + testToken, "Bearer " + testToken}, seen)
}

func TestRefJSON(t *testing.T) {
	var r Ref
	require.NoError(t, json.Unmarshal([]byte(`"abc"`), &r))
	assert.Equal(t, Ref{ID: "abc"}, r)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Equal(t, `"abc"`, string(b))

	require.NoError(t, json.Unmarshal([]byte(`{"_id":"x","name":"Julia","status":"ACTIVE"}`), &r))
	assert.Equal(t, "x", r.ID)
	assert.Equal(t, "Julia", r.Name)
	b, err = json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, `{"_id":"x","name":"Julia","status":"ACTIVE"}`, string(b))

	require.NoError(t, json.Unmarshal([]byte(`null`), &r))
	assert.Equal(t, Ref{}, r)

	assert.Error(t, json.Unmarshal([]byte(`42`), &r))
	assert.Error(t, json.Unmarshal([]byte(`["x"]`), &r))
}

func TestSessionJSONRoundTrip(t *testing.T) {
	var env struct{ Data Session }
	require.NoError(t, json.Unmarshal(fixture(t, "sessions/get.json"), &env))
	b, err := json.Marshal(env.Data)
	require.NoError(t, err)
	var again Session
	require.NoError(t, json.Unmarshal(b, &again))
	assert.Equal(t, env.Data, again)
	assert.Equal(t, time.UTC, again.StartTime.Location())
}

func TestSessionsPermanent500IsNotRetried(t *testing.T) {
	cases := []struct {
		fixture string
		calls   int
		target  error
	}{
		{"sessions/error_500_not_found.json", 1, ErrNotFound},
		{"sessions/error_500_cast.json", 1, ErrServer},
		{"sessions/error_400_zod.json", 1 + DefaultRetryMax, ErrServer}, // another 500 body: retried
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			c, mt := setup(t)
			mt.RegisterResponder(http.MethodGet, testSessionsURL+"/sessions/"+sessionID, reply(t, 500, tc.fixture))
			_, err := c.Sessions.Get(t.Context(), sessionID)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, string(fixture(t, tc.fixture)), string(apiErr.Body), "the body read to decide is kept")
			assert.ErrorIs(t, err, tc.target)
			assert.Equal(t, tc.calls, mt.GetTotalCallCount())
		})
	}
}

// onlyError ranges over seq and returns its one error, or an error that is
// no *ValidationError when seq yielded a value or more than one error.
func onlyError[T any](seq iter.Seq2[*T, error]) error {
	var errs []error
	for v, err := range seq {
		if v != nil || err == nil {
			return errors.New("a refused call yielded a value")
		}
		errs = append(errs, err)
	}
	if len(errs) != 1 {
		return fmt.Errorf("a refused call yielded %d errors", len(errs))
	}
	return errs[0]
}

// TestFailedCallsReturnNoResult checks that a call the server fails returns
// no result beside its *APIError.
func TestFailedCallsReturnNoResult(t *testing.T) {
	calls := map[string]func(ctx context.Context, c *Client) error{
		"SubAccounts.Get": func(ctx context.Context, c *Client) error { return noResult(c.SubAccounts.Get(ctx, subEmail)) },
		"SubAccounts.Create": func(ctx context.Context, c *Client) error {
			return noResult(c.SubAccounts.Create(ctx, validCreateSubAccountRequest()))
		},
		"SubAccounts.Delete": func(ctx context.Context, c *Client) error { return noResult(c.SubAccounts.Delete(ctx, subEmail)) },
		"SubAccounts.AddCredits": func(ctx context.Context, c *Client) error {
			return noResult(c.SubAccounts.AddCredits(ctx, &AddCreditsRequest{Email: subEmail, Amount: 500}))
		},
		"OTP.Generate": func(ctx context.Context, c *Client) error { return noResult(c.OTP.Generate(ctx, otpSecret)) },
		"ChatExports.Recent": func(ctx context.Context, c *Client) error {
			return noResult(c.ChatExports.Recent(ctx, &ChatExportOptions{Hours: 24}))
		},
		"ChatExports.RecentText": func(ctx context.Context, c *Client) error {
			return noResult(c.ChatExports.RecentText(ctx, &ChatExportOptions{Hours: 24}))
		},
		"Sessions.Create": func(ctx context.Context, c *Client) error {
			return noResult(c.Sessions.Create(ctx, &CreateSessionRequest{ChatbotID: chatbotID, ClientID: clientID}))
		},
		"Sessions.Get": func(ctx context.Context, c *Client) error { return noResult(c.Sessions.Get(ctx, sessionID)) },
		"Sessions.Update": func(ctx context.Context, c *Client) error {
			return noResult(c.Sessions.Update(ctx, sessionID, &UpdateSessionRequest{}))
		},
		"Sessions.End": func(ctx context.Context, c *Client) error { return noResult(c.Sessions.End(ctx, sessionID)) },
		"Sessions.AddMessage": func(ctx context.Context, c *Client) error {
			return noResult(c.Sessions.AddMessage(ctx, sessionID, &SessionMessage{Role: RoleUser}))
		},
		"Sessions.Chat": func(ctx context.Context, c *Client) error { return noResult(c.Sessions.Chat(ctx, sessionID, "hi")) },
		"Sessions.Ask":  func(ctx context.Context, c *Client) error { return noResult(c.Sessions.Ask(ctx, sessionID, "hi")) },
		"Sessions.List": func(ctx context.Context, c *Client) error { return noResult(c.Sessions.List(ctx, nil)) },
	}
	for name, call := range calls {
		c, mt := setup(t, WithRetryMax(0))
		mt.RegisterNoResponder(jsonReply(404, `{"success":false,"message":"Not found"}`))
		var ae *APIError
		assert.ErrorAs(t, call(t.Context(), c), &ae, name)
	}
}

// Calls of invalidCalls.
func sessionsUpdate(id string, r *UpdateSessionRequest) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.Sessions.Update(ctx, id, r)) }
}

func sessionsAddMessage(id string, m *SessionMessage) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.Sessions.AddMessage(ctx, id, m)) }
}

func sessionsList(o *ListSessionsOptions) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.Sessions.List(ctx, o)) }
}
