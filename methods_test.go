package dmchamp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"path"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// typedMethods calls every typed method once with valid arguments.
var typedMethods = []struct {
	name   string
	method string // the HTTP method the call must use
	call   func(ctx context.Context, c *Client, o ...CallOption) error
}{
	{"Contacts.Get", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Contacts.Get(ctx, &GetContactOptions{PhoneNumber: "+34612345678"}, o...)
		return err
	}},
	{"Contacts.Create", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Contacts.Create(ctx, &CreateContactRequest{PhoneNumber: "+34612345678"}, o...)
		return err
	}},
	{"Contacts.Update", http.MethodPut, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Contacts.Update(ctx, "aB3dE5fG7hJ9kL1mN2pQ", &UpdateContactRequest{FirstName: Ptr("Maria")}, o...)
		return err
	}},
	{"Contacts.AddToList", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Contacts.AddToList(ctx, "aB3dE5fG7hJ9kL1mN2pQ", "Lst8Hq2Wn4Xc6Vb1Mz3K", o...)
		return err
	}},
	{"Contacts.Ensure", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, _, err := c.Contacts.Ensure(ctx, &CreateContactRequest{PhoneNumber: "+34612345678"}, o...)
		return err
	}},
	{"Contacts.Tags", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Contacts.Tags(ctx, "aB3dE5fG7hJ9kL1mN2pQ", o...)
		return err
	}},
	{"Tags.List", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Tags.List(ctx, o...)
		return err
	}},
	{"Tags.Assign", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Tags.Assign(ctx, &AssignTagRequest{Tag: "vip", Email: "maria@example.com"}, o...)
		return err
	}},
	{"ChatSessions.Recent", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.ChatSessions.Recent(ctx, &RecentChatSessionsOptions{Hours: 24}, o...)
		return err
	}},
	{"ChatSessions.ForContact", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.ChatSessions.ForContact(ctx, "aB3dE5fG7hJ9kL1mN2pQ", nil, o...)
		return err
	}},
	{"ChatExports.Recent", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.ChatExports.Recent(ctx, &ChatExportOptions{Hours: 24}, o...)
		return err
	}},
	{"ChatExports.RecentText", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		body, err := c.ChatExports.RecentText(ctx, &ChatExportOptions{Hours: 24}, o...)
		if err == nil {
			_, err = io.Copy(io.Discard, body)
			_ = body.Close()
		}
		return err
	}},
	{"Summaries.Generate", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Summaries.Generate(ctx, &GenerateSummaryRequest{PhoneNumber: "+34612345678"}, o...)
		return err
	}},
	{"WhatsAppTemplates.List", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.WhatsAppTemplates.List(ctx, o...)
		return err
	}},
	{"WhatsAppTemplates.Send", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.WhatsAppTemplates.Send(ctx, "aB3dE5fG7hJ9kL1mN2pQ", "tpl_welcome_01", o...)
		return err
	}},
	{"WhatsAppWeb.Send", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.WhatsAppWeb.Send(ctx, "+34612345678", "Hola", o...)
		return err
	}},
	{"Messages.IncomingCustomChannel", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Messages.IncomingCustomChannel(ctx, &CustomChannelMessage{CustomData: CustomChannelData{FromID: "visitor-1"}}, o...)
		return err
	}},
	{"SubAccounts.Get", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.SubAccounts.Get(ctx, "ops@acme.example", o...)
		return err
	}},
	{"SubAccounts.Create", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.SubAccounts.Create(ctx, &CreateSubAccountRequest{
			Email: "ops@acme.example", FirstName: "Ana", LastName: "Ruiz", UsageLimits: SubAccountLimits{MonthlyCredits: 100},
		}, o...)
		return err
	}},
	{"SubAccounts.Delete", http.MethodDelete, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.SubAccounts.Delete(ctx, "ops@acme.example", o...)
		return err
	}},
	{"SubAccounts.AddCredits", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.SubAccounts.AddCredits(ctx, &AddCreditsRequest{Email: "ops@acme.example", Amount: 500}, o...)
		return err
	}},
	{"Agency.UsageExport", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		for _, err := range c.Agency.UsageExport(ctx, nil, o...) {
			if err != nil {
				return err
			}
		}
		return nil
	}},
	{"OTP.Generate", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.OTP.Generate(ctx, "JBSWY3DPEHPK3PXP", o...)
		return err
	}},
	{"Sessions.Create", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Sessions.Create(ctx, &CreateSessionRequest{ChatbotID: chatbotID, ClientID: clientID}, o...)
		return err
	}},
	{"Sessions.Get", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Sessions.Get(ctx, sessionID, o...)
		return err
	}},
	{"Sessions.Update", http.MethodPut, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Sessions.Update(ctx, sessionID, &UpdateSessionRequest{Title: Ptr("x")}, o...)
		return err
	}},
	{"Sessions.End", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Sessions.End(ctx, sessionID, o...)
		return err
	}},
	{"Sessions.AddMessage", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Sessions.AddMessage(ctx, sessionID, &SessionMessage{Role: RoleUser, Content: "hi"}, o...)
		return err
	}},
	{"Sessions.Chat", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Sessions.Chat(ctx, sessionID, "hi", o...)
		return err
	}},
	{"Sessions.Ask", http.MethodPost, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Sessions.Ask(ctx, sessionID, "hi", o...)
		return err
	}},
	{"Sessions.List", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		_, err := c.Sessions.List(ctx, nil, o...)
		return err
	}},
	{"Sessions.All", http.MethodGet, func(ctx context.Context, c *Client, o ...CallOption) error {
		for _, err := range c.Sessions.All(ctx, nil, o...) {
			if err != nil {
				return err
			}
		}
		return nil
	}},
}

// TestServerErrorRetriedOnlyWhenIdempotent calls every typed method against
// a server that always answers 500: GET, PUT and DELETE calls are sent
// 1+RetryMax times, POST calls once.
func TestServerErrorRetriedOnlyWhenIdempotent(t *testing.T) {
	for _, m := range typedMethods {
		t.Run(m.name, func(t *testing.T) {
			c, mt := setup(t)
			var methods []string
			mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
				methods = append(methods, req.Method)
				return jsonReply(500, `{"success":false,"error_code":500,"error":"Internal server error"}`)(req)
			})

			err := m.call(t.Context(), c)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 500, apiErr.StatusCode)
			assert.ErrorIs(t, err, ErrServer)

			want := 1
			if m.method != http.MethodPost {
				want = 1 + DefaultRetryMax
			}
			assert.Equal(t, want, apiErr.Attempts)
			require.Len(t, methods, want)
			for _, got := range methods {
				assert.Equal(t, m.method, got)
			}
		})
	}
}

// okAnswers holds, for every row of typedMethods, the recorded answers of a
// successful call, one per request it sends.
var okAnswers = map[string][]string{
	"Contacts.Get":                   {"contacts/get_contact.json"},
	"Contacts.Create":                {"contacts/create.json"},
	"Contacts.Update":                {"contacts/update.json"},
	"Contacts.AddToList":             {"contacts/add_to_list.json"},
	"Contacts.Ensure":                {"contacts/get_contact.json"},
	"Contacts.Tags":                  {"contacts/tags.json"},
	"Tags.List":                      {"tags/list.json"},
	"Tags.Assign":                    {"tags/assign.json"},
	"ChatSessions.Recent":            {"chatsessions/recent.json"},
	"ChatSessions.ForContact":        {"chatsessions/contact.json"},
	"ChatExports.Recent":             {"chatexports/recent_top_exports.json"},
	"ChatExports.RecentText":         {"chatexports/recent.txt"},
	"Summaries.Generate":             {"summaries/generate.json"},
	"WhatsAppTemplates.List":         {"whatsapp/templates_list.json"},
	"WhatsAppTemplates.Send":         {"whatsapp/templates_send.json"},
	"WhatsAppWeb.Send":               {"whatsapp/web_send.json"},
	"Messages.IncomingCustomChannel": {"messages/incoming.json"},
	"SubAccounts.Get":                {"subaccounts/get.json"},
	"SubAccounts.Create":             {"subaccounts/create.json"},
	"SubAccounts.Delete":             {"subaccounts/delete.json"},
	"SubAccounts.AddCredits":         {"subaccounts/credits.json"},
	"Agency.UsageExport":             {"agency/usage_2026_10.csv"},
	"OTP.Generate":                   {"otp/generate.json"},
	"Sessions.Create":                {"sessions/create.json"},
	"Sessions.Get":                   {"sessions/get.json"},
	"Sessions.Update":                {"sessions/update.json"},
	"Sessions.End":                   {"sessions/end.json"},
	"Sessions.AddMessage":            {"sessions/add_message.json"},
	"Sessions.Chat":                  {"sessions/chat.json"},
	"Sessions.Ask":                   {"sessions/add_message.json", "sessions/chat.json"},
	"Sessions.List":                  {"sessions/list_page1.json"},
	"Sessions.All":                   {"sessions/list_page2.json"},
}

// okReply answers 200 with a recorded answer, as CSV, text or JSON.
func okReply(t *testing.T, name string) httpmock.Responder {
	ct := "application/json; charset=utf-8"
	switch path.Ext(name) {
	case ".csv":
		ct = "text/csv; charset=utf-8"
	case ".txt":
		ct = "text/plain; charset=utf-8"
	}
	return httpmock.NewBytesResponder(200, fixture(t, name)).HeaderSet(http.Header{"Content-Type": {ct}})
}

// sentRequest is what a test sees of one request: all of it that a retry
// must send again unchanged.
type sentRequest struct {
	method, url, auth, body string
}

// recordCalls runs call against recorded answers, the first request
// answered by first when it is not nil, and returns every request sent.
func recordCalls(t *testing.T, call func(context.Context, *Client, ...CallOption) error, first httpmock.Responder, answers []string) ([]sentRequest, error) {
	t.Helper()
	c, mt := setup(t)
	next := okReply(t, answers[0])
	if first != nil {
		next = first.Then(next)
	}
	for _, a := range answers[1:] {
		next = next.Then(okReply(t, a))
	}
	var sent []sentRequest
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		sent = append(sent, sentRequest{req.Method, req.URL.String(), req.Header.Get("Authorization"), string(body)})
		return next(req)
	})
	err := call(t.Context(), c)
	return sent, err
}

// TestEveryMethodRetriesTransientFailures answers the first request of
// every typed method with a transient failure and the next ones with a
// recorded success. GET, PUT and DELETE calls succeed on their second
// attempt after a 503 or a lost connection; POST calls only when the
// connection was refused, as nothing reached the server. A retry sends the
// same request again, credential and body included, and then the call goes
// on exactly as a call that never failed.
func TestEveryMethodRetriesTransientFailures(t *testing.T) {
	failures := []struct {
		name     string
		first    httpmock.Responder
		postSafe bool // a POST may be sent again after it
	}{
		{"503", jsonReply(503, `{"success":false,"error":"Service Unavailable"}`), false},
		{"connection refused", httpmock.NewErrorResponder(dialRefused), true},
		{"connection reset", httpmock.NewErrorResponder(connReset), false},
	}
	methods := map[string]bool{}
	for _, m := range typedMethods {
		methods[m.name] = true
	}
	for name := range okAnswers {
		assert.True(t, methods[name], "okAnswers has %s, which is not in typedMethods", name)
	}
	for _, m := range typedMethods {
		answers, ok := okAnswers[m.name]
		require.True(t, ok, "%s has no okAnswers entry", m.name)
		for _, f := range failures {
			t.Run(m.name+"/"+f.name, func(t *testing.T) {
				clean, err := recordCalls(t, m.call, nil, answers)
				require.NoError(t, err, "the recorded answers must satisfy the call")
				require.NotEmpty(t, clean)
				assert.Equal(t, m.method, clean[0].method)

				sent, err := recordCalls(t, m.call, f.first, answers)
				if m.method == http.MethodPost && !f.postSafe {
					var ae *APIError
					var re *RequestError
					switch {
					case errors.As(err, &ae):
						assert.Equal(t, 1, ae.Attempts)
						assert.Equal(t, 503, ae.StatusCode)
					case errors.As(err, &re):
						assert.Equal(t, 1, re.Attempts)
						assert.ErrorIs(t, err, syscall.ECONNRESET)
					default:
						t.Fatalf("want an *APIError or a *RequestError, got %v", err)
					}
					assert.Equal(t, clean[:1], sent, "a POST the server may have seen is not sent again")
					return
				}
				require.NoError(t, err)
				require.NotEmpty(t, sent)
				assert.Equal(t, clean[0], sent[0])
				assert.Equal(t, clean, sent[1:], "the retry is the same request, and the call goes on as a clean one")
			})
		}
	}
}

// TestEveryMethodGivesUpOnRefusedConnections refuses every connection: each
// typed method makes 1+DefaultRetryMax attempts, and returns a *RequestError
// that names its method and path, wraps the cause, and holds no secret.
func TestEveryMethodGivesUpOnRefusedConnections(t *testing.T) {
	for _, m := range typedMethods {
		t.Run(m.name, func(t *testing.T) {
			c, mt := setup(t)
			mt.RegisterNoResponder(httpmock.NewErrorResponder(dialRefused))
			err := m.call(t.Context(), c)
			var re *RequestError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 1+DefaultRetryMax, re.Attempts)
			assert.Equal(t, 1+DefaultRetryMax, mt.GetTotalCallCount())
			ep := firstEndpoint(t, m.name)
			assert.Equal(t, ep.method, re.Method)
			assert.True(t, strings.HasPrefix(re.Path, apiBase(ep)+strings.Split(ep.route, "{")[0]), re.Path)
			assert.ErrorIs(t, err, syscall.ECONNREFUSED)
			for _, s := range append(testSecrets, otpSecret) {
				assert.NotContains(t, err.Error(), s)
				assert.NotContains(t, fmt.Sprintf("%+v", err), s)
			}
		})
	}
}

// TestEveryTypedMethodHonoursContext checks that no typed method sends a
// request once its context is done.
func TestEveryTypedMethodHonoursContext(t *testing.T) {
	for _, m := range typedMethods {
		c, mt := setup(t)
		ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
		err := m.call(ctx, c)
		cancel()
		assert.ErrorIs(t, err, context.DeadlineExceeded, m.name)
		assert.Zero(t, mt.GetTotalCallCount(), m.name)
	}
}

// TestEveryDMChampMethodNeedsCredential checks that every DM Champ method,
// but the public OTP endpoint, refuses to send without a credential.
func TestEveryDMChampMethodNeedsCredential(t *testing.T) {
	for _, m := range typedMethods {
		if a := firstEndpoint(t, m.name).auth; a == authBearer || a == authNone {
			continue
		}
		c, mt := setupBare(t)
		err := m.call(t.Context(), c)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, m.name)
		assert.Equal(t, "credentials", ve.Field, m.name)
		assert.Zero(t, mt.GetTotalCallCount(), m.name)
	}
}

// firstEndpoint returns the endpoint a row's method calls first.
func firstEndpoint(t *testing.T, name string) *endpoint {
	t.Helper()
	if first, ok := map[string]string{"Contacts.Ensure": "Contacts.Get", "Sessions.Ask": "Sessions.AddMessage", "Sessions.All": "Sessions.List"}[name]; ok {
		name = first
	}
	for _, e := range endpoints {
		if e.name == name {
			return e
		}
	}
	t.Fatalf("no endpoint for %s", name)
	return nil
}

// TestTableCoversEveryMethod enforces that typedMethods has a row for every
// exported method of every service, and for every endpoint described.
func TestTableCoversEveryMethod(t *testing.T) {
	rows := map[string]bool{}
	for _, m := range typedMethods {
		assert.False(t, rows[m.name], "%s twice", m.name)
		rows[m.name] = true
	}
	services := 0
	ct := reflect.TypeFor[Client]()
	for i := range ct.NumField() {
		f := ct.Field(i)
		if !f.IsExported() || !strings.HasSuffix(f.Type.String(), "Service") {
			continue
		}
		services++
		for j := range f.Type.NumMethod() {
			name := f.Name + "." + f.Type.Method(j).Name
			assert.True(t, rows[name], "%s has no row in typedMethods", name)
		}
	}
	assert.Equal(t, 12, services)
	for _, e := range endpoints {
		assert.True(t, rows[e.name], "endpoint %s has no row in typedMethods", e.name)
	}
	for _, m := range typedMethods {
		assert.Equal(t, m.method, firstEndpoint(t, m.name).method, m.name)
	}
}

// TestSideEffectsNeedEvidence answers every side-effecting method with a
// 2xx body that does not show the call succeeded: each is an *APIError
// matching ErrInvalidResponse, never a zero value with a nil error.
func TestSideEffectsNeedEvidence(t *testing.T) {
	for _, m := range typedMethods {
		ep := firstEndpoint(t, m.name)
		if !ep.sideEffect() {
			continue
		}
		bodies := []string{``, `null`, `{}`, `[]`, `""`, `true`, `{"success":"yes"}`, `{"success":1}`, `{"Success":true,"Message":"ok"}`}
		if !ep.confirms() {
			bodies = append(bodies, `{"success":true}`, `{"success":true,"message":"Done"}`)
		}
		if ep.shape == inData {
			bodies = append(bodies, `{"success":true,"data":{}}`, `{"success":true,"data":{"unrelated":1}}`, `{"success":true,"data":null}`)
		}
		for _, body := range bodies {
			t.Run(m.name+"/"+body, func(t *testing.T) {
				c, mt := setup(t)
				mt.RegisterNoResponder(jsonReply(200, body))
				err := m.call(t.Context(), c)
				assert.ErrorIs(t, err, ErrInvalidResponse)
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, 200, ae.StatusCode)
				assert.Equal(t, 1, mt.GetTotalCallCount())
			})
		}
	}
}

// TestEveryMethodMapsErrors answers every method with each kind of error
// and checks the *APIError and the sentinel it matches.
func TestEveryMethodMapsErrors(t *testing.T) {
	cases := []struct {
		status int
		body   string
		target error
		msg    string
	}{
		{401, `{"success":false,"error":"Invalid API key"}`, ErrUnauthorized, "Invalid API key"},
		{402, `{"success":false,"error_code":402,"error":"Insufficient credits"}`, ErrPaymentRequired, "Insufficient credits"},
		{403, `{"success":false,"message":"Forbidden"}`, ErrForbidden, "Forbidden"},
		{404, `{"success":false,"error_code":404,"error":"Not found"}`, ErrNotFound, "Not found"},
		{429, `"Too many requests"`, ErrRateLimited, "Too many requests"},
		{502, `<html><body>Bad gateway</body></html>`, ErrServer, ""},
		{200, `{"success":false,"error_code":409,"error":"Already exists"}`, ErrConflict, "Already exists"},
	}
	for _, m := range typedMethods {
		ep := firstEndpoint(t, m.name)
		for _, tc := range cases {
			if m.name == "Contacts.Ensure" && tc.target == ErrNotFound {
				continue // not found: Ensure creates the contact
			}
			t.Run(m.name+"/"+http.StatusText(tc.status), func(t *testing.T) {
				c, mt := setup(t, WithRetryMax(0))
				mt.RegisterNoResponder(jsonReply(tc.status, tc.body))
				err := m.call(t.Context(), c)
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				onlySentinel(t, err, tc.target)
				assert.Equal(t, tc.status, ae.StatusCode)
				assert.Equal(t, tc.msg, ae.Message)
				assert.Equal(t, ep.method, ae.Method)
				assert.True(t, strings.HasPrefix(ae.Path, apiBase(ep)+strings.Split(ep.route, "{")[0]), ae.Path)
				assert.Equal(t, tc.body, string(ae.Body))
				assert.Equal(t, 1, ae.Attempts)
			})
		}
	}
}

// apiBase is the base path of ep's API in the test clients.
func apiBase(ep *endpoint) string {
	if ep.auth == authBearer {
		return "/api"
	}
	return "/v1"
}

// invalidCalls holds, for every typed method that takes arguments, calls
// with arguments it must refuse: each fails with a *ValidationError on
// field, and sends nothing.
var invalidCalls = []struct {
	method string // the method's row in typedMethods
	name   string
	field  string
	call   func(ctx context.Context, c *Client) error
}{
	{"Contacts.Get", "nil options", "PhoneNumber", contactsGet(nil)},
	{"Contacts.Get", "neither phone nor email", "PhoneNumber", contactsGet(&GetContactOptions{})},
	{"Contacts.Get", "both", "PhoneNumber", contactsGet(&GetContactOptions{PhoneNumber: ctPhone, Email: ctEmail})},
	{"Contacts.Get", "phone with letters", "PhoneNumber", contactsGet(&GetContactOptions{PhoneNumber: "+34612ABC678"})},
	{"Contacts.Get", "phone with spaces", "PhoneNumber", contactsGet(&GetContactOptions{PhoneNumber: "+34 612 345 678"})},
	{"Contacts.Get", "phone too short", "PhoneNumber", contactsGet(&GetContactOptions{PhoneNumber: "+123456"})},
	{"Contacts.Get", "phone too long", "PhoneNumber", contactsGet(&GetContactOptions{PhoneNumber: "+1234567890123456"})},
	{"Contacts.Get", "phone double plus", "PhoneNumber", contactsGet(&GetContactOptions{PhoneNumber: "++34612345678"})},
	{"Contacts.Get", "email without domain", "Email", contactsGet(&GetContactOptions{Email: "maria.gonzalez@"})},
	{"Contacts.Get", "email without at", "Email", contactsGet(&GetContactOptions{Email: "maria.gonzalez.example.com"})},
	{"Contacts.Get", "email with display name", "Email", contactsGet(&GetContactOptions{Email: "Maria Gonzalez <" + ctEmail + ">"})},
	{"Contacts.Create", "nil", "request", contactsCreate(nil)},
	{"Contacts.Create", "missing phone", "PhoneNumber", contactsCreate(&CreateContactRequest{FirstName: "Maria", Email: ctEmail})},
	{"Contacts.Create", "phone with letters", "PhoneNumber", contactsCreate(&CreateContactRequest{PhoneNumber: "+34 612-345-678"})},
	{"Contacts.Create", "phone too short", "PhoneNumber", contactsCreate(&CreateContactRequest{PhoneNumber: "612345"})},
	{"Contacts.Create", "phone too long", "PhoneNumber", contactsCreate(&CreateContactRequest{PhoneNumber: "+3461234567890123"})},
	{"Contacts.Create", "bad email", "Email", contactsCreate(&CreateContactRequest{PhoneNumber: ctPhone, Email: "maria at example.com"})},
	{"Contacts.Create", "email with display name", "Email", contactsCreate(&CreateContactRequest{PhoneNumber: ctPhone, Email: "Maria <" + ctEmail + ">"})},
	{"Contacts.Create", "empty list id", "ListIDs", contactsCreate(&CreateContactRequest{PhoneNumber: ctPhone, ListIDs: []string{ctListID, ""}})},
	{"Contacts.Update", "empty id", "contactID", contactsUpdate("", &UpdateContactRequest{FirstName: Ptr("Maria")})},
	{"Contacts.Update", "dot id", "contactID", contactsUpdate(".", &UpdateContactRequest{FirstName: Ptr("Maria")})},
	{"Contacts.Update", "dot-dot id", "contactID", contactsUpdate("..", &UpdateContactRequest{FirstName: Ptr("Maria")})},
	{"Contacts.Update", "nil request", "request", contactsUpdate(ctContactID, nil)},
	{"Contacts.Update", "empty request", "request", contactsUpdate(ctContactID, &UpdateContactRequest{})},
	{"Contacts.Update", "bad email", "Email", contactsUpdate(ctContactID, &UpdateContactRequest{Email: Ptr("mj.gonzalez@")})},
	{"Contacts.Update", "email with display name", "Email", contactsUpdate(ctContactID, &UpdateContactRequest{Email: Ptr("MJ <mj.gonzalez@example.com>")})},
	{"Contacts.AddToList", "no contact", "contactID", contactsAddToList("", ctListID)},
	{"Contacts.AddToList", "no list", "listID", contactsAddToList(ctContactID, "")},
	{"Contacts.AddToList", "neither", "contactID", contactsAddToList("", "")},
	{"Contacts.Ensure", "nil", "request", contactsEnsure(nil)},
	{"Contacts.Ensure", "phone too short", "PhoneNumber", contactsEnsure(&CreateContactRequest{PhoneNumber: "12"})},
	{"Contacts.Tags", "empty id", "contactID", contactsTags("")},
	{"Contacts.Tags", "dot id", "contactID", contactsTags(".")},
	{"Contacts.Tags", "dot-dot id", "contactID", contactsTags("..")},
	{"Tags.Assign", "nil", "request", tagsAssign(nil)},
	{"Tags.Assign", "empty", "Tag", tagsAssign(&AssignTagRequest{})},
	{"Tags.Assign", "missing tag", "Tag", tagsAssign(&AssignTagRequest{PhoneNumber: ctPhone})},
	{"Tags.Assign", "neither identifier", "PhoneNumber", tagsAssign(&AssignTagRequest{Tag: "vip"})},
	{"Tags.Assign", "both identifiers", "PhoneNumber", tagsAssign(&AssignTagRequest{Tag: "vip", PhoneNumber: ctPhone, Email: ctEmail})},
	{"Tags.Assign", "bad phone", "PhoneNumber", tagsAssign(&AssignTagRequest{Tag: "vip", PhoneNumber: "+34-612-345-678"})},
	{"Tags.Assign", "short phone", "PhoneNumber", tagsAssign(&AssignTagRequest{Tag: "vip", PhoneNumber: "12345"})},
	{"Tags.Assign", "bad email", "Email", tagsAssign(&AssignTagRequest{Tag: "vip", Email: "maria@@example.com"})},
	{"ChatSessions.Recent", "nil options", "Hours", chatSessionsRecent(nil)},
	{"ChatSessions.Recent", "hours zero", "Hours", chatSessionsRecent(&RecentChatSessionsOptions{})},
	{"ChatSessions.Recent", "hours negative", "Hours", chatSessionsRecent(&RecentChatSessionsOptions{Hours: -3})},
	{"ChatSessions.Recent", "limit negative", "Limit", chatSessionsRecent(&RecentChatSessionsOptions{Hours: 1, Limit: -1})},
	{"ChatSessions.Recent", "unknown status", "Status", chatSessionsRecent(&RecentChatSessionsOptions{Hours: 1, Status: "open"})},
	{"ChatSessions.ForContact", "empty id", "contactID", chatSessionsForContact("", nil)},
	{"ChatSessions.ForContact", "dot id", "contactID", chatSessionsForContact(".", nil)},
	{"ChatSessions.ForContact", "dot-dot id", "contactID", chatSessionsForContact("..", nil)},
	{"ChatSessions.ForContact", "id recent", "contactID", chatSessionsForContact("recent", nil)},
	{"ChatSessions.ForContact", "limit negative", "Limit", chatSessionsForContact("abc", &ContactChatSessionsOptions{Limit: -5})},
	{"Summaries.Generate", "nil request", "request", summariesGenerate(nil)},
	{"Summaries.Generate", "neither", "PhoneNumber", summariesGenerate(&GenerateSummaryRequest{})},
	{"Summaries.Generate", "both", "PhoneNumber", summariesGenerate(&GenerateSummaryRequest{PhoneNumber: ctPhone, Email: ctEmail})},
	{"Summaries.Generate", "phone with spaces", "PhoneNumber", summariesGenerate(&GenerateSummaryRequest{PhoneNumber: "+34 612 345 678"})},
	{"Summaries.Generate", "phone with dashes", "PhoneNumber", summariesGenerate(&GenerateSummaryRequest{PhoneNumber: "+1-415-555-0123"})},
	{"Summaries.Generate", "phone too short", "PhoneNumber", summariesGenerate(&GenerateSummaryRequest{PhoneNumber: "+123456"})},
	{"Summaries.Generate", "phone too long", "PhoneNumber", summariesGenerate(&GenerateSummaryRequest{PhoneNumber: "+1234567890123456"})},
	{"Summaries.Generate", "phone with letters", "PhoneNumber", summariesGenerate(&GenerateSummaryRequest{PhoneNumber: "+3461234567a"})},
	{"Summaries.Generate", "email without domain", "Email", summariesGenerate(&GenerateSummaryRequest{Email: "maria@"})},
	{"Summaries.Generate", "email without at", "Email", summariesGenerate(&GenerateSummaryRequest{Email: "maria.gonzalez.example.com"})},
	{"Summaries.Generate", "email with display name", "Email", summariesGenerate(&GenerateSummaryRequest{Email: "Maria <" + ctEmail + ">"})},
	{"Summaries.Generate", "email with spaces", "Email", summariesGenerate(&GenerateSummaryRequest{Email: " " + ctEmail})},
	{"WhatsAppTemplates.Send", "empty contact", "contactID", whatsAppTemplatesSend("", waTemplateID)},
	{"WhatsAppTemplates.Send", "empty template", "templateID", whatsAppTemplatesSend(waContactID, "")},
	{"WhatsAppTemplates.Send", "both empty", "contactID", whatsAppTemplatesSend("", "")},
	{"WhatsAppWeb.Send", "no plus", "phoneNumber", whatsAppWebSend("14155550123", "Hi")},
	{"WhatsAppWeb.Send", "leading zero", "phoneNumber", whatsAppWebSend("+0123456", "Hi")},
	{"WhatsAppWeb.Send", "spaces", "phoneNumber", whatsAppWebSend("+1 415 555 0123", "Hi")},
	{"WhatsAppWeb.Send", "dashes", "phoneNumber", whatsAppWebSend("+1-415-555-0123", "Hi")},
	{"WhatsAppWeb.Send", "16 digits", "phoneNumber", whatsAppWebSend("+1234567890123456", "Hi")},
	{"WhatsAppWeb.Send", "plus only", "phoneNumber", whatsAppWebSend("+", "Hi")},
	{"WhatsAppWeb.Send", "one digit", "phoneNumber", whatsAppWebSend("+1", "Hi")},
	{"WhatsAppWeb.Send", "double plus", "phoneNumber", whatsAppWebSend("++14155550123", "Hi")},
	{"WhatsAppWeb.Send", "trailing newline", "phoneNumber", whatsAppWebSend("+14155550123\n", "Hi")},
	{"WhatsAppWeb.Send", "empty phone", "phoneNumber", whatsAppWebSend("", "Hi")},
	{"WhatsAppWeb.Send", "empty text", "text", whatsAppWebSend("+14155550123", "")},
	{"WhatsAppWeb.Send", "blank text", "text", whatsAppWebSend("+14155550123", " \n\n\t ")},
	{"WhatsAppWeb.Send", "both invalid", "phoneNumber", whatsAppWebSend("", "")},
	{"Messages.IncomingCustomChannel", "nil message", "message", incomingCustomChannel(nil)},
	{"Messages.IncomingCustomChannel", "empty message", "CustomData.FromID", incomingCustomChannel(&CustomChannelMessage{})},
	{"Messages.IncomingCustomChannel", "no sender", "CustomData.FromID", incomingCustomChannel(&CustomChannelMessage{MessageType: "text",
		CustomData: CustomChannelData{ToID: "bot:clinic_helper", Body: "Hello", Channel: "custom"}})},
	{"SubAccounts.Get", `email ""`, "email", subAccountsGet("")},
	{"SubAccounts.Get", `email "lucia.ortega"`, "email", subAccountsGet("lucia.ortega")},
	{"SubAccounts.Get", `email "lucia.ortega@"`, "email", subAccountsGet("lucia.ortega@")},
	{"SubAccounts.Get", `email "@brightsmile-dental.example"`, "email", subAccountsGet("@brightsmile-dental.example")},
	{"SubAccounts.Get", `email " lucia.ortega@brightsmile-dental.example"`, "email", subAccountsGet(" lucia.ortega@brightsmile-dental.example")},
	{"SubAccounts.Get", `email "Lucía Ortega <lucia.ortega@brightsmile-dental.example>"`, "email", subAccountsGet("Lucía Ortega <lucia.ortega@brightsmile-dental.example>")},
	{"SubAccounts.Get", `email "lucia.ortega@brightsmile-dental.example, daniel@northpeakfitness.example"`, "email", subAccountsGet("lucia.ortega@brightsmile-dental.example, daniel@northpeakfitness.example")},
	{"SubAccounts.Delete", `email ""`, "email", subAccountsDelete("")},
	{"SubAccounts.Delete", `email "lucia.ortega"`, "email", subAccountsDelete("lucia.ortega")},
	{"SubAccounts.Delete", `email "lucia.ortega@"`, "email", subAccountsDelete("lucia.ortega@")},
	{"SubAccounts.Delete", `email "@brightsmile-dental.example"`, "email", subAccountsDelete("@brightsmile-dental.example")},
	{"SubAccounts.Delete", `email " lucia.ortega@brightsmile-dental.example"`, "email", subAccountsDelete(" lucia.ortega@brightsmile-dental.example")},
	{"SubAccounts.Delete", `email "Lucía Ortega <lucia.ortega@brightsmile-dental.example>"`, "email", subAccountsDelete("Lucía Ortega <lucia.ortega@brightsmile-dental.example>")},
	{"SubAccounts.Delete", `email "lucia.ortega@brightsmile-dental.example, daniel@northpeakfitness.example"`, "email", subAccountsDelete("lucia.ortega@brightsmile-dental.example, daniel@northpeakfitness.example")},
	{"SubAccounts.Create", "nil", "request", func(ctx context.Context, c *Client) error { return noResult(c.SubAccounts.Create(ctx, nil)) }},
	{"SubAccounts.Create", "no email", "Email", subAccountsCreate(func(r *CreateSubAccountRequest) { r.Email = "" })},
	{"SubAccounts.Create", "bad email", "Email", subAccountsCreate(func(r *CreateSubAccountRequest) { r.Email = "owner@" })},
	{"SubAccounts.Create", "email with display name", "Email", subAccountsCreate(func(r *CreateSubAccountRequest) { r.Email = "Noah <owner@harborviewvet.example>" })},
	{"SubAccounts.Create", "no first name", "FirstName", subAccountsCreate(func(r *CreateSubAccountRequest) { r.FirstName = "" })},
	{"SubAccounts.Create", "no last name", "LastName", subAccountsCreate(func(r *CreateSubAccountRequest) { r.LastName = "" })},
	{"SubAccounts.Create", "monthly credits zero", "UsageLimits.MonthlyCredits", subAccountsCreate(func(r *CreateSubAccountRequest) { r.UsageLimits.MonthlyCredits = 0 })},
	{"SubAccounts.Create", "monthly credits negative", "UsageLimits.MonthlyCredits", subAccountsCreate(func(r *CreateSubAccountRequest) { r.UsageLimits.MonthlyCredits = -100 })},
	{"SubAccounts.Create", "credits negative", "UsageLimits.Credits", subAccountsCreate(func(r *CreateSubAccountRequest) { r.UsageLimits.Credits = -1 })},
	{"SubAccounts.AddCredits", "nil", "request", subAccountsAddCredits(nil)},
	{"SubAccounts.AddCredits", "no email", "Email", subAccountsAddCredits(&AddCreditsRequest{Amount: 500})},
	{"SubAccounts.AddCredits", "bad email", "Email", subAccountsAddCredits(&AddCreditsRequest{Email: "lucia.ortega", Amount: 500})},
	{"SubAccounts.AddCredits", "amount zero", "Amount", subAccountsAddCredits(&AddCreditsRequest{Email: subEmail})},
	{"SubAccounts.AddCredits", "amount negative", "Amount", subAccountsAddCredits(&AddCreditsRequest{Email: subEmail, Amount: -500})},
	{"Agency.UsageExport", "to before from", "To", func(ctx context.Context, c *Client) error {
		return onlyError(c.Agency.UsageExport(ctx, &UsageExportOptions{From: ts("2026-10-31T00:00:00Z"), To: ts("2026-10-01T00:00:00Z")}))
	}},
	{"OTP.Generate", `secret ""`, "secret", otpGenerate("")},
	{"OTP.Generate", `secret "   "`, "secret", otpGenerate("   ")},
	{"OTP.Generate", `secret "===="`, "secret", otpGenerate("====")},
	{"OTP.Generate", `secret "1"`, "secret", otpGenerate("1")},
	{"OTP.Generate", `secret "JBS"`, "secret", otpGenerate("JBS")},
	{"OTP.Generate", `secret "JBSWY3"`, "secret", otpGenerate("JBSWY3")},
	{"OTP.Generate", `secret "!!!!"`, "secret", otpGenerate("!!!!")},
	{"OTP.Generate", `secret "ABC8"`, "secret", otpGenerate("ABC8")},
	{"OTP.Generate", `secret "JBSWY3DPEHPK3PX0"`, "secret", otpGenerate("JBSWY3DPEHPK3PX0")},
	{"OTP.Generate", `secret "JBSWY3DP=EHPK3PXP"`, "secret", otpGenerate("JBSWY3DP=EHPK3PXP")},
	{"OTP.Generate", `secret "JBSWY3DP=EHPK3PX"`, "secret", otpGenerate("JBSWY3DP=EHPK3PX")},
	{"ChatExports.Recent", "nil options", "Hours", chatExportsRecent(nil)},
	{"ChatExports.Recent", "hours zero", "Hours", chatExportsRecent(&ChatExportOptions{})},
	{"ChatExports.Recent", "hours zero with others", "Hours", chatExportsRecent(&ChatExportOptions{Limit: 10, Filter: ChatExportText})},
	{"ChatExports.Recent", "hours negative", "Hours", chatExportsRecent(&ChatExportOptions{Hours: -24})},
	{"ChatExports.Recent", "limit negative", "Limit", chatExportsRecent(&ChatExportOptions{Hours: 24, Limit: -1})},
	{"ChatExports.Recent", "unknown filter", "Filter", chatExportsRecent(&ChatExportOptions{Hours: 24, Filter: "images"})},
	{"ChatExports.Recent", "filter wrong case", "Filter", chatExportsRecent(&ChatExportOptions{Hours: 24, Filter: "MEDIA"})},
	{"ChatExports.Recent", "filter with dash", "Filter", chatExportsRecent(&ChatExportOptions{Hours: 24, Filter: "tool-use"})},
	{"ChatExports.RecentText", "nil options", "Hours", chatExportsRecentText(nil)},
	{"ChatExports.RecentText", "hours zero", "Hours", chatExportsRecentText(&ChatExportOptions{})},
	{"ChatExports.RecentText", "hours zero with others", "Hours", chatExportsRecentText(&ChatExportOptions{Limit: 10, Filter: ChatExportText})},
	{"ChatExports.RecentText", "hours negative", "Hours", chatExportsRecentText(&ChatExportOptions{Hours: -24})},
	{"ChatExports.RecentText", "limit negative", "Limit", chatExportsRecentText(&ChatExportOptions{Hours: 24, Limit: -1})},
	{"ChatExports.RecentText", "unknown filter", "Filter", chatExportsRecentText(&ChatExportOptions{Hours: 24, Filter: "images"})},
	{"ChatExports.RecentText", "filter wrong case", "Filter", chatExportsRecentText(&ChatExportOptions{Hours: 24, Filter: "MEDIA"})},
	{"ChatExports.RecentText", "filter with dash", "Filter", chatExportsRecentText(&ChatExportOptions{Hours: 24, Filter: "tool-use"})},
	{"Sessions.Create", "nil", "request", func(ctx context.Context, c *Client) error { return noResult(c.Sessions.Create(ctx, nil)) }},
	{"Sessions.Create", "no chatbot", "ChatbotID", func(ctx context.Context, c *Client) error {
		return noResult(c.Sessions.Create(ctx, &CreateSessionRequest{ClientID: clientID}))
	}},
	{"Sessions.Create", "no client", "ClientID", func(ctx context.Context, c *Client) error {
		return noResult(c.Sessions.Create(ctx, &CreateSessionRequest{ChatbotID: chatbotID}))
	}},
	{"Sessions.Get", "no id", "id", func(ctx context.Context, c *Client) error { return noResult(c.Sessions.Get(ctx, "")) }},
	{"Sessions.Get", "dot-dot id", "id", func(ctx context.Context, c *Client) error { return noResult(c.Sessions.Get(ctx, "..")) }},
	{"Sessions.Update", "no id", "id", sessionsUpdate("", &UpdateSessionRequest{})},
	{"Sessions.Update", "dot-dot id", "id", sessionsUpdate("..", &UpdateSessionRequest{})},
	{"Sessions.Update", "nil", "request", sessionsUpdate(sessionID, nil)},
	{"Sessions.Update", "unknown status", "Status", sessionsUpdate(sessionID, &UpdateSessionRequest{Status: "DONE"})},
	{"Sessions.Update", "rating 0.5", "Feedback.Rating", sessionsUpdate(sessionID, &UpdateSessionRequest{Feedback: &Feedback{Rating: 0.5}})},
	{"Sessions.Update", "rating 5.5", "Feedback.Rating", sessionsUpdate(sessionID, &UpdateSessionRequest{Feedback: &Feedback{Rating: 5.5}})},
	{"Sessions.Update", "rating -1", "Feedback.Rating", sessionsUpdate(sessionID, &UpdateSessionRequest{Feedback: &Feedback{Rating: -1}})},
	{"Sessions.Update", "rating NaN", "Feedback.Rating", sessionsUpdate(sessionID, &UpdateSessionRequest{Feedback: &Feedback{Rating: math.NaN()}})},
	{"Sessions.End", "no id", "id", func(ctx context.Context, c *Client) error { return noResult(c.Sessions.End(ctx, "")) }},
	{"Sessions.AddMessage", "no session", "sessionID", sessionsAddMessage("", &SessionMessage{Role: RoleUser})},
	{"Sessions.AddMessage", "nil", "message", sessionsAddMessage(sessionID, nil)},
	{"Sessions.AddMessage", "no role", "Role", sessionsAddMessage(sessionID, &SessionMessage{Content: "hi"})},
	{"Sessions.AddMessage", "unknown role", "Role", sessionsAddMessage(sessionID, &SessionMessage{Role: "bot", Content: "hi"})},
	{"Sessions.Chat", "no session", "sessionID", func(ctx context.Context, c *Client) error { return noResult(c.Sessions.Chat(ctx, "", "hi")) }},
	{"Sessions.Ask", "no session", "sessionID", func(ctx context.Context, c *Client) error { return noResult(c.Sessions.Ask(ctx, "", "hi")) }},
	{"Sessions.List", "limit negative", "Limit", sessionsList(&ListSessionsOptions{Limit: -1})},
	{"Sessions.List", "skip negative", "Skip", sessionsList(&ListSessionsOptions{Skip: -1})},
	{"Sessions.List", "status lower case", "Status", sessionsList(&ListSessionsOptions{Status: "active"})},
	{"Sessions.List", "end before start", "EndDate", sessionsList(&ListSessionsOptions{StartDate: ts("2026-11-02T00:00:00Z"), EndDate: ts("2026-11-01T00:00:00Z")})},
	{"Sessions.All", "limit negative", "Limit", func(ctx context.Context, c *Client) error {
		return onlyError(c.Sessions.All(ctx, &ListSessionsOptions{Limit: -1}))
	}},
}

// methodsWithoutArguments have nothing to validate.
var methodsWithoutArguments = map[string]bool{"Tags.List": true, "WhatsAppTemplates.List": true}

func TestInvalidCallsSendNothing(t *testing.T) {
	for _, tc := range invalidCalls {
		t.Run(tc.method+"/"+tc.name, func(t *testing.T) {
			c, mt := setup(t)
			err := tc.call(t.Context(), c)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.NotErrorIs(t, err, ErrBadRequest, "a validation error is not an API error")
			assert.Zero(t, mt.GetTotalCallCount(), "no request may be sent")
		})
	}
}

// TestInvalidCallsCoverEveryMethod enforces a row of invalidCalls for
// every typed method with arguments.
func TestInvalidCallsCoverEveryMethod(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range invalidCalls {
		covered[tc.method] = true
	}
	for _, m := range typedMethods {
		if !methodsWithoutArguments[m.name] {
			assert.True(t, covered[m.name], "%s has no row in invalidCalls", m.name)
		}
	}
}

// TestEveryMethodSendsItsCredential calls every typed method with each
// credential its endpoint accepts, against recorded answers, and checks every
// request sent: the query credential exactly once and only it (apiKey or
// userId), the bearer token only to the Session API, nothing to the public
// OTP endpoint.
func TestEveryMethodSendsItsCredential(t *testing.T) {
	creds := []struct {
		name  string
		opt   Option
		param string // the query parameter it travels in
		value string
	}{
		{"apiKey", WithAPIKey(testAPIKey), "apiKey", testAPIKey},
		{"userId", WithUserID(testUserID), "userId", testUserID},
	}
	for _, m := range typedMethods {
		auth := firstEndpoint(t, m.name).auth
		for _, cr := range creds {
			t.Run(m.name+"/"+cr.name, func(t *testing.T) {
				if auth == authKeyOnly && cr.param == "userId" {
					t.Skip("refused before sending: TestAgencyOnlyCredentials")
				}
				c, mt := setupBare(t, cr.opt, WithSessionsToken(testToken))
				next := okReply(t, okAnswers[m.name][0])
				for _, a := range okAnswers[m.name][1:] {
					next = next.Then(okReply(t, a))
				}
				var sent []*http.Request
				mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
					sent = append(sent, req)
					return next(req)
				})
				require.NoError(t, m.call(t.Context(), c))
				require.GreaterOrEqual(t, len(sent), len(okAnswers[m.name]))
				for _, req := range sent {
					q := req.URL.Query()
					switch auth {
					case authBearer:
						assert.Equal(t, "Bearer "+testToken, req.Header.Get("Authorization"))
						assert.Empty(t, q["apiKey"])
						assert.Empty(t, q["userId"])
					case authNone:
						assert.Empty(t, req.Header.Values("Authorization"))
						assert.Empty(t, q["apiKey"])
						assert.Empty(t, q["userId"])
					default:
						assert.Empty(t, req.Header.Values("Authorization"))
						assert.Equal(t, []string{cr.value}, q[cr.param])
						for _, other := range []string{"apiKey", "userId"} {
							if other != cr.param {
								assert.Empty(t, q[other])
							}
						}
					}
				}
			})
		}
	}
}
