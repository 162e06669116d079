package dmchamptest_test

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endpoint is a DM Champ route with a request that is valid apart from its
// credential.
type endpoint struct {
	method, path string
	query        url.Values
	body         any
	bareString   bool // 401 is a bare JSON string
}

// userEndpoints are the routes that accept an apiKey or a userId.
var userEndpoints = []endpoint{
	{method: "GET", path: "/v1/contacts", query: url.Values{"phoneNumber": {"+34612345678"}}, bareString: true},
	{method: "POST", path: "/v1/summaries", body: map[string]any{"phoneNumber": "+34612345678"}, bareString: true},
	{method: "POST", path: "/v1/contacts", body: map[string]any{"phoneNumber": "+14155550100"}},
	{method: "PUT", path: "/v1/contacts/abc", body: map[string]any{"firstName": "A"}},
	{method: "POST", path: "/v1/contacts/lists", body: map[string]any{"contactId": "a", "listId": "b"}},
	{method: "GET", path: "/v1/contacts/tags/abc"},
	{method: "GET", path: "/v1/tags"},
	{method: "POST", path: "/v1/tags", query: url.Values{"tag": {"vip"}, "email": {"a@example.com"}}},
	{method: "GET", path: "/v1/chat-sessions/recent", query: url.Values{"hours": {"24"}}},
	{method: "GET", path: "/v1/chat-sessions/abc"},
	{method: "GET", path: "/v1/chat-exports/recent", query: url.Values{"hours": {"24"}}},
	{method: "GET", path: "/v1/whatsapp-templates"},
	{method: "POST", path: "/v1/whatsapp-templates/send", body: map[string]any{"contactId": "a", "whatsappTemplateId": "b"}},
	{method: "POST", path: "/v1/whatsapp-web/send", body: map[string]any{"phoneNumber": "+14155550100", "message": "hi"}},
	{method: "POST", path: "/v1/incoming-custom-channel-message", body: map[string]any{"messageType": "text", "customData": map[string]any{"fromId": "x"}}},
	{method: "POST", path: "/v1/incoming_custom_channel_message", body: map[string]any{"messageType": "text", "customData": map[string]any{"fromId": "x"}}},
}

// agencyEndpoints accept an agency account's apiKey only.
var agencyEndpoints = []endpoint{
	{method: "GET", path: "/v1/subaccounts", query: url.Values{"email": {"owner@brightsmile-dental.example"}}},
	{method: "POST", path: "/v1/subaccounts", body: map[string]any{
		"email": "new@example.com", "first_name": "N", "last_name": "M", "usage_limits": map[string]any{"monthly_credits": 10},
	}},
	{method: "DELETE", path: "/v1/subaccounts", query: url.Values{"email": {"owner@brightsmile-dental.example"}}},
	{method: "POST", path: "/v1/subaccounts/credits", body: map[string]any{"email": "owner@brightsmile-dental.example", "amount": 5}},
	{method: "GET", path: "/v1/agencies/usage/export"},
}

// unauthorized checks a DM Champ 401 in the endpoint's shape.
func unauthorized(t *testing.T, e endpoint, r response, msg string) {
	t.Helper()
	require.Equal(t, http.StatusUnauthorized, r.Status, "body: %s", r.Body)
	assert.Contains(t, r.Header.Get("Content-Type"), "application/json")
	if e.bareString {
		assert.Equal(t, msg, r.JSON(t), "a bare JSON string")
	} else {
		assert.Equal(t, envelopeError(http.StatusUnauthorized, msg), r.JSON(t))
	}
}

func TestCredentialsDMChamp(t *testing.T) {
	srv := newServer(t, dmchamptest.WithDemoData())
	for _, e := range append(userEndpoints, agencyEndpoints...) {
		t.Run(e.method+" "+e.path, func(t *testing.T) {
			q := func(pairs ...string) url.Values {
				out := url.Values{}
				for k, v := range e.query {
					out[k] = v
				}
				return with(out, pairs...)
			}
			unauthorized(t, e, raw(t, srv, e.method, e.path, q(), e.body), "Authentication required: provide apiKey or userId")
			unauthorized(t, e, raw(t, srv, e.method, e.path, q("apiKey", "wrong-key"), e.body), "Invalid API key")
			unauthorized(t, e, raw(t, srv, e.method, e.path, q("apiKey", ""), e.body), "Authentication required: provide apiKey or userId")
			unauthorized(t, e, raw(t, srv, e.method, e.path, q("apiKey", "wrong-key", "userId", srv.UserID()), e.body), "Invalid API key")

			r := raw(t, srv, e.method, e.path, q("apiKey", srv.APIKey()), e.body)
			assert.NotEqual(t, http.StatusUnauthorized, r.Status, "the API key is accepted: %s", r.Body)
		})
	}
}

func TestCredentialsUserID(t *testing.T) {
	srv := newServer(t, dmchamptest.WithDemoData())
	for _, e := range userEndpoints {
		t.Run(e.method+" "+e.path, func(t *testing.T) {
			q := func(pairs ...string) url.Values {
				out := url.Values{}
				for k, v := range e.query {
					out[k] = v
				}
				return with(out, pairs...)
			}
			unauthorized(t, e, raw(t, srv, e.method, e.path, q("userId", "someone-else"), e.body), "Invalid user ID")
			r := raw(t, srv, e.method, e.path, q("userId", srv.UserID()), e.body)
			assert.NotEqual(t, http.StatusUnauthorized, r.Status, "the user ID is accepted: %s", r.Body)
		})
	}

	// Through the SDK too.
	byUser, err := dmchamp.NewClient(dmchamp.WithBaseURL(srv.BaseURL()), dmchamp.WithUserID(srv.UserID()),
		dmchamp.WithHTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	tags, err := byUser.Tags.List(t.Context())
	require.NoError(t, err)
	assert.NotEmpty(t, tags)
	wrong, err := dmchamp.NewClient(dmchamp.WithBaseURL(srv.BaseURL()), dmchamp.WithUserID("not-the-user"),
		dmchamp.WithHTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	_, err = wrong.Tags.List(t.Context())
	assert.ErrorIs(t, err, dmchamp.ErrUnauthorized)
	_, err = wrong.Contacts.Get(t.Context(), &dmchamp.GetContactOptions{Email: "maria.gonzalez@example.com"})
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "Invalid user ID", apiErr.Message, "the bare string is the message")
}

func TestCredentialsCustomValues(t *testing.T) {
	srv := newServer(t, dmchamptest.WithAPIKey("k-123"), dmchamptest.WithUserID("u-456"), dmchamptest.WithSessionsToken("t-789"))
	assert.Equal(t, "k-123", srv.APIKey())
	assert.Equal(t, "u-456", srv.UserID())
	assert.Equal(t, "t-789", srv.SessionsToken())
	assert.Equal(t, http.StatusOK, raw(t, srv, "GET", "/v1/tags", url.Values{"apiKey": {"k-123"}}, nil).Status)
	assert.Equal(t, http.StatusOK, raw(t, srv, "GET", "/v1/tags", url.Values{"userId": {"u-456"}}, nil).Status)
	assert.Equal(t, http.StatusUnauthorized, raw(t, srv, "GET", "/v1/tags", url.Values{"apiKey": {dmchamptest.DefaultAPIKey}}, nil).Status)
	assert.Equal(t, http.StatusOK, raw(t, srv, "GET", "/api/sessions", nil, nil, "Authorization", "Bearer t-789").Status)
	assert.Equal(t, http.StatusUnauthorized, raw(t, srv, "GET", "/api/sessions", nil, nil, "Authorization", "Bearer "+dmchamptest.DefaultSessionsToken).Status)

	c := newClient(t, srv)
	_, err := c.Tags.List(t.Context())
	require.NoError(t, err, "ClientOptions carries the server's credentials")
	_, err = c.Sessions.List(t.Context(), nil)
	require.NoError(t, err)
}

func TestCredentialsAgencyOnly(t *testing.T) {
	t.Run("user ID", func(t *testing.T) {
		srv := newServer(t, dmchamptest.WithDemoData())
		for _, e := range agencyEndpoints {
			q := url.Values{"userId": {srv.UserID()}}
			for k, v := range e.query {
				q[k] = v
			}
			r := raw(t, srv, e.method, e.path, q, e.body)
			if e.path == "/v1/agencies/usage/export" {
				// "401 Invalid or missing API key": the export accepts apiKey only.
				assert.Equal(t, envelopeError(http.StatusUnauthorized, "Invalid or missing API key: this endpoint only accepts apiKey authentication"), r.JSON(t))
				assert.Equal(t, http.StatusUnauthorized, r.Status)
			} else {
				assert.Equal(t, http.StatusBadRequest, r.Status, "%s %s: %s", e.method, e.path, r.Body)
				assert.Equal(t, envelopeError(http.StatusBadRequest, "This endpoint requires apiKey authentication (userId is not supported)"), r.JSON(t))
			}
		}
	})

	t.Run("not an agency", func(t *testing.T) {
		srv := newServer(t, dmchamptest.WithDemoData(), dmchamptest.WithoutAgency())
		for _, e := range agencyEndpoints {
			q := key(srv)
			for k, v := range e.query {
				q[k] = v
			}
			r := raw(t, srv, e.method, e.path, q, e.body)
			if e.path == "/v1/agencies/usage/export" {
				// "403 Authenticated user is not an Agency or Dev account".
				assert.Equal(t, http.StatusForbidden, r.Status)
				assert.Equal(t, envelopeError(http.StatusForbidden, "Only Agency or Dev accounts can export usage"), r.JSON(t))
			} else {
				// "400 Invalid request or not an agency account".
				assert.Equal(t, http.StatusBadRequest, r.Status, "%s %s: %s", e.method, e.path, r.Body)
				assert.Equal(t, envelopeError(http.StatusBadRequest, "This account is not an agency account"), r.JSON(t))
			}
		}
		// Ordinary endpoints still work.
		assert.Equal(t, http.StatusOK, raw(t, srv, "GET", "/v1/tags", key(srv), nil).Status)

		c := newClient(t, srv)
		_, err := c.SubAccounts.Get(t.Context(), "owner@brightsmile-dental.example")
		assert.ErrorIs(t, err, dmchamp.ErrBadRequest)
		for _, err := range c.Agency.UsageExport(t.Context(), nil) {
			assert.ErrorIs(t, err, dmchamp.ErrForbidden)
		}
	})
}

func TestCredentialsOTPIsPublic(t *testing.T) {
	srv := newServer(t)
	r := raw(t, srv, "GET", "/v1/otp/generate", url.Values{"secret": {"JBSWY3DPEHPK3PXP"}}, nil)
	require.Equal(t, http.StatusOK, r.Status, "no credential needed: %s", r.Body)
	want, err := dmchamp.TOTP("JBSWY3DPEHPK3PXP", now)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"success": true, "current_otp": want.Code, "expires_in": want.ExpiresIn.Seconds()}, r.JSON(t))

	// A wrong credential does not matter either.
	r = raw(t, srv, "GET", "/v1/otp/generate", url.Values{"secret": {"JBSWY3DPEHPK3PXP"}, "apiKey": {"wrong"}}, nil)
	assert.Equal(t, http.StatusOK, r.Status)

	r = raw(t, srv, "GET", "/v1/otp/generate", nil, nil)
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, envelopeError(http.StatusBadRequest, "Missing secret parameter"), r.JSON(t))
	r = raw(t, srv, "GET", "/v1/otp/generate", url.Values{"secret": {"not base32!"}}, nil)
	assert.Equal(t, http.StatusBadRequest, r.Status)

	// The SDK without any credential.
	c, err := dmchamp.NewClient(dmchamp.WithBaseURL(srv.BaseURL()), dmchamp.WithHTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	got, err := c.OTP.Generate(t.Context(), "jbsw y3dp ehpk 3pxp")
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestCredentialsSessionAPI(t *testing.T) {
	srv := newServer(t, dmchamptest.WithDemoData())
	denied := map[string]any{"success": false, "message": "token isn't attached or expired"}
	cookie := func(v string) []string { return []string{"Cookie", "accessToken=" + v} }
	tok := srv.SessionsToken()

	for _, tc := range []struct {
		name    string
		headers []string
		want    int
	}{
		{"bearer", []string{"Authorization", "Bearer " + tok}, http.StatusOK},
		{"cookie", cookie(tok), http.StatusOK},
		{"cookie among others", []string{"Cookie", "theme=dark; accessToken=" + tok + "; lang=en"}, http.StatusOK},
		{"no token", nil, http.StatusUnauthorized},
		{"wrong bearer", []string{"Authorization", "Bearer nope"}, http.StatusUnauthorized},
		{"bare token", []string{"Authorization", tok}, http.StatusUnauthorized},
		{"bearer without token", []string{"Authorization", "Bearer"}, http.StatusUnauthorized},
		{"two spaces", []string{"Authorization", "Bearer  " + tok}, http.StatusUnauthorized},
		{"wrong cookie", cookie("nope"), http.StatusUnauthorized},
		{"empty cookie", cookie(""), http.StatusUnauthorized},
		{"the cookie is checked first", append(cookie("nope"), "Authorization", "Bearer "+tok), http.StatusUnauthorized},
		{"the cookie wins", append(cookie(tok), "Authorization", "Bearer nope"), http.StatusOK},
		{"another cookie does not count", append([]string{"Cookie", "token=" + tok}, "Authorization", "Bearer "+tok), http.StatusOK},
		// The backend takes authorization.split(" ")[1], whatever the scheme.
		{"the second word is the token", []string{"Authorization", "JWT " + tok}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, route := range []struct{ method, path string }{
				{"GET", "/api/sessions"},
				{"GET", "/api/sessions/0123456789abcdef01234567"},
			} {
				r := raw(t, srv, route.method, route.path, nil, nil, tc.headers...)
				if tc.want == http.StatusUnauthorized {
					assert.Equal(t, http.StatusUnauthorized, r.Status, route.path)
					assert.Equal(t, denied, r.JSON(t), "exactly {success, message}")
				} else {
					assert.NotEqual(t, http.StatusUnauthorized, r.Status, "%s: %s", route.path, r.Body)
				}
			}
		})
	}

	// Through the SDK: a wrong token is ErrUnauthorized.
	c := newClient(t, srv, dmchamp.WithSessionsToken("stale-token-0042"))
	_, err := c.Sessions.List(t.Context(), nil)
	assert.ErrorIs(t, err, dmchamp.ErrUnauthorized)
	var apiErr *dmchamp.APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, "token isn't attached or expired", apiErr.Message)
}

// The backend validates the request with zod before it checks the token: a
// bad request without a token is a 400, a good one a 401.
func TestCredentialsSessionAPIValidatesFirst(t *testing.T) {
	srv := newServer(t, dmchamptest.WithDemoData())
	id := "0123456789abcdef01234567"
	for _, tc := range []struct {
		name, method, path string
		query              url.Values
		bad, good          any
		issuePath          []any
	}{
		{"create", "POST", "/api/sessions", nil, map[string]any{"clientId": "x"}, map[string]any{"chatbotId": "x", "clientId": "y"}, []any{"chatbotId"}},
		{"create, empty body", "POST", "/api/sessions", nil, "", map[string]any{"chatbotId": "x", "clientId": "y"}, []any{"chatbotId"}},
		{"update status", "PUT", "/api/sessions/" + id, nil, map[string]any{"status": "DONE"}, map[string]any{"status": "COMPLETED"}, []any{"status"}},
		{"update rating", "PUT", "/api/sessions/" + id, nil, map[string]any{"feedback": map[string]any{"rating": 6}}, map[string]any{"feedback": map[string]any{"rating": 5}}, []any{"feedback", "rating"}},
		{"add message", "POST", "/api/sessions/message", url.Values{"sessionId": {id}}, map[string]any{"message": map[string]any{"role": "bot", "content": "x"}}, map[string]any{"message": map[string]any{"role": "user", "content": "x"}}, []any{"message", "role"}},
		{"chat", "POST", "/api/sessions/chat", url.Values{"sessionId": {id}}, map[string]any{"text": "hi"}, map[string]any{"content": "hi"}, []any{"content"}},
		{"list", "GET", "/api/sessions", url.Values{"limit": {"0"}}, nil, nil, []any{"limit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := raw(t, srv, tc.method, tc.path, tc.query, tc.bad)
			require.Equal(t, http.StatusBadRequest, r.Status, "a bad request without a token: %s", r.Body)
			body := r.Object(t)
			assert.Equal(t, false, body["success"])
			assert.Equal(t, "Invalid input", body["message"])
			data, _ := body["data"].(map[string]any)
			require.NotNil(t, data, "data holds the ZodError: %s", r.Body)
			assert.Equal(t, "ZodError", data["name"])
			issues, _ := data["issues"].([]any)
			require.Len(t, issues, 1)
			assert.Equal(t, tc.issuePath, issues[0].(map[string]any)["path"])

			q := tc.query
			if tc.name == "list" {
				q = nil
			}
			r = raw(t, srv, tc.method, tc.path, q, tc.good)
			assert.Equal(t, http.StatusUnauthorized, r.Status, "a good request without a token: %s", r.Body)
		})
	}

	// Malformed JSON is refused by the body parser, before anything else.
	r := raw(t, srv, "POST", "/api/sessions", nil, "{not json")
	require.Equal(t, http.StatusBadRequest, r.Status)
	body := r.Object(t)
	assert.Equal(t, false, body["success"])
	assert.Equal(t, "entity.parse.failed", body["data"].(map[string]any)["type"])
}
