package dmchamptest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var objectIDRE = regexp.MustCompile(`^[0-9a-f]{24}$`)

// serverError checks a Session API 500 as its backend sends a thrown error.
func serverError(t *testing.T, err error, msg string) {
	t.Helper()
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.Equal(t, msg, apiErr.Message)
	if strings.HasSuffix(msg, "not found") {
		assert.ErrorIs(t, err, dmchamp.ErrNotFound, "a 500 ending in \"not found\" is ErrNotFound for the Session API")
	}
}

func TestSessionsLifecycle(t *testing.T) {
	clk := newClock(now)
	srv := dmchamptest.NewServer(dmchamptest.WithClock(clk.Now))
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	ctx := t.Context()
	bot := srv.AddChatbot("Julia – Nutrition Coach", "Helps clients plan balanced meals")
	client := srv.AddSessionClient("Tom Becker", "tom@example.com")
	assert.Regexp(t, objectIDRE, bot)
	assert.Regexp(t, objectIDRE, client)

	// Create: bare ids, ACTIVE, dated by the clock.
	s, err := c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{ChatbotID: bot, ClientID: client, Title: "Weekly check-in"})
	require.NoError(t, err)
	assert.Regexp(t, objectIDRE, s.ID)
	assert.Equal(t, dmchamp.Ref{ID: bot}, s.Chatbot)
	assert.Equal(t, dmchamp.Ref{ID: client}, s.Client)
	assert.Equal(t, "Weekly check-in", s.Title)
	assert.Equal(t, dmchamp.SessionActive, s.Status)
	assert.Equal(t, now, s.StartTime)
	assert.Equal(t, now, s.CreatedAt)
	assert.Nil(t, s.EndTime)
	assert.Empty(t, s.Messages)

	r := raw(t, srv, "POST", "/api/sessions", nil, map[string]any{"chatbotId": bot, "clientId": client}, bearer(srv)...)
	require.Equal(t, http.StatusCreated, r.Status)
	body := r.Object(t)
	assert.Equal(t, true, body["success"])
	assert.Equal(t, "Session created successfully", body["message"])
	data := body["data"].(map[string]any)
	assert.Regexp(t, objectIDRE, data["_id"], "_id, not id")
	assert.NotContains(t, data, "id")
	assert.Equal(t, bot, data["chatbotId"])
	assert.Equal(t, float64(0), data["__v"])
	assert.Equal(t, "2026-11-21T12:00:00.000Z", data["startTime"], "JavaScript's Date#toJSON")
	assert.NotContains(t, data, "title")
	assert.NotContains(t, data, "endTime")

	// Unknown chatbot or client: the backend's thrown error, HTTP 500.
	_, err = c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{ChatbotID: "0123456789abcdef01234567", ClientID: client})
	serverError(t, err, "Chatbot or client not found")
	_, err = c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{ChatbotID: bot, ClientID: "0123456789abcdef01234567"})
	serverError(t, err, "Chatbot or client not found")
	r = raw(t, srv, "POST", "/api/sessions", nil, map[string]any{"chatbotId": "x", "clientId": client}, bearer(srv)...)
	assert.Equal(t, http.StatusInternalServerError, r.Status)
	assert.Equal(t, map[string]any{"success": false, "message": "Chatbot or client not found", "data": map[string]any{}}, r.JSON(t))

	// Get: chatbot and client populated.
	got, err := c.Sessions.Get(ctx, s.ID)
	require.NoError(t, err)
	assert.Equal(t, s.ID, got.ID)
	assert.Equal(t, bot, got.Chatbot.ID)
	assert.Equal(t, "Julia – Nutrition Coach", got.Chatbot.Name)
	assert.Equal(t, client, got.Client.ID)
	assert.Equal(t, "Tom Becker", got.Client.Name)
	var populated struct {
		Description string `json:"description"`
		Email       string `json:"email"`
	}
	require.NoError(t, json.Unmarshal(got.Chatbot.Object, &populated))
	assert.Equal(t, "Helps clients plan balanced meals", populated.Description)
	require.NoError(t, json.Unmarshal(got.Client.Object, &populated))
	assert.Equal(t, "tom@example.com", populated.Email)
	r = raw(t, srv, "GET", "/api/sessions/"+s.ID, nil, nil, bearer(srv)...)
	assert.NotContains(t, r.Object(t), "message", "GET answers {success, data}")
	_, err = c.Sessions.Get(ctx, "0123456789abcdef01234567")
	serverError(t, err, "Session not found")

	// Update.
	clk.Set(now.Add(time.Minute))
	end := now.Add(time.Hour)
	updated, err := c.Sessions.Update(ctx, s.ID, &dmchamp.UpdateSessionRequest{
		Title: dmchamp.Ptr("Weekly check-in (moved)"), Status: dmchamp.SessionScheduled, EndTime: &end,
		Feedback: &dmchamp.Feedback{Rating: 4.5, Comment: "Useful"}, Metadata: map[string]any{"week": 47.0},
	})
	require.NoError(t, err)
	assert.Equal(t, "Weekly check-in (moved)", updated.Title)
	assert.Equal(t, dmchamp.SessionScheduled, updated.Status)
	require.NotNil(t, updated.EndTime)
	assert.Equal(t, end, *updated.EndTime)
	assert.Equal(t, &dmchamp.Feedback{Rating: 4.5, Comment: "Useful"}, updated.Feedback)
	assert.Equal(t, map[string]any{"week": 47.0}, updated.Metadata)
	assert.Equal(t, now.Add(time.Minute), updated.UpdatedAt)
	assert.Equal(t, now, updated.CreatedAt)
	updated, err = c.Sessions.Update(ctx, s.ID, &dmchamp.UpdateSessionRequest{Status: dmchamp.SessionActive, Feedback: &dmchamp.Feedback{Rating: 5}})
	require.NoError(t, err)
	assert.Equal(t, &dmchamp.Feedback{Rating: 5, Comment: "Useful"}, updated.Feedback, "feedback fields not sent are kept")
	assert.Equal(t, "Weekly check-in (moved)", updated.Title)
	_, err = c.Sessions.Update(ctx, "0123456789abcdef01234567", &dmchamp.UpdateSessionRequest{Title: dmchamp.Ptr("x")})
	serverError(t, err, "Session not found")

	// Messages, then a deterministic reply that is stored.
	withMsg, err := c.Sessions.AddMessage(ctx, s.ID, &dmchamp.SessionMessage{Role: dmchamp.RoleSystem, Content: "Keep answers short."})
	require.NoError(t, err)
	require.Len(t, withMsg.Messages, 1)
	assert.Regexp(t, objectIDRE, withMsg.Messages[0].ID)
	assert.Equal(t, now.Add(time.Minute), withMsg.Messages[0].Timestamp)
	earlier := now.Add(-time.Hour)
	withMsg, err = c.Sessions.AddMessage(ctx, s.ID, &dmchamp.SessionMessage{Role: dmchamp.RoleUser, Content: "What should I eat?", Timestamp: earlier})
	require.NoError(t, err)
	require.Len(t, withMsg.Messages, 2)
	assert.Equal(t, earlier, withMsg.Messages[1].Timestamp, "a given timestamp is kept")

	reply, err := c.Sessions.Chat(ctx, s.ID, "What should I eat?")
	require.NoError(t, err)
	assert.Equal(t, dmchamp.RoleAssistant, reply.Role)
	assert.Equal(t, `This is Julia – Nutrition Coach. You said: "What should I eat?". Tell me more, and we will work on it together.`, reply.Content)
	assert.Regexp(t, objectIDRE, reply.ID)
	assert.Equal(t, now.Add(time.Minute), reply.Timestamp)
	got, err = c.Sessions.Get(ctx, s.ID)
	require.NoError(t, err)
	require.Len(t, got.Messages, 3, "the reply is stored, the chat's user text is not")
	assert.Equal(t, *reply, got.Messages[2])

	asked, err := c.Sessions.Ask(ctx, s.ID, "And after a run?")
	require.NoError(t, err)
	assert.Contains(t, asked.Content, `"And after a run?"`)
	got, err = c.Sessions.Get(ctx, s.ID)
	require.NoError(t, err)
	assert.Len(t, got.Messages, 5)

	r = raw(t, srv, "POST", "/api/sessions/chat", url.Values{"sessionId": {s.ID}}, map[string]any{"content": ""}, bearer(srv)...)
	require.Equal(t, http.StatusOK, r.Status, "an empty content is valid")
	assert.Equal(t, "Message processed successfully", r.Object(t)["message"])

	// End, and end again.
	clk.Set(now.Add(2 * time.Minute))
	ended, err := c.Sessions.End(ctx, s.ID)
	require.NoError(t, err)
	assert.Equal(t, dmchamp.SessionCompleted, ended.Status)
	require.NotNil(t, ended.EndTime)
	assert.Equal(t, now.Add(2*time.Minute), *ended.EndTime)
	_, err = c.Sessions.End(ctx, s.ID)
	serverError(t, err, "Active session not found")
	_, err = c.Sessions.AddMessage(ctx, s.ID, &dmchamp.SessionMessage{Role: dmchamp.RoleUser, Content: "Hello?"})
	serverError(t, err, "Session not found or not active")
	_, err = c.Sessions.Chat(ctx, s.ID, "Hello?")
	serverError(t, err, "Session not found")
	got, err = c.Sessions.Get(ctx, s.ID)
	require.NoError(t, err, "an ended session can still be read")
	assert.Equal(t, dmchamp.SessionCompleted, got.Status)

	// Reopened by an update, it can be ended again.
	_, err = c.Sessions.Update(ctx, s.ID, &dmchamp.UpdateSessionRequest{Status: dmchamp.SessionActive})
	require.NoError(t, err)
	_, err = c.Sessions.End(ctx, s.ID)
	require.NoError(t, err)
}

func TestSessionsValidation(t *testing.T) {
	srv := newServer(t)
	bot := srv.AddChatbot("Sam", "Sleep coach")
	client := srv.AddSessionClient("Amara", "amara@example.com")
	id := srv.AddSession(dmchamp.Session{Chatbot: dmchamp.Ref{ID: bot}, Client: dmchamp.Ref{ID: client}})
	auth := bearer(srv)

	issue := func(r response) map[string]any {
		t.Helper()
		require.Equal(t, http.StatusBadRequest, r.Status, "body: %s", r.Body)
		body := r.Object(t)
		assert.Equal(t, false, body["success"])
		assert.Equal(t, "Invalid input", body["message"])
		data := body["data"].(map[string]any)
		assert.Equal(t, "ZodError", data["name"])
		issues := data["issues"].([]any)
		require.Len(t, issues, 1)
		return issues[0].(map[string]any)
	}

	// Status: the enum.
	for _, st := range []string{"COMPLETED", "TERMINATED", "SCHEDULED", "ACTIVE"} {
		r := raw(t, srv, "PUT", "/api/sessions/"+id, nil, map[string]any{"status": st}, auth...)
		assert.Equal(t, http.StatusOK, r.Status, st)
	}
	for _, st := range []string{"DONE", "active", ""} {
		is := issue(raw(t, srv, "PUT", "/api/sessions/"+id, nil, map[string]any{"status": st}, auth...))
		assert.Equal(t, "invalid_enum_value", is["code"])
		assert.Equal(t, []any{"status"}, is["path"])
		assert.Equal(t, "Invalid enum value. Expected 'ACTIVE' | 'COMPLETED' | 'TERMINATED' | 'SCHEDULED', received '"+st+"'", is["message"])
	}

	// Rating: a number from 1 to 5, not necessarily whole.
	for _, rating := range []float64{1, 2.5, 5} {
		r := raw(t, srv, "PUT", "/api/sessions/"+id, nil, map[string]any{"feedback": map[string]any{"rating": rating}}, auth...)
		assert.Equal(t, http.StatusOK, r.Status, "%v", rating)
	}
	for rating, code := range map[float64]string{0: "too_small", 0.5: "too_small", -1: "too_small", 5.5: "too_big", 6: "too_big"} {
		is := issue(raw(t, srv, "PUT", "/api/sessions/"+id, nil, map[string]any{"feedback": map[string]any{"rating": rating}}, auth...))
		assert.Equal(t, code, is["code"], "%v", rating)
		assert.Equal(t, []any{"feedback", "rating"}, is["path"])
	}

	// Messages: a role of the enum and a content.
	q := url.Values{"sessionId": {id}}
	for _, tc := range []struct {
		body any
		path []any
		code string
	}{
		{map[string]any{}, []any{"message"}, "invalid_type"},
		{map[string]any{"message": map[string]any{"content": "x"}}, []any{"message", "role"}, "invalid_type"},
		{map[string]any{"message": map[string]any{"role": "coach", "content": "x"}}, []any{"message", "role"}, "invalid_enum_value"},
		{map[string]any{"message": map[string]any{"role": "user"}}, []any{"message", "content"}, "invalid_type"},
	} {
		is := issue(raw(t, srv, "POST", "/api/sessions/message", q, tc.body, auth...))
		assert.Equal(t, tc.path, is["path"], "%v", tc.body)
		assert.Equal(t, tc.code, is["code"], "%v", tc.body)
	}
	r := raw(t, srv, "POST", "/api/sessions/message", q, map[string]any{"message": map[string]any{"role": "assistant", "content": ""}}, auth...)
	assert.Equal(t, http.StatusOK, r.Status, "an empty content is valid")

	// Create and chat: the required fields, with their messages.
	is := issue(raw(t, srv, "POST", "/api/sessions", nil, map[string]any{"chatbotId": bot}, auth...))
	assert.Equal(t, "Client ID is required", is["message"])
	is = issue(raw(t, srv, "POST", "/api/sessions/chat", q, map[string]any{}, auth...))
	assert.Equal(t, "Message content is required", is["message"])

	// List: limit >= 1, skip >= 0, a known status, dates.
	for _, q := range []url.Values{
		{"limit": {"0"}}, {"limit": {"ten"}}, {"skip": {"-1"}}, {"status": {"OPEN"}}, {"startDate": {"yesterday"}},
	} {
		r := raw(t, srv, "GET", "/api/sessions", q, nil, auth...)
		assert.Equal(t, http.StatusBadRequest, r.Status, q.Encode())
	}

	// A malformed id reaches Mongoose: a CastError, HTTP 500.
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/sessions/not-an-id"},
		{"PUT", "/api/sessions/not-an-id"},
		{"POST", "/api/sessions/not-an-id/end"},
	} {
		r := raw(t, srv, tc.method, tc.path, nil, map[string]any{}, auth...)
		require.Equal(t, http.StatusInternalServerError, r.Status, tc.path)
		assert.Equal(t, map[string]any{
			"success": false,
			"message": `Cast to ObjectId failed for value "not-an-id" (type string) at path "_id" for model "Session"`,
			"data":    map[string]any{"kind": "ObjectId", "value": "not-an-id", "path": "_id", "name": "CastError"},
		}, r.JSON(t), tc.path)
	}
	for _, path := range []string{"/api/sessions/message", "/api/sessions/chat"} {
		r := raw(t, srv, "POST", path, url.Values{"sessionId": {"42"}},
			map[string]any{"content": "x", "message": map[string]any{"role": "user", "content": "x"}}, auth...)
		assert.Equal(t, http.StatusInternalServerError, r.Status, path)
		assert.Contains(t, r.Object(t)["message"], "Cast to ObjectId failed", path)
	}

	c := newClient(t, srv)
	_, err := c.Sessions.Get(t.Context(), "not-an-id")
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.True(t, strings.HasPrefix(apiErr.Message, "Cast to ObjectId failed"))
}

func TestSessionsList(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	julia := srv.AddChatbot("Julia", "")
	sam := srv.AddChatbot("Sam", "")
	tom := srv.AddSessionClient("Tom", "tom@example.com")
	amara := srv.AddSessionClient("Amara", "amara@example.com")

	// 25 sessions, one a minute back from now: index 0 is the newest.
	var ids []string
	for i := range 25 {
		bot, client, status := julia, tom, dmchamp.SessionActive
		if i%2 == 1 {
			bot, client = sam, amara
		}
		if i%5 == 0 {
			status = dmchamp.SessionCompleted
		}
		ids = append(ids, srv.AddSession(dmchamp.Session{
			Chatbot: dmchamp.Ref{ID: bot}, Client: dmchamp.Ref{ID: client}, Status: status,
			Title: fmt.Sprintf("Session %02d", i), StartTime: now.Add(-time.Duration(i) * time.Minute),
		}))
	}
	idsOf := func(p *dmchamp.SessionPage) []string {
		out := []string{}
		for _, s := range p.Sessions {
			out = append(out, s.ID)
		}
		return out
	}

	page, err := c.Sessions.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, ids[:10], idsOf(page), "10 by default, newest first")
	assert.True(t, page.HasMore)
	assert.Equal(t, dmchamp.PaginatorInfo{Count: 10, CurrentPage: 1, HasMorePages: true, LastPage: 3, Limit: 10, PerPage: 10, Total: 25}, page.PaginatorInfo)
	assert.Equal(t, "Julia", page.Sessions[0].Chatbot.Name, "populated")
	assert.Equal(t, "Tom", page.Sessions[0].Client.Name)

	page, err = c.Sessions.List(ctx, &dmchamp.ListSessionsOptions{Limit: 10, Skip: 20})
	require.NoError(t, err)
	assert.Equal(t, ids[20:], idsOf(page))
	assert.False(t, page.HasMore)
	assert.Equal(t, dmchamp.PaginatorInfo{Count: 5, CurrentPage: 3, LastPage: 3, Limit: 10, PerPage: 10, Total: 25}, page.PaginatorInfo)

	page, err = c.Sessions.List(ctx, &dmchamp.ListSessionsOptions{Limit: 7, Skip: 3})
	require.NoError(t, err)
	assert.Equal(t, ids[3:10], idsOf(page))
	assert.True(t, page.PaginatorInfo.HasMorePages)

	page, err = c.Sessions.List(ctx, &dmchamp.ListSessionsOptions{Skip: 40})
	require.NoError(t, err)
	assert.Empty(t, page.Sessions)
	assert.False(t, page.HasMore)
	assert.Equal(t, 25, page.PaginatorInfo.Total)

	// The documented paginatorInfo on the wire, with no envelope message.
	r := raw(t, srv, "GET", "/api/sessions", url.Values{"limit": {"4"}, "skip": {"8"}}, nil, bearer(srv)...)
	require.Equal(t, http.StatusOK, r.Status)
	body := r.Object(t)
	assert.NotContains(t, body, "message")
	assert.Equal(t, map[string]any{
		"count": float64(4), "currentPage": float64(3), "hasMorePages": true, "lastPage": float64(7),
		"limit": float64(4), "perPage": float64(4), "total": float64(25),
	}, body["data"].(map[string]any)["paginatorInfo"])

	// Filters.
	count := func(opts dmchamp.ListSessionsOptions) int {
		t.Helper()
		opts.Limit = 100
		p, err := c.Sessions.List(ctx, &opts)
		require.NoError(t, err)
		assert.Equal(t, len(p.Sessions), p.PaginatorInfo.Total)
		return len(p.Sessions)
	}
	assert.Equal(t, 5, count(dmchamp.ListSessionsOptions{Status: dmchamp.SessionCompleted}))
	assert.Equal(t, 20, count(dmchamp.ListSessionsOptions{Status: dmchamp.SessionActive}))
	assert.Zero(t, count(dmchamp.ListSessionsOptions{Status: dmchamp.SessionScheduled}))
	assert.Equal(t, 13, count(dmchamp.ListSessionsOptions{ChatbotID: julia}))
	assert.Equal(t, 12, count(dmchamp.ListSessionsOptions{ClientID: amara}))
	assert.Equal(t, 12, count(dmchamp.ListSessionsOptions{ChatbotID: sam, ClientID: amara}))
	assert.Zero(t, count(dmchamp.ListSessionsOptions{ChatbotID: sam, ClientID: tom}))
	assert.Equal(t, 10, count(dmchamp.ListSessionsOptions{SearchString: "session 1"}), "titles, any case")
	assert.Equal(t, 1, count(dmchamp.ListSessionsOptions{SearchString: "Session 07"}))
	assert.Equal(t, 6, count(dmchamp.ListSessionsOptions{StartDate: now.Add(-5 * time.Minute)}), "created on or after")
	assert.Equal(t, 5, count(dmchamp.ListSessionsOptions{EndDate: now.Add(-20 * time.Minute)}), "created on or before")
	assert.Equal(t, 3, count(dmchamp.ListSessionsOptions{StartDate: now.Add(-12 * time.Minute), EndDate: now.Add(-10 * time.Minute)}))

	// All walks every page, once.
	srv.ResetRequests()
	var all []string
	for s, err := range c.Sessions.All(ctx, &dmchamp.ListSessionsOptions{Limit: 4}) {
		require.NoError(t, err)
		all = append(all, s.ID)
	}
	assert.Equal(t, ids, all)
	assert.Len(t, srv.Requests(), 7, "25 sessions, 4 a page")
	var completed []string
	for s, err := range c.Sessions.All(ctx, &dmchamp.ListSessionsOptions{Limit: 2, Status: dmchamp.SessionCompleted}) {
		require.NoError(t, err)
		assert.Equal(t, dmchamp.SessionCompleted, s.Status)
		completed = append(completed, s.ID)
	}
	assert.Equal(t, []string{ids[0], ids[5], ids[10], ids[15], ids[20]}, completed)
}

func TestUnknownRoutes(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct{ method, path, shown string }{
		{"GET", "/api/chatbots", "/api/chatbots"},
		{"GET", "/api", "/api"},
		{"DELETE", "/api/sessions/0123456789abcdef01234567", "/api/sessions/0123456789abcdef01234567"},
		{"GET", "/api/sessions/0123456789abcdef01234567/end", "/api/sessions/0123456789abcdef01234567/end"},
		{"POST", "/api/a%3Cb%3E", "/api/a%3Cb%3E"},
	} {
		r := raw(t, srv, tc.method, tc.path, nil, nil, bearer(srv)...)
		assert.Equal(t, http.StatusNotFound, r.Status, tc.path)
		assert.Equal(t, "text/html; charset=utf-8", r.Header.Get("Content-Type"))
		assert.Equal(t, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n"+
			"<pre>Cannot "+tc.method+" "+tc.shown+"</pre>\n</body>\n</html>\n", string(r.Body), "Express's default 404 page")
	}
	// An unknown route is a 404 even without a token: Express never reaches the auth.
	r := raw(t, srv, "GET", "/api/chatbots", nil, nil)
	assert.Equal(t, http.StatusNotFound, r.Status)

	for _, tc := range []struct{ method, path string }{
		{"GET", "/v1/nope"}, {"PATCH", "/v1/tags"}, {"GET", "/v1/contacts/lists"}, {"GET", "/"},
	} {
		r := raw(t, srv, tc.method, tc.path, key(srv), nil)
		assert.Equal(t, http.StatusNotFound, r.Status, tc.path)
		assert.Equal(t, envelopeError(http.StatusNotFound, "Endpoint not found"), r.JSON(t), tc.path)
	}

	c := newClient(t, srv)
	err := c.Do(t.Context(), &dmchamp.Request{Method: "GET", Path: "/chatbots", SessionAPI: true}, nil)
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Contains(t, string(apiErr.Body), "Cannot GET /api/chatbots")
	err = c.Do(t.Context(), &dmchamp.Request{Method: "GET", Path: "/contacts/messages/abc"}, nil)
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
}

func TestAddSession(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	bot := srv.AddChatbot("Sam", "Sleep coach")
	client := srv.AddSessionClient("Amara", "amara@example.com")
	assert.Equal(t, fmt.Sprintf("%08x", now.Unix()), bot[:8], "an ObjectId starts with its creation time")

	start := now.Add(-3 * time.Hour)
	end := start.Add(30 * time.Minute)
	id := srv.AddSession(dmchamp.Session{
		ID: "665f1c2e9b1d4a0012345678", Chatbot: dmchamp.Ref{ID: bot}, Client: dmchamp.Ref{ID: client},
		Title: "Bedtime routine", StartTime: start, EndTime: &end, Status: dmchamp.SessionTerminated,
		Metadata: map[string]any{"source": "import"}, Feedback: &dmchamp.Feedback{Rating: 3, Comment: "OK"},
		Messages: []dmchamp.SessionMessage{
			{Role: dmchamp.RoleUser, Content: "I wake up at 3am.", Timestamp: start},
			{ID: "665f1c2e9b1d4a0087654321", Role: dmchamp.RoleAssistant, Content: "Let's look at your evenings.", Timestamp: start.Add(time.Second)},
		},
	})
	assert.Equal(t, "665f1c2e9b1d4a0012345678", id)
	got, err := c.Sessions.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, "Bedtime routine", got.Title)
	assert.Equal(t, "Sam", got.Chatbot.Name)
	assert.Equal(t, "Amara", got.Client.Name)
	assert.Equal(t, start, got.StartTime)
	assert.Equal(t, start, got.CreatedAt, "created when it started")
	require.NotNil(t, got.EndTime)
	assert.Equal(t, end, *got.EndTime)
	assert.Equal(t, dmchamp.SessionTerminated, got.Status)
	assert.Equal(t, map[string]any{"source": "import"}, got.Metadata)
	assert.Equal(t, &dmchamp.Feedback{Rating: 3, Comment: "OK"}, got.Feedback)
	require.Len(t, got.Messages, 2)
	assert.Regexp(t, objectIDRE, got.Messages[0].ID, "generated")
	assert.Equal(t, "665f1c2e9b1d4a0087654321", got.Messages[1].ID, "kept")
	_, err = c.Sessions.End(t.Context(), id)
	serverError(t, err, "Active session not found")

	// The defaults: ACTIVE, started and created now.
	id = srv.AddSession(dmchamp.Session{Chatbot: dmchamp.Ref{ID: bot}, Client: dmchamp.Ref{ID: client}})
	got, err = c.Sessions.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, dmchamp.SessionActive, got.Status)
	assert.Equal(t, now, got.StartTime)
	assert.Equal(t, now, got.CreatedAt)
	assert.Nil(t, got.Feedback)
	assert.Empty(t, got.Messages)
}

func TestSessionsListHugeSkip(t *testing.T) {
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.SessionsBaseURL()+"/sessions?skip=9223372036854775807&limit=10", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.SessionsToken())
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	var body struct {
		Data struct {
			Results []json.RawMessage `json:"results"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Empty(t, body.Data.Results)
}

func TestWithChatRepliesScriptsTheChatbot(t *testing.T) {
	type seen struct {
		chatbot, client, text string
		messages              []string
	}
	var calls []seen
	srv := newServer(t, dmchamptest.WithChatReplies(func(s dmchamp.Session, text string) string {
		var msgs []string
		for _, m := range s.Messages {
			msgs = append(msgs, string(m.Role)+": "+m.Content)
		}
		calls = append(calls, seen{s.Chatbot.Name, s.Client.Name, text, msgs})
		if strings.Contains(text, "price") {
			return "Our plans start at 29 EUR a month."
		}
		return fmt.Sprintf("Message %d received.", len(s.Messages))
	}))
	bot := srv.AddChatbot("Sales bot", "Answers pricing questions")
	client := srv.AddSessionClient("Lena Vogel", "lena@example.com")
	c := newClient(t, srv)
	ctx := context.Background()
	sess, err := c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{ChatbotID: bot, ClientID: client})
	require.NoError(t, err)

	reply, err := c.Sessions.Ask(ctx, sess.ID, "What is the price?")
	require.NoError(t, err)
	assert.Equal(t, "Our plans start at 29 EUR a month.", reply.Content)
	assert.Equal(t, dmchamp.RoleAssistant, reply.Role)
	reply, err = c.Sessions.Ask(ctx, sess.ID, "Thanks")
	require.NoError(t, err)
	assert.Equal(t, "Message 3 received.", reply.Content)

	assert.Equal(t, []seen{
		{"Sales bot", "Lena Vogel", "What is the price?", []string{"user: What is the price?"}},
		{"Sales bot", "Lena Vogel", "Thanks", []string{"user: What is the price?", "assistant: Our plans start at 29 EUR a month.", "user: Thanks"}},
	}, calls)

	got, err := c.Sessions.Get(ctx, sess.ID)
	require.NoError(t, err)
	require.Len(t, got.Messages, 4)
	assert.Equal(t, "Message 3 received.", got.Messages[3].Content)
}
