package dmchampotel

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/dmchamp-go/dmchamp"
)

// ScopeName is the instrumentation scope of the spans Middleware records.
const ScopeName = "github.com/dmchamp-go/dmchamp/dmchampotel"

// The attributes this package adds beside the semantic conventions'.
const (
	apiKey     = attribute.Key("dmchamp.api")     // "dmchamp" or "sessions"
	attemptKey = attribute.Key("dmchamp.attempt") // 1 for the first attempt, 2 for the first retry, ...
)

// Middleware returns a dmchamp.Middleware that records a client span for
// each request the client sends, and writes the trace context into the
// request's headers. Pass it to dmchamp.WithMiddleware.
func Middleware(opts ...Option) dmchamp.Middleware {
	cfg := newConfig(opts)
	tracer := cfg.provider.Tracer(ScopeName,
		trace.WithInstrumentationVersion(dmchamp.Version),
		trace.WithSchemaURL(semconv.SchemaURL))
	prop := cfg.propagator
	return func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		info, _ := dmchamp.CallInfoFrom(req.Context())
		name, attrs := cfg.start(req, info)
		ctx, span := tracer.Start(req.Context(), name,
			trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
		defer span.End()

		// The caller's request stays as it was: the headers are copied.
		out := req.WithContext(ctx)
		out.Header = req.Header.Clone()
		if out.Header == nil {
			out.Header = http.Header{}
		}
		prop.Inject(ctx, propagation.HeaderCarrier(out.Header))

		resp, err := next(out)
		if span.IsRecording() {
			finish(span, req, info.Route, resp, err)
		}
		return resp, err
	}
}

// start returns a request's span name and the attributes known before it
// is sent.
func (cfg *config) start(req *http.Request, info dmchamp.CallInfo) (string, []attribute.KeyValue) {
	attrs := make([]attribute.KeyValue, 0, 10)
	name := req.Method
	if cfg.known[req.Method] {
		attrs = append(attrs, semconv.HTTPRequestMethodKey.String(req.Method))
	} else {
		name = "HTTP"
		attrs = append(attrs, semconv.HTTPRequestMethodOther, semconv.HTTPRequestMethodOriginal(req.Method))
	}
	if info.Route != "" {
		name += " " + info.Route
		attrs = append(attrs, semconv.URLTemplate(info.Route))
	}
	host, port := server(req)
	if host != "" {
		attrs = append(attrs, semconv.ServerAddress(host))
	}
	if port > 0 {
		attrs = append(attrs, semconv.ServerPort(port))
	}
	attrs = append(attrs, semconv.URLScheme(req.URL.Scheme))
	if info.Resends > 0 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(info.Resends))
	}
	if info.API != "" {
		attrs = append(attrs, apiKey.String(info.API), attemptKey.Int(info.Attempt))
	}
	return name, attrs
}

// server returns the host and port a request goes to: the Host header's
// when set, else the URL's, the port defaulting to the scheme's.
func server(req *http.Request) (string, int) {
	hostport := req.Host
	if hostport == "" {
		hostport = req.URL.Host
	}
	u := url.URL{Host: hostport}
	port, err := strconv.Atoi(u.Port())
	if err != nil || port <= 0 || port > 65535 {
		switch req.URL.Scheme {
		case "https":
			port = 443
		case "http":
			port = 80
		default:
			port = 0
		}
	}
	return u.Hostname(), port
}

// finish records the outcome of a request. Following the semantic
// conventions for client spans, a 4xx or 5xx status is an error (error.type
// is the status code), as is a failure to get an answer (error.type is the
// error's type); a cancellation by the caller is not.
func finish(span trace.Span, req *http.Request, route string, resp *http.Response, err error) {
	if resp != nil {
		span.SetAttributes(semconv.HTTPResponseStatusCode(resp.StatusCode))
		if v := protocolVersion(resp); v != "" {
			span.SetAttributes(semconv.NetworkProtocolVersion(v))
		}
	}
	switch {
	case err != nil && errors.Is(err, context.Canceled) && req.Context().Err() == context.Canceled:
		// The caller gave up: not the request's failure.
	case err != nil:
		typ, text := classify(err)
		msg := scrub(text, req, route)
		span.SetAttributes(semconv.ErrorTypeKey.String(typ))
		span.AddEvent(semconv.ExceptionEventName, trace.WithAttributes(
			semconv.ExceptionType(typ), semconv.ExceptionMessage(msg)))
		span.SetStatus(codes.Error, msg)
	case resp == nil:
		span.SetAttributes(semconv.ErrorTypeOther)
		span.SetStatus(codes.Error, "no response")
	case resp.StatusCode >= 400 || resp.StatusCode < 100:
		// The status code tells why: no description.
		span.SetAttributes(semconv.ErrorTypeKey.String(strconv.Itoa(resp.StatusCode)))
		span.SetStatus(codes.Error, "")
	}
}

// protocolVersion returns a response's HTTP version as the semantic
// conventions write it: "1.0", "1.1", "2", "3".
func protocolVersion(resp *http.Response) string {
	switch {
	case resp.ProtoMajor <= 0:
		return ""
	case resp.ProtoMajor >= 2 && resp.ProtoMinor == 0:
		return strconv.Itoa(resp.ProtoMajor)
	}
	return strconv.Itoa(resp.ProtoMajor) + "." + strconv.Itoa(resp.ProtoMinor)
}
