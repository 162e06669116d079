package dmchamptest_test

import (
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChatExports(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	msg := func(dir dmchamp.MessageDirection, typ, body string, ago time.Duration) dmchamp.ChatMessage {
		ts := now.Add(-ago)
		return dmchamp.ChatMessage{Body: body, Direction: dir, Timestamp: &ts, Type: typ}
	}
	anna := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34611000001", FirstName: "Anna", LastName: "Ruiz", Email: "anna@example.com"})
	srv.AddChatSession(anna, dmchamp.ChatSession{StartDateTime: now.Add(-30 * time.Hour), Messages: []dmchamp.ChatMessage{
		msg(dmchamp.DirectionInbound, "text", "Old question", 30*time.Hour),
	}})
	srv.AddChatSession(anna, dmchamp.ChatSession{StartDateTime: now.Add(-2 * time.Hour), Messages: []dmchamp.ChatMessage{
		msg(dmchamp.DirectionInbound, "text", "Can I book for Friday?", 2*time.Hour),
		msg(dmchamp.DirectionOutbound, "tool_use", "book_appointment(friday)", 2*time.Hour-time.Minute),
		msg(dmchamp.DirectionOutbound, "text", "Booked: Friday 10:00.", 2*time.Hour-2*time.Minute),
		msg(dmchamp.DirectionInbound, "image", "[image]", time.Hour),
	}})
	ben := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34611000002", FirstName: "Ben", LastName: "Ortiz"})
	srv.AddChatSession(ben, dmchamp.ChatSession{StartDateTime: now.Add(-5 * time.Hour), Messages: []dmchamp.ChatMessage{
		msg(dmchamp.DirectionInbound, "", "Hello?", 5*time.Hour),
	}})
	quiet := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34611000003", FirstName: "Quiet"})
	srv.AddChatSession(quiet, dmchamp.ChatSession{StartDateTime: now.Add(-50 * time.Hour), Messages: []dmchamp.ChatMessage{
		msg(dmchamp.DirectionInbound, "text", "Long ago", 50*time.Hour),
	}})

	summary := func(exports []dmchamp.ChatExport) map[string]int {
		out := map[string]int{}
		for _, e := range exports {
			out[e.ContactName] = e.MessageCount
		}
		return out
	}
	for _, tc := range []struct {
		opts dmchamp.ChatExportOptions
		want map[string]int
	}{
		{dmchamp.ChatExportOptions{Hours: 24}, map[string]int{"Anna Ruiz": 4, "Ben Ortiz": 1}},
		{dmchamp.ChatExportOptions{Hours: 3}, map[string]int{"Anna Ruiz": 4}},
		{dmchamp.ChatExportOptions{Hours: 1}, map[string]int{"Anna Ruiz": 1}},
		{dmchamp.ChatExportOptions{Hours: 31}, map[string]int{"Anna Ruiz": 5, "Ben Ortiz": 1}},
		{dmchamp.ChatExportOptions{Hours: 72}, map[string]int{"Anna Ruiz": 5, "Ben Ortiz": 1, "Quiet Unknown": 1}},
		{dmchamp.ChatExportOptions{Hours: 72, Limit: 2}, map[string]int{"Anna Ruiz": 5, "Ben Ortiz": 1}},
		{dmchamp.ChatExportOptions{Hours: 24, Filter: dmchamp.ChatExportAll}, map[string]int{"Anna Ruiz": 4, "Ben Ortiz": 1}},
		{dmchamp.ChatExportOptions{Hours: 24, Filter: dmchamp.ChatExportText}, map[string]int{"Anna Ruiz": 2, "Ben Ortiz": 1}},
		{dmchamp.ChatExportOptions{Hours: 24, Filter: dmchamp.ChatExportMedia}, map[string]int{"Anna Ruiz": 1}},
		{dmchamp.ChatExportOptions{Hours: 24, Filter: dmchamp.ChatExportToolUse}, map[string]int{"Anna Ruiz": 1}},
	} {
		exports, err := c.ChatExports.Recent(ctx, &tc.opts)
		require.NoError(t, err)
		assert.Equal(t, tc.want, summary(exports), "%+v", tc.opts)
	}

	exports, err := c.ChatExports.Recent(ctx, &dmchamp.ChatExportOptions{Hours: 3})
	require.NoError(t, err)
	require.Len(t, exports, 1)
	assert.Equal(t, dmchamp.ChatExport{
		ContactID: anna, ContactName: "Anna Ruiz", PhoneNumber: "+34611000001", Email: "anna@example.com", MessageCount: 4,
		Text: "[2026-11-21 10:00] Anna Ruiz: Can I book for Friday?\n" +
			"[2026-11-21 10:01] AI Agent: book_appointment(friday)\n" +
			"[2026-11-21 10:02] AI Agent: Booked: Friday 10:00.\n" +
			"[2026-11-21 11:00] Anna Ruiz: [image]\n",
	}, exports[0])

	// On the wire: {success, data:{hours, total_contacts, exports}}.
	r := raw(t, srv, "GET", "/v1/chat-exports/recent", key(srv, "hours", "1", "filter", "tool_use"), nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, map[string]any{"success": true, "data": map[string]any{"hours": float64(1), "total_contacts": float64(0), "exports": []any{}}}, r.JSON(t))

	// The txt format.
	body, err := c.ChatExports.RecentText(ctx, &dmchamp.ChatExportOptions{Hours: 24, Filter: dmchamp.ChatExportText})
	require.NoError(t, err)
	text, err := io.ReadAll(body)
	require.NoError(t, err)
	require.NoError(t, body.Close())
	assert.Equal(t, "DM Champ chat export: 2 contacts active in the past 24 hours\n"+
		"\n=== Anna Ruiz (+34611000001) ===\n"+
		"[2026-11-21 10:00] Anna Ruiz: Can I book for Friday?\n"+
		"[2026-11-21 10:02] AI Agent: Booked: Friday 10:00.\n"+
		"\n=== Ben Ortiz (+34611000002) ===\n"+
		"[2026-11-21 07:00] Ben Ortiz: Hello?\n", string(text))
	r = raw(t, srv, "GET", "/v1/chat-exports/recent", key(srv, "hours", "24", "format", "txt", "limit", "1"), nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, "text/plain; charset=utf-8", r.Header.Get("Content-Type"))
	assert.Equal(t, `attachment; filename="chat-export-last-24h.txt"`, r.Header.Get("Content-Disposition"))
	assert.Contains(t, string(r.Body), "1 contacts active")
	assert.NotContains(t, string(r.Body), "Ben Ortiz")

	for _, q := range []url.Values{
		key(srv), key(srv, "hours", "0"), key(srv, "hours", "24", "limit", "0"),
		key(srv, "hours", "24", "filter", "images"), key(srv, "hours", "24", "format", "csv"),
	} {
		r := raw(t, srv, "GET", "/v1/chat-exports/recent", q, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status, q.Encode())
		assert.Equal(t, float64(400), r.Object(t)["error_code"])
	}
}
