package dmchamp

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fake credentials: never real ones.
const (
	testAPIKey      = "fake-api-key-9f8e7d6c5b4a"
	testUserID      = "fake-user-id-Xq7Lm2Pz9Rt4"
	testToken       = "fake-session-token-5e6f7a8b"
	testBaseURL     = "https://api.dmchamp.test/v1"
	testSessionsURL = "https://coach.test/api"
)

var testSecrets = []string{testAPIKey, testUserID, testToken}

// setup returns a client holding an API key and a Session API token, wired
// to a mock transport that fails the test on any unexpected request. Retries
// wait zero time.
func setup(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	return setupBare(t, append([]Option{WithAPIKey(testAPIKey), WithSessionsToken(testToken)}, opts...)...)
}

// setupBare is setup without credentials.
func setupBare(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewNotFoundResponder(t.Fatal))
	base := []Option{
		WithHTTPClient(&http.Client{Transport: mt}),
		WithBaseURL(testBaseURL),
		WithSessionsBaseURL(testSessionsURL),
		WithRetryWait(0, 0),
	}
	c, err := NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

// fixture returns a file of testdata.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// reply answers with a status and a fixture as JSON.
func reply(t *testing.T, status int, name string) httpmock.Responder {
	return jsonReply(status, string(fixture(t, name)))
}

// jsonReply answers with a status and a JSON body.
func jsonReply(status int, body string) httpmock.Responder {
	return httpmock.NewStringResponder(status, body).
		HeaderSet(http.Header{"Content-Type": {"application/json; charset=utf-8"}})
}

// want describes the one request a test expects.
type want struct {
	method string
	url    string     // without query
	query  url.Values // the exact query, credential included; nil or empty means none
	body   string     // expected JSON body; "" means no body
	header http.Header
}

// expect registers resp for the request described by w: the method, URL and
// exact query must match, and the body and headers are checked.
func expect(t *testing.T, mt *httpmock.MockTransport, w want, resp httpmock.Responder) {
	t.Helper()
	check := func(req *http.Request) (*http.Response, error) {
		if len(w.query) == 0 {
			// httpmock also routes a request with a query here.
			assert.Empty(t, req.URL.RawQuery, "query")
		}
		assert.Equal(t, wantAccept(req), req.Header.Get("Accept"))
		assert.True(t, strings.HasPrefix(req.Header.Get("User-Agent"), "dmchamp-go/"), req.Header.Get("User-Agent"))
		for k, v := range w.header {
			assert.Equal(t, v, req.Header.Values(k), "header %s", k)
		}
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		if w.body == "" {
			assert.Empty(t, body, "request body")
			assert.Empty(t, req.Header.Get("Content-Type"))
		} else {
			assert.JSONEq(t, w.body, string(body), "request body")
			assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
		}
		return resp(req)
	}
	if w.query == nil {
		mt.RegisterResponder(w.method, w.url, check)
		return
	}
	mt.RegisterResponderWithQuery(w.method, w.url, w.query, check)
}

// wantAccept is the Accept header a request must carry: CSV for the usage
// report, text for the txt chat export, else JSON.
func wantAccept(req *http.Request) string {
	switch {
	case strings.HasSuffix(req.URL.Path, "/agencies/usage/export"):
		return "text/csv"
	case req.URL.Query().Get("format") == "txt":
		return "text/plain"
	}
	return "application/json"
}

// withKey returns q plus the API key.
func withKey(q url.Values) url.Values {
	out := url.Values{"apiKey": {testAPIKey}}
	for k, v := range q {
		out[k] = v
	}
	return out
}

// bearer is the header every Session API request carries.
var bearer = http.Header{"Authorization": {"Bearer " + testToken}}

// noAuth asserts that a DM Champ request carries no Authorization header.
var noAuth = http.Header{"Authorization": nil}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func tsp(s string) *time.Time {
	t := ts(s)
	return &t
}

// sentinels are every sentinel error of the package.
var sentinels = []error{
	ErrBadRequest, ErrUnauthorized, ErrPaymentRequired, ErrForbidden, ErrNotFound,
	ErrConflict, ErrRateLimited, ErrServer, ErrInvalidResponse,
}

// onlySentinel checks that err matches target and no other sentinel; a nil
// target means none.
func onlySentinel(t *testing.T, err, target error) {
	t.Helper()
	for _, s := range sentinels {
		if s == target {
			assert.ErrorIs(t, err, s)
		} else {
			assert.NotErrorIs(t, err, s)
		}
	}
}

// logBuffer is a concurrency-safe log sink.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func debugLogger(b *logBuffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// recordWaits makes the client record each wait it computes between
// attempts and wait zero instead, so tests observe waits without sleeping.
func recordWaits(c *Client) *[]time.Duration {
	var waits []time.Duration
	c.wait = func(d time.Duration) time.Duration {
		waits = append(waits, d)
		return 0
	}
	return &waits
}

// noResult returns the error of a call, or, when the call returned a
// result too, an error that is no *ValidationError.
func noResult[T any](got T, err error) error {
	if !reflect.ValueOf(&got).Elem().IsZero() {
		return fmt.Errorf("a result, %v, with the error %v", got, err)
	}
	return err
}

// apiErrorFor returns the *APIError a call of the named method (its row in
// typedMethods) gets when every answer is status and body: the error path
// of the client itself, over a mock transport.
func apiErrorFor(t *testing.T, method string, status int, body []byte) *APIError {
	t.Helper()
	for _, m := range typedMethods {
		if m.name != method {
			continue
		}
		c, mt := setup(t)
		mt.RegisterNoResponder(jsonReply(status, string(body)))
		var ae *APIError
		require.ErrorAs(t, m.call(t.Context(), c), &ae)
		return ae
	}
	t.Fatalf("no method %s in typedMethods", method)
	return nil
}
