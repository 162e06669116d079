package dmchamptest_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContactsCreateAndFind(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	listID := srv.AddList("Webinar attendees")

	created, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{
		PhoneNumber: "+4915112345678", FirstName: "Lena", LastName: "Vogel", Email: "lena.vogel@example.de",
		ListIDs: []string{listID}, Channel: "instagram", InstagramID: "lena.v",
	})
	require.NoError(t, err)
	require.NotEmpty(t, created.ContactID)
	assert.Equal(t, "Successfully created new contact", created.Message)

	for _, lookup := range []dmchamp.GetContactOptions{
		{PhoneNumber: "+4915112345678"},
		{PhoneNumber: "4915112345678"},
		{Email: "lena.vogel@example.de"},
		{Email: "Lena.Vogel@Example.de"},
	} {
		got, err := c.Contacts.Get(ctx, &lookup)
		require.NoError(t, err, "%+v", lookup)
		assert.Equal(t, created.ContactID, got.ContactID)
		require.NotNil(t, got.Contact, "the contact is sent whole")
		assert.Equal(t, created.ContactID, got.Contact.ID)
		assert.Equal(t, "Lena", got.Contact.FirstName)
		assert.Equal(t, "Vogel", got.Contact.LastName)
		assert.Equal(t, "+4915112345678", got.Contact.PhoneNumber)
		assert.Equal(t, "instagram", got.Contact.Channel)
		assert.Equal(t, "lena.v", got.Contact.InstagramID)
		assert.True(t, got.Contact.IsBotActive, "is_bot_active defaults to true")
		assert.False(t, got.Contact.DoNotDisturb)
		require.NotNil(t, got.Contact.CreatedAt)
		assert.Equal(t, now, got.Contact.CreatedAt.UTC(), "dated by the server clock")
	}

	// The documented defaults.
	bare, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "34600111222", IsBotActive: dmchamp.Ptr(false)})
	require.NoError(t, err)
	got, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+34600111222"})
	require.NoError(t, err)
	assert.Equal(t, bare.ContactID, got.ContactID)
	assert.Equal(t, "Unknown", got.Contact.FirstName)
	assert.Equal(t, "Unknown", got.Contact.LastName)
	assert.Equal(t, "unknown@unknown.com", got.Contact.Email)
	assert.Equal(t, "whatsapp", got.Contact.Channel)
	assert.False(t, got.Contact.IsBotActive)

	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+10000000000"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{Email: "nobody@example.com"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
}

func TestContactsWireShapes(t *testing.T) {
	srv := newServer(t)
	id := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34612345678", FirstName: "Maria", Email: "maria@example.com"})

	r := raw(t, srv, "GET", "/v1/contacts", key(srv, "phoneNumber", "+34612345678"), nil)
	require.Equal(t, http.StatusOK, r.Status)
	body := r.Object(t)
	assert.Equal(t, true, body["success"])
	assert.Equal(t, id, body["contactId"], "the documented flat contactId")
	contact := body["contact"].(map[string]any)
	assert.Equal(t, id, contact["id"], "and the contact that integrations read")
	assert.Equal(t, "Maria", contact["firstName"])
	assert.Equal(t, "Unknown", contact["lastName"])
	assert.Contains(t, contact, "isBotActive", "camelCase in responses")
	assert.Contains(t, contact, "doNotDisturb")
	assert.Equal(t, []any{}, contact["tags"])

	// 404 is {success, message}; 400 is a bare string or {error}.
	r = raw(t, srv, "GET", "/v1/contacts", key(srv, "phoneNumber", "+19999999999"), nil)
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, map[string]any{"success": false, "message": "Contact not found"}, r.JSON(t))
	r = raw(t, srv, "GET", "/v1/contacts", key(srv, "phoneNumber", "+34612345678", "email", "maria@example.com"), nil)
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, "Provide either phoneNumber or email, not both", r.JSON(t))
	r = raw(t, srv, "GET", "/v1/contacts", key(srv), nil)
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, map[string]any{"error": "phoneNumber or email is required"}, r.JSON(t))

	// Create: the documented success body; a bad phone number is refused.
	r = raw(t, srv, "POST", "/v1/contacts", key(srv), map[string]any{"phoneNumber": "+14155550100"})
	require.Equal(t, http.StatusOK, r.Status)
	data := r.Object(t)["data"].(map[string]any)
	assert.Equal(t, "Successfully created new contact", data["message"])
	assert.NotEmpty(t, data["contactId"])
	for _, phone := range []string{"", "12345", "+1 415 555 0100", "phone"} {
		r = raw(t, srv, "POST", "/v1/contacts", key(srv), map[string]any{"phoneNumber": phone})
		assert.Equal(t, http.StatusBadRequest, r.Status, "%q", phone)
		assert.Equal(t, float64(400), r.Object(t)["error_code"])
	}
	r = raw(t, srv, "POST", "/v1/contacts", key(srv), "{")
	assert.Equal(t, http.StatusBadRequest, r.Status)
}

func TestContactsDuplicate(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	first, err := c.Contacts.Create(t.Context(), &dmchamp.CreateContactRequest{PhoneNumber: "+4915112345678"})
	require.NoError(t, err)

	// DM Champ answers a duplicate with HTTP 200 and error_code 409, with or
	// without the "+".
	for _, phone := range []string{"+4915112345678", "4915112345678"} {
		r := raw(t, srv, "POST", "/v1/contacts", key(srv), map[string]any{"phoneNumber": phone})
		assert.Equal(t, http.StatusOK, r.Status)
		assert.Equal(t, map[string]any{
			"success": false, "error_code": float64(409), "error": "Contact already exists", "contactId": first.ContactID,
		}, r.JSON(t))

		_, err = c.Contacts.Create(t.Context(), &dmchamp.CreateContactRequest{PhoneNumber: phone})
		require.ErrorIs(t, err, dmchamp.ErrConflict)
		var apiErr *dmchamp.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusOK, apiErr.StatusCode)
		assert.Equal(t, 409, apiErr.Code)
	}
}

func TestContactsUpdateListsAndTags(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	created, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+4915112345678", FirstName: "Lena", Email: "lena@example.de"})
	require.NoError(t, err)
	id := created.ContactID

	msg, err := c.Contacts.Update(ctx, id, &dmchamp.UpdateContactRequest{
		LastName: dmchamp.Ptr("Vogel-Braun"), Email: dmchamp.Ptr("lena.vb@example.de"), IsBotActive: dmchamp.Ptr(false), DoNotDisturb: dmchamp.Ptr(true),
	})
	require.NoError(t, err)
	assert.Equal(t, "Contact updated successfully", msg)
	got, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{Email: "lena.vb@example.de"})
	require.NoError(t, err)
	assert.Equal(t, "Lena", got.Contact.FirstName, "fields not sent are kept")
	assert.Equal(t, "Vogel-Braun", got.Contact.LastName)
	assert.False(t, got.Contact.IsBotActive)
	assert.True(t, got.Contact.DoNotDisturb)
	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{Email: "lena@example.de"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound, "the old email is gone")
	_, err = c.Contacts.Update(ctx, "no-such-contact", &dmchamp.UpdateContactRequest{FirstName: dmchamp.Ptr("X")})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)

	listID := srv.AddList("Spring leads")
	msg, err = c.Contacts.AddToList(ctx, id, listID)
	require.NoError(t, err)
	assert.Equal(t, "Contact successfully added to list Spring leads", msg)
	_, err = c.Contacts.AddToList(ctx, id, listID)
	require.NoError(t, err, "adding twice is fine")
	_, err = c.Contacts.AddToList(ctx, id, "no-such-list")
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.Contacts.AddToList(ctx, "no-such-contact", listID)
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	r := raw(t, srv, "POST", "/v1/contacts/lists", key(srv), map[string]any{"contactId": id})
	assert.Equal(t, envelopeError(http.StatusBadRequest, "Missing required parameters"), r.JSON(t))

	// A create naming an unknown list creates nothing.
	_, err = c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+4915100000001", ListIDs: []string{listID, "nope"}})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+4915100000001"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)

	// Tags: assigned by phone or email, created on first use.
	srv.AddTag(dmchamp.Tag{Name: "vip", Description: "Very important"})
	_, err = c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "vip", PhoneNumber: "4915112345678"})
	require.NoError(t, err)
	_, err = c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "webinar-2026", Email: "lena.vb@example.de"})
	require.NoError(t, err)
	_, err = c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "vip", Email: "lena.vb@example.de"})
	require.NoError(t, err, "assigning twice is fine")
	tags, err := c.Contacts.Tags(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, []dmchamp.Tag{{Name: "vip", Description: "Very important"}, {Name: "webinar-2026"}}, tags)
	all, err := c.Tags.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []dmchamp.Tag{{Name: "vip", Description: "Very important"}, {Name: "webinar-2026"}}, all)
	got, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+4915112345678"})
	require.NoError(t, err)
	assert.Equal(t, []string{"vip", "webinar-2026"}, got.Contact.Tags)

	_, err = c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "vip", Email: "nobody@example.com"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.Contacts.Tags(ctx, "no-such-contact")
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)

	// Bare arrays on the wire.
	r = raw(t, srv, "GET", "/v1/tags", key(srv), nil)
	assert.IsType(t, []any{}, r.JSON(t))
	r = raw(t, srv, "GET", "/v1/contacts/tags/"+id, key(srv), nil)
	assert.IsType(t, []any{}, r.JSON(t))
	r = raw(t, srv, "POST", "/v1/tags", key(srv, "tag", "x"), nil)
	assert.Equal(t, http.StatusBadRequest, r.Status, "a contact is required")
}

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

func TestWhatsAppWebSend(t *testing.T) {
	srv := newServer(t, dmchamptest.WithCredits(3))
	c := newClient(t, srv)
	ctx := t.Context()
	assert.Equal(t, 3, srv.Credits())

	sent, err := c.WhatsAppWeb.Send(ctx, "+14155550123", "Hi Sam!\n\nYour order has shipped.\n\n\nTrack it: https://example.com/t/42\n\n")
	require.NoError(t, err)
	assert.Equal(t, 3, sent.TotalChunks, "split on blank lines")
	assert.Equal(t, 3, sent.MessagesSent)
	require.Len(t, sent.MessageIDs, 3)
	assert.Equal(t, 1, sent.CreditsUsed, "1 credit per request, whatever the chunks")
	assert.Equal(t, 2, srv.Credits())

	// The contact was created, and the messages are in its open session.
	contact, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+14155550123"})
	require.NoError(t, err)
	assert.Equal(t, sent.ContactID, contact.ContactID)
	assert.Equal(t, "whatsapp_web", contact.Contact.Channel)
	assert.True(t, contact.Contact.HasHadActivity)

	again, err := c.WhatsAppWeb.Send(ctx, "+14155550123", "One more thing")
	require.NoError(t, err)
	assert.Equal(t, sent.ContactID, again.ContactID, "the same contact")
	assert.Equal(t, 1, srv.Credits())

	history, err := c.ChatSessions.ForContact(ctx, sent.ContactID, &dmchamp.ContactChatSessionsOptions{IncludeMessages: true})
	require.NoError(t, err)
	require.Len(t, history.Sessions, 1)
	s := history.Sessions[0]
	assert.Equal(t, dmchamp.ChatSessionOpened, s.Status)
	var bodies, ids []string
	for _, m := range s.Messages {
		bodies = append(bodies, m.Body)
		ids = append(ids, m.ID)
		assert.Equal(t, dmchamp.DirectionOutbound, m.Direction)
		assert.Equal(t, now, m.Timestamp.UTC())
	}
	assert.Equal(t, []string{"Hi Sam!", "Your order has shipped.", "Track it: https://example.com/t/42", "One more thing"}, bodies)
	assert.Equal(t, append(sent.MessageIDs, again.MessageIDs...), ids)
	recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 1})
	require.NoError(t, err)
	require.Len(t, recent.Sessions, 1)
	assert.Equal(t, s.ID, recent.Sessions[0].SessionID)

	// An existing contact keeps its channel; the last credit goes.
	maria := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34612345678", FirstName: "Maria"})
	toMaria, err := c.WhatsAppWeb.Send(ctx, "+34612345678", "Hola")
	require.NoError(t, err)
	assert.Equal(t, maria, toMaria.ContactID)
	assert.Equal(t, 0, srv.Credits())

	// No credit left: 402, nothing sent, no contact created.
	_, err = c.WhatsAppWeb.Send(ctx, "+14155550199", "Anyone there?")
	assert.ErrorIs(t, err, dmchamp.ErrPaymentRequired)
	r := raw(t, srv, "POST", "/v1/whatsapp-web/send", key(srv), map[string]any{"phoneNumber": "+14155550199", "message": "x"})
	assert.Equal(t, http.StatusPaymentRequired, r.Status)
	assert.Equal(t, envelopeError(http.StatusPaymentRequired, "Insufficient credits"), r.JSON(t))
	assert.Equal(t, 0, srv.Credits())
	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+14155550199"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)

	srv.SetCredits(1)
	_, err = c.WhatsAppWeb.Send(ctx, "+14155550199", "Anyone there?")
	require.NoError(t, err)
	assert.Equal(t, 0, srv.Credits())

	// Strict E.164 and a message are required.
	for _, body := range []map[string]any{
		{"phoneNumber": "14155550123", "message": "x"},
		{"phoneNumber": "+04155550123", "message": "x"},
		{"phoneNumber": "+14155550123", "message": "  \n\n "},
		{"phoneNumber": "+14155550123"},
	} {
		r := raw(t, srv, "POST", "/v1/whatsapp-web/send", key(srv), body)
		assert.Equal(t, http.StatusBadRequest, r.Status, "%v", body)
	}
}

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

func TestWhatsAppTemplates(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()

	empty, err := c.WhatsAppTemplates.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, empty)

	tplID := srv.AddTemplate(dmchamp.WhatsAppTemplate{Name: "appointment_reminder", Status: "approved", Language: "en_US", Category: "UTILITY"})
	list, err := c.WhatsAppTemplates.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	created := now
	assert.Equal(t, dmchamp.WhatsAppTemplate{ID: tplID, Name: "appointment_reminder", Status: "approved", Language: "en_US", Category: "UTILITY", CreatedAt: &created}, func() dmchamp.WhatsAppTemplate {
		tpl := list[0]
		utc := tpl.CreatedAt.UTC()
		tpl.CreatedAt = &utc
		return tpl
	}())

	contact := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34612345678"})
	msg, err := c.WhatsAppTemplates.Send(ctx, contact, tplID)
	require.NoError(t, err)
	assert.Equal(t, "WhatsApp template message sent successfully", msg)
	history, err := c.ChatSessions.ForContact(ctx, contact, &dmchamp.ContactChatSessionsOptions{IncludeMessages: true})
	require.NoError(t, err)
	require.Len(t, history.Sessions, 1, "the send opens a session")
	require.Len(t, history.Sessions[0].Messages, 1)
	assert.Equal(t, "template", history.Sessions[0].Messages[0].Type)
	assert.Equal(t, dmchamp.DirectionOutbound, history.Sessions[0].Messages[0].Direction)

	_, err = c.WhatsAppTemplates.Send(ctx, contact, "no-such-template")
	assert.ErrorIs(t, err, dmchamp.ErrBadRequest)
	_, err = c.WhatsAppTemplates.Send(ctx, "no-such-contact", tplID)
	assert.ErrorIs(t, err, dmchamp.ErrBadRequest)

	r := raw(t, srv, "GET", "/v1/whatsapp-templates", key(srv), nil)
	assert.IsType(t, []any{}, r.Object(t)["data"], "{success, data:[...]}")
	r = raw(t, srv, "POST", "/v1/whatsapp-templates/send", key(srv), map[string]any{"contactId": contact, "whatsappTemplateId": tplID})
	assert.Equal(t, map[string]any{"success": true, "data": "WhatsApp template message sent successfully"}, r.JSON(t))
}

func TestSummaries(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	id := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34612345678", Email: "maria@example.com"})

	msg, err := c.Summaries.Generate(t.Context(), &dmchamp.GenerateSummaryRequest{PhoneNumber: "34612345678"})
	require.NoError(t, err)
	assert.Contains(t, msg, id)
	_, err = c.Summaries.Generate(t.Context(), &dmchamp.GenerateSummaryRequest{Email: "maria@example.com"})
	require.NoError(t, err)
	_, err = c.Summaries.Generate(t.Context(), &dmchamp.GenerateSummaryRequest{Email: "nobody@example.com"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)

	r := raw(t, srv, "POST", "/v1/summaries", key(srv), map[string]any{})
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, "phoneNumber or email is required", r.JSON(t), "a bare string, as documented")
}
