package dmchamptest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServerURLs(t *testing.T) {
	srv := newServer(t)
	assert.True(t, strings.HasPrefix(srv.URL(), "http://127.0.0.1:"), srv.URL())
	assert.Equal(t, srv.URL()+"/v1", srv.BaseURL())
	assert.Equal(t, srv.URL()+"/api", srv.SessionsBaseURL())
	assert.Equal(t, dmchamptest.DefaultAPIKey, srv.APIKey())
	assert.Equal(t, dmchamptest.DefaultUserID, srv.UserID())
	assert.Equal(t, dmchamptest.DefaultSessionsToken, srv.SessionsToken())
	assert.Equal(t, 1000, srv.Credits(), "the default balance")
	withNil := dmchamptest.NewServer(nil, dmchamptest.WithCredits(7))
	defer withNil.Close()
	assert.Equal(t, 7, withNil.Credits(), "a nil option is skipped, the others apply")
}

func TestRequestsRecorded(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()

	_, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+4915112345678", FirstName: "Lena"})
	require.NoError(t, err)
	_, err = c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+4915112345678"})
	require.NoError(t, err)
	_, err = c.Sessions.List(ctx, &dmchamp.ListSessionsOptions{Limit: 5})
	require.NoError(t, err)

	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, "/v1/contacts", reqs[0].Path)
	assert.Equal(t, url.Values{"apiKey": {"REDACTED"}}, reqs[0].Query)
	assert.JSONEq(t, `{"phoneNumber":"+4915112345678","firstName":"Lena"}`, string(reqs[0].Body))
	assert.Contains(t, reqs[0].Header.Get("User-Agent"), "dmchamp-go/")
	assert.Equal(t, "GET", reqs[1].Method)
	assert.Equal(t, "/v1/contacts", reqs[1].Path)
	assert.Equal(t, url.Values{"apiKey": {"REDACTED"}, "phoneNumber": {"+4915112345678"}}, reqs[1].Query)
	assert.Empty(t, reqs[1].Body)
	assert.Equal(t, "/api/sessions", reqs[2].Path)
	assert.Equal(t, url.Values{"limit": {"5"}}, reqs[2].Query)
	assert.Equal(t, "REDACTED", reqs[2].Header.Get("Authorization"))

	// Every credential is redacted, the rest kept.
	srv.ResetRequests()
	assert.Empty(t, srv.Requests())
	raw(t, srv, "GET", "/v1/tags", url.Values{"userId": {srv.UserID()}, "x": {"1"}}, nil)
	raw(t, srv, "GET", "/v1/otp/generate", url.Values{"secret": {"JBSWY3DPEHPK3PXP"}}, nil)
	raw(t, srv, "GET", "/v1/tags", url.Values{"apiKey": {"wrong", "twice"}}, nil)
	raw(t, srv, "GET", "/api/sessions", nil, nil, "Cookie", "accessToken="+srv.SessionsToken(), "X-Trace", "abc")
	reqs = srv.Requests()
	require.Len(t, reqs, 4)
	assert.Equal(t, url.Values{"userId": {"REDACTED"}, "x": {"1"}}, reqs[0].Query)
	assert.Equal(t, url.Values{"secret": {"REDACTED"}}, reqs[1].Query)
	assert.Equal(t, url.Values{"apiKey": {"REDACTED"}}, reqs[2].Query)
	assert.Equal(t, "REDACTED", reqs[3].Header.Get("Cookie"))
	assert.Equal(t, "abc", reqs[3].Header.Get("X-Trace"))
	for _, r := range reqs {
		dump := fmt.Sprintf("%+v", r)
		for _, secret := range []string{srv.APIKey(), srv.UserID(), srv.SessionsToken(), "JBSWY3DPEHPK3PXP"} {
			assert.NotContains(t, dump, secret)
		}
	}

	// Requests returns a copy.
	reqs[0].Method = "CHANGED"
	assert.Equal(t, "GET", srv.Requests()[0].Method)

	// Faulted and unknown requests are recorded too.
	srv.ResetRequests()
	srv.Inject("", "/v1/tags", 1, dmchamptest.Fault{Drop: true})
	_, _ = srv.HTTPClient().Get(srv.URL() + "/v1/tags")
	raw(t, srv, "GET", "/nowhere", nil, nil)
	reqs = srv.Requests()
	require.GreaterOrEqual(t, len(reqs), 2, "net/http may resend a GET whose connection was dropped")
	assert.Equal(t, "/v1/tags", reqs[0].Path)
	assert.Equal(t, "/nowhere", reqs[len(reqs)-1].Path)
}

func TestRequestsLimit(t *testing.T) {
	srv := newServer(t)
	dmchamptest.SetRecordLimit(srv, 5)
	for i := range 12 {
		raw(t, srv, "GET", "/v1/tags", url.Values{"n": {strconv.Itoa(i)}}, nil)
	}
	reqs := srv.Requests()
	require.Len(t, reqs, 5, "only the last ones are kept")
	for i, r := range reqs {
		assert.Equal(t, strconv.Itoa(7+i), r.Query.Get("n"), "oldest first")
	}
}

func TestDemoData(t *testing.T) {
	srv := newServer(t, dmchamptest.WithDemoData())
	c := newClient(t, srv)
	ctx := t.Context()

	recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24, IncludeMessages: true})
	require.NoError(t, err)
	contacts := map[string]bool{}
	statuses := map[dmchamp.ChatSessionStatus]bool{}
	for _, s := range recent.Sessions {
		contacts[s.ContactID] = true
		statuses[s.Status] = true
		assert.NotEmpty(t, s.ContactName)
		assert.NotEmpty(t, s.ContactPhone)
		assert.NotEmpty(t, s.Messages)
		assert.False(t, s.StartDateTime.Before(now.Add(-24*time.Hour)))
		for _, m := range s.Messages {
			assert.NotEmpty(t, m.ID)
			assert.NotEmpty(t, m.Body)
			require.NotNil(t, m.Timestamp)
			assert.False(t, m.Timestamp.After(now), "nothing in the future")
		}
	}
	assert.GreaterOrEqual(t, len(contacts), 4, "several contacts were active in the past 24 hours")
	assert.Len(t, statuses, 2, "open and closed sessions")
	older, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 72})
	require.NoError(t, err)
	assert.Greater(t, older.TotalSessions, recent.TotalSessions, "and more before")

	maria, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+34612345678"})
	require.NoError(t, err)
	assert.Equal(t, "Maria", maria.Contact.FirstName)
	assert.NotEmpty(t, maria.Contact.Tags)
	history, err := c.ChatSessions.ForContact(ctx, maria.ContactID, nil)
	require.NoError(t, err)
	assert.Len(t, history.Sessions, 2)

	tags, err := c.Tags.List(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, tags)
	templates, err := c.WhatsAppTemplates.List(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, templates)
	for _, tpl := range templates {
		assert.NotEmpty(t, tpl.ID)
		assert.NotEmpty(t, tpl.Name)
	}
	exports, err := c.ChatExports.Recent(ctx, &dmchamp.ChatExportOptions{Hours: 24})
	require.NoError(t, err)
	assert.NotEmpty(t, exports)

	for _, email := range []string{"owner@brightsmile-dental.example", "hola@casaverde.example"} {
		sub, err := c.SubAccounts.Get(ctx, email)
		require.NoError(t, err, email)
		assert.NotEmpty(t, sub.UID)
		assert.NotEmpty(t, sub.BusinessName)
		require.NotNil(t, sub.UsageLimits)
		rows := 0
		for row, err := range c.Agency.UsageExport(ctx, &dmchamp.UsageExportOptions{SubAccountID: sub.UID}) {
			require.NoError(t, err)
			assert.Equal(t, email, row.SubAccountEmail)
			rows++
		}
		assert.Positive(t, rows, "usage rows of %s", email)
	}

	page, err := c.Sessions.List(ctx, &dmchamp.ListSessionsOptions{Limit: 100})
	require.NoError(t, err)
	require.NotEmpty(t, page.Sessions)
	for _, s := range page.Sessions {
		assert.NotEmpty(t, s.Chatbot.Name)
		assert.NotEmpty(t, s.Client.Name)
		assert.NotEmpty(t, s.Messages)
	}
	active, err := c.Sessions.List(ctx, &dmchamp.ListSessionsOptions{Status: dmchamp.SessionActive})
	require.NoError(t, err)
	require.NotEmpty(t, active.Sessions)
	reply, err := c.Sessions.Chat(ctx, active.Sessions[0].ID, "Thanks!")
	require.NoError(t, err, "a demo session can be used")
	assert.Contains(t, reply.Content, active.Sessions[0].Chatbot.Name)

	// Without the option, the server is empty.
	empty := newClient(t, newServer(t))
	tags, err = empty.Tags.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, tags)
	page, err = empty.Sessions.List(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, page.Sessions)
}

func TestDemoDataDeterministic(t *testing.T) {
	a := newServer(t, dmchamptest.WithDemoData())
	b := newServer(t, dmchamptest.WithDemoData())
	for _, tc := range []struct {
		path  string
		query url.Values
	}{
		{"/v1/chat-sessions/recent", url.Values{"hours": {"1000"}, "includeMessages": {"true"}}},
		{"/v1/contacts", url.Values{"phoneNumber": {"+34612345678"}}},
		{"/v1/contacts", url.Values{"email": {"chen.wei@example.cn"}}},
		{"/v1/tags", nil},
		{"/v1/whatsapp-templates", nil},
		{"/v1/chat-exports/recent", url.Values{"hours": {"1000"}}},
		{"/v1/subaccounts", url.Values{"email": {"owner@brightsmile-dental.example"}}},
		{"/v1/subaccounts", url.Values{"email": {"hola@casaverde.example"}}},
		{"/v1/agencies/usage/export", nil},
		{"/api/sessions", url.Values{"limit": {"100"}}},
	} {
		var bodies [2][]byte
		for i, srv := range []*dmchamptest.Server{a, b} {
			q := url.Values{}
			for k, v := range tc.query {
				q[k] = v
			}
			var headers []string
			if strings.HasPrefix(tc.path, "/api/") {
				headers = bearer(srv)
			} else {
				q.Set("apiKey", srv.APIKey())
			}
			r := raw(t, srv, "GET", tc.path, q, nil, headers...)
			require.Equal(t, http.StatusOK, r.Status, tc.path)
			bodies[i] = r.Body
		}
		assert.Equal(t, string(bodies[0]), string(bodies[1]), "%s?%s", tc.path, tc.query.Encode())
		assert.Greater(t, len(bodies[0]), 100, "%s has content", tc.path)
	}

	// Objects created afterwards get the same ids too.
	assert.Equal(t, a.AddContact(dmchamp.Contact{PhoneNumber: "+15550100"}), b.AddContact(dmchamp.Contact{PhoneNumber: "+15550100"}))
	assert.Equal(t, a.AddChatbot("Bot", ""), b.AddChatbot("Bot", ""))

	// The demo is dated from the clock.
	later := now.Add(1000 * time.Hour)
	c := newClient(t, newServer(t, dmchamptest.WithDemoData(), dmchamptest.WithClock(func() time.Time { return later })))
	recent, err := c.ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	require.NotEmpty(t, recent.Sessions)
	for _, s := range recent.Sessions {
		assert.True(t, s.StartDateTime.After(later.Add(-24*time.Hour)))
	}
}

// Many goroutines use one server at once; run with -race. No update is lost.
func TestConcurrentUse(t *testing.T) {
	const n = 40
	srv := newServer(t, dmchamptest.WithDemoData(), dmchamptest.WithCredits(n+5))
	c := newClient(t, srv)
	ctx := t.Context()
	bot := srv.AddChatbot("Julia", "")
	client := srv.AddSessionClient("Tom", "tom@example.com")
	before, err := c.Sessions.List(ctx, nil)
	require.NoError(t, err)
	demoRecent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 1})
	require.NoError(t, err)

	var (
		wg         sync.WaitGroup
		mu         sync.Mutex
		contactIDs = map[string]bool{}
		messageIDs = map[string]bool{}
		sessionIDs = map[string]bool{}
	)
	errs := make(chan error, 10*n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			phone := fmt.Sprintf("+1415555%04d", i)
			created, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: phone, FirstName: "C" + strconv.Itoa(i)})
			if err != nil {
				errs <- err
				return
			}
			sent, err := c.WhatsAppWeb.Send(ctx, phone, "Hello\n\nWorld")
			if err != nil {
				errs <- err
				return
			}
			if sent.ContactID != created.ContactID {
				errs <- fmt.Errorf("send to %s went to contact %s, not %s", phone, sent.ContactID, created.ContactID)
			}
			msgID, err := c.Messages.IncomingCustomChannel(ctx, &dmchamp.CustomChannelMessage{CustomData: dmchamp.CustomChannelData{FromID: "user-" + strconv.Itoa(i), Body: "hi"}})
			if err != nil {
				errs <- err
				return
			}
			s, err := c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{ChatbotID: bot, ClientID: client})
			if err != nil {
				errs <- err
				return
			}
			if _, err := c.Sessions.Ask(ctx, s.ID, "Question "+strconv.Itoa(i)); err != nil {
				errs <- err
				return
			}
			if _, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24, IncludeMessages: true}); err != nil {
				errs <- err
			}
			if _, err := c.Sessions.List(ctx, nil); err != nil {
				errs <- err
			}
			mu.Lock()
			contactIDs[created.ContactID] = true
			messageIDs[msgID] = true
			sessionIDs[s.ID] = true
			mu.Unlock()
		}()
	}
	// The test helpers run concurrently with the traffic.
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				srv.Inject("GET", "/v1/never-requested", 1, dmchamptest.Fault{Status: 500})
				_ = srv.Requests()
				_ = srv.Credits()
				srv.AddTag(dmchamp.Tag{Name: "busy"})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	assert.Len(t, contactIDs, n, "n distinct contacts")
	assert.Len(t, messageIDs, n, "n distinct message ids")
	assert.Len(t, sessionIDs, n, "n distinct sessions")
	assert.Equal(t, 5, srv.Credits(), "each send took exactly 1 credit")
	for i := range n {
		got, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: fmt.Sprintf("+1415555%04d", i)})
		require.NoError(t, err)
		require.True(t, contactIDs[got.ContactID])
		history, err := c.ChatSessions.ForContact(ctx, got.ContactID, &dmchamp.ContactChatSessionsOptions{IncludeMessages: true})
		require.NoError(t, err)
		require.Len(t, history.Sessions, 1)
		assert.Len(t, history.Sessions[0].Messages, 2, "both chunks, in one session")
	}
	after, err := c.Sessions.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, before.PaginatorInfo.Total+n, after.PaginatorInfo.Total)
	for id := range sessionIDs {
		s, err := c.Sessions.Get(ctx, id)
		require.NoError(t, err)
		require.Len(t, s.Messages, 2, "the question and its reply")
	}
	recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 1, Limit: 1000})
	require.NoError(t, err)
	assert.Equal(t, demoRecent.TotalSessions+2*n, recent.TotalSessions, "a WhatsApp and a custom-channel session each")

	// Every send was recorded.
	var wire []json.RawMessage
	for _, r := range srv.Requests() {
		if r.Path == "/v1/whatsapp-web/send" {
			wire = append(wire, r.Body)
		}
	}
	assert.Len(t, wire, n)
}

func TestListenOnAnAddressAndLogRequests(t *testing.T) {
	var mu sync.Mutex
	var logged []dmchamptest.Request
	srv, err := dmchamptest.Listen("127.0.0.1:0", dmchamptest.WithDemoData(), dmchamptest.WithRequestLog(func(r dmchamptest.Request) {
		mu.Lock()
		defer mu.Unlock()
		logged = append(logged, r)
	}))
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	require.True(t, strings.HasPrefix(srv.URL(), "http://127.0.0.1:"), srv.URL())

	resp, err := http.Get(srv.BaseURL() + "/chat-sessions/recent?hours=48&apiKey=" + dmchamptest.DefaultAPIKey)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Contains(t, string(body), `"success":true`)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, logged, 1)
	assert.Equal(t, "/v1/chat-sessions/recent", logged[0].Path)
	assert.Equal(t, url.Values{"hours": {"48"}, "apiKey": {"REDACTED"}}, logged[0].Query)

	_, err = dmchamptest.Listen(strings.TrimPrefix(srv.URL(), "http://"))
	assert.Error(t, err, "the address is taken")
}

// TestDemoIDsDoNotDependOnTheClock: the demo data has the same ids on every
// run, whatever the time.
func TestDemoIDsDoNotDependOnTheClock(t *testing.T) {
	ids := func(at time.Time) []string {
		srv := newServer(t, dmchamptest.WithDemoData(), dmchamptest.WithClock(func() time.Time { return at }))
		c := newClient(t, srv)
		ctx := context.Background()
		recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 48, IncludeMessages: true})
		require.NoError(t, err)
		var out []string
		for _, s := range recent.Sessions {
			out = append(out, s.ContactID, s.SessionID)
			for _, m := range s.Messages {
				out = append(out, m.ID)
			}
		}
		page, err := c.Sessions.List(ctx, nil)
		require.NoError(t, err)
		for _, s := range page.Sessions {
			out = append(out, s.ID, s.Chatbot.ID, s.Client.ID)
			for _, m := range s.Messages {
				out = append(out, m.ID)
			}
		}
		return out
	}
	first := ids(now)
	require.NotEmpty(t, first)
	assert.Equal(t, first, ids(now.Add(37*time.Hour+13*time.Second)))
}

func TestLoadSeed(t *testing.T) {
	srv := newServer(t)
	err := srv.LoadSeed([]byte(`{
		"contacts": [{"contact": {"id": "c-1", "phoneNumber": "+34612345678", "firstName": "Maria", "tags": ["vip"]},
		              "chatSessions": [{"start_date_time": "2026-11-21T11:00:00Z",
		                                "messages": [{"body": "Hola", "direction": "inbound", "timestamp": "2026-11-21T11:00:00Z"}]}]}],
		"lists": ["Newsletter"],
		"tags": [{"name": "vip"}],
		"chatbots": [{"name": "Julia", "description": "Nutrition coach"}],
		"clients": [{"name": "Tom Becker", "email": "tom@example.com"}]
	}`))
	require.NoError(t, err)
	c := newClient(t, srv)
	ctx := context.Background()
	got, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+34612345678"})
	require.NoError(t, err)
	assert.Equal(t, "c-1", got.ContactID)
	recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24, IncludeMessages: true})
	require.NoError(t, err)
	require.Len(t, recent.Sessions, 1)
	assert.Equal(t, "c-1", recent.Sessions[0].ContactID)
	assert.Equal(t, dmchamp.ChatSessionOpened, recent.Sessions[0].Status)
	require.Len(t, recent.Sessions[0].Messages, 1)
	assert.Equal(t, "Hola", recent.Sessions[0].Messages[0].Body)
	tags, err := c.Tags.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"vip"}, []string{tags[0].Name})

	for body, want := range map[string]string{
		`{"contact": []}`: `unknown object member name "contact"`,
		`{"contacts": [{"contact": {"phoneNumber": "+34612345678", "frstName": "Maria"}}]}`: `unknown object member name "frstName"`,
		`{"tags": [{"nme": "vip"}]}`: `unknown object member name "nme"`,
		`{"contacts": [{"contact": {"phoneNumber": "+1"}, "chatSessions": [{"mesages": []}]}]}`: `unknown object member name "mesages"`,
		`{"lists": ["a"]} {"lists": ["b"]}`:                                                     "after top-level value",
		`{"lists": ["a"], "lists": ["b"]}`:                                                      "duplicate object member name",
		`{"contacts": [{"contact": {"firstName": "x"}}]}`:                                       "contact 0 has no phoneNumber",
		`not json`: "invalid character",
	} {
		err := newServer(t).LoadSeed([]byte(body))
		var se *dmchamptest.SeedError
		require.ErrorAs(t, err, &se, body)
		assert.Contains(t, se.Reason, want, body)
		assert.Equal(t, "dmchamptest: seed: "+se.Reason, err.Error())
	}
}
