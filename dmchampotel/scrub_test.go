package dmchampotel

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

func TestScrub(t *testing.T) {
	tests := []struct {
		url, route, text, want string
	}{
		// A URL is cut to its origin, its user info dropped.
		{"https://api.example.test/v1/contacts?email=ana%40example.com", "/v1/contacts",
			`proxy https://user:pass@proxy.example.test:8080/x?y=z refused; Get "https://api.example.test/v1/contacts?email=ana%40example.com"`,
			`proxy https://proxy.example.test:8080 refused; Get "https://api.example.test"`},
		// Query values, raw and escaped.
		{"https://api.example.test/v1/contacts?email=ana%40example.com", "/v1/contacts",
			"no contact ana@example.com (ana%40example.com) at /v1/contacts",
			"no contact REDACTED (REDACTED) at /v1/contacts"},
		// Path parameters, escaped and not; the route's own segments stay.
		{"https://api.example.test/v1/chat-sessions/c%2F1%20x", "/v1/chat-sessions/{contactId}",
			"chat-sessions of c/1 x: /v1/chat-sessions/c%2F1%20x",
			"chat-sessions of REDACTED: /v1/chat-sessions/REDACTED"},
		// Without a route, or on a path that is not the route's (a
		// redirect's), every segment of three bytes or more goes.
		{"https://api.example.test/v1/contacts/tags/abc", "",
			"at /v1/contacts/tags/abc", "at /v1/REDACTED/REDACTED/REDACTED"},
		{"https://api.example.test/v2/moved/abc", "/v1/contacts/tags/{contactId}",
			"at /v2/moved/abc", "at /v2/REDACTED/REDACTED"},
		// Shorter values identify nothing.
		{"https://api.example.test/v1/chat-sessions/recent?hours=24", "/v1/chat-sessions/recent",
			"24 hours: EOF", "24 hours: EOF"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		req := &http.Request{Method: "GET", URL: u, Header: http.Header{"X-Note": {"a note"}}}
		if got := scrub(tt.text, req, tt.route); got != tt.want {
			t.Errorf("scrub(%q)\n got %q\nwant %q", tt.text, got, tt.want)
		}
	}
}

type leafError struct{}

func (*leafError) Error() string { return "leaf" }

func TestClassify(t *testing.T) {
	leaf := &leafError{}
	tests := []struct {
		err       error
		typ, text string
	}{
		{leaf, "*dmchampotel.leafError", "leaf"},
		{fmt.Errorf("a: %w", fmt.Errorf("b: %w", leaf)), "*dmchampotel.leafError", "leaf"},
		{errors.New("plain"), "*errors.errorString", "plain"},
		{fmt.Errorf("two: %w, %w", leaf, leaf), "*fmt.wrapErrors", "two: leaf, leaf"},
	}
	for _, tt := range tests {
		if typ, text := classify(tt.err); typ != tt.typ || text != tt.text {
			t.Errorf("classify(%v) = %q, %q; want %q, %q", tt.err, typ, text, tt.typ, tt.text)
		}
	}
}
