package dmchamp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoCredentialLeaks drives every failure mode and checks that no
// credential appears in the error text, its %+v and %#v forms, the log, or
// the printed client. Several servers below echo the credential on purpose.
func TestNoCredentialLeaks(t *testing.T) {
	echo := "Invalid API key " + testAPIKey + " / user " + testUserID + " (GET /v1/chat-sessions/recent?apiKey=" +
		testAPIKey + "&userId=" + testUserID + ", Authorization: Bearer " + testToken + ")"
	echoJSON := fmt.Sprintf(`{"success":false,"error_code":401,"error":%q,"data":{"received":%q}}`, echo, echo)

	type mode struct {
		name    string
		prepare func(t *testing.T, mt *httpmock.MockTransport)
		call    func(ctx context.Context, c *Client) error
		echoed  bool // the server or transport echoed a credential: REDACTED must show
	}
	recent := func(ctx context.Context, c *Client) error {
		_, err := c.ChatSessions.Recent(ctx, &RecentChatSessionsOptions{Hours: 24})
		return err
	}
	create := func(ctx context.Context, c *Client) error {
		_, err := c.Sessions.Create(ctx, &CreateSessionRequest{ChatbotID: chatbotID, ClientID: clientID})
		return err
	}
	get := func(ctx context.Context, c *Client) error {
		_, err := c.Sessions.Get(ctx, sessionID)
		return err
	}
	onRecent := func(r httpmock.Responder) func(*testing.T, *httpmock.MockTransport) {
		return func(_ *testing.T, mt *httpmock.MockTransport) { mt.RegisterResponder(http.MethodGet, recentURL, r) }
	}
	onSessions := func(method, path string, r httpmock.Responder) func(*testing.T, *httpmock.MockTransport) {
		return func(_ *testing.T, mt *httpmock.MockTransport) { mt.RegisterResponder(method, testSessionsURL+path, r) }
	}
	leakyTransport := func(req *http.Request) (*http.Response, error) {
		// A custom transport whose error names the full URL and headers.
		return nil, fmt.Errorf("proxy refused %s (%s)", req.URL, req.Header.Get("Authorization"))
	}

	modes := []mode{
		{name: "dial error, GET retried", prepare: onRecent(httpmock.NewErrorResponder(dialRefused)), call: recent},
		{name: "dial error, POST retried", prepare: onSessions(http.MethodPost, "/sessions", httpmock.NewErrorResponder(dialRefused)), call: create},
		{name: "leaky transport error", prepare: onRecent(leakyTransport), call: recent, echoed: true},
		{name: "leaky transport error, Session API", prepare: onSessions(http.MethodGet, "/sessions/"+sessionID, leakyTransport), call: get, echoed: true},
		{name: "401 echoing credentials", prepare: onRecent(jsonReply(401, echoJSON)), call: recent, echoed: true},
		{name: "500 after retries", prepare: onRecent(jsonReply(500, echoJSON)), call: recent, echoed: true},
		{name: "502 html echoing the URL", prepare: onRecent(httpmock.NewStringResponder(502, "<html><pre>"+echo+"</pre></html>")), call: recent, echoed: true},
		{name: "429 beyond the Retry-After limit", prepare: onRecent(jsonReply(429, echoJSON).HeaderSet(http.Header{"Retry-After": {"3600"}})), call: recent, echoed: true},
		{name: "truncated 200", prepare: onRecent(jsonReply(200, `{"success":true,"data":{"sessions":[{"contact_name":"`+echo)), call: recent, echoed: true},
		{name: "success false on 200", prepare: onRecent(jsonReply(200, echoJSON)), call: recent, echoed: true},
		{name: "Session API 401 echoing the token", prepare: onSessions(http.MethodGet, "/sessions/"+sessionID, jsonReply(401, echoJSON)), call: get, echoed: true},
		{name: "Session API 500 not found", prepare: onSessions(http.MethodPost, "/sessions", jsonReply(500, echoJSON)), call: create, echoed: true},
		{name: "redirect to another host", prepare: func(_ *testing.T, mt *httpmock.MockTransport) {
			mt.RegisterResponder(http.MethodGet, recentURL, httpmock.NewStringResponder(302, "").
				HeaderSet(http.Header{"Location": {"https://elsewhere.test/x"}}))
			mt.RegisterResponder(http.MethodGet, "https://elsewhere.test/x", jsonReply(500, echoJSON))
		}, call: recent, echoed: true},
		{name: "per-attempt timeout", prepare: onRecent(jsonReply(200, "{}").Delay(time.Second)), call: recent},
		{name: "decoding error quoting the body", prepare: onRecent(jsonReply(200,
			`{"success":true,"data":{"sessions":[{"start_date_time":"`+echo+`"}]}}`)), call: recent, echoed: true},
		{name: "context deadline during backoff", prepare: onRecent(jsonReply(503, echoJSON)), call: func(ctx context.Context, c *Client) error {
			c.retryWaitMin, c.retryWaitMax = time.Hour, time.Hour
			ctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			defer cancel()
			return recent(ctx, c)
		}},
	}

	credentials := map[string]struct {
		opts    []Option
		secrets []string // what the client holds
	}{
		"apiKey": {[]Option{WithAPIKey(testAPIKey), WithSessionsToken(testToken)}, []string{testAPIKey, testToken}},
		"userId": {[]Option{WithUserID(testUserID), WithSessionsToken(testToken)}, []string{testUserID, testToken}},
	}
	for credName, creds := range credentials {
		for _, m := range modes {
			t.Run(credName+"/"+m.name, func(t *testing.T) {
				var logs logBuffer
				opts := append([]Option{WithLogger(debugLogger(&logs)), WithTimeout(10 * time.Millisecond)}, creds.opts...)
				c, mt := setupBare(t, opts...)
				m.prepare(t, mt)

				err := m.call(t.Context(), c)
				require.Error(t, err)
				outputs := map[string]string{
					"Error()":   err.Error(),
					"%v":        fmt.Sprintf("%v", err),
					"%+v":       fmt.Sprintf("%+v", err),
					"%#v":       fmt.Sprintf("%#v", err),
					"log":       logs.String(),
					"client %v": fmt.Sprintf("%v", c),
					"client+v":  fmt.Sprintf("%+v", c),
					"client#v":  fmt.Sprintf("%#v", c),
					"*client":   fmt.Sprintf("%+v", *c),
				}
				if apiErr, ok := err.(*APIError); ok {
					outputs["Body"] = string(apiErr.Body)
					outputs["Details"] = string(apiErr.Details)
					outputs["Message"] = apiErr.Message
					outputs["APIError value %+v"] = fmt.Sprintf("%+v", *apiErr)
				}
				if reqErr, ok := err.(*RequestError); ok {
					outputs["RequestError value %+v"] = fmt.Sprintf("%+v", *reqErr)
				}
				// Whatever walks the chain of wrapped errors sees no credential either.
				for i, e := 0, errors.Unwrap(err); e != nil; i, e = i+1, errors.Unwrap(e) {
					outputs[fmt.Sprintf("unwrapped %d", i)] = e.Error()
				}
				for where, out := range outputs {
					for _, secret := range creds.secrets {
						assert.NotContains(t, out, secret, "%s leaks a credential", where)
					}
				}
				assert.Contains(t, logs.String(), "dmchamp: http attempt", "the log was written")
				if m.echoed {
					assert.Contains(t, err.Error()+string(bodyOf(err)), redacted, "the echoed credential was redacted")
				}
			})
		}
	}
}

func bodyOf(err error) []byte {
	if apiErr, ok := err.(*APIError); ok {
		return apiErr.Body
	}
	return nil
}

func TestRedactor(t *testing.T) {
	secret := "s3cr3t+/=key"
	r := newRedactor(secret, "", "fake-token-for-redaction")
	cases := map[string]string{
		"key " + secret + " here":                   "key REDACTED here",
		"q=" + url.QueryEscape(secret):              "q=REDACTED",
		"p/" + url.PathEscape(secret):               "p/REDACTED",
		"https://x/y?apiKey=other123&hours=24":      "https://x/y?apiKey=REDACTED&hours=24",
		"userId=abc&api_key=def":                    "userId=REDACTED&api_key=REDACTED",
		"Authorization: Bearer eyJ.abc.def rest":    "Authorization: Bearer REDACTED rest",
		"secret=JBSWY3DPEHPK3PXP&token=x":           "secret=REDACTED&token=REDACTED",
		"nothing sensitive: contact_id=aB3dE5fG7hJ": "nothing sensitive: contact_id=aB3dE5fG7hJ",
	}
	for in, want := range cases {
		assert.Equal(t, want, r.String(in), in)
	}
	b := []byte("clean")
	assert.Same(t, &b[0], &r.Bytes(b)[0], "unchanged bytes are not copied")

	withOTP := r.with("JBSWY3DPEHPK3PXP")
	assert.Equal(t, "code for REDACTED", withOTP.String("code for JBSWY3DPEHPK3PXP"))
	assert.Equal(t, "code for JBSWY3DPEHPK3PXP", r.String("code for JBSWY3DPEHPK3PXP"), "with does not change the original")
	assert.False(t, strings.Contains(r.String(secret+secret), secret))
}

// TestRedactEveryEncoding: a secret with characters that JSON, queries and
// paths escape is found however the server wrote it.
func TestRedactEveryEncoding(t *testing.T) {
	secret := `k&y<z>/w"q\%+é`
	r := newRedactor(secret)
	jsonForm, _ := json.Marshal(secret) // HTML-escaped: \u0026 \u003c \u003e
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(secret)
	forms := map[string]string{
		"raw":                    secret,
		"query-escaped":          url.QueryEscape(secret),
		"path-escaped":           url.PathEscape(secret),
		"lowercase percent":      strings.ToLower(url.QueryEscape(secret)),
		"JSON, HTML-escaped":     string(jsonForm),
		"JSON, plain":            strings.TrimSpace(plain.String()),
		`JSON with \/`:           strings.ReplaceAll(string(jsonForm), "/", `\/`),
		"JSON, upper-case \\u":   strings.ReplaceAll(string(jsonForm), `\u003c`, `\u003C`),
		"JSON of a query":        mustJSON(url.QueryEscape(secret)),
		"every byte \\u-escaped": `"` + uEscape(secret) + `"`,
	}
	for name, form := range forms {
		text := `{"echo":` + form + `,"after":"kept"}`
		if !strings.HasPrefix(form, `"`) {
			text = "GET /x?apiKey=" + form + " kept"
		}
		got := r.String(text)
		assert.Contains(t, got, redacted, name)
		assert.Contains(t, got, "kept", name)
		assert.NotContains(t, got, "k&y", name)
		assert.NotContains(t, got, `w\"q`, name)
		assert.NotContains(t, strings.ToLower(got), "k%26y", name)
		assert.NotContains(t, got, `k\u0026y`, name)
	}
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func uEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0xffff {
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// TestRedactBeforeTruncating: a credential straddling the 64 KiB cut of an
// error body is replaced before the cut, so no prefix of it is kept.
func TestRedactBeforeTruncating(t *testing.T) {
	for _, offset := range []int{1, 4, len(testAPIKey) - 1} {
		body := strings.Repeat("x", maxErrorBody-offset) + testAPIKey + strings.Repeat("y", 100)
		c, mt := setup(t)
		mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, httpmock.NewStringResponder(400, body))
		_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.Len(t, ae.Body, maxErrorBody)
		tail := string(ae.Body[len(ae.Body)-offset:])
		assert.False(t, strings.HasPrefix(testAPIKey, tail), "offset %d: the body ends with %q, a prefix of the key", offset, tail)
		assert.NotContains(t, string(ae.Body), testAPIKey[:4], "offset %d", offset)
	}
}

// TestChainHandsOutNoCredential: a decoding error quoting a value that is
// the key (a *time.ParseError inside the JSON error) is redacted in every
// error the chain hands out.
func TestChainHandsOutNoCredential(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodGet, testSessionsURL+"/sessions/"+sessionID,
		jsonReply(200, `{"success":true,"data":{"_id":"x","startTime":"`+testToken+`"}}`))
	_, err := c.Sessions.Get(t.Context(), sessionID)
	require.ErrorIs(t, err, ErrInvalidResponse)
	var pe *time.ParseError
	assert.False(t, errors.As(err, &pe) && strings.Contains(pe.Error(), testToken), "errors.As hands out no credential")
	for e := error(err); e != nil; {
		assert.NotContains(t, e.Error(), testToken)
		assert.NotContains(t, fmt.Sprintf("%+v", e), testToken)
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			e = u.Unwrap()
		case interface{ Unwrap() []error }:
			if next := u.Unwrap(); len(next) > 0 {
				e = next[0]
			} else {
				e = nil
			}
		default:
			e = nil
		}
	}
}

// The Retry-After header is logged only parsed: a value that is not a
// delay or a date, such as one echoing the key, is not logged at all.
func TestRetryAfterLoggedParsed(t *testing.T) {
	var logs logBuffer
	c, mt := setup(t, WithLogger(debugLogger(&logs)), WithRetryMax(0))
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		httpmock.NewStringResponder(429, "").HeaderSet(http.Header{"Retry-After": {"1 " + testAPIKey}}))
	_, _ = c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	assert.NotContains(t, logs.String(), testAPIKey)
	assert.NotContains(t, logs.String(), "retry_after")

	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		httpmock.NewStringResponder(429, "").HeaderSet(http.Header{"Retry-After": {"7"}}))
	_, _ = c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	assert.Contains(t, logs.String(), `"retry_after":7000000000`)
}
