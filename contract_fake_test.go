package dmchamp_test

// The fake server's answers on the paths of the published OpenAPI document
// are checked against it with the contract tests' checks (contract_test.go,
// through export_test.go): the fake must answer as the document says the
// API does, successes and errors alike.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeAnswer is one answer of the fake server, with the request it answers.
type fakeAnswer struct {
	req    *http.Request
	status int
	header http.Header
	body   []byte
}

// fakeGet sends GET path?query to srv and returns its answer.
func fakeGet(t *testing.T, srv *dmchamptest.Server, path string, query url.Values) fakeAnswer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+path+"?"+query.Encode(), nil)
	require.NoError(t, err)
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return fakeAnswer{req: req, status: resp.StatusCode, header: resp.Header, body: body}
}

// checkFakeAnswer validates the answer against the document and, for a
// 2xx answer, the request too: the fake is asked only what the document
// allows, and answers as it says.
func checkFakeAnswer(t *testing.T, a fakeAnswer) {
	t.Helper()
	names, rep := dmchamp.ContractCheckResponse(t, a.req, a.status, a.header, a.body)
	assert.Empty(t, names, "the fake's %d answer to GET %s does not match the document:%s\nbody: %s", a.status, a.req.URL.Path, rep, a.body)
	if a.status/100 == 2 {
		names, rep = dmchamp.ContractCheckRequest(t, a.req)
		assert.Empty(t, names, "GET %s?%s is not a documented request:%s", a.req.URL.Path, a.req.URL.RawQuery, rep)
	}
}

// fakeSessionKinds lists what kinds of session a 200 answer holds: "opened"
// or "closed", "with messages", "with no messages" ([]) or "messages
// absent", and whether end_date_time is there.
func fakeSessionKinds(t *testing.T, body []byte) []string {
	t.Helper()
	var b struct {
		Data struct {
			Sessions []map[string]json.RawMessage `json:"sessions"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(body, &b), "body: %s", body)
	var kinds []string
	for _, s := range b.Data.Sessions {
		var status string
		require.NoError(t, json.Unmarshal(s["status"], &status))
		status = strings.TrimPrefix(status, "ChatSession")
		msgs := "messages absent"
		if raw, ok := s["messages"]; ok {
			var m []any
			require.NoError(t, json.Unmarshal(raw, &m))
			msgs = "with messages"
			if len(m) == 0 {
				msgs = "with no messages"
			}
		}
		_, end := s["end_date_time"]
		kinds = append(kinds, fmt.Sprintf("%s, %s, end_date_time %v", status, msgs, end))
	}
	return kinds
}

// TestContractFakeChatSessions sends the fake server the documented
// requests of both chat-session paths, and the requests it refuses, and
// validates every answer against the document.
func TestContractFakeChatSessions(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	srv := dmchamptest.NewServer(dmchamptest.WithClock(func() time.Time { return now }))
	t.Cleanup(srv.Close)
	// Anna: one session open with messages, one closed without; Ben: one
	// open without; Carl: one closed with messages (one without a
	// timestamp) and a tag; Dora: none.
	anna := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34611000001", FirstName: "Anna", LastName: "Ruiz", Email: "anna@example.com"})
	ben := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34611000002", FirstName: "Ben"})
	dora := srv.AddContact(dmchamp.Contact{PhoneNumber: "+34611000004", FirstName: "Dora", LastName: "Vidal"})
	sent := now.Add(-50 * time.Minute)
	tag := "appointment-booked"
	for _, s := range []struct {
		contact  string
		startedH int // hours ago
		endedH   int // hours ago; 0: still open
		tag      *string
		messages []dmchamp.ChatMessage
	}{
		{anna, 1, 0, nil, []dmchamp.ChatMessage{
			{Body: "Hi, are you open today?", Direction: dmchamp.DirectionInbound, Timestamp: &sent, Type: "text", Channel: "whatsapp", Status: "received"},
			{Body: "Yes, until 18:00.", Direction: dmchamp.DirectionOutbound, Timestamp: &sent, Type: "text", Channel: "whatsapp", Status: "read"},
		}},
		{anna, 5, 4, nil, nil},
		{ben, 10, 0, nil, nil},
		{"carl", 2, 1, &tag, []dmchamp.ChatMessage{{Body: "[image]", Direction: dmchamp.DirectionInbound, Type: "image", Channel: "instagram"}}},
	} {
		cs := dmchamp.ChatSession{StartDateTime: now.Add(-time.Duration(s.startedH) * time.Hour), Tag: s.tag, Messages: s.messages}
		if s.endedH > 0 {
			ended := now.Add(-time.Duration(s.endedH) * time.Hour)
			cs.EndDateTime = &ended
		}
		srv.AddChatSession(s.contact, cs)
	}
	srv.Inject(http.MethodGet, "/v1/chat-sessions/recent", 1, dmchamptest.Fault{Status: http.StatusInternalServerError})

	// q is a query holding the API key and the name-value pairs.
	q := func(kv ...string) url.Values {
		v := url.Values{"apiKey": {srv.APIKey()}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	without := func(v url.Values, name string) url.Values { v.Del(name); return v }
	recent, contact := "/v1/chat-sessions/recent", "/v1/chat-sessions/"
	cases := []struct {
		name   string
		path   string // the document's path, for the coverage check
		url    string // the fake's URL path
		query  url.Values
		status int
	}{
		{"recent: the 500 injected first", "/chat-sessions/recent", recent, q("hours", "24"), 500},
		{"recent", "/chat-sessions/recent", recent, q("hours", "24"), 200},
		{"recent with messages", "/chat-sessions/recent", recent, q("hours", "24", "includeMessages", "true"), 200},
		{"recent includeMessages=false", "/chat-sessions/recent", recent, q("hours", "24", "includeMessages", "false"), 200},
		{"recent opened", "/chat-sessions/recent", recent, q("hours", "24", "status", "ChatSessionOpened"), 200},
		{"recent opened with messages", "/chat-sessions/recent", recent, q("hours", "24", "status", "ChatSessionOpened", "includeMessages", "true"), 200},
		{"recent closed", "/chat-sessions/recent", recent, q("hours", "24", "status", "ChatSessionClosed"), 200},
		{"recent closed with messages, limit 1", "/chat-sessions/recent", recent, q("hours", "24", "status", "ChatSessionClosed", "includeMessages", "true", "limit", "1"), 200},
		{"recent, none in the window", "/chat-sessions/recent", recent, q("hours", "1", "status", "ChatSessionClosed"), 200},
		{"recent userId", "/chat-sessions/recent", recent, without(q("hours", "3", "userId", srv.UserID()), "apiKey"), 200},
		{"recent hours missing", "/chat-sessions/recent", recent, q(), 400},
		{"recent hours 0", "/chat-sessions/recent", recent, q("hours", "0"), 400},
		{"recent hours not a number", "/chat-sessions/recent", recent, q("hours", "day"), 400},
		{"recent status outside the enum", "/chat-sessions/recent", recent, q("hours", "24", "status", "open"), 400},
		{"recent limit 0", "/chat-sessions/recent", recent, q("hours", "24", "limit", "0"), 400},
		{"recent no credential", "/chat-sessions/recent", recent, without(q("hours", "24"), "apiKey"), 401},
		{"recent wrong API key", "/chat-sessions/recent", recent, q("hours", "24", "apiKey", "wrong-key"), 401},
		{"recent wrong user id", "/chat-sessions/recent", recent, without(q("hours", "24", "userId", "wrong-user"), "apiKey"), 401},

		{"contact", "/chat-sessions/{contactId}", contact + anna, q(), 200},
		{"contact with messages", "/chat-sessions/{contactId}", contact + anna, q("includeMessages", "true"), 200},
		{"contact opened with messages", "/chat-sessions/{contactId}", contact + anna, q("status", "ChatSessionOpened", "includeMessages", "true"), 200},
		{"contact closed", "/chat-sessions/{contactId}", contact + anna, q("status", "ChatSessionClosed"), 200},
		{"contact closed with messages", "/chat-sessions/{contactId}", contact + "carl", q("status", "ChatSessionClosed", "includeMessages", "true"), 200},
		{"contact open, no messages", "/chat-sessions/{contactId}", contact + ben, q("includeMessages", "true"), 200},
		{"contact limit 1", "/chat-sessions/{contactId}", contact + anna, q("limit", "1"), 200},
		{"contact without sessions", "/chat-sessions/{contactId}", contact + dora, q(), 200},
		{"contact without sessions, with messages", "/chat-sessions/{contactId}", contact + dora, q("includeMessages", "true", "status", "ChatSessionOpened"), 200},
		{"contact userId", "/chat-sessions/{contactId}", contact + anna, without(q("userId", srv.UserID()), "apiKey"), 200},
		{"contact unknown", "/chat-sessions/{contactId}", contact + "no-such-contact", q(), 404},
		{"contact status outside the enum", "/chat-sessions/{contactId}", contact + anna, q("status", "closed"), 400},
		{"contact limit 0", "/chat-sessions/{contactId}", contact + anna, q("limit", "0"), 400},
		{"contact no credential", "/chat-sessions/{contactId}", contact + anna, url.Values{}, 401},
		{"contact wrong API key", "/chat-sessions/{contactId}", contact + anna, q("apiKey", "wrong-key"), 401},
		{"contact wrong user id", "/chat-sessions/{contactId}", contact + anna, without(q("userId", "wrong-user"), "apiKey"), 401},
	}

	kinds := map[string][]string{}
	var paths []string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := fakeGet(t, srv, tc.url, tc.query)
			require.Equal(t, tc.status, a.status, "body: %s", a.body)
			checkFakeAnswer(t, a)
			if a.status == 200 {
				kinds[tc.path] = append(kinds[tc.path], fakeSessionKinds(t, a.body)...)
			}
		})
		if !slices.Contains(paths, tc.path) {
			paths = append(paths, tc.path)
		}
	}

	// Every documented path is asked, and its answers hold every kind of
	// session; an open session has no end_date_time.
	assert.Equal(t, dmchamp.ContractPaths(t), paths, "the cases cover the document's paths")
	want := []string{
		"Closed, messages absent, end_date_time true",
		"Closed, with messages, end_date_time true",
		"Closed, with no messages, end_date_time true",
		"Opened, messages absent, end_date_time false",
		"Opened, with messages, end_date_time false",
		"Opened, with no messages, end_date_time false",
	}
	for _, p := range paths {
		got := slices.Compact(slices.Sorted(slices.Values(kinds[p])))
		assert.Equal(t, want, got, "the kinds of session in the 200 answers of GET %s", p)
	}
}

// TestContractFakeDemoChatSessions validates the fake's demo data on both
// chat-session paths: every demo session, with its messages.
func TestContractFakeDemoChatSessions(t *testing.T) {
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	t.Cleanup(srv.Close)
	key := url.Values{"apiKey": {srv.APIKey()}, "includeMessages": {"true"}}

	recent := url.Values{"hours": {"8760"}}
	for k, v := range key {
		recent[k] = v
	}
	a := fakeGet(t, srv, "/v1/chat-sessions/recent", recent)
	require.Equal(t, 200, a.status, "body: %s", a.body)
	checkFakeAnswer(t, a)

	var b struct {
		Data struct {
			Sessions []struct {
				ContactID string `json:"contact_id"`
			} `json:"sessions"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(a.body, &b))
	var contacts []string
	for _, s := range b.Data.Sessions {
		if !slices.Contains(contacts, s.ContactID) {
			contacts = append(contacts, s.ContactID)
		}
	}
	require.NotEmpty(t, contacts, "the demo data has chat sessions")
	for _, id := range contacts {
		a := fakeGet(t, srv, "/v1/chat-sessions/"+id, key)
		require.Equal(t, 200, a.status, "body: %s", a.body)
		checkFakeAnswer(t, a)
	}
}
