package dmchamptest

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestScrubberEveryForm: a secret is scrubbed raw, query- and
// path-escaped, JSON-escaped with or without HTML escapes and escaped
// slashes, and escaped twice; and the credential parameters and headers
// whatever their value.
func TestScrubberEveryForm(t *testing.T) {
	const secret = "k&y/Zq<9 +x"
	sc := newScrubber([]string{secret, ""})
	for _, form := range []string{
		secret,
		url.QueryEscape(secret),  // k%26y%2FZq%3C9+%2Bx
		url.PathEscape(secret),   // k&y%2FZq%3C9%20+x
		`k\u0026y/Zq\u003c9 +x`,  // encoding/json
		`k\u0026y\/Zq\u003c9 +x`, // and escaped slashes
		`k&y\/Zq<9 +x`,           // escaped slashes only
		`k%26y%2fZq%3c9+%2bx`,    // query-escaped, lower-case hex
		// Escaped twice: a query string echoed in a query string, JSON
		// inside a JSON string, a query string inside JSON.
		url.QueryEscape(url.QueryEscape(secret)), // k%2526y%252FZq%253C9%2B%252Bx
		url.PathEscape(url.QueryEscape(secret)),  // k%2526y%252FZq%253C9+%252Bx
		`k\\u0026y/Zq\\u003c9 +x`,                // encoding/json twice
		`k\u0026y\\/Zq\u003c9 +x`,                // escaped slashes, then encoding/json
	} {
		got := sc.text(`{"echo":"` + form + `"}`)
		assert.Equal(t, `{"echo":"REDACTED"}`, got, form)
	}

	i := &Interaction{}
	i.Request.URL = "https://api.dmchamp.com/v1/otp/generate?secret=ABCDEF&note=" + url.QueryEscape(secret)
	i.Request.Form = url.Values{"apiKey": {"other"}, "q": {secret}}
	bearer := []string{"Bearer t"}
	live := http.Header{"Authorization": bearer, "X-Echo": {secret}, "Proxy-Authorization": {"Basic cDpx"}}
	i.Request.Headers = live
	i.Response.Headers = http.Header{"Content-Length": {"99"}, "Set-Cookie": {"sid=s3cr3t; HttpOnly"}}
	i.Response.ContentLength = 99
	i.Response.Body = `{"key":"` + secret + `","echo":"ABCDEF"}`
	sc.interaction(i)
	assert.Equal(t, "https://api.dmchamp.com/v1/otp/generate?note=REDACTED&secret=REDACTED", i.Request.URL)
	assert.Equal(t, url.Values{"apiKey": {Redacted}, "q": {Redacted}}, i.Request.Form)
	assert.Equal(t, http.Header{"Authorization": {Redacted}, "X-Echo": {Redacted}, "Proxy-Authorization": {Redacted}}, i.Request.Headers)
	assert.Equal(t, []string{Redacted}, i.Response.Headers["Set-Cookie"])
	assert.Equal(t, `{"key":"REDACTED","echo":"REDACTED"}`, i.Response.Body, "the call's own secret is scrubbed where the answer echoes it")
	assert.Equal(t, int64(len(i.Response.Body)), i.Response.ContentLength)
	assert.Equal(t, "36", i.Response.Headers.Get("Content-Length"))
	// The live request, which the client may send again, is left alone.
	assert.Equal(t, []string{"Bearer t"}, bearer)
	assert.Equal(t, []string{secret}, live["X-Echo"])
}

func TestSameBody(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{`{"a":1,"b":"é"}`, `{ "b": "\u00e9", "a": 1 }`, true},
		{`{"id":12345678901234567891}`, `{"id":12345678901234567890}`, false}, // equal as float64
		{`{"n":1.0}`, `{"n":1}`, false},
		{`{"a":[1,2]}`, `{"a":[2,1]}`, false},
		{`not json`, `not json`, true},
		{`not json`, `not  json`, false},
		{``, ``, true},
	} {
		assert.Equal(t, tc.want, sameBody([]byte(tc.a), []byte(tc.b)), "%s vs %s", tc.a, tc.b)
	}
}
