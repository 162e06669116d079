package dmchamp_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/dmchamp-go/dmchamp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The credential travels in the query string, so a server that echoes the
// request URL in a redirect hands it back to the client. These tests run
// over loopback: the API on one port, "another origin" on another port of
// the same host (same origin means scheme, host and port).

const faultOTPSecret = "JBSWY3DPEHPK3PXP"

// seenOnly records the requests a server saw.
type seenOnly struct {
	mu   sync.Mutex
	urls []string
	auth []string
}

func (s *seenOnly) record(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.urls = append(s.urls, r.URL.String())
	s.auth = append(s.auth, r.Header.Get("Authorization"))
}

// answerAnything answers the calls of these tests with a valid body.
func answerAnything(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.Contains(r.URL.Path, "/otp/"):
		faultJSON(w, 200, `{"success":true,"current_otp":"123456","expires_in":12}`)
	case strings.Contains(r.URL.Path, "/sessions/"):
		faultJSON(w, 200, `{"success":true,"data":{"_id":"66510f3ad2e4c5b6a7f80912","status":"ACTIVE","messages":[]}}`)
	default:
		faultJSON(w, 200, faultRecentOK)
	}
}

var redirectCalls = []struct {
	name    string
	opts    []dmchamp.Option
	secrets []string
	call    func(*testing.T, *dmchamp.Client) error
}{
	{"apiKey", []dmchamp.Option{dmchamp.WithAPIKey(faultAPIKey)}, []string{faultAPIKey}, func(t *testing.T, c *dmchamp.Client) error {
		_, err := c.ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
		return err
	}},
	{"userId", []dmchamp.Option{dmchamp.WithUserID(faultUserID)}, []string{faultUserID}, func(t *testing.T, c *dmchamp.Client) error {
		_, err := c.ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
		return err
	}},
	{"OTP secret", []dmchamp.Option{dmchamp.WithAPIKey(faultAPIKey)}, []string{faultAPIKey, faultOTPSecret}, func(t *testing.T, c *dmchamp.Client) error {
		_, err := c.OTP.Generate(t.Context(), faultOTPSecret)
		return err
	}},
	{"session token", []dmchamp.Option{dmchamp.WithSessionsToken(faultToken)}, []string{faultToken}, func(t *testing.T, c *dmchamp.Client) error {
		_, err := c.Sessions.Get(t.Context(), "66510f3ad2e4c5b6a7f80912")
		return err
	}},
}

// TestRedirectEchoingTheQueryToAnotherOrigin: the API redirects to another
// origin with its own query echoed, credentials included. The other origin
// must receive none of them.
func TestRedirectEchoingTheQueryToAnotherOrigin(t *testing.T) {
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, tc := range redirectCalls {
			t.Run(fmt.Sprint(status, "/", tc.name), func(t *testing.T) {
				h := newFaultHarness(t)
				var other seenOnly
				b := h.serve(func(w http.ResponseWriter, r *http.Request) {
					other.record(r)
					answerAnything(w, r)
				})
				a := h.serve(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, b.URL+r.URL.Path+"?"+r.URL.RawQuery, status)
				})
				h.start()
				c := h.client(append(tc.opts, dmchamp.WithBaseURL(a.URL+"/v1"), dmchamp.WithSessionsBaseURL(a.URL+"/api"))...)
				require.NoError(t, tc.call(t, c))

				require.Len(t, other.urls, 1)
				u, err := url.Parse(other.urls[0])
				require.NoError(t, err)
				for _, name := range []string{"apiKey", "userId", "secret"} {
					assert.False(t, u.Query().Has(name), "%s reached the other origin: %s", name, u)
				}
				for _, s := range tc.secrets {
					assert.NotContains(t, other.urls[0], s)
				}
				assert.Empty(t, other.auth[0], "no bearer token off-origin")
				h.checkNoLeaks()
			})
		}
	}
}

// A redirect within the API's origin that echoes the query gets the
// credential once, not twice.
func TestRedirectEchoingTheQueryWithinTheOrigin(t *testing.T) {
	h := newFaultHarness(t)
	var got url.Values
	a := h.serve(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/moved") {
			http.Redirect(w, r, r.URL.Path+"/moved?"+r.URL.RawQuery, http.StatusFound)
			return
		}
		got = r.URL.Query()
		answerAnything(w, r)
	})
	h.start()
	c := h.client(dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithBaseURL(a.URL+"/v1"))
	_, err := c.ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"apiKey": {faultAPIKey}, "hours": {"24"}}, got)
	h.checkNoLeaks()
}

// A redirect to another origin that would carry a credential where it
// cannot be stripped (the path, the user info) is refused.
func TestRedirectWithTheCredentialInThePathIsRefused(t *testing.T) {
	for _, place := range []string{"/v1/" + faultAPIKey + "/x", "/v1/x/" + url.PathEscape("k="+faultAPIKey)} {
		h := newFaultHarness(t)
		var other seenOnly
		b := h.serve(func(w http.ResponseWriter, r *http.Request) { other.record(r); answerAnything(w, r) })
		a := h.serve(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, b.URL+place, http.StatusFound) })
		h.start()
		var logs bytes.Buffer
		c := h.client(dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithBaseURL(a.URL+"/v1"),
			dmchamp.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		_, err := c.ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
		var re *dmchamp.RequestError
		require.ErrorAs(t, err, &re, place)
		assert.Equal(t, 1, re.Attempts, "refused, not retried")
		assert.Empty(t, other.urls, "the other origin got no request")
		assertNoSecretInError(t, err, faultAPIKey)
		assert.NotContains(t, logs.String(), faultAPIKey)
		h.checkNoLeaks()
	}
}

// When a redirected hop fails, the *url.Error in the chain names the
// redirect URL: it is sanitized, as the log line's path is.
func TestFailedRedirectHopIsSanitized(t *testing.T) {
	h := newFaultHarness(t)
	var logs bytes.Buffer
	a := h.serve(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, faultAPIKey) {
			// Same origin, the key now in the path: it answers 500.
			faultJSON(w, 500, `{"success":false,"error":"boom"}`)
			return
		}
		if r.URL.Path == "/v1/chat-sessions/recent" {
			http.Redirect(w, r, "/v1/"+faultAPIKey+"/recent?"+r.URL.RawQuery, http.StatusFound)
			return
		}
		http.Redirect(w, r, "http://127.0.0.1:1/v1/x?"+r.URL.RawQuery, http.StatusFound) // nothing listens there
	})
	h.start()
	c := h.client(dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithBaseURL(a.URL+"/v1"), dmchamp.WithRetryMax(0),
		dmchamp.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))

	_, err := c.ChatSessions.ForContact(t.Context(), "c1", nil)
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	assert.NotContains(t, ue.URL, faultAPIKey)
	assert.Contains(t, ue.URL, "127.0.0.1:1/v1/x", "the URL is kept, the credential removed")
	assertNoSecretInError(t, err, faultAPIKey)

	_, err = c.ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
	require.ErrorIs(t, err, dmchamp.ErrServer)
	assertNoSecretInError(t, err, faultAPIKey)
	assert.NotContains(t, logs.String(), faultAPIKey)
	assert.Contains(t, logs.String(), `"path":"/v1/REDACTED/recent"`, "the redirected hop is logged, its path redacted")
	h.checkNoLeaks()
}

// assertNoSecretInError checks the error's text, its %+v and %#v prints,
// and every error its chain hands out through Unwrap.
func assertNoSecretInError(t *testing.T, err error, secrets ...string) {
	t.Helper()
	var texts []string
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		texts = append(texts, e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, next := range u.Unwrap() {
				walk(next)
			}
		}
	}
	walk(err)
	for _, text := range texts {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("a credential in the error chain: %s", text)
			}
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		for _, s := range secrets {
			assert.NotContains(t, ue.URL, s)
		}
	}
}
