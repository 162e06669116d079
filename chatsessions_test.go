package dmchamp

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Calls for the rows of invalidCalls.
func chatSessionsRecent(o *RecentChatSessionsOptions) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.ChatSessions.Recent(ctx, o)) }
}

func chatSessionsForContact(id string, o *ContactChatSessionsOptions) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.ChatSessions.ForContact(ctx, id, o)) }
}

func TestChatSessionsRecent(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    testBaseURL + "/chat-sessions/recent",
		query:  withKey(url.Values{"hours": {"24"}}),
		header: noAuth,
	}, reply(t, 200, "chatsessions/recent.json"))

	got, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)

	want := &RecentChatSessions{
		HoursAgo:      24,
		TotalSessions: 3,
		Sessions: []RecentChatSession{
			{
				SessionID:     "Qm7vT2xKp9LrW4sYc8Nd",
				ContactID:     "aB3dE5fG7hJ9kL1mN2pQ",
				ContactName:   "Maria Gonzalez",
				ContactPhone:  "+34612345678",
				ContactEmail:  "maria.gonzalez@example.com",
				StartDateTime: ts("2026-11-20T09:14:03.118Z"),
				EndDateTime:   tsp("2026-11-20T09:41:57.402Z"),
				Status:        ChatSessionClosed,
				Tag:           Ptr("appointment-booked"),
			},
			{
				SessionID:     "Zr4Hq8WnB2vXc6Lk1Tpa",
				ContactID:     "xY8wV6uT4sR2qP0oN9mL",
				ContactName:   "James O'Connor",
				ContactPhone:  "+447700900123",
				ContactEmail:  "unknown@unknown.com",
				StartDateTime: ts("2026-11-20T17:02:44.970Z"),
				Status:        ChatSessionOpened,
			},
			{
				SessionID:     "Fh1Jk3Lm5Np7Qr9St2Uv",
				ContactID:     "cD4eF6gH8iJ0kL2mN4oP",
				ContactName:   "Priya Raman",
				ContactPhone:  "+919876543210",
				ContactEmail:  "priya.r@example.in",
				StartDateTime: ts("2026-11-21T06:30:00Z"),
				Status:        ChatSessionOpened,
			},
		},
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestChatSessionsRecentAllOptions(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    testBaseURL + "/chat-sessions/recent",
		query: withKey(url.Values{
			"hours":           {"48"},
			"status":          {"ChatSessionOpened"},
			"limit":           {"50"},
			"includeMessages": {"true"},
		}),
	}, reply(t, 200, "chatsessions/recent.json"))

	_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{
		Hours: 48, Status: ChatSessionOpened, Limit: 50, IncludeMessages: true,
	})
	require.NoError(t, err)
}

func TestChatSessionsRecentLargeWithMessages(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    testBaseURL + "/chat-sessions/recent",
		query:  withKey(url.Values{"hours": {"48"}, "includeMessages": {"true"}}),
	}, reply(t, 200, "chatsessions/recent_messages_large.json"))

	got, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 48, IncludeMessages: true})
	require.NoError(t, err)

	// Counts taken from the fixture.
	assert.Equal(t, 48, got.HoursAgo)
	assert.Equal(t, 150, got.TotalSessions)
	require.Len(t, got.Sessions, 150)
	var messages, nullTimestamps, open, untagged int
	for _, s := range got.Sessions {
		messages += len(s.Messages)
		for _, m := range s.Messages {
			if m.Timestamp == nil {
				nullTimestamps++
			}
			assert.Contains(t, []MessageDirection{DirectionInbound, DirectionOutbound}, m.Direction)
		}
		if s.EndDateTime == nil {
			open++
			assert.Equal(t, ChatSessionOpened, s.Status)
		}
		if s.Tag == nil {
			untagged++
		}
	}
	assert.Equal(t, 2037, messages)
	assert.Equal(t, 35, nullTimestamps)
	assert.Equal(t, 59, open)
	assert.Equal(t, 38, untagged)

	first := got.Sessions[0]
	assert.Equal(t, "aQHLS7BKxUfY4ydboHIV", first.SessionID)
	assert.Equal(t, "Lucas Bello", first.ContactName)
	assert.Equal(t, ts("2026-11-21T06:10:00.536Z"), first.StartDateTime)
	assert.Equal(t, ChatMessage{
		ID:        "msg_xV6X0ulfjtrHUi77lXqZ",
		Body:      "Hi, do you have any availability this week?",
		Direction: DirectionInbound,
		Timestamp: tsp("2026-11-21T06:12:09.576Z"),
		Type:      "text",
		Channel:   "instagram",
		Status:    "received",
	}, first.Messages[0])
}

func TestChatSessionsForContact(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    testBaseURL + "/chat-sessions/aB3dE5fG7hJ9kL1mN2pQ",
		query:  withKey(url.Values{"includeMessages": {"true"}, "limit": {"5"}}),
		header: noAuth,
	}, reply(t, 200, "chatsessions/contact.json"))

	got, err := c.ChatSessions.ForContact(t.Context(), "aB3dE5fG7hJ9kL1mN2pQ",
		&ContactChatSessionsOptions{Limit: 5, IncludeMessages: true})
	require.NoError(t, err)

	want := &ContactChatSessions{
		ContactID:     "aB3dE5fG7hJ9kL1mN2pQ",
		ContactName:   "Maria Gonzalez",
		TotalSessions: 2,
		Sessions: []ChatSession{
			{
				ID:            "Qm7vT2xKp9LrW4sYc8Nd",
				StartDateTime: ts("2026-11-20T09:14:03.118Z"),
				EndDateTime:   tsp("2026-11-20T09:41:57.402Z"),
				Status:        ChatSessionClosed,
				Tag:           Ptr("appointment-booked"),
				Messages: []ChatMessage{
					{
						ID:        "wamid.HBgLMzQ2MTIzNDU2NzgVAgASGBQzQUI1",
						Body:      "Hola, quería pedir cita para una limpieza dental",
						Direction: DirectionInbound,
						Timestamp: tsp("2026-11-20T09:14:03.118Z"),
						Type:      "text", Channel: "whatsapp", Status: "received",
					},
					{
						ID:        "wamid.HBgLMzQ2MTIzNDU2NzgVAgARGBI5QkM2",
						Body:      "¡Hola Maria! Claro. Tenemos huecos el jueves a las 10:00 o el viernes a las 16:30. ¿Cuál te viene mejor?",
						Direction: DirectionOutbound,
						Timestamp: tsp("2026-11-20T09:14:09.551Z"),
						Type:      "text", Channel: "whatsapp", Status: "read",
					},
					{
						ID:        "wamid.HBgLMzQ2MTIzNDU2NzgVAgASGBQzQUI3",
						Body:      "El jueves a las 10 perfecto",
						Direction: DirectionInbound,
						Type:      "text", Channel: "whatsapp", Status: "received",
					},
				},
			},
			{
				ID:            "Lp0Ok9Ij8Uh7Yg6Tf5Rd",
				StartDateTime: ts("2026-11-02T18:20:11Z"),
				EndDateTime:   tsp("2026-11-02T18:25:40Z"),
				Status:        ChatSessionClosed,
				Messages:      []ChatMessage{},
			},
		},
	}
	assert.Equal(t, want, got)
}

func TestChatSessionsForContactNilOptionsAndEscaping(t *testing.T) {
	c, mt := setup(t)
	// A contact id with characters that must not change the path.
	expect(t, mt, want{
		method: http.MethodGet,
		url:    testBaseURL + "/chat-sessions/a%2Fb%3Fc%20d",
		query:  withKey(nil),
	}, reply(t, 200, "chatsessions/contact.json"))

	_, err := c.ChatSessions.ForContact(t.Context(), "a/b?c d", nil)
	require.NoError(t, err)
}

func TestChatSessionsErrorBodies(t *testing.T) {
	checkErrorFixtures(t, []errorFixture{
		{"ChatSessions.ForContact", 400, "chatsessions/error_400.json", 400, "Missing or invalid hours parameter", ErrBadRequest, "", ""},
		{"ChatSessions.ForContact", 401, "chatsessions/error_401.json", 401, "Invalid API key or user ID", ErrUnauthorized, "", ""},
		{"ChatSessions.ForContact", 403, "chatsessions/error_403.json", 403, "Contact does not belong to authenticated user", ErrForbidden, "", ""},
		{"ChatSessions.ForContact", 404, "chatsessions/error_404.json", 404, "Contact not found", ErrNotFound, "", ""},
	})
}

// TestRecentChatSessionsDecoding decodes answers of ChatSessions.Recent as
// the request path does ({success, data}); a nil want is an answer refused.
func TestRecentChatSessionsDecoding(t *testing.T) {
	cases := []struct {
		name string
		json string
		want *RecentChatSessions
	}{
		// Unknown enum values and unknown fields decode; null leaves zero values.
		{"lenient values", `{"success":true,"data":{"hours_ago":2,"total_sessions":1,"sessions":[
			{"session_id":"s1","contact_name":null,"status":"ChatSessionArchived","start_date_time":null,"end_date_time":null,"extra":{"x":1}}]}}`,
			&RecentChatSessions{HoursAgo: 2, TotalSessions: 1, Sessions: []RecentChatSession{{SessionID: "s1", Status: "ChatSessionArchived"}}}},
		{"bad timestamp", `{"success":true,"data":{"sessions":[{"session_id":"s1","start_date_time":"yesterday"}]}}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got RecentChatSessions
			failed, err := decodeAnswer([]byte(tc.json), inData, &got)
			assert.Nil(t, failed)
			if tc.want == nil {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, &got)
		})
	}
}
