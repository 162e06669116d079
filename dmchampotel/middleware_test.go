package dmchampotel_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchampotel"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

func TestTypedCallSpans(t *testing.T) {
	tr := newTraced(t, nil)
	d := tr.demoIDs(t)
	const odd = "c/1 ü?x=y&z#f" // an id that must be escaped
	tests := []struct {
		name       string // the span's
		call       func(context.Context, *dmchamp.Client, dmchamp.CallOption) error
		method     string
		route      string
		api        string
		status     int
		wantsError bool
	}{
		{"GET /v1/chat-sessions/recent", func(ctx context.Context, c *dmchamp.Client, o dmchamp.CallOption) error {
			_, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24, IncludeMessages: true}, o)
			return err
		}, "GET", "/v1/chat-sessions/recent", "dmchamp", 200, false},
		{"GET /v1/chat-sessions/{contactId}", func(ctx context.Context, c *dmchamp.Client, o dmchamp.CallOption) error {
			_, err := c.ChatSessions.ForContact(ctx, d.contactID, nil, o)
			return err
		}, "GET", "/v1/chat-sessions/{contactId}", "dmchamp", 200, false},
		{"GET /v1/chat-sessions/{contactId}", func(ctx context.Context, c *dmchamp.Client, o dmchamp.CallOption) error {
			_, err := c.ChatSessions.ForContact(ctx, odd, nil, o)
			return err
		}, "GET", "/v1/chat-sessions/{contactId}", "dmchamp", 404, true},
		{"GET /v1/contacts", func(ctx context.Context, c *dmchamp.Client, o dmchamp.CallOption) error {
			_, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: d.phone}, o)
			return err
		}, "GET", "/v1/contacts", "dmchamp", 200, false},
		{"GET /v1/contacts/tags/{contactId}", func(ctx context.Context, c *dmchamp.Client, o dmchamp.CallOption) error {
			_, err := c.Contacts.Tags(ctx, d.contactID, o)
			return err
		}, "GET", "/v1/contacts/tags/{contactId}", "dmchamp", 200, false},
		{"PUT /v1/contacts/{contactId}", func(ctx context.Context, c *dmchamp.Client, o dmchamp.CallOption) error {
			_, err := c.Contacts.Update(ctx, d.contactID, &dmchamp.UpdateContactRequest{FirstName: dmchamp.Ptr("Mariana")}, o)
			return err
		}, "PUT", "/v1/contacts/{contactId}", "dmchamp", 200, false},
		{"POST /v1/contacts", func(ctx context.Context, c *dmchamp.Client, o dmchamp.CallOption) error {
			_, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+4915123456789", FirstName: "Lena"}, o)
			return err
		}, "POST", "/v1/contacts", "dmchamp", 200, false},
		{"GET /api/sessions/{id}", func(ctx context.Context, c *dmchamp.Client, o dmchamp.CallOption) error {
			_, err := c.Sessions.Get(ctx, d.sessionID, o)
			return err
		}, "GET", "/api/sessions/{id}", "sessions", 200, false},
		{"POST /api/sessions/{id}/end", func(ctx context.Context, c *dmchamp.Client, o dmchamp.CallOption) error {
			_, err := c.Sessions.End(ctx, d.sessionID, o)
			return err
		}, "POST", "/api/sessions/{id}/end", "sessions", 200, false},
	}
	for _, tt := range tests {
		tr.reset()
		var resp dmchamp.Response
		err := tt.call(context.Background(), tr.c, dmchamp.WithResponseInto(&resp))
		if (err != nil) != tt.wantsError {
			t.Fatalf("%s: error %v", tt.name, err)
		}
		if resp.StatusCode != tt.status {
			t.Fatalf("%s: the server answered %d, the test expects %d", tt.name, resp.StatusCode, tt.status)
		}
		spans := tr.spans()
		if len(spans) != 1 {
			t.Fatalf("%s: %d spans: %q", tt.name, len(spans), names(spans))
		}
		s := spans[0]
		if s.Name() != tt.name {
			t.Errorf("span name %q, want %q", s.Name(), tt.name)
		}
		if s.SpanKind() != trace.SpanKindClient {
			t.Errorf("%s: kind %v", tt.name, s.SpanKind())
		}
		if scope := s.InstrumentationScope(); scope.Name != dmchampotel.ScopeName || scope.Version != dmchamp.Version ||
			scope.SchemaURL != "https://opentelemetry.io/schemas/1.43.0" {
			t.Errorf("%s: scope %+v", tt.name, scope)
		}
		want := with(tr.server(),
			attribute.String("http.request.method", tt.method),
			attribute.String("url.template", tt.route),
			attribute.Int("http.response.status_code", tt.status),
			attribute.String("network.protocol.version", "1.1"),
			attribute.String("dmchamp.api", tt.api),
			attribute.Int("dmchamp.attempt", 1),
		)
		wantStatus := codes.Unset
		if tt.status >= 400 {
			want = append(want, attribute.String("error.type", strconv.Itoa(tt.status)))
			wantStatus = codes.Error
		}
		checkAttrs(t, s, want...)
		if s.Status() != (sdktrace.Status{Code: wantStatus}) {
			t.Errorf("%s: status %+v, want %v with no description", tt.name, s.Status(), wantStatus)
		}
		if len(s.Events()) != 0 {
			t.Errorf("%s: events %+v", tt.name, s.Events())
		}
	}
}

func TestRetriedCallSpanPerAttempt(t *testing.T) {
	tr := newTraced(t, []dmchampotel.Option{dmchampotel.WithPropagators(propagation.TraceContext{})})
	tr.srv.Inject(http.MethodGet, "/v1/chat-sessions/recent", 2, dmchamptest.Fault{Status: http.StatusServiceUnavailable})
	tr.srv.ResetRequests()

	ctx, parent := tr.tp.Tracer("caller").Start(context.Background(), "caller")
	_, err := tr.c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24})
	parent.End()
	if err != nil {
		t.Fatal(err)
	}
	spans := tr.spans()
	if len(spans) != 4 || spans[3].Name() != "caller" {
		t.Fatalf("spans %q, want 3 attempts and the caller's", names(spans))
	}
	requests := tr.srv.Requests()
	if len(requests) != 3 {
		t.Fatalf("%d requests, want 3", len(requests))
	}
	for i, s := range spans[:3] {
		status := []int{503, 503, 200}[i]
		want := with(tr.server(),
			attribute.String("http.request.method", "GET"),
			attribute.String("url.template", "/v1/chat-sessions/recent"),
			attribute.Int("http.response.status_code", status),
			attribute.String("network.protocol.version", "1.1"),
			attribute.String("dmchamp.api", "dmchamp"),
			attribute.Int("dmchamp.attempt", i+1),
		)
		wantStatus := codes.Unset
		if i > 0 {
			want = append(want, attribute.Int("http.request.resend_count", i))
		}
		if status >= 400 {
			want = append(want, attribute.String("error.type", "503"))
			wantStatus = codes.Error
		}
		if s.Name() != "GET /v1/chat-sessions/recent" {
			t.Errorf("span %d: name %q", i, s.Name())
		}
		checkAttrs(t, s, want...)
		if s.Status().Code != wantStatus {
			t.Errorf("span %d: status %+v, want %v", i, s.Status(), wantStatus)
		}
		if s.Parent().SpanID() != parent.SpanContext().SpanID() || s.SpanContext().TraceID() != parent.SpanContext().TraceID() {
			t.Errorf("span %d is not a child of the caller's span", i)
		}
		// Each attempt carries its own span as the parent of the server's work.
		tp := fmt.Sprintf("00-%s-%s-01", s.SpanContext().TraceID(), s.SpanContext().SpanID())
		if got := requests[i].Header.Get("Traceparent"); got != tp {
			t.Errorf("request %d: traceparent %q, want %q", i, got, tp)
		}
	}
}

func TestRedirectSpanPerHop(t *testing.T) {
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	target, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	// The front server moves /moved/... to /..., and passes the rest on.
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/moved"); ok {
			q := r.URL.Query()
			q.Del("apiKey")
			http.Redirect(w, r, rest+"?"+q.Encode(), http.StatusFound)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()

	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	c, err := dmchamp.NewClient(
		dmchamp.WithBaseURL(front.URL+"/moved/v1"),
		dmchamp.WithAPIKey(srv.APIKey()),
		dmchamp.WithHTTPClient(front.Client()),
		dmchamp.WithMiddleware(dmchampotel.Middleware(dmchampotel.WithTracerProvider(tp))),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{Hours: 24}); err != nil {
		t.Fatal(err)
	}
	spans := rec.Ended()
	if len(spans) != 2 {
		t.Fatalf("spans %q, want the request and its redirect", names(spans))
	}
	for i, s := range spans {
		if s.Name() != "GET /moved/v1/chat-sessions/recent" {
			t.Errorf("hop %d: name %q", i, s.Name())
		}
		want := []attribute.KeyValue{
			attribute.String("http.request.method", "GET"),
			attribute.String("server.address", "127.0.0.1"),
			attribute.Int("server.port", portOf(t, front.URL)),
			attribute.String("url.scheme", "http"),
			attribute.String("url.template", "/moved/v1/chat-sessions/recent"),
			attribute.Int("http.response.status_code", []int{302, 200}[i]),
			attribute.String("network.protocol.version", "1.1"),
			attribute.String("dmchamp.api", "dmchamp"),
			attribute.Int("dmchamp.attempt", 1), // a redirect is part of its attempt
		}
		if i == 1 {
			want = append(want, attribute.Int("http.request.resend_count", 1))
		}
		checkAttrs(t, s, want...)
		if s.Status().Code != codes.Unset {
			t.Errorf("hop %d: status %+v", i, s.Status())
		}
	}
}

func TestDoSpans(t *testing.T) {
	tr := newTraced(t, nil)
	d := tr.demoIDs(t)
	tests := []struct {
		req    dmchamp.Request
		name   string
		attrs  []attribute.KeyValue // beside the server's, the status and dmchamp.*
		api    string
		status int
	}{
		{
			dmchamp.Request{Method: "GET", Path: "/contacts/tags/" + url.PathEscape(d.contactID)},
			"GET", []attribute.KeyValue{attribute.String("http.request.method", "GET")}, "dmchamp", 200,
		},
		{
			dmchamp.Request{Method: "get", Path: "/contacts/tags/" + url.PathEscape(d.contactID), Route: "/contacts/tags/{contactId}"},
			"GET /v1/contacts/tags/{contactId}", []attribute.KeyValue{
				attribute.String("http.request.method", "GET"),
				attribute.String("url.template", "/v1/contacts/tags/{contactId}"),
			}, "dmchamp", 200,
		},
		{
			dmchamp.Request{Method: "GET", Path: "/sessions/" + d.sessionID, SessionAPI: true},
			"GET", []attribute.KeyValue{attribute.String("http.request.method", "GET")}, "sessions", 200,
		},
		{
			// Not a method the semantic conventions know.
			dmchamp.Request{Method: "PROPFIND", Path: "/contacts/tags/" + url.PathEscape(d.contactID), Route: "/contacts/tags/{contactId}"},
			"HTTP /v1/contacts/tags/{contactId}", []attribute.KeyValue{
				attribute.String("http.request.method", "_OTHER"),
				attribute.String("http.request.method_original", "PROPFIND"),
				attribute.String("url.template", "/v1/contacts/tags/{contactId}"),
			}, "dmchamp", 404,
		},
	}
	for _, tt := range tests {
		tr.reset()
		var resp dmchamp.Response
		err := tr.c.Do(context.Background(), &tt.req, nil, dmchamp.WithResponseInto(&resp))
		if (err != nil) != (tt.status >= 400) || resp.StatusCode != tt.status {
			t.Fatalf("%s %s: status %d, error %v; the test expects %d", tt.req.Method, tt.req.Path, resp.StatusCode, err, tt.status)
		}
		spans := tr.spans()
		if len(spans) != 1 {
			t.Fatalf("%d spans: %q", len(spans), names(spans))
		}
		if spans[0].Name() != tt.name {
			t.Errorf("span name %q, want %q", spans[0].Name(), tt.name)
		}
		want := with(append(tr.server(), tt.attrs...),
			attribute.Int("http.response.status_code", tt.status),
			attribute.String("network.protocol.version", "1.1"),
			attribute.String("dmchamp.api", tt.api),
			attribute.Int("dmchamp.attempt", 1),
		)
		if tt.status >= 400 {
			want = append(want, attribute.String("error.type", strconv.Itoa(tt.status)))
		}
		checkAttrs(t, spans[0], want...)
	}
}

func TestKnownMethods(t *testing.T) {
	tr := newTraced(t, []dmchampotel.Option{dmchampotel.WithKnownMethods("GET", "PROPFIND")})
	d := tr.demoIDs(t)
	for _, tt := range []struct {
		method, name string
		attrs        []attribute.KeyValue
	}{
		{"PROPFIND", "PROPFIND", []attribute.KeyValue{attribute.String("http.request.method", "PROPFIND")}},
		{"GET", "GET", []attribute.KeyValue{attribute.String("http.request.method", "GET")}},
		{"POST", "HTTP", []attribute.KeyValue{
			attribute.String("http.request.method", "_OTHER"),
			attribute.String("http.request.method_original", "POST"),
		}},
	} {
		tr.reset()
		_ = tr.c.Do(context.Background(), &dmchamp.Request{Method: tt.method, Path: "/contacts/tags/" + d.contactID}, nil)
		spans := tr.spans()
		if len(spans) != 1 || spans[0].Name() != tt.name {
			t.Fatalf("%s: spans %q, want [%q]", tt.method, names(spans), tt.name)
		}
		for _, kv := range tt.attrs {
			if v, ok := attr(spans[0], string(kv.Key)); !ok || v != kv.Value {
				t.Errorf("%s: %s = %v (%v), want %v", tt.method, kv.Key, v.String(), ok, kv.Value.String())
			}
		}
		if _, ok := attr(spans[0], "http.request.method_original"); ok != (tt.name == "HTTP") {
			t.Errorf("%s: http.request.method_original set: %v", tt.method, ok)
		}
	}
}

func TestErrorStatuses(t *testing.T) {
	tr := newTraced(t, nil, dmchamp.WithRetryMax(0))
	const path = "/v1/chat-sessions/recent"
	for _, code := range []int{400, 401, 403, 404, 409, 429, 500, 502, 503} {
		tr.reset()
		tr.srv.Inject(http.MethodGet, path, 1, dmchamptest.Fault{Status: code})
		if _, err := tr.c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{Hours: 1}); err == nil {
			t.Fatalf("%d: no error", code)
		}
		spans := tr.spans()
		if len(spans) != 1 {
			t.Fatalf("%d: spans %q", code, names(spans))
		}
		s := spans[0]
		checkAttrs(t, s, with(tr.server(),
			attribute.String("http.request.method", "GET"),
			attribute.String("url.template", path),
			attribute.Int("http.response.status_code", code),
			attribute.String("network.protocol.version", "1.1"),
			attribute.String("error.type", strconv.Itoa(code)),
			attribute.String("dmchamp.api", "dmchamp"),
			attribute.Int("dmchamp.attempt", 1),
		)...)
		// Error, with no description: the status code tells why.
		if s.Status() != (sdktrace.Status{Code: codes.Error}) {
			t.Errorf("%d: status %+v", code, s.Status())
		}
		if len(s.Events()) != 0 {
			t.Errorf("%d: events %+v", code, s.Events())
		}
	}
}

func TestPropagation(t *testing.T) {
	// A middleware outside the tracing one sees its request unchanged.
	var before, after http.Header
	outer := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		before = req.Header.Clone()
		resp, err := next(req)
		after = req.Header.Clone()
		return resp, err
	}
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	c, err := dmchamp.NewClient(append(srv.ClientOptions(), dmchamp.WithMiddleware(outer,
		dmchampotel.Middleware(dmchampotel.WithTracerProvider(tp), dmchampotel.WithPropagators(propagation.TraceContext{}))))...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{Hours: 24}); err != nil {
		t.Fatal(err)
	}
	spans := rec.Ended()
	requests := srv.Requests()
	if len(spans) != 1 || len(requests) != 1 {
		t.Fatalf("%d spans, %d requests", len(spans), len(requests))
	}
	sc := spans[0].SpanContext()
	want := fmt.Sprintf("00-%s-%s-01", sc.TraceID(), sc.SpanID())
	if got := requests[0].Header.Get("Traceparent"); got != want {
		t.Errorf("the server got traceparent %q, want %q", got, want)
	}
	if before.Get("Traceparent") != "" || after.Get("Traceparent") != "" || len(after) != len(before) {
		t.Errorf("the caller's request changed: before %v, after %v", before, after)
	}
}

func TestUntracedCallerGetsNoSpan(t *testing.T) {
	// A sampler that drops everything: the request is sent as usual, with
	// the (unsampled) trace context.
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec), sdktrace.WithSampler(sdktrace.NeverSample()))
	c, err := dmchamp.NewClient(append(srv.ClientOptions(), dmchamp.WithMiddleware(
		dmchampotel.Middleware(dmchampotel.WithTracerProvider(tp), dmchampotel.WithPropagators(propagation.TraceContext{}))))...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{Hours: 24}); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Ended()); n != 0 {
		t.Errorf("%d spans recorded", n)
	}
	if tp := srv.Requests()[0].Header.Get("Traceparent"); !strings.HasPrefix(tp, "00-") || !strings.HasSuffix(tp, "-00") {
		t.Errorf("traceparent %q, want an unsampled one", tp)
	}
}

func TestMiddlewareOutsideACall(t *testing.T) {
	// Without CallInfo (a request the client did not make), the span has
	// the HTTP attributes only.
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	mw := dmchampotel.Middleware(dmchampotel.WithTracerProvider(tp))
	req := httptest.NewRequest(http.MethodGet, "https://api.example.test/v1/contacts/tags/abc123?apiKey=x", nil)
	req.Host = ""
	resp, err := mw(req, func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 204, ProtoMajor: 2, Body: http.NoBody}, nil
	})
	if err != nil || resp.StatusCode != 204 {
		t.Fatal(resp, err)
	}
	spans := rec.Ended()
	if len(spans) != 1 || spans[0].Name() != "GET" {
		t.Fatalf("spans %q", names(spans))
	}
	checkAttrs(t, spans[0],
		attribute.String("http.request.method", "GET"),
		attribute.String("server.address", "api.example.test"),
		attribute.Int("server.port", 443),
		attribute.String("url.scheme", "https"),
		attribute.Int("http.response.status_code", 204),
		attribute.String("network.protocol.version", "2"),
	)
}

func TestDefaultsAreTheGlobalProviderAndPropagator(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	otel.SetTextMapPropagator(propagation.TraceContext{})
	t.Cleanup(func() { otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator()) })
	mw := dmchampotel.Middleware(dmchampotel.WithTracerProvider(nil), dmchampotel.WithPropagators(nil))

	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	c, err := dmchamp.NewClient(append(srv.ClientOptions(), dmchamp.WithMiddleware(mw))...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Tags.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := rec.Ended()
	if len(spans) != 1 || spans[0].Name() != "GET /v1/tags" {
		t.Fatalf("spans %q", names(spans))
	}
	sc := spans[0].SpanContext()
	if got, want := srv.Requests()[0].Header.Get("Traceparent"), fmt.Sprintf("00-%s-%s-01", sc.TraceID(), sc.SpanID()); got != want {
		t.Errorf("traceparent %q, want %q", got, want)
	}
}
