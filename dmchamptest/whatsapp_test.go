package dmchamptest_test

import (
	"net/http"
	"testing"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
