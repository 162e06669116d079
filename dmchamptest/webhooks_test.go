package dmchamptest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/dmchamp-go/dmchamp/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// receiver collects what a webhook.Handler (or ChannelHandler) is given.
type receiver[T any] struct {
	mu  sync.Mutex
	got []*T
}

func (r *receiver[T]) add(_ context.Context, v *T) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, v)
	return nil
}

func (r *receiver[T]) all() []*T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*T(nil), r.got...)
}

// listen serves h on loopback until the test ends and returns its URL.
func listen(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func flush(t *testing.T, srv *dmchamptest.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, srv.FlushWebhooks(ctx))
}

func TestSendWebhooksEndToEnd(t *testing.T) {
	secret := []byte("whsec-test-only")
	var events receiver[webhook.Event]
	url := listen(t, webhook.Handler(webhook.HMACSHA256(secret), events.add))

	srv := newServer(t)
	srv.SendWebhooks(url, secret)
	c := newClient(t, srv)
	ctx := context.Background()

	created, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+14155550123", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"})
	require.NoError(t, err)
	_, err = c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "vip", PhoneNumber: "+14155550123"})
	require.NoError(t, err)
	_, err = c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "vip", PhoneNumber: "+14155550123"}) // already tagged: no event
	require.NoError(t, err)
	_, err = c.Messages.IncomingCustomChannel(ctx, &dmchamp.CustomChannelMessage{
		MessageType: "text",
		CustomData:  dmchamp.CustomChannelData{MessageSid: "SM-1", FromID: "user-42", Body: "Is my order shipped?", Channel: "acme-chat"},
	})
	require.NoError(t, err)
	got := srv.AddContact(dmchamp.Contact{PhoneNumber: "+14155550199"}) // seeding counts as a creation too
	flush(t, srv)
	require.Empty(t, srv.WebhookFailures())

	all := events.all()
	require.Len(t, all, 5)
	kinds := make([]string, len(all))
	for i, e := range all {
		kinds[i] = e.Kind()
		assert.False(t, e.ReceivedAt.IsZero())
	}
	// The custom-channel message creates its contact first.
	assert.Equal(t, []string{webhook.KindNewContact, webhook.KindTagApplied, webhook.KindNewContact, webhook.KindMessageReceived, webhook.KindNewContact}, kinds)
	assert.Equal(t, []string{"evt_000001", "evt_000002", "evt_000003", "evt_000004", "evt_000005"},
		[]string{all[0].ID, all[1].ID, all[2].ID, all[3].ID, all[4].ID})

	contact, err := all[0].Contact()
	require.NoError(t, err)
	assert.Equal(t, &webhook.Contact{
		ID: created.ContactID, Phone: "+14155550123", FirstName: "Ada", LastName: "Lovelace", Name: "Ada Lovelace",
		Email: "ada@example.com", Channel: "whatsapp",
	}, contact)

	tag, err := all[1].Tag()
	require.NoError(t, err)
	assert.Equal(t, "vip", tag.Name)
	assert.Equal(t, created.ContactID, tag.Contact.ID)
	assert.Equal(t, []string{"vip"}, tag.Contact.Tags)

	msg, err := all[3].Message()
	require.NoError(t, err)
	assert.Equal(t, "SM-1", msg.ID)
	assert.Equal(t, "Is my order shipped?", msg.Body)
	assert.Equal(t, "inbound", msg.Direction)
	assert.Equal(t, "acme-chat", msg.Channel)
	assert.Equal(t, now, msg.Timestamp)
	newcomer, err := all[2].Contact()
	require.NoError(t, err)
	assert.Equal(t, newcomer.ID, msg.Contact.ID, "the message names the contact just created")

	last, err := all[4].Contact()
	require.NoError(t, err)
	assert.Equal(t, got, last.ID)
	assert.Equal(t, "+14155550199", last.Phone)
}

func TestCloseChatSessionSendsAnEventOfItsOwnType(t *testing.T) {
	var events receiver[webhook.Event]
	url := listen(t, webhook.Handler(webhook.Unverified(), events.add))
	srv := newServer(t)
	id := srv.AddContact(dmchamp.Contact{PhoneNumber: "+14155550123"})
	start := now.Add(-time.Hour)
	sessionID := srv.AddChatSession(id, dmchamp.ChatSession{StartDateTime: start, Messages: []dmchamp.ChatMessage{{Body: "hi", Direction: dmchamp.DirectionInbound, Timestamp: &start}}})
	srv.SendWebhooks(url, nil)

	require.True(t, srv.CloseChatSession(id))
	require.False(t, srv.CloseChatSession(id), "already closed")
	require.False(t, srv.CloseChatSession("no-such-contact"))
	flush(t, srv)

	all := events.all()
	require.Len(t, all, 1)
	e := all[0]
	assert.Equal(t, dmchamptest.EventChatSessionClosed, e.Type)
	assert.Equal(t, dmchamptest.EventChatSessionClosed, e.Kind(), "an unknown kind arrives under its type")
	var data struct {
		ChatSessionID string `json:"chatSessionId"`
		StartDateTime string `json:"startDateTime"`
		EndDateTime   string `json:"endDateTime"`
		MessageCount  int    `json:"messageCount"`
		Contact       struct {
			ID string `json:"id"`
		} `json:"contact"`
	}
	require.NoError(t, e.Decode(&data))
	assert.Equal(t, sessionID, data.ChatSessionID)
	assert.Equal(t, "2026-11-21T11:00:00.000Z", data.StartDateTime)
	assert.Equal(t, "2026-11-21T12:00:00.000Z", data.EndDateTime)
	assert.Equal(t, 1, data.MessageCount)
	assert.Equal(t, id, data.Contact.ID)

	// The API shows the session closed.
	sessions, err := newClient(t, srv).ChatSessions.ForContact(context.Background(), id, nil)
	require.NoError(t, err)
	require.Len(t, sessions.Sessions, 1)
	assert.Equal(t, dmchamp.ChatSessionClosed, sessions.Sessions[0].Status)
	assert.Equal(t, now, *sessions.Sessions[0].EndDateTime)
}

func TestSendWebhooksWithTheWrongSecretIsRefusedAndReported(t *testing.T) {
	var events receiver[webhook.Event]
	url := listen(t, webhook.Handler(webhook.HMACSHA256([]byte("the-receivers-secret")), events.add))
	srv := newServer(t)
	srv.SendWebhooks(url, []byte("another-secret"))
	srv.AddContact(dmchamp.Contact{PhoneNumber: "+14155550123"})
	flush(t, srv)

	assert.Empty(t, events.all())
	failures := srv.WebhookFailures()
	require.Len(t, failures, 1)
	assert.Contains(t, failures[0].Error(), "401")
	assert.NotContains(t, failures[0].Error(), "secret")
}

func TestSendWebhooksReportsAnUnreachableReceiver(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	srv := newServer(t)
	srv.SendWebhooks(url, nil)
	srv.AddContact(dmchamp.Contact{PhoneNumber: "+14155550123"})
	flush(t, srv)
	require.Len(t, srv.WebhookFailures(), 1)
}

func TestSendWebhooksEmptyURLStops(t *testing.T) {
	var events receiver[webhook.Event]
	url := listen(t, webhook.Handler(webhook.Unverified(), events.add))
	srv := newServer(t)
	srv.SendWebhooks(url, nil)
	srv.AddContact(dmchamp.Contact{PhoneNumber: "+14155550123"})
	srv.SendWebhooks("", nil)
	srv.AddContact(dmchamp.Contact{PhoneNumber: "+14155550124"})
	flush(t, srv)
	assert.Len(t, events.all(), 1)
}

func TestPushChannelReplies(t *testing.T) {
	secret := []byte("whsec-test-only")
	var replies receiver[webhook.ChannelReply]
	url := listen(t, webhook.ChannelHandler(webhook.HMACSHA256(secret), replies.add))
	srv := newServer(t)
	srv.SendWebhooks("", secret) // the secret only: replies are signed with it
	srv.PushChannelReplies(url)
	c := newClient(t, srv)
	ctx := context.Background()

	_, err := c.Messages.IncomingCustomChannel(ctx, &dmchamp.CustomChannelMessage{
		MessageType: "text",
		CustomData:  dmchamp.CustomChannelData{MessageSid: "SM-1", FromID: "user-42", Body: "Hello", Channel: "acme-chat"},
	})
	require.NoError(t, err)
	flush(t, srv)
	require.Empty(t, srv.WebhookFailures())

	all := replies.all()
	require.Len(t, all, 1)
	r := all[0]
	assert.Equal(t, "user-42", r.To)
	assert.Equal(t, "dmchamp", r.From)
	assert.Equal(t, `Thanks! We received your message: "Hello"`, r.Body)
	assert.Equal(t, "text", r.Type)
	assert.Equal(t, "acme-chat", r.Channel)
	assert.Equal(t, now, r.Timestamp)
	require.NotEmpty(t, r.MessageSID)

	// The reply is in the contact's chat session, after the message it answers.
	sessions, err := c.ChatSessions.ForContact(ctx, r.ContactID, &dmchamp.ContactChatSessionsOptions{IncludeMessages: true})
	require.NoError(t, err)
	require.Len(t, sessions.Sessions, 1)
	msgs := sessions.Sessions[0].Messages
	require.Len(t, msgs, 2)
	assert.Equal(t, dmchamp.DirectionInbound, msgs[0].Direction)
	assert.Equal(t, dmchamp.DirectionOutbound, msgs[1].Direction)
	assert.Equal(t, r.MessageSID, msgs[1].ID)
	assert.Equal(t, r.Body, msgs[1].Body)
}

func TestCloseCutsOffAStalledReceiver(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	url := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release) })
	srv := dmchamptest.NewServer()
	srv.SendWebhooks(url, nil)
	srv.AddContact(dmchamp.Contact{PhoneNumber: "+14155550123"})
	<-arrived
	srv.Close() // returns although the receiver never answers
	srv.Close() // and twice is harmless

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, srv.FlushWebhooks(ctx), "a closed server has nothing left to flush")
}

func TestSendWebhooksAfterCloseReportsTheDrop(t *testing.T) {
	srv := newServer(t)
	srv.Close()
	srv.SendWebhooks("http://127.0.0.1:9/hook", nil)
	srv.AddContact(dmchamp.Contact{PhoneNumber: "+14155550123"})
	failures := srv.WebhookFailures()
	require.Len(t, failures, 1)
	assert.EqualError(t, failures[0], "dmchamptest: POST http://127.0.0.1:9/hook dropped: the server is closed")
}

func TestWebhookBodyShape(t *testing.T) {
	bodies := make(chan []byte, 1)
	url := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf json.RawMessage
		assert.NoError(t, json.NewDecoder(r.Body).Decode(&buf)) // not require: this is the handler's goroutine
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.Equal(t, webhook.Sign([]byte("s3"), buf), r.Header.Get(webhook.SignatureHeader))
		bodies <- buf
	}))
	srv := newServer(t)
	srv.SendWebhooks(url, []byte("s3"))
	id := srv.AddContact(dmchamp.Contact{PhoneNumber: "+14155550123"})
	flush(t, srv)
	var body map[string]any
	require.NoError(t, json.Unmarshal(<-bodies, &body))
	assert.Equal(t, "contact.created", body["event"])
	assert.Equal(t, "evt_000001", body["eventId"])
	assert.Equal(t, "2026-11-21T12:00:00.000Z", body["timestamp"])
	data := body["data"].(map[string]any)
	assert.Equal(t, id, data["id"])
	assert.Equal(t, "+14155550123", data["phoneNumber"])
}

func TestSendWebhooksFollowsNoRedirect(t *testing.T) {
	var hit atomic.Bool
	other := listen(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit.Store(true) }))
	url := listen(t, http.RedirectHandler(other, http.StatusPermanentRedirect))
	srv := newServer(t)
	srv.SendWebhooks(url, []byte("s3"))
	srv.AddContact(dmchamp.Contact{PhoneNumber: "+14155550123"})
	flush(t, srv)
	assert.False(t, hit.Load(), "the redirect was followed")
	failures := srv.WebhookFailures()
	require.Len(t, failures, 1)
	assert.Contains(t, failures[0].Error(), "308 Permanent Redirect")
}
