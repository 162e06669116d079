package dmchampotel_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchampotel"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

// traced is a client of a demo server whose spans are recorded.
type traced struct {
	srv   *dmchamptest.Server
	c     *dmchamp.Client
	rec   *tracetest.SpanRecorder
	tp    *sdktrace.TracerProvider
	port  int // the server's
	ended int // spans ended before the last reset
}

// newTraced starts a demo server and a client of it traced with the
// middleware options (a recording tracer provider first), the client
// options added after the server's.
func newTraced(t *testing.T, mwOpts []dmchampotel.Option, clientOpts ...dmchamp.Option) *traced {
	t.Helper()
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	t.Cleanup(srv.Close)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	mw := dmchampotel.Middleware(append([]dmchampotel.Option{dmchampotel.WithTracerProvider(tp)}, mwOpts...)...)
	opts := append(srv.ClientOptions(), dmchamp.WithRetryWait(time.Millisecond, 2*time.Millisecond), dmchamp.WithMiddleware(mw))
	c, err := dmchamp.NewClient(append(opts, clientOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &traced{srv: srv, c: c, rec: rec, tp: tp, port: portOf(t, srv.URL())}
}

func portOf(t *testing.T, rawURL string) int {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// demo holds ids of the demo data.
type demo struct {
	contactID, phone, email string
	sessionID               string
}

// demoIDs reads ids from the demo data, untraced, then forgets the spans.
func (tr *traced) demoIDs(t *testing.T) demo {
	t.Helper()
	ctx := context.Background()
	recent, err := tr.c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 72})
	if err != nil {
		t.Fatal(err)
	}
	page, err := tr.c.Sessions.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent.Sessions) == 0 || len(page.Sessions) == 0 {
		t.Fatal("the demo data has no sessions")
	}
	s := recent.Sessions[0]
	tr.reset()
	return demo{contactID: s.ContactID, phone: s.ContactPhone, email: s.ContactEmail, sessionID: page.Sessions[0].ID}
}

// reset forgets the spans recorded so far.
func (tr *traced) reset() {
	_ = tr.rec.ForceFlush(context.Background())
	tr.ended = len(tr.rec.Ended())
}

// spans returns the spans ended since the last reset.
func (tr *traced) spans() []sdktrace.ReadOnlySpan {
	return tr.rec.Ended()[tr.ended:]
}

// server returns the attributes every span to the demo server has.
func (tr *traced) server() []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("server.address", "127.0.0.1"),
		attribute.Int("server.port", tr.port),
		attribute.String("url.scheme", "http"),
	}
}

// checkAttrs fails unless a span has exactly the attributes want.
func checkAttrs(t *testing.T, span sdktrace.ReadOnlySpan, want ...attribute.KeyValue) {
	t.Helper()
	got := attribute.NewSet(span.Attributes()...)
	if exp := attribute.NewSet(want...); !got.Equals(&exp) {
		t.Errorf("span %q attributes\n got %s\nwant %s", span.Name(), got.Encoded(attribute.DefaultEncoder()), exp.Encoded(attribute.DefaultEncoder()))
	}
}

// attr returns a span's attribute, and whether it has it.
func attr(span sdktrace.ReadOnlySpan, key string) (attribute.Value, bool) {
	for _, kv := range span.Attributes() {
		if string(kv.Key) == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

// names returns the spans' names.
func names(spans []sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name())
	}
	return out
}

// roundTrip is an http.RoundTripper made of a function.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// with returns list with more appended, list unchanged.
func with[T any](list []T, more ...T) []T { return append(slices.Clip(list), more...) }
