package dmchamptest_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/dmchamp-go/dmchamp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIncomingCustomChannel(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()

	var last int64
	for i, body := range []string{"Hello from Telegram", "Are you there?"} {
		id, err := c.Messages.IncomingCustomChannel(ctx, &dmchamp.CustomChannelMessage{CustomData: dmchamp.CustomChannelData{
			MessageSid: "tg-" + strconv.Itoa(i), FromID: "telegram:4242", Body: body, Channel: "telegram",
		}})
		require.NoError(t, err)
		n, err := strconv.ParseInt(id, 10, 64)
		require.NoError(t, err, "a Pub/Sub message id is a number: %q", id)
		assert.Greater(t, n, last, "message ids increase")
		last = n
	}
	r := raw(t, srv, "POST", "/v1/incoming_custom_channel_message", key(srv),
		map[string]any{"messageType": "text", "customData": map[string]any{"fromId": "web:77", "body": "Through the alias"}})
	require.Equal(t, http.StatusOK, r.Status)
	body := r.Object(t)
	assert.Equal(t, true, body["success"])
	n, err := strconv.ParseInt(body["messageId"].(string), 10, 64)
	require.NoError(t, err)
	assert.Greater(t, n, last)

	// Each sender became a contact with a session holding its messages.
	recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 1, IncludeMessages: true})
	require.NoError(t, err)
	require.Len(t, recent.Sessions, 2)
	byBody := map[string]dmchamp.ChatMessage{}
	contacts := map[string]bool{}
	for _, s := range recent.Sessions {
		contacts[s.ContactID] = true
		for _, m := range s.Messages {
			byBody[m.Body] = m
		}
	}
	assert.Len(t, contacts, 2)
	require.Contains(t, byBody, "Hello from Telegram")
	m := byBody["Hello from Telegram"]
	assert.Equal(t, "tg-0", m.ID)
	assert.Equal(t, dmchamp.DirectionInbound, m.Direction)
	assert.Equal(t, "telegram", m.Channel)
	assert.Equal(t, "received", m.Status)
	assert.Contains(t, byBody, "Are you there?")
	assert.Contains(t, byBody, "Through the alias")

	r = raw(t, srv, "POST", "/v1/incoming-custom-channel-message", key(srv), map[string]any{"messageType": "text", "customData": map[string]any{}})
	assert.Equal(t, http.StatusBadRequest, r.Status)
	r = raw(t, srv, "POST", "/v1/incoming-custom-channel-message", key(srv), map[string]any{"customData": map[string]any{"fromId": "x"}})
	assert.Equal(t, http.StatusBadRequest, r.Status, "messageType is required")
}
