package dmchampotel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchampotel"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

// TestSpansHoldNoSecretsOrIDs drives many calls, successful, retried,
// refused and failing, with each kind of credential, through the demo
// server and through transports that fail naming all they were given, and
// looks for every credential, id, query value, header value and body in
// everything the spans hold.
func TestSpansHoldNoSecretsOrIDs(t *testing.T) {
	const (
		apiKey    = "fake-api-key-2b7e151628aed2a6"
		userID    = "fake-user-id-3f6c0e1d"
		token     = "fake-session-token-9c1b2a"
		otpSecret = "JBSWY3DPEHPK3PXP" // the usual documentation example
		header    = "header-value-7c5e"
		body      = "I would like to book a table for Friday"
	)
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData(),
		dmchamptest.WithAPIKey(apiKey), dmchamptest.WithUserID(userID), dmchamptest.WithSessionsToken(token))
	defer srv.Close()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	mw := dmchamp.WithMiddleware(dmchampotel.Middleware(
		dmchampotel.WithTracerProvider(tp), dmchampotel.WithPropagators(propagation.TraceContext{})))
	fast := dmchamp.WithRetryWait(time.Millisecond, 2*time.Millisecond)
	client := func(opts ...dmchamp.Option) *dmchamp.Client {
		c, err := dmchamp.NewClient(append(opts, fast, mw)...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	byKey := client(srv.ClientOptions()...)
	byUser := client(dmchamp.WithBaseURL(srv.BaseURL()), dmchamp.WithUserID(userID), dmchamp.WithHTTPClient(srv.HTTPClient()))
	// Transports that fail, naming the request with its credentials: in a
	// wrapper around a *url.Error, or in their own error's text.
	failing := func(fail func(r *http.Request, body []byte) error) *dmchamp.Client {
		return client(dmchamp.WithBaseURL(srv.BaseURL()), dmchamp.WithSessionsBaseURL(srv.SessionsBaseURL()),
			dmchamp.WithAPIKey(apiKey), dmchamp.WithSessionsToken(token), dmchamp.WithRetryMax(1),
			dmchamp.WithHTTPClient(&http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
				var b []byte
				if r.Body != nil {
					b, _ = io.ReadAll(r.Body)
				}
				return nil, fail(r, b)
			})}))
	}
	wrapping := failing(func(r *http.Request, b []byte) error {
		return fmt.Errorf("%s %s headers %v body %q: %w", r.Method, r.URL, r.Header, b,
			&url.Error{Op: r.Method, URL: r.URL.String(), Err: errRefused})
	})
	naming := failing(func(r *http.Request, _ []byte) error {
		return refusedError(fmt.Sprintf("%s %s %s %s %v", r.Method, r.URL.RequestURI(), r.URL.Path, r.URL.Query(), r.Header))
	})

	ctx := context.Background()
	recent, err := byKey.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 72, IncludeMessages: true})
	if err != nil {
		t.Fatal(err)
	}
	page, err := byKey.Sessions.List(ctx, &dmchamp.ListSessionsOptions{SearchString: "check-in"})
	if err != nil {
		t.Fatal(err)
	}
	all, err := byKey.Sessions.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent.Sessions) < 2 || len(page.Sessions) == 0 || len(all.Sessions) < 2 {
		t.Fatal("the demo data has too few sessions")
	}
	first, second := recent.Sessions[0], recent.Sessions[1]
	sessionID, otherSession := page.Sessions[0].ID, all.Sessions[len(all.Sessions)-1].ID
	secrets := []string{apiKey, userID, token, otpSecret, header, body,
		first.ContactID, first.ContactPhone, url.QueryEscape(first.ContactPhone), first.ContactEmail, first.SessionID,
		second.ContactID, second.ContactPhone, second.ContactEmail, url.QueryEscape(second.ContactEmail),
		sessionID, otherSession, "check-in"}

	// Calls whose outcome does not matter: only what their spans hold.
	note := dmchamp.WithCallHeader("X-Note", header)
	calls := []func(c *dmchamp.Client) error{
		func(c *dmchamp.Client) error {
			_, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 72}, note)
			return err
		},
		func(c *dmchamp.Client) error {
			_, err := c.ChatSessions.ForContact(ctx, first.ContactID, nil, note)
			return err
		},
		func(c *dmchamp.Client) error {
			_, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: first.ContactPhone})
			return err
		},
		func(c *dmchamp.Client) error {
			_, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{Email: second.ContactEmail})
			return err
		},
		func(c *dmchamp.Client) error { _, err := c.Contacts.Tags(ctx, first.ContactID); return err },
		func(c *dmchamp.Client) error {
			_, err := c.Contacts.Update(ctx, second.ContactID, &dmchamp.UpdateContactRequest{FirstName: dmchamp.Ptr(body)})
			return err
		},
		func(c *dmchamp.Client) error { _, err := c.Sessions.Get(ctx, sessionID, note); return err },
		func(c *dmchamp.Client) error {
			_, err := c.Sessions.List(ctx, &dmchamp.ListSessionsOptions{SearchString: "check-in"})
			return err
		},
		func(c *dmchamp.Client) error { _, err := c.Sessions.Chat(ctx, sessionID, body); return err },
		func(c *dmchamp.Client) error { _, err := c.Sessions.End(ctx, otherSession); return err },
		func(c *dmchamp.Client) error { _, err := c.OTP.Generate(ctx, otpSecret); return err },
		func(c *dmchamp.Client) error {
			return c.Do(ctx, &dmchamp.Request{Method: "GET", Path: "/chat-sessions/" + second.ContactID}, nil)
		},
		func(c *dmchamp.Client) error {
			return c.Do(ctx, &dmchamp.Request{Method: "GET", Path: "/sessions/" + sessionID, SessionAPI: true, Route: "/sessions/{id}"}, nil)
		},
	}
	for _, c := range []*dmchamp.Client{byKey, byUser, wrapping, naming} {
		for _, call := range calls {
			_ = call(c)
		}
	}
	// Retried, refused and dropped, on paths with ids.
	srv.Inject(http.MethodGet, "/v1/chat-sessions/"+first.ContactID, 2, dmchamptest.Fault{Status: 503})
	srv.Inject(http.MethodGet, "/v1/contacts/tags/"+first.ContactID, 1,
		dmchamptest.Fault{Status: 404, Body: `{"success":false,"error":"Contact ` + first.ContactID + ` not found"}`})
	srv.Inject(http.MethodGet, "/api/sessions/"+sessionID, 0, dmchamptest.Fault{Drop: true})
	for _, call := range calls {
		_ = call(byKey)
	}

	spans := rec.Ended()
	if len(spans) < 5*len(calls) {
		t.Fatalf("only %d spans", len(spans))
	}
	exceptions := 0
	for _, s := range spans {
		texts := []string{s.Name(), s.Status().Description}
		for _, kv := range s.Attributes() {
			texts = append(texts, string(kv.Key), kv.Value.String())
		}
		for _, e := range s.Events() {
			exceptions++
			texts = append(texts, e.Name)
			for _, kv := range e.Attributes {
				texts = append(texts, string(kv.Key), kv.Value.String())
			}
		}
		for _, text := range texts {
			for _, secret := range secrets {
				if strings.Contains(text, secret) {
					t.Errorf("span %q holds %q in %q", s.Name(), secret, text)
				}
			}
		}
		// Only the transports' own texts name a query, and only as REDACTED.
		if strings.Contains(s.Name(), "?") {
			t.Errorf("span name %q holds a query", s.Name())
		}
		for _, kv := range s.Attributes() {
			if strings.Contains(kv.Value.String(), "?") {
				t.Errorf("span %q: %s holds a query: %q", s.Name(), kv.Key, kv.Value.String())
			}
		}
	}
	if exceptions < 2*len(calls) {
		t.Errorf("%d exceptions recorded: the test does not cover the transports' texts", exceptions)
	}
}
