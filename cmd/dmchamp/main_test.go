package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

// Distinctive fake credentials: no output may ever contain one.
const (
	testAPIKey  = "apikey-Zq7Xv3-MUST-NOT-PRINT"
	testUserID  = "userid-Kp2Lm8-MUST-NOT-PRINT"
	testToken   = "token-Vb81Rt-MUST-NOT-PRINT"
	wrongAPIKey = "wrongkey-Hh4Ww9-MUST-NOT-PRINT"
	wrongToken  = "wrongtoken-Jj5Ee2-MUST-NOT-PRINT"
	testSecret  = "JBSWY3DPEHPK3PXP"
	badSecret   = "notbase32-Gg1Ss0-MUST-NOT-PRINT"
)

var secrets = []string{testAPIKey, testUserID, testToken, wrongAPIKey, wrongToken, testSecret, badSecret}

// testNow is the test server's clock.
var testNow = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)

type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// runCLI runs the command line with env as its environment, and checks
// that no credential appears in its output.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr, func(k string) string { return env[k] })
	r := result{code, stdout.String(), stderr.String()}
	for _, s := range secrets {
		if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
			t.Errorf("dmchamp %s: output holds the credential %q\n%v", strings.Join(args, " "), s, r)
		}
	}
	return r
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\n%v", r.code, code, r)
	}
}

// newServer starts a demo-data server with the test credentials and a fixed
// clock, and returns it with an environment pointing at it.
func newServer(t *testing.T) (*dmchamptest.Server, map[string]string) {
	t.Helper()
	srv := dmchamptest.NewServer(
		dmchamptest.WithAPIKey(testAPIKey),
		dmchamptest.WithUserID(testUserID),
		dmchamptest.WithSessionsToken(testToken),
		dmchamptest.WithClock(func() time.Time { return testNow }),
		dmchamptest.WithDemoData(),
	)
	t.Cleanup(srv.Close)
	return srv, map[string]string{
		envAPIKey:        testAPIKey,
		envBaseURL:       srv.BaseURL(),
		envSessionsURL:   srv.SessionsBaseURL(),
		envSessionsToken: testToken,
	}
}

// decode decodes stdout, which must hold exactly one JSON document.
func decode(t *testing.T, r result, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%v", err, r)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("stdout holds more than one JSON document\n%v", r)
	}
}

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

var detailRE = regexp.MustCompile(`^(\S+(?: \S+)*)\s{2,}(.*)$`)

// details reads the name-value lines at the top of a detail view.
func detailsOf(t *testing.T, s string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, line := range lines(s) {
		if line == "" {
			break
		}
		p := detailRE.FindStringSubmatch(line)
		if p == nil {
			t.Fatalf("not a name-value line: %q", line)
		}
		m[p[1]] = p[2]
	}
	return m
}

func localTable(t time.Time) string { return t.Local().Format("2006-01-02 15:04 MST") }

// sessionHeaderFields is the header of sessions recent, split at spaces.
var sessionHeaderFields = []string{"STARTED", "CONTACT", "PHONE", "STATUS", "TAG", "MESSAGES", "CONTACT", "ID", "SESSION", "ID"}

// srvClient is an SDK client of srv.
func srvClient(t *testing.T, srv *dmchamptest.Server) *dmchamp.Client {
	t.Helper()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSessionsRecentTable(t *testing.T) {
	t.Parallel()
	srv, env := newServer(t)
	r := runCLI(t, env, "", "sessions", "recent", "--hours", "24")
	wantCode(t, r, 0)
	if r.stderr != "" {
		t.Errorf("stderr = %q, want nothing", r.stderr)
	}
	ls := lines(r.stdout)
	if got := strings.Fields(ls[0]); !slices.Equal(got, sessionHeaderFields) {
		t.Fatalf("header = %q\n%v", ls[0], r)
	}
	// The ids the next command needs, from the server.
	recent, err := srvClient(t, srv).ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
	if err != nil {
		t.Fatal(err)
	}
	// The demo contacts whose latest session started in the past 24 hours,
	// newest first.
	want := []struct {
		name, phone, status, tag, messages string
		ago                                time.Duration
	}{
		{"Ahmed Hassan", "+971501234567", "opened", "needs-human", "2", 20 * time.Minute},
		{"James O'Connor", "+447700900123", "opened", "-", "3", 50 * time.Minute},
		{"Maria Gonzalez", "+34612345678", "closed", "appointment-booked", "4", 3 * time.Hour},
		{"Fatima Khan", "+923001234567", "closed", "not-interested", "2", 5 * time.Hour},
		{"Priya Raman", "+919876543210", "closed", "pricing-question", "4", 9 * time.Hour},
	}
	if len(ls) != 1+len(want) {
		t.Fatalf("got %d rows, want %d\n%v", len(ls)-1, len(want), r)
	}
	phoneCol := strings.Index(ls[0], "PHONE")
	for i, w := range want {
		row := ls[i+1]
		ids := recent.Sessions[i]
		wantRow := strings.Join([]string{localTable(testNow.Add(-w.ago)), w.name, w.phone, w.status, w.tag, w.messages, ids.ContactID, ids.SessionID}, " ")
		if got := strings.Join(strings.Fields(row), " "); got != wantRow {
			t.Errorf("row %d = %q, want %q", i, got, wantRow)
		}
		if strings.Index(row, w.phone) != phoneCol {
			t.Errorf("row %d: the phone is not under PHONE:\n%s\n%s", i, ls[0], row)
		}
	}
}

func TestSessionsRecentMessages(t *testing.T) {
	t.Parallel()
	_, env := newServer(t)
	r := runCLI(t, env, "", "sessions", "recent", "--hours", "24", "--status", "closed", "--limit", "2", "--messages")
	wantCode(t, r, 0)
	ls := lines(r.stdout)
	start := testNow.Add(-3 * time.Hour)
	want := []string{
		"", // the header
		localTable(start) + " Maria Gonzalez +34612345678 closed appointment-booked 4",
		"<- " + start.Local().Format("15:04") + " Hola, quería pedir cita para una limpieza dental",
		"-> " + start.Add(40*time.Second).Local().Format("15:04") + " ¡Hola Maria! Tenemos huecos el jueves a las 10:00 o el viernes a las 16:30. ¿Cuál te viene mejor?",
		"<- " + start.Add(97*time.Second).Local().Format("15:04") + " El jueves a las 10 perfecto",
		"-> " + start.Add(171*time.Second).Local().Format("15:04") + " Listo: jueves a las 10:00. Te enviaremos un recordatorio el día antes. ¡Hasta pronto!",
		"",
		localTable(testNow.Add(-5*time.Hour)) + " Fatima Khan +923001234567 closed not-interested 2",
		"<- " + testNow.Add(-5*time.Hour).Local().Format("15:04") + " Please stop sending me offers",
	}
	if len(ls) != len(want)+1 {
		t.Fatalf("got %d lines, want %d\n%v", len(ls), len(want)+1, r)
	}
	for i := 1; i < len(want); i++ {
		got := strings.Join(strings.Fields(ls[i]), " ")
		if i == 1 || i == 7 { // a session's row ends with its contact and session ids
			f := strings.Fields(got)
			got = strings.Join(f[:len(f)-2], " ")
		}
		if got != want[i] {
			t.Errorf("line %d = %q, want %q", i, got, want[i])
		}
	}
	if !strings.HasPrefix(ls[2], "    <- ") {
		t.Errorf("a message line should be indented below its session: %q", ls[2])
	}
}

func TestSessionsRecentJSON(t *testing.T) {
	t.Parallel()
	_, env := newServer(t)
	r := runCLI(t, env, "", "sessions", "recent", "--hours", "24", "--status", "opened", "--json")
	wantCode(t, r, 0)
	var got dmchamp.RecentChatSessions
	decode(t, r, &got)
	if got.HoursAgo != 24 || got.TotalSessions != 2 || len(got.Sessions) != 2 {
		t.Fatalf("got %+v, want 2 sessions in 24 hours", got)
	}
	s := got.Sessions[0]
	if s.ContactName != "Ahmed Hassan" || s.Status != dmchamp.ChatSessionOpened || !s.StartDateTime.Equal(testNow.Add(-20*time.Minute)) ||
		s.Tag == nil || *s.Tag != "needs-human" || s.Messages != nil {
		t.Errorf("first session = %+v", s)
	}

	// Global flags may come first; --messages adds the messages.
	r = runCLI(t, env, "", "--json", "sessions", "recent", "--messages")
	wantCode(t, r, 0)
	got = dmchamp.RecentChatSessions{}
	decode(t, r, &got)
	if len(got.Sessions) != 5 || len(got.Sessions[0].Messages) != 2 || got.Sessions[0].Messages[1].Direction != dmchamp.DirectionOutbound {
		t.Errorf("got %+v, want 5 sessions with their messages", got)
	}
}

func TestSessionsContact(t *testing.T) {
	t.Parallel()
	srv, env := newServer(t)
	srv.AddContact(dmchamp.Contact{ID: "contact-test-1", PhoneNumber: "+15550001111", FirstName: "Testy", LastName: "McTest"})
	oldStart, oldEnd := testNow.Add(-48*time.Hour), testNow.Add(-47*time.Hour)
	srv.AddChatSession("contact-test-1", dmchamp.ChatSession{ID: "old-session", StartDateTime: oldStart, EndDateTime: &oldEnd})
	newStart, reply := testNow.Add(-time.Hour), testNow.Add(-59*time.Minute)
	srv.AddChatSession("contact-test-1", dmchamp.ChatSession{ID: "new-session", StartDateTime: newStart, Tag: dmchamp.Ptr("vip"),
		Messages: []dmchamp.ChatMessage{
			{Body: "Hello there", Direction: dmchamp.DirectionInbound, Timestamp: &newStart},
			{Body: "Hi Testy!\nHow can I help?", Direction: dmchamp.DirectionOutbound, Timestamp: &reply},
		}})

	// Flags may follow the contact id.
	r := runCLI(t, env, "", "sessions", "contact", "contact-test-1", "--messages")
	wantCode(t, r, 0)
	ls := lines(r.stdout)
	want := []string{
		"Testy McTest (contact-test-1): 2 sessions",
		"",
		"STARTED ENDED STATUS TAG MESSAGES SESSION",
		localTable(newStart) + " - opened vip 2 new-session",
		"<- " + newStart.Local().Format("15:04") + " Hello there",
		"-> " + reply.Local().Format("15:04") + " Hi Testy!",
		"How can I help?",
		"",
		localTable(oldStart) + " " + localTable(oldEnd) + " closed - 0 old-session",
	}
	if len(ls) != len(want) {
		t.Fatalf("got %d lines, want %d\n%v", len(ls), len(want), r)
	}
	for i, w := range want {
		if got := strings.Join(strings.Fields(ls[i]), " "); got != w {
			t.Errorf("line %d = %q, want %q", i, got, w)
		}
	}

	r = runCLI(t, env, "", "--json", "sessions", "contact", "--status", "closed", "contact-test-1")
	wantCode(t, r, 0)
	var got dmchamp.ContactChatSessions
	decode(t, r, &got)
	if got.ContactID != "contact-test-1" || got.ContactName != "Testy McTest" || got.TotalSessions != 1 ||
		got.Sessions[0].ID != "old-session" || got.Sessions[0].EndDateTime == nil || !got.Sessions[0].EndDateTime.Equal(oldEnd) {
		t.Errorf("got %+v", got)
	}
}

func TestAPIErrorExitsOne(t *testing.T) {
	t.Parallel()
	_, env := newServer(t)
	r := runCLI(t, env, "", "sessions", "contact", "no-such-contact")
	wantCode(t, r, 1)
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
	want := "dmchamp: GET /v1/chat-sessions/no-such-contact: HTTP 404 Not Found (error_code 404): Contact not found\n"
	if r.stderr != want {
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
}

func TestContactsGet(t *testing.T) {
	t.Parallel()
	srv, env := newServer(t)
	r := runCLI(t, env, "", "contacts", "get", "--phone", "+34612345678")
	wantCode(t, r, 0)
	d := detailsOf(t, r.stdout)
	for k, v := range map[string]string{
		"NAME": "Maria Gonzalez", "PHONE": "+34612345678", "EMAIL": "maria.gonzalez@example.com",
		"CHANNEL": "whatsapp", "AI AGENT": "yes", "DO NOT DISTURB": "no", "TAGS": "appointment-booked",
	} {
		if d[k] != v {
			t.Errorf("%s = %q, want %q\n%v", k, d[k], v, r)
		}
	}

	r = runCLI(t, env, "", "contacts", "get", "--email", "maria.gonzalez@example.com", "--json")
	wantCode(t, r, 0)
	var got dmchamp.ContactLookup
	decode(t, r, &got)
	if got.Contact == nil || got.ContactID != d["ID"] || got.Contact.ID != d["ID"] || got.Contact.FirstName != "Maria" ||
		!slices.Equal(got.Contact.Tags, []string{"appointment-booked"}) {
		t.Errorf("got %+v (contact %+v)", got, got.Contact)
	}

	// The documented answer holds the id only.
	srv.Inject(http.MethodGet, "/v1/contacts", 1, dmchamptest.Fault{Status: http.StatusOK, Body: `{"success":true,"contactId":"only-the-id"}`})
	r = runCLI(t, env, "", "contacts", "get", "--phone", "+34612345678")
	wantCode(t, r, 0)
	if got := strings.Fields(r.stdout); !slices.Equal(got, []string{"ID", "only-the-id"}) {
		t.Errorf("stdout = %q, want the id only", r.stdout)
	}

	r = runCLI(t, env, "", "contacts", "get", "--phone", "+10000000000")
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "HTTP 404") || !strings.Contains(r.stderr, "Contact not found") {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestContactsCreate(t *testing.T) {
	t.Parallel()
	srv, env := newServer(t)
	list1, list2 := srv.AddList("Test list"), srv.AddList("Other list")
	r := runCLI(t, env, "", "contacts", "create", "--phone", "+15557654321", "--first-name", "Ada", "--last-name", "Lovelace",
		"--email", "ada@example.com", "--list", list1, "--list", list2, "--bot=false", "--json")
	wantCode(t, r, 0)
	var created dmchamp.CreatedContact
	decode(t, r, &created)
	if created.ContactID == "" || created.Message == "" {
		t.Fatalf("got %+v", created)
	}
	var body struct {
		IsBotActive *bool    `json:"is_bot_active"`
		ListIDs     []string `json:"listIds"`
	}
	for _, req := range srv.Requests() {
		if req.Method == http.MethodPost && req.Path == "/v1/contacts" {
			if err := json.Unmarshal(req.Body, &body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if body.IsBotActive == nil || *body.IsBotActive || !slices.Equal(body.ListIDs, []string{list1, list2}) {
		t.Errorf("request body: is_bot_active %v, listIds %q", body.IsBotActive, body.ListIDs)
	}

	r = runCLI(t, env, "", "contacts", "get", "--phone", "+15557654321", "--json")
	wantCode(t, r, 0)
	var got dmchamp.ContactLookup
	decode(t, r, &got)
	if got.ContactID != created.ContactID || got.Contact.FirstName != "Ada" || got.Contact.IsBotActive {
		t.Errorf("got %+v", got.Contact)
	}

	// A table by default; a duplicate is an API error with a hint.
	r = runCLI(t, env, "", "contacts", "create", "--phone", "+15550009999")
	wantCode(t, r, 0)
	if d := detailsOf(t, r.stdout); d["ID"] == "" || d["MESSAGE"] != "Successfully created new contact" {
		t.Errorf("stdout = %q", r.stdout)
	}
	r = runCLI(t, env, "", "contacts", "create", "--phone", "+15557654321")
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "dmchamp: a contact with this phone number already exists: "+created.ContactID+"\n") {
		t.Errorf("stderr = %q", r.stderr)
	}
	// The hint names the id wherever the SDK finds it (APIError.ExistingID),
	// and says nothing of an id when there is none.
	for _, tc := range []struct {
		status     int
		body, hint string
	}{
		{http.StatusOK, `{"success":false,"error_code":409,"error":"Contact already exists","data":{"existingContactId":"Ex1sT1ngC0ntact1d000"}}`,
			"dmchamp: a contact with this phone number already exists: Ex1sT1ngC0ntact1d000\n"},
		{http.StatusConflict, `{"success":false,"error_code":409,"error":"Contact already exists","contact_id":"Ex1sT1ngC0ntact1d001"}`,
			"dmchamp: a contact with this phone number already exists: Ex1sT1ngC0ntact1d001\n"},
		{http.StatusConflict, `{"success":false,"error_code":409,"error":"Contact already exists"}`,
			"dmchamp: a contact with this phone number already exists\n"},
	} {
		srv.Inject(http.MethodPost, "/v1/contacts", 1, dmchamptest.Fault{Status: tc.status, Body: tc.body})
		r = runCLI(t, env, "", "contacts", "create", "--phone", "+15557654321")
		wantCode(t, r, 1)
		if !strings.HasSuffix(r.stderr, tc.hint) {
			t.Errorf("answer %d %s: stderr = %q, want it to end with %q", tc.status, tc.body, r.stderr, tc.hint)
		}
	}

	// The SDK's validation is a usage error.
	r = runCLI(t, env, "", "contacts", "create", "--phone", "12")
	wantCode(t, r, 2)
	if !strings.HasPrefix(r.stderr, "dmchamp: --phone: ") || !strings.HasSuffix(r.stderr, "\nRun 'dmchamp help contacts create' for usage.\n") || strings.Count(r.stderr, "\n") != 2 {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestExportChats(t *testing.T) {
	t.Parallel()
	srv, env := newServer(t)
	r := runCLI(t, env, "", "export", "chats", "--hours", "24")
	wantCode(t, r, 0)
	// The text is the server's, byte for byte.
	resp, err := http.Get(srv.BaseURL() + "/chat-exports/recent?format=txt&hours=24&apiKey=" + url.QueryEscape(testAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if r.stdout != string(want) {
		t.Errorf("stdout differs from the server's export:\n%s\nwant:\n%s", r.stdout, want)
	}
	if r.stderr != "" {
		t.Errorf("stderr is no terminal, yet: %q", r.stderr)
	}
	for _, s := range []string{"DM Champ chat export: 5 contacts active in the past 24 hours\n", "=== Maria Gonzalez (+34612345678) ===\n", "AI Agent: Listo: jueves a las 10:00."} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout lacks %q", s)
		}
	}

	for _, args := range [][]string{{"--format", "json"}, {"--json"}, {"--format", "JSON", "--json"}} {
		r = runCLI(t, env, "", append([]string{"export", "chats", "--hours", "24", "--filter", "text"}, args...)...)
		wantCode(t, r, 0)
		var got []dmchamp.ChatExport
		decode(t, r, &got)
		var names []string
		for _, e := range got {
			names = append(names, e.ContactName)
		}
		if !slices.Equal(names, []string{"Maria Gonzalez", "James O'Connor", "Priya Raman", "Ahmed Hassan", "Fatima Khan"}) ||
			got[0].MessageCount != 4 || got[0].PhoneNumber != "+34612345678" || !strings.Contains(got[0].Text, "El jueves a las 10 perfecto") {
			t.Errorf("%q: got %+v", args, got)
		}
	}
}

func TestSubAccountsGet(t *testing.T) {
	t.Parallel()
	_, env := newServer(t)
	r := runCLI(t, env, "", "subaccounts", "get", "--email", "owner@brightsmile-dental.example")
	wantCode(t, r, 0)
	d := detailsOf(t, r.stdout)
	for k, v := range map[string]string{
		"NAME": "Elena Marsh", "BUSINESS": "BrightSmile Dental", "LOCATION": "Austin, TX, US",
		"CREDITS": "1360", "MONTHLY CREDITS": "640 used of 2000", "ROLL OVER": "no",
	} {
		if d[k] != v {
			t.Errorf("%s = %q, want %q\n%v", k, d[k], v, r)
		}
	}

	r = runCLI(t, env, "", "subaccounts", "get", "--email", "hola@casaverde.example", "--json")
	wantCode(t, r, 0)
	var got dmchamp.SubAccount
	decode(t, r, &got)
	if got.BusinessName != "Casa Verde Interiores" || got.UsageLimits == nil || got.UsageLimits.Credits != 380 || !got.UsageLimits.RollOverToNextMonth {
		t.Errorf("got %+v", got)
	}

	r = runCLI(t, env, "", "subaccounts", "get", "--email", "nobody@example.com")
	wantCode(t, r, 1)

	// A user ID is refused before any request: a usage error with advice.
	r = runCLI(t, map[string]string{envUserID: testUserID, envBaseURL: env[envBaseURL]}, "", "subaccounts", "get", "--email", "hola@casaverde.example")
	wantCode(t, r, 2)
	if !strings.Contains(r.stderr, "set DMCHAMP_API_KEY") {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestOTP(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 14, 12, 0, 7, 0, time.UTC)
	want, err := dmchamp.TOTP(testSecret, at)
	if err != nil {
		t.Fatal(err)
	}
	wantText := fmt.Sprintf("%s  (expires in 23s)\n", want.Code)

	// No environment: otp is local, so there is no demo server either.
	r := runCLI(t, nil, "", "otp", "--secret", testSecret, "--at", at.Format(time.RFC3339))
	wantCode(t, r, 0)
	if r.stdout != wantText || r.stderr != "" {
		t.Errorf("got %v\nwant stdout %q", r, wantText)
	}

	r = runCLI(t, nil, testSecret+"\n", "otp", "--secret", "-", "--at", "2025-03-14T13:00:07+01:00")
	wantCode(t, r, 0)
	if r.stdout != wantText {
		t.Errorf("secret from stdin: stdout = %q, want %q", r.stdout, wantText)
	}

	r = runCLI(t, nil, "", "otp", "--json", "--secret", testSecret, "--at", at.Format(time.RFC3339))
	wantCode(t, r, 0)
	var got dmchamp.OTP
	decode(t, r, &got)
	if got != *want {
		t.Errorf("got %+v, want %+v", got, *want)
	}

	// Bad input is a usage error that never repeats the secret (runCLI
	// checks it), even when the secret was given as an argument.
	for _, args := range [][]string{
		{"otp", "--secret", badSecret},
		{"otp"},
		{"otp", testSecret},
		{"otp", "--secret", testSecret, "--at", "yesterday"},
	} {
		r = runCLI(t, nil, "", args...)
		wantCode(t, r, 2)
	}
}

func TestChatFlow(t *testing.T) {
	t.Parallel()
	srv, env := newServer(t)
	bot := srv.AddChatbot("Test Coach", "Answers tests")
	client := srv.AddSessionClient("Test Client", "client@example.com")

	r := runCLI(t, env, "", "chat", "create", "--chatbot", bot, "--client", client, "--title", "CLI test", "--json")
	wantCode(t, r, 0)
	var s dmchamp.Session
	decode(t, r, &s)
	if s.ID == "" || s.Status != dmchamp.SessionActive || s.Chatbot.ID != bot || s.Client.ID != client || s.Title != "CLI test" {
		t.Fatalf("created %+v", s)
	}

	r = runCLI(t, env, "", "chat", "send", s.ID, "Hello", "coach")
	wantCode(t, r, 0)
	if want := "This is Test Coach. You said: \"Hello coach\". Tell me more, and we will work on it together.\n"; r.stdout != want {
		t.Errorf("reply = %q, want %q", r.stdout, want)
	}
	r = runCLI(t, env, "What now?\n", "chat", "send", s.ID, "-")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, `You said: "What now?"`) {
		t.Errorf("reply to stdin = %q", r.stdout)
	}
	r = runCLI(t, env, "", "chat", "send", "--json", s.ID, "--", "-5 degrees")
	wantCode(t, r, 0)
	var reply dmchamp.SessionMessage
	decode(t, r, &reply)
	if reply.Role != dmchamp.RoleAssistant || !strings.Contains(reply.Content, `You said: "-5 degrees"`) {
		t.Errorf("reply = %+v", reply)
	}

	r = runCLI(t, env, "", "chat", "get", s.ID)
	wantCode(t, r, 0)
	d := detailsOf(t, r.stdout)
	if d["TITLE"] != "CLI test" || d["STATUS"] != "ACTIVE" || d["CHATBOT"] != "Test Coach ("+bot+")" || d["MESSAGES"] != "6" {
		t.Errorf("details = %q", d)
	}
	if !regexp.MustCompile(`(?m)^  \d\d:\d\d  user       Hello coach$`).MatchString(r.stdout) ||
		!regexp.MustCompile(`(?m)^  \d\d:\d\d  assistant  This is Test Coach\.`).MatchString(r.stdout) {
		t.Errorf("messages missing:\n%s", r.stdout)
	}

	r = runCLI(t, env, "", "chat", "get", s.ID, "--json")
	wantCode(t, r, 0)
	s = dmchamp.Session{}
	decode(t, r, &s)
	var roles []dmchamp.MessageRole
	for _, m := range s.Messages {
		roles = append(roles, m.Role)
	}
	if want := []dmchamp.MessageRole{"user", "assistant", "user", "assistant", "user", "assistant"}; !slices.Equal(roles, want) || s.Client.Name != "Test Client" {
		t.Errorf("roles = %q, client %+v", roles, s.Client)
	}

	r = runCLI(t, env, "", "chat", "end", s.ID)
	wantCode(t, r, 0)
	if d := detailsOf(t, r.stdout); d["STATUS"] != "COMPLETED" || d["ENDED"] != testNow.Local().Format("2006-01-02 15:04:05 MST") {
		t.Errorf("ended: %q", d)
	}

	r = runCLI(t, env, "", "chat", "send", s.ID, "Anyone there?")
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "not found or not active") {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestChatList(t *testing.T) {
	t.Parallel()
	_, env := newServer(t)
	r := runCLI(t, env, "", "chat", "list")
	wantCode(t, r, 0)
	ls := lines(r.stdout)
	if got := strings.Fields(ls[0]); !slices.Equal(got, []string{"ID", "STARTED", "STATUS", "CHATBOT", "CLIENT", "TITLE", "MESSAGES"}) || len(ls) != 4 {
		t.Fatalf("got\n%s", r.stdout)
	}
	want := localTable(testNow.Add(-2*time.Hour)) + " ACTIVE Julia – Nutrition Coach Tom Becker Weekly check-in 2"
	if got := strings.Join(strings.Fields(ls[1])[1:], " "); got != want {
		t.Errorf("row = %q, want %q", got, want)
	}

	r = runCLI(t, env, "", "chat", "list", "--status", "completed")
	wantCode(t, r, 0)
	if ls := lines(r.stdout); len(ls) != 2 || !strings.Contains(ls[1], "Meal plan review") {
		t.Errorf("completed sessions:\n%s", r.stdout)
	}

	r = runCLI(t, env, "", "chat", "list", "--limit", "1")
	wantCode(t, r, 0)
	if ls := lines(r.stdout); len(ls) != 4 || !strings.Contains(ls[3], "--all") {
		t.Errorf("one page:\n%s", r.stdout)
	}

	r = runCLI(t, env, "", "chat", "list", "--json", "--limit", "2")
	wantCode(t, r, 0)
	var page dmchamp.SessionPage
	decode(t, r, &page)
	if len(page.Sessions) != 2 || page.PaginatorInfo.Total != 3 {
		t.Errorf("page = %+v", page)
	}

	r = runCLI(t, env, "", "chat", "list", "--all", "--limit", "1", "--json")
	wantCode(t, r, 0)
	var all []dmchamp.Session
	decode(t, r, &all)
	var titles []string
	for _, s := range all {
		titles = append(titles, s.Title)
	}
	if !slices.Equal(titles, []string{"Weekly check-in", "Meal plan review", "Bedtime routine"}) {
		t.Errorf("titles = %q", titles)
	}
}

func TestDemoMode(t *testing.T) {
	t.Parallel()
	const notice = "dmchamp: --demo: using the built-in demo server\n"
	r := runCLI(t, nil, "", "sessions", "recent", "--hours", "24", "--demo")
	wantCode(t, r, 0)
	if r.stderr != notice {
		t.Errorf("stderr = %q, want %q", r.stderr, notice)
	}
	if ls := lines(r.stdout); !strings.HasPrefix(ls[0], "STARTED") || len(ls) != 6 || !strings.Contains(r.stdout, "Maria Gonzalez") {
		t.Errorf("stdout:\n%s", r.stdout)
	}

	// --demo wins over credentials: the configured server gets no request.
	srv, env := newServer(t)
	r = runCLI(t, env, "", "contacts", "get", "--phone", "+34612345678", "--demo", "--json")
	wantCode(t, r, 0)
	if r.stderr != notice {
		t.Errorf("stderr = %q", r.stderr)
	}
	var got dmchamp.ContactLookup
	decode(t, r, &got)
	if got.Contact == nil || got.Contact.LastName != "Gonzalez" {
		t.Errorf("got %+v", got)
	}
	r = runCLI(t, env, "", "chat", "list", "--demo")
	wantCode(t, r, 0)
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the configured server got %d requests in demo mode", n)
	}

	// chat create picks a demo chatbot and client.
	r = runCLI(t, nil, "", "chat", "create", "--demo")
	wantCode(t, r, 0)
	if r.stderr != notice {
		t.Errorf("stderr = %q", r.stderr)
	}
	if d := detailsOf(t, r.stdout); d["STATUS"] != "ACTIVE" || !strings.HasPrefix(d["CHATBOT"], "Julia – Nutrition Coach (") || !strings.HasPrefix(d["CLIENT"], "Tom Becker (") {
		t.Errorf("created:\n%s", r.stdout)
	}
	r = runCLI(t, nil, "", "chat", "create", "--demo", "--title", "Try", "--json")
	wantCode(t, r, 0)
	var s dmchamp.Session
	decode(t, r, &s)
	if s.ID == "" || s.Chatbot.ID == "" || s.Client.ID == "" || s.Title != "Try" {
		t.Errorf("created %+v", s)
	}
}

// TestNoAccount runs commands with no account configured and no --demo:
// each exits with status 2 and says what to set, and no server, real or
// demo, gets a request.
func TestNoAccount(t *testing.T) {
	t.Parallel()
	const tryDemo = "To try dmchamp on the built-in demo server with sample data, add --demo.\n"
	const dmchampHint = "dmchamp: no DM Champ credentials set\n" +
		"To use your account, set DMCHAMP_API_KEY or DMCHAMP_USER_ID (and DMCHAMP_BASE_URL\n" +
		"for a server other than " + dmchamp.DefaultBaseURL + "), or pass --api-key or --user-id.\n" + tryDemo
	const sessionsHint = "To use your chatbot server, set SESSIONS_BASE_URL (with its /api prefix) and\n" +
		"SESSIONS_TOKEN, or pass --sessions-url and --sessions-token.\n" + tryDemo
	srv, full := newServer(t)
	only := func(names ...string) map[string]string {
		env := map[string]string{}
		for _, n := range names {
			env[n] = full[n]
		}
		return env
	}
	for _, tc := range []struct {
		env    map[string]string
		args   []string
		stderr string
	}{
		{nil, []string{"sessions", "recent", "--hours", "24"}, dmchampHint},
		{nil, []string{"sessions", "contact", "c1", "--json"}, dmchampHint},
		{nil, []string{"contacts", "get", "--phone", "+34612345678"}, dmchampHint},
		{nil, []string{"contacts", "create", "--phone", "+34612345678"}, dmchampHint},
		{nil, []string{"export", "chats"}, dmchampHint},
		{nil, []string{"subaccounts", "get", "--email", "hola@casaverde.example"}, dmchampHint},
		// A base URL is not a credential; the Session API's are not DM Champ's.
		{only(envBaseURL), []string{"sessions", "recent"}, dmchampHint},
		{only(envBaseURL, envSessionsURL, envSessionsToken), []string{"contacts", "get", "--phone", "+34612345678"}, dmchampHint},
		{nil, []string{"sessions", "recent", "--base-url", full[envBaseURL]}, dmchampHint},

		{nil, []string{"chat", "list"}, "dmchamp: no Session API base URL and token set\n" + sessionsHint},
		{nil, []string{"chat", "create", "--chatbot", "b1", "--client", "c1"}, "dmchamp: no Session API base URL and token set\n" + sessionsHint},
		{only(envAPIKey, envBaseURL), []string{"chat", "get", "0123456789abcdef01234567"}, "dmchamp: no Session API base URL and token set\n" + sessionsHint},
		{only(envSessionsURL), []string{"chat", "list"}, "dmchamp: no Session API token set\n" + sessionsHint},
		{nil, []string{"chat", "send", "0123456789abcdef01234567", "hi", "--sessions-url", full[envSessionsURL]}, "dmchamp: no Session API token set\n" + sessionsHint},
		{only(envSessionsToken), []string{"chat", "end", "0123456789abcdef01234567"}, "dmchamp: no Session API base URL set\n" + sessionsHint},
	} {
		r := runCLI(t, tc.env, "", tc.args...)
		if r.code != exitUsage || r.stdout != "" || r.stderr != tc.stderr {
			t.Errorf("dmchamp %q: %v\nwant exit 2, no stdout, stderr:\n%s", tc.args, r, tc.stderr)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the configured server got %d requests", n)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	_, env := newServer(t)
	for _, tc := range []struct {
		args   []string
		code   int
		stdout []string // substrings
		stderr []string
	}{
		{args: nil, code: 2, stderr: []string{"Usage:\n  dmchamp COMMAND"}},
		{args: []string{"help"}, code: 0, stdout: []string{"sessions recent", "chat send", "otp", "--demo", "--json", "2 usage error or missing credentials", "DMCHAMP_API_KEY", "DMCHAMP_USER_ID", "DMCHAMP_BASE_URL", "SESSIONS_BASE_URL", "SESSIONS_TOKEN"}},
		{args: []string{"-h"}, code: 0, stdout: []string{"Usage:"}},
		{args: []string{"--bogus", "sessions", "recent"}, code: 2, stderr: []string{"dmchamp: unknown flag --bogus\nRun 'dmchamp help' for usage.\n"}},
		{args: []string{"sessions", "recent", "--hours"}, code: 2, stderr: []string{"dmchamp: flag needs an argument: --hours\n"}},
		{args: []string{"--help"}, code: 0, stdout: []string{"Usage:"}},
		{args: []string{"help", "sessions", "recent"}, code: 0, stdout: []string{"usage: dmchamp sessions recent", "--hours N", "(default 24)", "Global flags"}},
		{args: []string{"help", "chat"}, code: 0, stdout: []string{"dmchamp chat create", "dmchamp chat end ID"}},
		{args: []string{"chat", "--help"}, code: 0, stdout: []string{"dmchamp chat send ID TEXT"}},
		{args: []string{"help", "nope"}, code: 2, stderr: []string{`unknown command "nope"`}},
		{args: []string{"nope"}, code: 2, stderr: []string{`dmchamp: unknown command "nope"`, "Usage:"}},
		{args: []string{"sessions"}, code: 2, stderr: []string{"dmchamp: sessions: missing subcommand", "dmchamp sessions contact ID"}},
		{args: []string{"sessions", "old"}, code: 2, stderr: []string{`unknown subcommand "old"`}},
		{args: []string{"sessions", "recent", "--bogus"}, code: 2, stderr: []string{"dmchamp: unknown flag --bogus\n", "Run 'dmchamp help sessions recent' for usage."}},
		{args: []string{"sessions", "recent", "-h"}, code: 0, stdout: []string{"usage: dmchamp sessions recent", "--messages"}},
		{args: []string{"sessions", "recent", "--status", "maybe"}, code: 2, stderr: []string{"--status must be opened or closed"}},
		{args: []string{"sessions", "recent", "--hours", "0"}, code: 2, stderr: []string{"--hours must be at least 1"}},
		{args: []string{"sessions", "recent", "--hours", "many"}, code: 2, stderr: []string{"invalid value"}},
		{args: []string{"sessions", "recent", "24"}, code: 2, stderr: []string{"unexpected arguments"}},
		{args: []string{"sessions", "contact"}, code: 2, stderr: []string{"dmchamp: missing ID\nRun 'dmchamp help sessions contact' for usage.\n"}},
		{args: []string{"contacts", "get"}, code: 2, stderr: []string{"set one of --phone and --email"}},
		{args: []string{"contacts", "get", "--phone", "+34612345678", "--email", "a@example.com"}, code: 2, stderr: []string{"set one of --phone and --email"}},
		{args: []string{"contacts", "create"}, code: 2, stderr: []string{"--phone is required"}},
		{args: []string{"contacts", "create", "--phone", "+15550000000", "--bot=maybe"}, code: 2, stderr: []string{"invalid boolean value"}},
		{args: []string{"export", "chats", "--format", "txt", "--json"}, code: 2, stderr: []string{"drop --format txt"}},
		{args: []string{"export", "chats", "--format", "csv"}, code: 2, stderr: []string{"--format must be txt or json"}},
		{args: []string{"export", "chats", "--filter", "images"}, code: 2, stderr: []string{"--filter must be"}},
		{args: []string{"subaccounts", "get"}, code: 2, stderr: []string{"--email is required"}},
		{args: []string{"subaccounts", "get", "--email", "not-an-email"}, code: 2, stderr: []string{"dmchamp: --email: \"not-an-email\" is not an email address\nRun"}},
		{args: []string{"chat", "get"}, code: 2, stderr: []string{"missing ID"}},
		{args: []string{"chat", "get", "a", "b"}, code: 2, stderr: []string{"too many arguments"}},
		{args: []string{"chat", "send", "0123456789abcdef01234567"}, code: 2, stderr: []string{"missing TEXT"}},
		{args: []string{"chat", "create", "--chatbot", "x"}, code: 2, stderr: []string{"--chatbot and --client are required"}},
		{args: []string{"chat", "list", "--status", "done"}, code: 2, stderr: []string{"--status must be ACTIVE"}},
		{args: []string{"--timeout", "-1s", "sessions", "recent"}, code: 2, stderr: []string{"--timeout must not be negative"}},
		{args: []string{"sessions", "recent", "--base-url", "ftp://example.com"}, code: 2, stderr: []string{"WithBaseURL: must be an http or https URL"}},
	} {
		r := runCLI(t, env, "", tc.args...)
		if r.code != tc.code {
			t.Errorf("dmchamp %q: exit status %d, want %d\n%v", tc.args, r.code, tc.code, r)
			continue
		}
		for _, s := range tc.stdout {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("dmchamp %q: stdout lacks %q\n%v", tc.args, s, r)
			}
		}
		for _, s := range tc.stderr {
			if !strings.Contains(r.stderr, s) {
				t.Errorf("dmchamp %q: stderr lacks %q\n%v", tc.args, s, r)
			}
		}
		if tc.code == 0 && r.stderr != "" {
			t.Errorf("dmchamp %q: stderr = %q, want nothing", tc.args, r.stderr)
		}
		if tc.code == 2 && r.stdout != "" {
			t.Errorf("dmchamp %q: stdout = %q, want nothing", tc.args, r.stdout)
		}
	}
}

func TestUnauthorized(t *testing.T) {
	t.Parallel()
	_, env := newServer(t)
	bad := map[string]string{
		envAPIKey: wrongAPIKey, envBaseURL: env[envBaseURL],
		envSessionsURL: env[envSessionsURL], envSessionsToken: wrongToken,
	}
	r := runCLI(t, bad, "", "sessions", "recent")
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "HTTP 401") || !strings.Contains(r.stderr, "\ndmchamp: DM Champ refused the credential: check DMCHAMP_API_KEY") {
		t.Errorf("stderr = %q", r.stderr)
	}
	r = runCLI(t, bad, "", "chat", "list")
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "HTTP 401") || !strings.Contains(r.stderr, "check SESSIONS_TOKEN") {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	t.Parallel()
	_, env := newServer(t)
	bad := map[string]string{
		envAPIKey: wrongAPIKey, envBaseURL: "http://127.0.0.1:1/v1",
		envSessionsURL: "http://127.0.0.1:1/api", envSessionsToken: wrongToken,
	}
	for _, args := range [][]string{
		{"sessions", "recent", "--api-key", testAPIKey, "--base-url", env[envBaseURL]},
		{"--api-key=" + testAPIKey, "--base-url=" + env[envBaseURL], "sessions", "recent"},
		{"sessions", "recent", "--user-id", testUserID, "--base-url", env[envBaseURL]}, // the user ID wins over the API key of the environment
		{"chat", "list", "--sessions-url", env[envSessionsURL], "--sessions-token", testToken},
	} {
		r := runCLI(t, bad, "", args...)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("dmchamp %q:\n%v", args, r)
		}
	}
	// Flags alone, with no environment.
	r := runCLI(t, nil, "", "sessions", "recent", "--api-key", testAPIKey, "--base-url", env[envBaseURL])
	if r.code != 0 || r.stderr != "" {
		t.Errorf("flags only:\n%v", r)
	}
}

// TestNoCredentialInOutput runs commands that succeed and fail with
// credentials in flags and in the environment; runCLI checks that none of
// them is printed.
func TestNoCredentialInOutput(t *testing.T) {
	t.Parallel()
	srv, env := newServer(t)
	srv.Inject(http.MethodPost, "/v1/contacts", 0, dmchamptest.Fault{Delay: 5 * time.Second})
	base, sessions := env[envBaseURL], env[envSessionsURL]
	for _, tc := range []struct {
		env  map[string]string
		args []string
		code int
	}{
		{env, []string{"sessions", "recent", "--messages"}, 0},
		{env, []string{"chat", "list", "--json"}, 0},
		{nil, []string{"sessions", "recent", "--api-key", testAPIKey, "--base-url", base, "--json"}, 0},
		{nil, []string{"sessions", "recent", "--api-key", wrongAPIKey, "--base-url", base}, 1},
		{nil, []string{"sessions", "contact", "nobody", "--user-id", testUserID, "--base-url", base}, 1},
		{nil, []string{"sessions", "recent", "--api-key", testAPIKey, "--user-id", testUserID}, 2},
		{nil, []string{"sessions", "recent", "--api-key", "with space " + wrongAPIKey, "--base-url", base}, 2},
		{nil, []string{"chat", "list", "--sessions-url", sessions, "--sessions-token", wrongToken}, 1},
		{nil, []string{"chat", "get", "0123456789abcdef01234567", "--sessions-url", sessions, "--sessions-token", testToken}, 1},
		{nil, []string{"sessions", "recent", "--api-key", testAPIKey, "--bogus"}, 2},
		{nil, []string{"sessions", "recent", "--api-key", testAPIKey, "--sessions-token", testToken, "-h"}, 0},
		{env, []string{"contacts", "create", "--phone", "+15550001234", "--timeout", "100ms"}, 1},
		{nil, []string{"otp", "--secret", testSecret, "--api-key", testAPIKey}, 0},
		{nil, []string{"otp", "--secret", badSecret}, 2},
		{nil, []string{"subaccounts", "get", "--email", "owner@brightsmile-dental.example", "--user-id", testUserID, "--base-url", base}, 2},
	} {
		r := runCLI(t, tc.env, "", tc.args...)
		if r.code != tc.code {
			t.Errorf("dmchamp %q: exit status %d, want %d\n%v", tc.args, r.code, tc.code, r)
		}
		if tc.code == 1 && strings.Contains(tc.args[0], "contacts") && !strings.Contains(r.stderr, "--timeout 100ms") {
			t.Errorf("timeout: stderr = %q, want a hint about --timeout", r.stderr)
		}
	}
}

// TestBinary builds the command and runs it as a user would, with no
// account.
// TestBinaryInterrupted: Ctrl-C during a call exits 130 at once.
func TestBinaryInterrupted(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT")
	}
	bin := buildBinary(t)
	srv, env := newServer(t)
	srv.Inject(http.MethodGet, "/v1/chat-sessions/recent", 0, dmchamptest.Fault{Delay: time.Minute})
	cmd := exec.Command(bin, "sessions", "recent")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); srv.Calls(http.MethodGet, "/v1/chat-sessions/recent") == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the request never arrived")
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
		t.Fatalf("exit: %v, want status 130\nstderr: %s", err, &stderr)
	}
	if stderr.String() != "dmchamp: interrupted\n" || stdout.String() != "" {
		t.Errorf("stdout %q, stderr %q", &stdout, &stderr)
	}
}

// buildBinary builds the command once per test that needs it.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	bin := filepath.Join(t.TempDir(), "dmchamp")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestBinary(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	cmd := exec.Command(bin, "sessions", "recent", "--hours", "24", "--demo")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DMCHAMP_") && !strings.HasPrefix(kv, "SESSIONS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, &stdout, &stderr)
	}
	header := strings.Fields(strings.SplitN(stdout.String(), "\n", 2)[0])
	if !slices.Equal(header, sessionHeaderFields) || !strings.Contains(stdout.String(), "Maria Gonzalez") {
		t.Errorf("stdout:\n%s", &stdout)
	}
	if stderr.String() != "dmchamp: --demo: using the built-in demo server\n" {
		t.Errorf("stderr = %q", &stderr)
	}
}

func TestServerTextCannotDriveTheTerminal(t *testing.T) {
	t.Parallel()
	srv, env := newServer(t)
	srv.AddContact(dmchamp.Contact{ID: "contact-esc", PhoneNumber: "+15550002222", FirstName: "Eve\x1b[2J", LastName: "\x1b]0;pwned\x07Mallory"})
	start := testNow.Add(-time.Hour)
	srv.AddChatSession("contact-esc", dmchamp.ChatSession{ID: "esc-session", StartDateTime: start,
		Messages: []dmchamp.ChatMessage{{Body: "hi\x1b[31m red\r\nsecond line", Direction: dmchamp.DirectionInbound, Timestamp: &start}}})

	r := runCLI(t, env, "", "sessions", "contact", "contact-esc", "--messages")
	wantCode(t, r, 0)
	for _, c := range []string{"\x1b", "\x07", "\r"} {
		if strings.Contains(r.stdout, c) {
			t.Errorf("the table holds the control character %q:\n%q", c, r.stdout)
		}
	}
	for _, want := range []string{"Eve[2J ]0;pwnedMallory (contact-esc)", "hi[31m red", "second line"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the table lacks %q:\n%s", want, r.stdout)
		}
	}

	// JSON keeps the text exactly, escaped.
	r = runCLI(t, env, "", "sessions", "contact", "contact-esc", "--messages", "--json")
	wantCode(t, r, 0)
	var got dmchamp.ContactChatSessions
	decode(t, r, &got)
	if body := got.Sessions[0].Messages[0].Body; body != "hi\x1b[31m red\r\nsecond line" {
		t.Errorf("JSON body = %q", body)
	}
}

func TestVersion(t *testing.T) {
	want := "dmchamp version " + dmchamp.Version + " (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	for _, args := range [][]string{{"--version"}, {"version"}, {"-version"}} {
		r := runCLI(t, nil, "", args...)
		wantCode(t, r, exitOK)
		if r.stdout != want || r.stderr != "" {
			t.Errorf("%v: %v", args, r)
		}
	}
	var v map[string]string
	r := runCLI(t, nil, "", "version", "--json")
	wantCode(t, r, exitOK)
	decode(t, r, &v)
	if v["version"] != dmchamp.Version || v["go"] != runtime.Version() {
		t.Errorf("%v", v)
	}
	wantCode(t, runCLI(t, nil, "", "version", "extra"), exitUsage)
}

func TestSessionsRecentEmptySaysSo(t *testing.T) {
	srv := dmchamptest.NewServer(dmchamptest.WithAPIKey(testAPIKey))
	defer srv.Close()
	env := map[string]string{envAPIKey: testAPIKey, envBaseURL: srv.BaseURL()}
	for hours, want := range map[string]string{"24": "No chat sessions in the last 24 hours.\n", "1": "No chat sessions in the last 1 hour.\n"} {
		r := runCLI(t, env, "", "sessions", "recent", "--hours", hours)
		wantCode(t, r, exitOK)
		if r.stdout != want {
			t.Errorf("--hours %s: %v", hours, r)
		}
	}
	r := runCLI(t, env, "", "sessions", "recent", "--json")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, `"sessions": []`) {
		t.Errorf("--json still prints the typed result: %v", r)
	}
}

// TestTableCountsDisplayWidth: a name in Chinese (two columns a character)
// or with combining accents does not push the next column out of line.
func TestTableCountsDisplayWidth(t *testing.T) {
	srv, env := newServer(t)
	// Each name with its width on a terminal, counted by hand.
	names := []struct {
		name  string
		width int
	}{{"王小明", 8}, {"Jose\u0301 Núñez", 12}} // "王小明 -", "José Núñez -"
	for i, n := range names {
		id := srv.AddContact(dmchamp.Contact{PhoneNumber: fmt.Sprintf("+8613800000%03d", i), FirstName: n.name, LastName: "-"})
		srv.AddChatSession(id, dmchamp.ChatSession{StartDateTime: testNow.Add(-time.Minute * time.Duration(i+1))})
	}
	r := runCLI(t, env, "", "sessions", "recent", "--hours", "24")
	wantCode(t, r, exitOK)
	// The contact column is as wide as its widest name ("James O'Connor"
	// of the demo data, 14), then two spaces: each name is padded to that,
	// whatever its bytes or runes.
	header := lines(r.stdout)[0]
	if !strings.Contains(header, "CONTACT         PHONE") {
		t.Errorf("header %q", header)
	}
	for i, n := range names {
		want := fmt.Sprintf("%s -%s+8613800000%03d", n.name, strings.Repeat(" ", 14-n.width+2), i)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no line holds %q:\n%s", want, r.stdout)
		}
	}
}

func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{"abc": 3, "王小明": 6, "Ｆｕｌｌ": 8, "Jose\u0301": 4, "Núñez": 5, "": 0, "한국어": 6} {
		if got := displayWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestExportChatsProgressOnATerminal: on a terminal, stderr counts the
// bytes exported; stdout is the export alone.
func TestExportChatsProgressOnATerminal(t *testing.T) {
	_, envVars := newServer(t)
	var stdout, stderr bytes.Buffer
	x := &env{ctx: t.Context(), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return envVars[k] },
		isTerminal: func(w io.Writer) bool { return w == &stderr }}
	x.cmd, _ = lookup([]string{"export", "chats"})
	fs := x.cmd.flagSet(&x.g)
	act := x.cmd.define(fs)
	if err := fs.Parse([]string{"--hours", "24"}); err != nil {
		t.Fatal(err)
	}
	if err := act(x, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stdout.String(), "DM Champ chat export: 5 contacts") {
		t.Errorf("stdout: %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "exporting") || !strings.Contains(stderr.String(), "B/s)") {
		t.Errorf("stderr shows no progress: %q", stderr.String())
	}
}
