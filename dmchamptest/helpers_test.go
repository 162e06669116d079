package dmchamptest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/require"
)

// now is the fake server's clock in these tests.
var now = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return now }

// newServer starts a server with the fixed clock; it is closed when the test
// ends.
func newServer(t *testing.T, opts ...dmchamptest.Option) *dmchamptest.Server {
	t.Helper()
	srv := dmchamptest.NewServer(append([]dmchamptest.Option{dmchamptest.WithClock(fixedClock)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// newClient returns an SDK client of srv whose retries do not wait.
func newClient(t *testing.T, srv *dmchamptest.Server, opts ...dmchamp.Option) *dmchamp.Client {
	t.Helper()
	base := append(srv.ClientOptions(), dmchamp.WithRetryWait(0, 0))
	c, err := dmchamp.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c
}

// response is a raw answer of the server.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic value.
func (r response) JSON(t *testing.T) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(r.Body, &v), "body: %s", r.Body)
	return v
}

// Object decodes the body as a JSON object.
func (r response) Object(t *testing.T) map[string]any {
	t.Helper()
	v, ok := r.JSON(t).(map[string]any)
	require.True(t, ok, "body is not an object: %s", r.Body)
	return v
}

// raw sends a request with net/http; body, when not nil, is sent as JSON
// (a string or []byte as is). Extra headers are given as name, value pairs.
func raw(t *testing.T, srv *dmchamptest.Server, method, path string, query url.Values, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(enc)
	}
	u := srv.URL() + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, rd)
	require.NoError(t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// key returns query values holding the server's API key plus pairs.
func key(srv *dmchamptest.Server, pairs ...string) url.Values {
	return with(url.Values{"apiKey": {srv.APIKey()}}, pairs...)
}

// with adds name, value pairs to q.
func with(q url.Values, pairs ...string) url.Values {
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Add(pairs[i], pairs[i+1])
	}
	return q
}

// bearer returns the header pair of the server's Session API token.
func bearer(srv *dmchamptest.Server) []string {
	return []string{"Authorization", "Bearer " + srv.SessionsToken()}
}

// envelopeError is DM Champ's {success:false, error_code, error} as decoded
// from JSON.
func envelopeError(status int, msg string) map[string]any {
	return map[string]any{"success": false, "error_code": float64(status), "error": msg}
}

// clock is a settable clock for WithClock.
type clock struct{ unixNano atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.Set(t)
	return c
}

func (c *clock) Set(t time.Time) { c.unixNano.Store(t.UnixNano()) }

func (c *clock) Now() time.Time { return time.Unix(0, c.unixNano.Load()).UTC() }
