package dmchamp_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// e2eNow is the fake server's clock in the end-to-end tests.
var e2eNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// e2e returns a client of a fake server holding the demo data.
func e2e(t *testing.T, opts ...dmchamptest.Option) (*dmchamp.Client, *dmchamptest.Server) {
	t.Helper()
	opts = append([]dmchamptest.Option{dmchamptest.WithDemoData(), dmchamptest.WithClock(func() time.Time { return e2eNow })}, opts...)
	srv := dmchamptest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := dmchamp.NewClient(append(srv.ClientOptions(), dmchamp.WithRetryWait(0, 0))...)
	require.NoError(t, err)
	return c, srv
}

func TestE2EContactsAndTags(t *testing.T) {
	c, srv := e2e(t)
	ctx := t.Context()
	listID := srv.AddList("Webinar attendees")

	created, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{
		PhoneNumber: "+4915112345678", FirstName: "Lena", LastName: "Vogel", Email: "lena.vogel@example.de",
		ListIDs: []string{listID}, IsBotActive: dmchamp.Ptr(false),
	})
	require.NoError(t, err)
	require.NotEmpty(t, created.ContactID)

	byPhone, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+4915112345678"})
	require.NoError(t, err)
	assert.Equal(t, created.ContactID, byPhone.ContactID)
	require.NotNil(t, byPhone.Contact)
	assert.Equal(t, "Lena", byPhone.Contact.FirstName)
	assert.False(t, byPhone.Contact.IsBotActive)

	_, err = c.Contacts.Update(ctx, created.ContactID, &dmchamp.UpdateContactRequest{LastName: dmchamp.Ptr("Vogel-Braun"), DoNotDisturb: dmchamp.Ptr(true)})
	require.NoError(t, err)
	byEmail, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{Email: "lena.vogel@example.de"})
	require.NoError(t, err)
	assert.Equal(t, "Vogel-Braun", byEmail.Contact.LastName)
	assert.True(t, byEmail.Contact.DoNotDisturb)

	msg, err := c.Contacts.AddToList(ctx, created.ContactID, srv.AddList("Spring leads"))
	require.NoError(t, err)
	assert.Contains(t, msg, "Spring leads")

	_, err = c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "webinar-2026", PhoneNumber: "+4915112345678"})
	require.NoError(t, err)
	tags, err := c.Contacts.Tags(ctx, created.ContactID)
	require.NoError(t, err)
	assert.Equal(t, []dmchamp.Tag{{Name: "webinar-2026"}}, tags)
	all, err := c.Tags.List(ctx)
	require.NoError(t, err)
	assert.Contains(t, all, dmchamp.Tag{Name: "webinar-2026"})
	assert.Contains(t, all, dmchamp.Tag{Name: "appointment-booked", Description: "Booked an appointment"})

	_, err = c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "4915112345678"})
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, dmchamp.ErrConflict)
	assert.Equal(t, http.StatusOK, apiErr.StatusCode, "a duplicate is HTTP 200 with error_code 409")

	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{Email: "nobody@example.com"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
}

func TestE2EChatSessions(t *testing.T) {
	c, _ := e2e(t)
	ctx := t.Context()

	recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	assert.Equal(t, 24, recent.HoursAgo)
	require.Len(t, recent.Sessions, recent.TotalSessions)
	require.NotEmpty(t, recent.Sessions)
	for i, s := range recent.Sessions {
		assert.False(t, s.StartDateTime.Before(e2eNow.Add(-24*time.Hour)), s.ContactName)
		assert.Empty(t, s.Messages, "messages only when asked")
		if i > 0 {
			assert.False(t, s.StartDateTime.After(recent.Sessions[i-1].StartDateTime), "newest first")
		}
	}

	open, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{
		Hours: 24, Status: dmchamp.ChatSessionOpened, IncludeMessages: true, Limit: 1,
	})
	require.NoError(t, err)
	require.Len(t, open.Sessions, 1)
	s := open.Sessions[0]
	assert.Equal(t, dmchamp.ChatSessionOpened, s.Status)
	assert.Nil(t, s.EndDateTime)
	require.NotEmpty(t, s.Messages)
	assert.Equal(t, dmchamp.DirectionInbound, s.Messages[0].Direction)

	history, err := c.ChatSessions.ForContact(ctx, s.ContactID, &dmchamp.ContactChatSessionsOptions{IncludeMessages: true})
	require.NoError(t, err)
	assert.Equal(t, s.ContactID, history.ContactID)
	assert.Equal(t, s.ContactName, history.ContactName)
	require.NotEmpty(t, history.Sessions)
	assert.Equal(t, s.SessionID, history.Sessions[0].ID)
	assert.Equal(t, s.Messages, history.Sessions[0].Messages)

	_, err = c.ChatSessions.ForContact(ctx, "no-such-contact", nil)
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
}

func TestE2EChatExports(t *testing.T) {
	c, _ := e2e(t)
	ctx := t.Context()

	exports, err := c.ChatExports.Recent(ctx, &dmchamp.ChatExportOptions{Hours: 48, Filter: dmchamp.ChatExportText})
	require.NoError(t, err)
	require.NotEmpty(t, exports)
	var maria *dmchamp.ChatExport
	for i := range exports {
		if exports[i].ContactName == "Maria Gonzalez" {
			maria = &exports[i]
		}
	}
	require.NotNil(t, maria)
	assert.Equal(t, "+34612345678", maria.PhoneNumber)
	assert.Equal(t, strings.Count(maria.Text, "\n"), maria.MessageCount)
	assert.Contains(t, maria.Text, "Maria Gonzalez: Hola, quería pedir cita")

	body, err := c.ChatExports.RecentText(ctx, &dmchamp.ChatExportOptions{Hours: 48})
	require.NoError(t, err)
	text, err := io.ReadAll(body)
	require.NoError(t, err)
	require.NoError(t, body.Close())
	assert.Contains(t, string(text), "=== Maria Gonzalez (+34612345678) ===")
}

func TestE2EMessaging(t *testing.T) {
	c, srv := e2e(t, dmchamptest.WithCredits(1))
	ctx := t.Context()

	templates, err := c.WhatsAppTemplates.List(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, templates)
	maria, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+34612345678"})
	require.NoError(t, err)
	confirmation, err := c.WhatsAppTemplates.Send(ctx, maria.ContactID, templates[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "WhatsApp template message sent successfully", confirmation)

	sent, err := c.WhatsAppWeb.Send(ctx, "+14155550123", "Hi! Your order has shipped.\n\nTrack it here: https://example.com/t/42")
	require.NoError(t, err)
	assert.Equal(t, 2, sent.TotalChunks)
	assert.Equal(t, 2, sent.MessagesSent)
	assert.Len(t, sent.MessageIDs, 2)
	assert.Equal(t, 1, sent.CreditsUsed)
	assert.Zero(t, srv.Credits())
	_, err = c.WhatsAppWeb.Send(ctx, "+14155550123", "One more")
	assert.ErrorIs(t, err, dmchamp.ErrPaymentRequired)

	id, err := c.Messages.IncomingCustomChannel(ctx, &dmchamp.CustomChannelMessage{
		CustomData: dmchamp.CustomChannelData{MessageSid: "tg-991", FromID: "telegram:4242", Body: "Hello from Telegram", Channel: "telegram"},
	})
	require.NoError(t, err)
	assert.NotEmpty(t, id)

	msg, err := c.Summaries.Generate(ctx, &dmchamp.GenerateSummaryRequest{Email: "maria.gonzalez@example.com"})
	require.NoError(t, err)
	assert.NotEmpty(t, msg)
	_, err = c.Summaries.Generate(ctx, &dmchamp.GenerateSummaryRequest{PhoneNumber: "+10000000000"})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
}

func TestE2EAgency(t *testing.T) {
	c, srv := e2e(t, dmchamptest.WithCredits(5000))
	ctx := t.Context()

	created, err := c.SubAccounts.Create(ctx, &dmchamp.CreateSubAccountRequest{
		Email: "team@harborview.example", FirstName: "Noah", LastName: "Castellanos", BusinessName: "Harborview Vet",
		UsageLimits: dmchamp.SubAccountLimits{MonthlyCredits: 1000, Credits: 300},
	})
	require.NoError(t, err)
	assert.NotEmpty(t, created.UID)
	assert.NotEmpty(t, created.TemporaryPassword)
	assert.Equal(t, 4700, srv.Credits())

	got, err := c.SubAccounts.Get(ctx, "team@harborview.example")
	require.NoError(t, err)
	assert.Equal(t, created.UID, got.UID)
	assert.Empty(t, got.TemporaryPassword)

	added, err := c.SubAccounts.AddCredits(ctx, &dmchamp.AddCreditsRequest{Email: "team@harborview.example", Amount: 200, Description: "Top-up"})
	require.NoError(t, err)
	assert.Equal(t, dmchamp.CreditsAdded{SubAccountID: created.UID, CreditsAdded: 200, NewBalance: 500}, *added)

	var rows []dmchamp.UsageRow
	for row, err := range c.Agency.UsageExport(ctx, &dmchamp.UsageExportOptions{SubAccountID: created.UID}) {
		require.NoError(t, err)
		rows = append(rows, *row)
	}
	require.Len(t, rows, 1)
	assert.Equal(t, 200.0, rows[0].Amount)
	assert.Equal(t, "Top-up", rows[0].Description)

	_, err = c.SubAccounts.Delete(ctx, "team@harborview.example")
	require.NoError(t, err)
	_, err = c.SubAccounts.Get(ctx, "team@harborview.example")
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)

	byUser, err := dmchamp.NewClient(dmchamp.WithBaseURL(srv.BaseURL()), dmchamp.WithUserID(srv.UserID()))
	require.NoError(t, err)
	_, err = byUser.SubAccounts.Get(ctx, "owner@brightsmile-dental.example")
	var ve *dmchamp.ValidationError
	assert.ErrorAs(t, err, &ve, "agency endpoints need an API key")
	recent, err := byUser.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err, "a user ID is enough elsewhere")
	assert.NotEmpty(t, recent.Sessions)
}

func TestE2EOTP(t *testing.T) {
	c, _ := e2e(t)
	got, err := c.OTP.Generate(t.Context(), "JBSWY3DPEHPK3PXP")
	require.NoError(t, err)
	local, err := dmchamp.TOTP("JBSWY3DPEHPK3PXP", e2eNow)
	require.NoError(t, err)
	assert.Equal(t, local, got, "the server and the local computation agree")
}

func TestE2ESessions(t *testing.T) {
	c, _ := e2e(t)
	ctx := t.Context()

	var existing []*dmchamp.Session
	for s, err := range c.Sessions.All(ctx, &dmchamp.ListSessionsOptions{Limit: 2}) {
		require.NoError(t, err)
		existing = append(existing, s)
	}
	require.Len(t, existing, 3)
	bot, client := existing[0].Chatbot, existing[0].Client
	assert.NotEmpty(t, bot.Name, "List populates the chatbot")

	created, err := c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{ChatbotID: bot.ID, ClientID: client.ID, Title: "Pre-run fuel"})
	require.NoError(t, err)
	assert.Equal(t, dmchamp.SessionActive, created.Status)
	assert.Equal(t, dmchamp.Ref{ID: bot.ID}, created.Chatbot, "Create answers with bare ids")

	withSystem, err := c.Sessions.AddMessage(ctx, created.ID, &dmchamp.SessionMessage{Role: dmchamp.RoleSystem, Content: "Keep answers short."})
	require.NoError(t, err)
	require.Len(t, withSystem.Messages, 1)

	reply, err := c.Sessions.Ask(ctx, created.ID, "What should I eat before a run?")
	require.NoError(t, err)
	assert.Equal(t, dmchamp.RoleAssistant, reply.Role)
	assert.Contains(t, reply.Content, "What should I eat before a run?")

	again, err := c.Sessions.Chat(ctx, created.ID, "And after?")
	require.NoError(t, err)
	assert.NotEqual(t, reply.ID, again.ID)

	got, err := c.Sessions.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, bot.Name, got.Chatbot.Name, "Get populates the chatbot")
	roles := []dmchamp.MessageRole{}
	for _, m := range got.Messages {
		roles = append(roles, m.Role)
	}
	assert.Equal(t, []dmchamp.MessageRole{dmchamp.RoleSystem, dmchamp.RoleUser, dmchamp.RoleAssistant, dmchamp.RoleAssistant}, roles)

	updated, err := c.Sessions.Update(ctx, created.ID, &dmchamp.UpdateSessionRequest{
		Title: dmchamp.Ptr("Pre-run fuel (done)"), Feedback: &dmchamp.Feedback{Rating: 4.5, Comment: "Useful"},
	})
	require.NoError(t, err)
	assert.Equal(t, "Pre-run fuel (done)", updated.Title)
	assert.Equal(t, &dmchamp.Feedback{Rating: 4.5, Comment: "Useful"}, updated.Feedback)

	ended, err := c.Sessions.End(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, dmchamp.SessionCompleted, ended.Status)
	require.NotNil(t, ended.EndTime)
	assert.Equal(t, e2eNow, ended.EndTime.UTC())

	_, err = c.Sessions.End(ctx, created.ID)
	assert.ErrorIs(t, err, dmchamp.ErrNotFound, "the backend answers 500 \"Active session not found\"")
	_, err = c.Sessions.Chat(ctx, created.ID, "still there?")
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)

	page, err := c.Sessions.List(ctx, &dmchamp.ListSessionsOptions{Status: dmchamp.SessionCompleted})
	require.NoError(t, err)
	ids := []string{}
	for _, s := range page.Sessions {
		ids = append(ids, s.ID)
	}
	assert.Contains(t, ids, created.ID)
	assert.False(t, page.HasMore)
}

func TestE2ESessionNotFoundIsNotRetried(t *testing.T) {
	c, srv := e2e(t)
	srv.ResetRequests()
	_, err := c.Sessions.Get(t.Context(), "66510f3ad2e4c5b6a7f80912")
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.Sessions.Get(t.Context(), "not-an-id")
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "Cast to ObjectId failed")
	assert.Len(t, srv.Requests(), 2, "permanent 500s are sent once")
}

func TestE2EFaults(t *testing.T) {
	c, srv := e2e(t)
	ctx := t.Context()

	srv.Inject(http.MethodGet, "/v1/chat-sessions/recent", 2, dmchamptest.Fault{Status: 503, RetryAfter: "0"})
	_, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err, "two 503s, then an answer")
	assert.Len(t, srv.Requests(), 3)

	srv.ResetRequests()
	srv.Inject(http.MethodPost, "/api/sessions/chat", 1, dmchamptest.Fault{Status: 502, Body: dmchamptest.BadGatewayHTML})
	_, err = c.Sessions.Chat(ctx, "66510f3ad2e4c5b6a7f80912", "hi")
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 502, apiErr.StatusCode)
	assert.Contains(t, string(apiErr.Body), "502 Bad Gateway")
	assert.Len(t, srv.Requests(), 1, "a POST is sent once")

	srv.ResetRequests()
	srv.Inject("", "/v1/tags", 0, dmchamptest.Fault{Drop: true})
	_, err = c.Tags.List(ctx)
	var reqErr *dmchamp.RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1+dmchamp.DefaultRetryMax, reqErr.Attempts)
	srv.ClearFaults()
	_, err = c.Tags.List(ctx)
	require.NoError(t, err)

	for _, r := range srv.Requests() {
		assert.NotContains(t, r.Query.Encode(), srv.APIKey(), "recorded requests are redacted")
	}
}
