package dmchampotel

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Option configures Middleware.
type Option func(*config)

type config struct {
	provider   trace.TracerProvider
	propagator propagation.TextMapPropagator
	known      map[string]bool // methods recorded as themselves
}

// defaultMethods are the methods the semantic conventions name: RFC 9110's,
// PATCH and QUERY.
var defaultMethods = []string{"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE", "QUERY"}

func newConfig(opts []Option) *config {
	cfg := &config{}
	WithKnownMethods(defaultMethods...)(cfg)
	for _, opt := range opts {
		if opt != nil {
			opt(cfg)
		}
	}
	if cfg.provider == nil {
		cfg.provider = otel.GetTracerProvider()
	}
	if cfg.propagator == nil {
		cfg.propagator = otel.GetTextMapPropagator()
	}
	return cfg
}

// WithTracerProvider sets where spans are created. The default, or nil, is
// the global provider, otel.GetTracerProvider().
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.provider = tp }
}

// WithPropagators sets how the trace context is written into the request
// headers. The default, or nil, is the global propagator,
// otel.GetTextMapPropagator(), which writes nothing until one is set with
// otel.SetTextMapPropagator.
func WithPropagators(p propagation.TextMapPropagator) Option {
	return func(c *config) { c.propagator = p }
}

// WithKnownMethods replaces the list of HTTP methods recorded as they are
// (case-sensitive). A request with any other method, which Client.Do can
// send, is recorded as http.request.method "_OTHER", with the method in
// http.request.method_original, and its span name starts with "HTTP". The
// default list is the semantic conventions': CONNECT, DELETE, GET, HEAD,
// OPTIONS, PATCH, POST, PUT, TRACE and QUERY.
func WithKnownMethods(methods ...string) Option {
	return func(c *config) {
		c.known = make(map[string]bool, len(methods))
		for _, m := range methods {
			c.known[m] = true
		}
	}
}
