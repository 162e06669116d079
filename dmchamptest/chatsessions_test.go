package dmchamptest_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedSessions stores three contacts' chat sessions around the fixed clock.
func seedSessions(srv *dmchamptest.Server) (anna, ben, carl string) {
	at := func(ago time.Duration) time.Time { return now.Add(-ago) }
	end := func(ago time.Duration) *time.Time { t := now.Add(-ago); return &t }
	msg := func(dir dmchamp.MessageDirection, body string, ago time.Duration) dmchamp.ChatMessage {
		ts := now.Add(-ago)
		return dmchamp.ChatMessage{Body: body, Direction: dir, Timestamp: &ts, Type: "text", Channel: "whatsapp", Status: "read"}
	}
	anna = srv.AddContact(dmchamp.Contact{PhoneNumber: "+34611000001", FirstName: "Anna", LastName: "Ruiz", Email: "anna@example.com"})
	ben = srv.AddContact(dmchamp.Contact{PhoneNumber: "+34611000002", FirstName: "Ben", LastName: "Ortiz"})
	carl = srv.AddContact(dmchamp.Contact{PhoneNumber: "+34611000003", FirstName: "Carl", LastName: "Diaz"})
	tag := "appointment-booked"

	srv.AddChatSession(anna, dmchamp.ChatSession{ID: "anna-30h", StartDateTime: at(30 * time.Hour), EndDateTime: end(29 * time.Hour)})
	srv.AddChatSession(anna, dmchamp.ChatSession{ID: "anna-1h", StartDateTime: at(time.Hour), Messages: []dmchamp.ChatMessage{
		msg(dmchamp.DirectionInbound, "Hi, are you open today?", time.Hour),
		msg(dmchamp.DirectionOutbound, "Yes, until 18:00.", time.Hour-time.Minute),
	}})
	srv.AddChatSession(anna, dmchamp.ChatSession{ID: "anna-5h", StartDateTime: at(5 * time.Hour), EndDateTime: end(4 * time.Hour)})
	srv.AddChatSession(ben, dmchamp.ChatSession{ID: "ben-10h", StartDateTime: at(10 * time.Hour)})
	srv.AddChatSession(carl, dmchamp.ChatSession{ID: "carl-2h", StartDateTime: at(2 * time.Hour), EndDateTime: end(time.Hour), Tag: &tag})
	return anna, ben, carl
}

func TestChatSessionsRecent(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	anna, _, carl := seedSessions(srv)

	ids := func(r *dmchamp.RecentChatSessions) []string {
		out := []string{}
		for _, s := range r.Sessions {
			out = append(out, s.SessionID)
		}
		return out
	}
	for _, tc := range []struct {
		opts dmchamp.RecentChatSessionsOptions
		want []string
	}{
		{dmchamp.RecentChatSessionsOptions{Hours: 24}, []string{"anna-1h", "carl-2h", "anna-5h", "ben-10h"}},
		{dmchamp.RecentChatSessionsOptions{Hours: 3}, []string{"anna-1h", "carl-2h"}},
		{dmchamp.RecentChatSessionsOptions{Hours: 30}, []string{"anna-1h", "carl-2h", "anna-5h", "ben-10h", "anna-30h"}},
		{dmchamp.RecentChatSessionsOptions{Hours: 29}, []string{"anna-1h", "carl-2h", "anna-5h", "ben-10h"}},
		{dmchamp.RecentChatSessionsOptions{Hours: 24, Status: dmchamp.ChatSessionOpened}, []string{"anna-1h", "ben-10h"}},
		{dmchamp.RecentChatSessionsOptions{Hours: 24, Status: dmchamp.ChatSessionClosed}, []string{"carl-2h", "anna-5h"}},
		{dmchamp.RecentChatSessionsOptions{Hours: 24, Limit: 2}, []string{"anna-1h", "carl-2h"}},
		{dmchamp.RecentChatSessionsOptions{Hours: 24, Limit: 1, Status: dmchamp.ChatSessionClosed}, []string{"carl-2h"}},
	} {
		got, err := c.ChatSessions.Recent(ctx, &tc.opts)
		require.NoError(t, err)
		assert.Equal(t, tc.want, ids(got), "%+v", tc.opts)
		assert.Equal(t, tc.opts.Hours, got.HoursAgo)
		assert.Equal(t, len(tc.want), got.TotalSessions)
	}

	got, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 3})
	require.NoError(t, err)
	first := got.Sessions[0]
	assert.Equal(t, anna, first.ContactID)
	assert.Equal(t, "Anna Ruiz", first.ContactName)
	assert.Equal(t, "+34611000001", first.ContactPhone)
	assert.Equal(t, "anna@example.com", first.ContactEmail)
	assert.Equal(t, now.Add(-time.Hour), first.StartDateTime.UTC())
	assert.Nil(t, first.EndDateTime)
	assert.Equal(t, dmchamp.ChatSessionOpened, first.Status)
	assert.Nil(t, first.Tag)
	assert.Nil(t, first.Messages, "messages only when asked for")
	second := got.Sessions[1]
	assert.Equal(t, carl, second.ContactID)
	assert.Equal(t, dmchamp.ChatSessionClosed, second.Status)
	require.NotNil(t, second.EndDateTime)
	assert.Equal(t, now.Add(-time.Hour), second.EndDateTime.UTC())
	assert.Equal(t, dmchamp.Ptr("appointment-booked"), second.Tag)

	withMessages, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 3, IncludeMessages: true})
	require.NoError(t, err)
	msgs := withMessages.Sessions[0].Messages
	require.Len(t, msgs, 2)
	assert.Equal(t, "Hi, are you open today?", msgs[0].Body)
	assert.Equal(t, dmchamp.DirectionInbound, msgs[0].Direction)
	assert.Equal(t, dmchamp.DirectionOutbound, msgs[1].Direction)
	assert.NotEmpty(t, msgs[0].ID, "AddChatSession gives messages an id")
	assert.Equal(t, now.Add(-time.Hour), msgs[0].Timestamp.UTC())

	// On the wire: messages absent unless asked for, and [] for none.
	r := raw(t, srv, "GET", "/v1/chat-sessions/recent", key(srv, "hours", "3"), nil)
	for _, s := range r.Object(t)["data"].(map[string]any)["sessions"].([]any) {
		assert.NotContains(t, s, "messages")
	}
	r = raw(t, srv, "GET", "/v1/chat-sessions/recent", key(srv, "hours", "3", "includeMessages", "true"), nil)
	sessions := r.Object(t)["data"].(map[string]any)["sessions"].([]any)
	assert.Equal(t, []any{}, sessions[1].(map[string]any)["messages"])
	// An open session has no end_date_time (not null); a closed one has it.
	assert.NotContains(t, sessions[0], "end_date_time")
	assert.Equal(t, "2026-11-21T11:00:00.000Z", sessions[1].(map[string]any)["end_date_time"])

	// Errors: hours is required, the rest must be well formed.
	for _, q := range []url.Values{key(srv), key(srv, "hours", "0"), key(srv, "hours", "day")} {
		r = raw(t, srv, "GET", "/v1/chat-sessions/recent", q, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, envelopeError(http.StatusBadRequest, "Missing or invalid hours parameter"), r.JSON(t))
	}
	for _, q := range []url.Values{key(srv, "hours", "1", "status", "open"), key(srv, "hours", "1", "limit", "0")} {
		r = raw(t, srv, "GET", "/v1/chat-sessions/recent", q, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status, q.Encode())
	}
}

func TestChatSessionsForContact(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	anna, ben, _ := seedSessions(srv)

	got, err := c.ChatSessions.ForContact(ctx, anna, nil)
	require.NoError(t, err)
	assert.Equal(t, anna, got.ContactID)
	assert.Equal(t, "Anna Ruiz", got.ContactName)
	assert.Equal(t, 3, got.TotalSessions)
	var ids []string
	for _, s := range got.Sessions {
		ids = append(ids, s.ID)
		assert.Nil(t, s.Messages)
	}
	assert.Equal(t, []string{"anna-1h", "anna-5h", "anna-30h"}, ids, "newest first, whatever their age")

	got, err = c.ChatSessions.ForContact(ctx, anna, &dmchamp.ContactChatSessionsOptions{Status: dmchamp.ChatSessionClosed, Limit: 1})
	require.NoError(t, err)
	require.Len(t, got.Sessions, 1)
	assert.Equal(t, "anna-5h", got.Sessions[0].ID)

	got, err = c.ChatSessions.ForContact(ctx, anna, &dmchamp.ContactChatSessionsOptions{Status: dmchamp.ChatSessionOpened, IncludeMessages: true})
	require.NoError(t, err)
	require.Len(t, got.Sessions, 1)
	assert.Len(t, got.Sessions[0].Messages, 2)

	got, err = c.ChatSessions.ForContact(ctx, ben, nil)
	require.NoError(t, err)
	assert.Equal(t, "Ben Ortiz", got.ContactName)
	assert.Len(t, got.Sessions, 1)

	// A contact without sessions has none; an unknown one is a 404.
	none := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34611000009"})
	got, err = c.ChatSessions.ForContact(ctx, none, nil)
	require.NoError(t, err)
	assert.Empty(t, got.Sessions)
	_, err = c.ChatSessions.ForContact(ctx, "no-such-contact", nil)
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	r := raw(t, srv, "GET", "/v1/chat-sessions/no-such-contact", key(srv), nil)
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, envelopeError(http.StatusNotFound, "Contact not found"), r.JSON(t))

	// AddChatSession creates a bare contact for an unknown id.
	srv.AddChatSession("fresh-contact", dmchamp.ChatSession{StartDateTime: now})
	got, err = c.ChatSessions.ForContact(ctx, "fresh-contact", nil)
	require.NoError(t, err)
	require.Len(t, got.Sessions, 1)
	assert.NotEmpty(t, got.Sessions[0].ID, "an id is generated")
}
