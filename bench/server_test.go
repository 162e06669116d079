// Package bench compares the SDK, in one go test -bench run, with a baseline
// written by hand with net/http and encoding/json into plain structs, and
// with the clients oapi-codegen and ogen generate from the published OpenAPI
// document. Every impl calls the same loopback server with the same transport
// settings. See BENCHMARKS.md at the repository root.
package bench

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// benchKey is the fake credential every impl sends: the DM Champ API key in
// the query and the Session API bearer token.
const benchKey = "bench-api-key"

// answer is one response of the bench server.
type answer struct {
	status  int
	body    []byte
	chunked bool // no Content-Length: the body goes out chunked
}

// benchServer answers the requests of the benchmarks and counts the
// connections it accepted.
type benchServer struct {
	*httptest.Server
	conns atomic.Int64
}

// route is the one request a bench server expects.
type route struct {
	method, path string
	body         []byte // the exact request body; nil for none
}

// matches reports whether r is the request of the route, with the
// credential.
func (rt route) matches(r *http.Request) bool {
	if r.Method != rt.method || r.URL.Path != rt.path || !authorized(r) {
		return false
	}
	body, err := io.ReadAll(r.Body)
	return err == nil && bytes.Equal(body, rt.body)
}

// newBenchServer starts a loopback server that answers next() to the
// requests of rt and 404 to any other, so that an impl that sends the wrong
// request cannot pass. The server closes when b ends.
func newBenchServer(b *testing.B, rt route, next func() answer) *benchServer {
	s := &benchServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := next()
		if !rt.matches(r) {
			a = answer{status: http.StatusNotFound, body: []byte(`{"success":false,"error":"wrong request"}`)}
		}
		w.Header().Set("Content-Type", "application/json")
		if !a.chunked {
			w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
		}
		w.WriteHeader(a.status)
		if a.chunked {
			w.(http.Flusher).Flush()
		}
		_, _ = w.Write(a.body)
	}))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	b.Cleanup(s.Close)
	return s
}

// serveAlways is a newBenchServer that gives the same answer to every
// request.
func serveAlways(b *testing.B, rt route, a answer) *benchServer {
	return newBenchServer(b, rt, func() answer { return a })
}

func authorized(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return r.Header.Get("Authorization") == "Bearer "+benchKey
	}
	return strings.Contains(r.URL.RawQuery, "apiKey="+benchKey)
}

// sdk is an SDK client of the server, with the SDK's default transport.
func (s *benchServer) sdk(b *testing.B) *dmchamp.Client {
	c, err := dmchamp.NewClient(
		dmchamp.WithBaseURL(s.URL+"/v1"),
		dmchamp.WithSessionsBaseURL(s.URL+"/api"),
		dmchamp.WithAPIKey(benchKey),
		dmchamp.WithSessionsToken(benchKey),
	)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// httpClient is the HTTP client of the baseline and of the generated
// clients: the SDK's default transport settings (a clone of
// http.DefaultTransport keeping up to 64 idle connections per host) and its
// default time limit.
func httpClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t, Timeout: time.Minute}
}
