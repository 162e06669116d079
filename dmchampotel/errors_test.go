package dmchampotel_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchampotel"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

const fakeKey = "fake-api-key-7f3a91c2"

// failingClient returns a client of https://api.example.test whose
// transport is rt, and the recorder of its spans.
func failingClient(t *testing.T, rt roundTrip, opts ...dmchamp.Option) (*dmchamp.Client, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	c, err := dmchamp.NewClient(append([]dmchamp.Option{
		dmchamp.WithBaseURL("https://api.example.test/v1"),
		dmchamp.WithAPIKey(fakeKey),
		dmchamp.WithHTTPClient(&http.Client{Transport: rt}),
		dmchamp.WithRetryMax(0),
		dmchamp.WithMiddleware(dmchampotel.Middleware(dmchampotel.WithTracerProvider(tp))),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

// onlySpan returns the one span recorded.
func onlySpan(t *testing.T, rec *tracetest.SpanRecorder) sdktrace.ReadOnlySpan {
	t.Helper()
	spans := rec.Ended()
	if len(spans) != 1 {
		t.Fatalf("spans %q, want one", names(spans))
	}
	return spans[0]
}

// checkException fails unless a span records a failure: status Error with
// the message, error.type typ, and one exception event saying both.
func checkException(t *testing.T, s sdktrace.ReadOnlySpan, typ, msg string) {
	t.Helper()
	if s.Status() != (sdktrace.Status{Code: codes.Error, Description: msg}) {
		t.Errorf("status %+v, want Error %q", s.Status(), msg)
	}
	if v, _ := attr(s, "error.type"); v.AsString() != typ {
		t.Errorf("error.type %q, want %q", v.AsString(), typ)
	}
	events := s.Events()
	if len(events) != 1 || events[0].Name != "exception" {
		t.Fatalf("events %+v, want one exception", events)
	}
	got := attribute.NewSet(events[0].Attributes...)
	want := attribute.NewSet(attribute.String("exception.type", typ), attribute.String("exception.message", msg))
	if !got.Equals(&want) {
		t.Errorf("exception %s, want %s", got.Encoded(attribute.DefaultEncoder()), want.Encoded(attribute.DefaultEncoder()))
	}
}

// refusedError is a transport's own error, whose text it makes up.
type refusedError string

func (e refusedError) Error() string { return string(e) }

var errRefused = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}

func TestTransportErrorRecordedWithoutIDsOrCredentials(t *testing.T) {
	const contactID = "Q7hRkTz2mWp9XbLc4NvA"
	tests := []struct {
		name      string
		transport roundTrip
		typ, msg  string
	}{
		{
			// A wrapper's text is dropped: that of the error it wraps is
			// recorded.
			"wrapped", func(r *http.Request) (*http.Response, error) {
				return nil, fmt.Errorf("%s %s failed (headers %v): %w", r.Method, r.URL, r.Header, errRefused)
			},
			"*net.OpError", "dial tcp: connection refused",
		},
		{
			// Its URL (the API key removed by the client) is cut to the origin.
			"url.Error", func(r *http.Request) (*http.Response, error) {
				return nil, &url.Error{Op: "Get", URL: r.URL.String(), Err: errRefused}
			},
			"*url.Error", `Get "https://api.example.test": dial tcp: connection refused`,
		},
		{
			// The path parameter and the query's values are replaced.
			"own text", func(r *http.Request) (*http.Response, error) {
				return nil, refusedError("refused " + r.URL.EscapedPath() + " for " + r.URL.Query().Get("status"))
			},
			"github.com/dmchamp-go/dmchamp/dmchampotel_test.refusedError", "refused /v1/chat-sessions/REDACTED for REDACTED",
		},
		{
			// The client replaced an error whose text held the API key: its
			// type is gone, and the key is REDACTED by the client.
			"own text with the API key", func(r *http.Request) (*http.Response, error) {
				return nil, refusedError("refused " + r.URL.RequestURI())
			},
			"_OTHER", "refused /v1/chat-sessions/REDACTED?REDACTED&apiKey=REDACTED",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := failingClient(t, tt.transport)
			_, err := c.ChatSessions.ForContact(context.Background(), contactID, &dmchamp.ContactChatSessionsOptions{Status: dmchamp.ChatSessionClosed})
			if err == nil {
				t.Fatal("no error")
			}
			s := onlySpan(t, rec)
			checkException(t, s, tt.typ, tt.msg)
			checkAttrs(t, s,
				attribute.String("http.request.method", "GET"),
				attribute.String("server.address", "api.example.test"),
				attribute.Int("server.port", 443),
				attribute.String("url.scheme", "https"),
				attribute.String("url.template", "/v1/chat-sessions/{contactId}"),
				attribute.String("error.type", tt.typ),
				attribute.String("dmchamp.api", "dmchamp"),
				attribute.Int("dmchamp.attempt", 1),
			)
		})
	}
}

func TestTransportErrorOfSessionAPI(t *testing.T) {
	// The bearer token travels in a header: a transport that prints it
	// has it redacted by the client.
	const token = "fake-session-token-51d0e8"
	const sessionID = "665f1c2ab8e4d7a9c3f01234"
	c, rec := failingClient(t, func(r *http.Request) (*http.Response, error) {
		return nil, refusedError("no route to " + r.URL.String() + " with " + r.Header.Get("Authorization"))
	}, dmchamp.WithSessionsBaseURL("https://sessions.example.test/api"), dmchamp.WithSessionsToken(token))
	if _, err := c.Sessions.Get(context.Background(), sessionID); err == nil {
		t.Fatal("no error")
	}
	checkException(t, onlySpan(t, rec), "_OTHER", "no route to https://sessions.example.test with Bearer REDACTED")
}

func TestCancelledByCallerIsNotAnError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c, rec := failingClient(t, func(r *http.Request) (*http.Response, error) {
		cancel()
		return nil, r.Context().Err()
	})
	if _, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 1}); err == nil {
		t.Fatal("no error")
	}
	s := onlySpan(t, rec)
	if s.Status().Code != codes.Unset || len(s.Events()) != 0 {
		t.Errorf("status %+v, events %+v: want neither", s.Status(), s.Events())
	}
	if _, ok := attr(s, "error.type"); ok {
		t.Error("error.type set")
	}
}

func TestAttemptTimeoutIsAnError(t *testing.T) {
	tr := newTraced(t, nil, dmchamp.WithRetryMax(0))
	tr.srv.Inject(http.MethodGet, "/v1/chat-sessions/recent", 1, dmchamptest.Fault{Delay: 5 * time.Second})
	_, err := tr.c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{Hours: 1}, dmchamp.WithCallTimeout(50*time.Millisecond))
	if err == nil {
		t.Fatal("no error")
	}
	spans := tr.spans()
	if len(spans) != 1 {
		t.Fatalf("spans %q", names(spans))
	}
	checkException(t, spans[0], "context.deadlineExceededError", "context deadline exceeded")
}

func TestDroppedConnection(t *testing.T) {
	tr := newTraced(t, nil, dmchamp.WithRetryMax(0))
	d := tr.demoIDs(t)
	// Every time: net/http resends an idempotent request once by itself
	// when a reused connection is closed, beneath the middleware.
	tr.srv.Inject(http.MethodGet, "/v1/contacts/tags/*", 0, dmchamptest.Fault{Drop: true})
	if _, err := tr.c.Contacts.Tags(context.Background(), d.contactID); err == nil {
		t.Fatal("no error")
	}
	spans := tr.spans()
	if len(spans) != 1 {
		t.Fatalf("spans %q", names(spans))
	}
	// What net/http says of a connection closed before the answer.
	checkException(t, spans[0], "*errors.errorString", "EOF")
	if _, ok := attr(spans[0], "http.response.status_code"); ok {
		t.Error("http.response.status_code set without a response")
	}
}
