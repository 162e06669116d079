package dmchamp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fault tests run the SDK against real loopback servers: the fake server
// with injected faults, or httptest servers where a test needs to control the
// bytes on the wire. Every test ends with checkNoLeaks: once idle
// connections are closed, the goroutine count must come back to what it was
// before the first call, every goroutine started since must have ended, and
// no connection may stay open on either side.

// Fake credentials of the httptest servers.
const (
	faultAPIKey = "fault-api-key-7Qx2Lm9P"
	faultUserID = "fault-user-id-Rt4Wv6Yz"
	faultToken  = "fault.session.token-K3n8Bd"
)

// faultLeakWait is how long checkNoLeaks lets the runtime settle: connections
// closing, their goroutines exiting.
const faultLeakWait = time.Second

// faultRecentOK is a small, valid answer of GET /chat-sessions/recent.
const faultRecentOK = `{"success":true,"data":{"hours_ago":24,"total_sessions":0,"sessions":[]}}`

// faultHarness is the client side of a fault test: an HTTP client on a
// fresh transport whose connections are counted, the servers whose
// connections are tracked, and the goroutine count before the test's calls.
type faultHarness struct {
	t       *testing.T
	hc      *http.Client
	conns   *faultClientConns
	servers []*faultTrackedServer
	before  int             // goroutine count at start
	initial map[string]bool // ids of the goroutines alive at start
}

func newFaultHarness(t *testing.T) *faultHarness {
	t.Helper()
	cc := &faultClientConns{}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         cc.dial,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     time.Minute,
	}
	h := &faultHarness{t: t, hc: &http.Client{Transport: tr}, conns: cc}
	t.Cleanup(tr.CloseIdleConnections)
	return h
}

// serve starts an httptest server whose connections are tracked.
func (h *faultHarness) serve(handler http.HandlerFunc) *faultTrackedServer {
	h.t.Helper()
	s := &faultTrackedServer{states: map[net.Conn]http.ConnState{}}
	s.Server = httptest.NewUnstartedServer(handler)
	s.Config.ConnState = s.track
	s.Start()
	h.t.Cleanup(s.Close)
	h.servers = append(h.servers, s)
	return s
}

// start records the goroutines alive, and their count: call it once the
// servers run, before the first call.
func (h *faultHarness) start() {
	h.before = runtime.NumGoroutine()
	h.initial = map[string]bool{}
	for id := range faultGoroutines() {
		h.initial[id] = true
	}
}

// faultGoroutines returns the stacks of the live goroutines by id.
func faultGoroutines() map[string]string {
	buf := make([]byte, 256<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[string]string{}
	for _, g := range strings.Split(string(buf), "\n\n") {
		head, _, _ := strings.Cut(g, " [")
		if id, ok := strings.CutPrefix(head, "goroutine "); ok {
			out[id] = g
		}
	}
	return out
}

// client returns an SDK client that uses the harness's HTTP client (it comes
// last, so it overrides a fake server's own client).
func (h *faultHarness) client(opts ...dmchamp.Option) *dmchamp.Client {
	h.t.Helper()
	c, err := dmchamp.NewClient(append(opts, dmchamp.WithHTTPClient(h.hc))...)
	require.NoError(h.t, err)
	return c
}

// leaks closes idle connections, then waits up to within for the goroutine
// count to come back to its value at start, for every goroutine started
// since to have ended (the count alone can miss a leak while goroutines of
// earlier tests wind down), and for every connection, client and server
// side, to be closed. It returns what is still left.
func (h *faultHarness) leaks(within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		h.hc.CloseIdleConnections()
		var left []string
		if n := runtime.NumGoroutine(); n > h.before {
			left = append(left, fmt.Sprintf("%d goroutines, %d before", n, h.before))
		}
		var fresh []string
		for id, stack := range faultGoroutines() {
			if !h.initial[id] {
				fresh = append(fresh, stack)
			}
		}
		if len(fresh) > 0 {
			left = append(left, fmt.Sprintf("%d goroutines started since still running:\n%s", len(fresh), strings.Join(fresh, "\n\n")))
		}
		if n := h.conns.open.Load(); n > 0 {
			left = append(left, fmt.Sprintf("%d client connections open", n))
		}
		for i, s := range h.servers {
			if active, open := s.count(); open > 0 {
				left = append(left, fmt.Sprintf("server %d: %d connections open, %d of them active", i, open, active))
			}
		}
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("leak after %v: %s", within, strings.Join(left, "; "))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkNoLeaks fails the test when leaks finds anything left.
func (h *faultHarness) checkNoLeaks() {
	h.t.Helper()
	if err := h.leaks(faultLeakWait); err != nil {
		h.t.Error(err)
	}
}

// faultClientConns counts the client's connections and the bytes read from them.
type faultClientConns struct {
	dials atomic.Int64
	open  atomic.Int64
	read  atomic.Int64
}

func (cc *faultClientConns) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	cc.dials.Add(1)
	cc.open.Add(1)
	return &faultCountedConn{Conn: conn, cc: cc}, nil
}

type faultCountedConn struct {
	net.Conn
	cc   *faultClientConns
	once sync.Once
}

func (c *faultCountedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.cc.read.Add(int64(n))
	return n, err
}

func (c *faultCountedConn) Close() error {
	c.once.Do(func() { c.cc.open.Add(-1) })
	return c.Conn.Close()
}

// faultTrackedServer is an httptest server that follows its connections' states.
// A hijacked connection is the handler's to close and is no longer tracked.
type faultTrackedServer struct {
	*httptest.Server
	mu       sync.Mutex
	states   map[net.Conn]http.ConnState
	newConns int
}

func (s *faultTrackedServer) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st {
	case http.StateNew:
		s.newConns++
		s.states[c] = st
	case http.StateClosed, http.StateHijacked:
		delete(s.states, c)
	default:
		s.states[c] = st
	}
}

// count returns how many connections are active (serving a request) and
// open (new, active or idle).
func (s *faultTrackedServer) count() (active, open int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.states {
		if st == http.StateActive {
			active++
		}
	}
	return active, len(s.states)
}

// connections returns how many connections the server accepted.
func (s *faultTrackedServer) connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newConns
}

// faultFakeServer starts the fake server for a harness.
func faultFakeServer(t *testing.T, opts ...dmchamptest.Option) *dmchamptest.Server {
	t.Helper()
	srv := dmchamptest.NewServer(append([]dmchamptest.Option{dmchamptest.WithDemoData()}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// faultRequestsTo counts the fake server's recorded requests for method and path.
func faultRequestsTo(srv *dmchamptest.Server, method, path string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// faultCounter counts the requests a handler received.
type faultCounter struct{ n atomic.Int64 }

func (c *faultCounter) get() int { return int(c.n.Load()) }

// faultJSON answers with a status and a JSON body of announced length.
func faultJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// faultHalfAndClose announces body whole (or not at all, when chunked), sends
// its first half and closes the connection.
func faultHalfAndClose(w http.ResponseWriter, body []byte, announced bool) {
	w.Header().Set("Content-Type", "application/json")
	if announced {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body[:len(body)/2])
	w.(http.Flusher).Flush()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// faultLargeRecent returns a valid answer of GET /chat-sessions/recent of at
// least size bytes, and the number of sessions it holds.
func faultLargeRecent(size int) ([]byte, int) {
	var b bytes.Buffer
	b.WriteString(`{"success":true,"data":{"hours_ago":24,"total_sessions":0,"sessions":[`)
	n := 0
	for ; b.Len() < size; n++ {
		if n > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"session_id":"s%07d","contact_id":"c%07d","contact_name":"Contact %d","contact_phone":"+3461234%04d",`+
			`"start_date_time":"2026-11-20T09:14:03.118Z","end_date_time":null,"status":"ChatSessionOpened","tag":null}`, n, n, n, n%10000)
	}
	b.WriteString(`]}}`)
	return b.Bytes(), n
}

// faultWatchdog returns a context that is cancelled after d but has no
// deadline, which the SDK would take into account: a call that should end at
// once fails fast, instead of hanging, if the SDK waits after all.
func faultWatchdog(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	timer := time.AfterFunc(d, cancel)
	t.Cleanup(func() {
		timer.Stop()
		cancel()
	})
	return ctx
}

func faultRecent(ctx context.Context, c *dmchamp.Client) (*dmchamp.RecentChatSessions, error) {
	return c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24})
}

// TestFaultLeakCheckCanFail shows that the leak check detects each kind of
// leak it looks for, and passes once the leak is gone.
func TestFaultLeakCheckCanFail(t *testing.T) {
	t.Run("leaked goroutine", func(t *testing.T) {
		h := newFaultHarness(t)
		h.start()
		stop := make(chan struct{})
		go func() { <-stop }()
		err := h.leaks(200 * time.Millisecond)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "1 goroutines started since still running")
		assert.Contains(t, err.Error(), "TestFaultLeakCheckCanFail")
		close(stop)
		assert.NoError(t, h.leaks(faultLeakWait))
	})
	t.Run("unclosed response body", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := h.serve(func(w http.ResponseWriter, r *http.Request) { faultJSON(w, http.StatusOK, faultRecentOK) })
		h.start()
		resp, err := h.hc.Get(srv.URL)
		require.NoError(t, err)
		err = h.leaks(200 * time.Millisecond)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "1 client connections open")
		assert.Contains(t, err.Error(), "server 0: 1 connections open")
		assert.Contains(t, err.Error(), "goroutines started since still running")
		assert.Contains(t, err.Error(), "net/http.(*persistConn).readLoop", "the client connection's goroutine")
		assert.Contains(t, err.Error(), "net/http.(*conn).serve", "the server connection's goroutine")
		_ = resp.Body.Close()
		assert.NoError(t, h.leaks(faultLeakWait))
	})
	t.Run("handler still running", func(t *testing.T) {
		h := newFaultHarness(t)
		release := make(chan struct{})
		srv := h.serve(func(w http.ResponseWriter, r *http.Request) { <-release })
		h.start()
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		_, err := h.hc.Do(req)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		err = h.leaks(200 * time.Millisecond)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "1 of them active")
		close(release)
		assert.NoError(t, h.leaks(faultLeakWait))
	})
	t.Run("SDK client, nothing leaked", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := h.serve(func(w http.ResponseWriter, r *http.Request) { faultJSON(w, http.StatusOK, faultRecentOK) })
		h.start()
		c := h.client(dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithAPIKey(faultAPIKey))
		_, err := faultRecent(t.Context(), c)
		require.NoError(t, err)
		h.checkNoLeaks()
	})
}

// TestFaultDroppedMidBody: a GET whose 200 body ends early, because the
// server closed the connection, fails with an invalid-response *APIError
// wrapping io.ErrUnexpectedEOF. It is not retried (the answer arrived), and
// the next call gets a fresh connection.
func TestFaultDroppedMidBody(t *testing.T) {
	checkTruncated := func(t *testing.T, err error) {
		t.Helper()
		var apiErr *dmchamp.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusOK, apiErr.StatusCode)
		assert.Equal(t, 1, apiErr.Attempts)
		assert.ErrorIs(t, err, dmchamp.ErrInvalidResponse)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		var reqErr *dmchamp.RequestError
		assert.False(t, errors.As(err, &reqErr))
		assert.LessOrEqual(t, len(apiErr.Body), 64<<10)
		assert.Contains(t, err.Error(), "invalid response body: unexpected EOF")
	}

	t.Run("small announced body, fake server", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := faultFakeServer(t)
		h.start()
		c := h.client(append(srv.ClientOptions(), dmchamp.WithRetryWait(0, 0))...)
		const path = "/v1/chat-sessions/recent"

		want, err := faultRecent(t.Context(), c)
		require.NoError(t, err)
		srv.Inject(http.MethodGet, path, 1, dmchamptest.Fault{Truncate: true})
		_, err = faultRecent(t.Context(), c)
		checkTruncated(t, err)
		got, err := faultRecent(t.Context(), c)
		require.NoError(t, err, "the next call works")
		assert.Equal(t, want, got)
		assert.Equal(t, 3, faultRequestsTo(srv, http.MethodGet, path), "the truncated answer was not retried")
		assert.Equal(t, int64(2), h.conns.dials.Load(), "a fresh connection replaces the dropped one")
		h.checkNoLeaks()
	})

	t.Run("small announced body, flat shape", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := faultFakeServer(t)
		h.start()
		c := h.client(append(srv.ClientOptions(), dmchamp.WithRetryWait(0, 0))...)
		srv.Inject(http.MethodGet, "/v1/contacts", 1, dmchamptest.Fault{Status: 200,
			Body: `{"success":true,"contactId":"aB3dE5fG7hJ9kL1mN2pQ","contact":{"firstName":"Maria","lastName":"Gonzalez"}}`, Truncate: true})
		_, err := c.Contacts.Get(t.Context(), &dmchamp.GetContactOptions{PhoneNumber: "+34612345678"})
		checkTruncated(t, err)
		assert.Equal(t, 1, faultRequestsTo(srv, http.MethodGet, "/v1/contacts"))
		h.checkNoLeaks()
	})

	large, sessions := faultLargeRecent(1<<20 + 256<<10)
	require.Greater(t, len(large), 1<<20, "over the size decoded whole")
	for _, announced := range []bool{true, false} {
		name := "large body over 1 MiB, announced length"
		if !announced {
			name = "large body over 1 MiB, chunked"
		}
		t.Run(name, func(t *testing.T) {
			h := newFaultHarness(t)
			var n faultCounter
			var truncate atomic.Bool
			srv := h.serve(func(w http.ResponseWriter, r *http.Request) {
				n.n.Add(1)
				if truncate.Load() {
					faultHalfAndClose(w, large, announced)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				if announced {
					w.Header().Set("Content-Length", strconv.Itoa(len(large)))
				}
				_, _ = w.Write(large)
			})
			h.start()
			c := h.client(dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithRetryWait(0, 0))

			got, err := faultRecent(t.Context(), c)
			require.NoError(t, err, "the whole body decodes")
			assert.Len(t, got.Sessions, sessions)

			truncate.Store(true)
			_, err = faultRecent(t.Context(), c)
			checkTruncated(t, err)
			truncate.Store(false)

			got, err = faultRecent(t.Context(), c)
			require.NoError(t, err, "the next call works")
			assert.Len(t, got.Sessions, sessions)
			assert.Equal(t, 3, n.get(), "the truncated answer was not retried")
			assert.Equal(t, 2, srv.connections(), "a fresh connection replaces the dropped one")
			h.checkNoLeaks()
		})
	}

	t.Run("dropped before the answer", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := faultFakeServer(t)
		h.start()
		c := h.client(append(srv.ClientOptions(), dmchamp.WithRetryWait(0, 0))...)
		srv.Inject(http.MethodGet, "/v1/tags", 0, dmchamptest.Fault{Drop: true})
		_, err := c.Tags.List(t.Context())
		var reqErr *dmchamp.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, 1+dmchamp.DefaultRetryMax, reqErr.Attempts)
		assert.ErrorIs(t, err, io.EOF)
		assert.Equal(t, 1+dmchamp.DefaultRetryMax, faultRequestsTo(srv, http.MethodGet, "/v1/tags"), "a GET is retried")
		srv.ClearFaults()
		_, err = c.Tags.List(t.Context())
		require.NoError(t, err)
		h.checkNoLeaks()
	})
}

// faultStallServer answers nothing until the client goes away.
func faultStallServer(h *faultHarness, n *faultCounter) *faultTrackedServer {
	release := make(chan struct{})
	srv := h.serve(func(w http.ResponseWriter, r *http.Request) {
		n.n.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	h.t.Cleanup(func() { close(release) }) // runs before the server closes
	return srv
}

// TestFaultStall: a server that never answers.
func TestFaultStall(t *testing.T) {
	t.Run("per-attempt timeout, GET retried", func(t *testing.T) {
		h := newFaultHarness(t)
		var n faultCounter
		srv := faultStallServer(h, &n)
		h.start()
		c := h.client(dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithAPIKey(faultAPIKey),
			dmchamp.WithTimeout(50*time.Millisecond), dmchamp.WithRetryWait(0, 0))

		start := time.Now()
		_, err := faultRecent(faultWatchdog(t, 2*time.Second), c)
		elapsed := time.Since(start)

		var reqErr *dmchamp.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, 1+dmchamp.DefaultRetryMax, reqErr.Attempts)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		var netErr net.Error
		require.ErrorAs(t, err, &netErr)
		assert.True(t, netErr.Timeout())
		assert.Eventually(t, func() bool { return n.get() == 1+dmchamp.DefaultRetryMax }, time.Second, 5*time.Millisecond,
			"attempts seen by the server: %d", n.get())
		assert.GreaterOrEqual(t, elapsed, 3*50*time.Millisecond)
		assert.Less(t, elapsed, time.Second)
		h.checkNoLeaks()
		assert.Equal(t, 1+dmchamp.DefaultRetryMax, n.get(), "no attempt after the call ended")
	})

	t.Run("context deadline shorter than the attempts", func(t *testing.T) {
		h := newFaultHarness(t)
		var n faultCounter
		srv := faultStallServer(h, &n)
		h.start()
		c := h.client(dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithAPIKey(faultAPIKey),
			dmchamp.WithTimeout(100*time.Millisecond), dmchamp.WithRetryMax(5), dmchamp.WithRetryWait(0, 0))
		const deadline = 250 * time.Millisecond
		ctx, cancel := context.WithTimeout(t.Context(), deadline)
		defer cancel()

		start := time.Now()
		_, err := faultRecent(ctx, c)
		elapsed := time.Since(start)

		var reqErr *dmchamp.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 3, reqErr.Attempts, "two attempts timed out, the deadline cut the third")
		assert.GreaterOrEqual(t, elapsed, deadline-5*time.Millisecond)
		assert.Less(t, elapsed, deadline+time.Second)
		assert.Eventually(t, func() bool { return n.get() == 3 }, time.Second, 5*time.Millisecond, "attempts: %d", n.get())
		h.checkNoLeaks()
		assert.Equal(t, 3, n.get(), "no attempt after the deadline")
	})

	t.Run("fake server delay, POST not retried", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := faultFakeServer(t)
		h.start()
		c := h.client(append(srv.ClientOptions(), dmchamp.WithTimeout(50*time.Millisecond), dmchamp.WithRetryWait(0, 0))...)
		srv.Inject(http.MethodPost, "/api/sessions", 0, dmchamptest.Fault{Delay: time.Minute})
		srv.Inject(http.MethodGet, "/v1/tags", 0, dmchamptest.Fault{Delay: time.Minute})

		start := time.Now()
		_, err := c.Sessions.Create(faultWatchdog(t, 2*time.Second), &dmchamp.CreateSessionRequest{ChatbotID: "6650e8a1c3f4b2a1d0e9f871", ClientID: "6650e9b7c3f4b2a1d0e9f8a2"})
		var reqErr *dmchamp.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, 1, reqErr.Attempts)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, faultRequestsTo(srv, http.MethodPost, "/api/sessions"), "a POST that reached the server is sent once")

		_, err = c.Tags.List(faultWatchdog(t, 2*time.Second))
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, 1+dmchamp.DefaultRetryMax, reqErr.Attempts)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), time.Second)
		h.checkNoLeaks()
		assert.Equal(t, 1+dmchamp.DefaultRetryMax, faultRequestsTo(srv, http.MethodGet, "/v1/tags"))
	})

	t.Run("body stalls after the headers", func(t *testing.T) {
		h := newFaultHarness(t)
		var n faultCounter
		release := make(chan struct{})
		srv := h.serve(func(w http.ResponseWriter, r *http.Request) {
			n.n.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(faultRecentOK)))
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, faultRecentOK[:10])
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
		t.Cleanup(func() { close(release) })
		h.start()
		c := h.client(dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithAPIKey(faultAPIKey),
			dmchamp.WithTimeout(50*time.Millisecond), dmchamp.WithRetryWait(0, 0))

		start := time.Now()
		_, err := faultRecent(faultWatchdog(t, 2*time.Second), c)
		assert.Less(t, time.Since(start), time.Second)
		// The per-attempt limit covers reading the body. The answer had
		// arrived, so the call is not retried; the lost body is a
		// *RequestError, like any timeout.
		var reqErr *dmchamp.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, 1, reqErr.Attempts)
		assert.NotErrorIs(t, err, dmchamp.ErrInvalidResponse)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		var netErr net.Error
		require.ErrorAs(t, err, &netErr)
		assert.True(t, netErr.Timeout())
		h.checkNoLeaks()
		assert.Equal(t, 1, n.get())
	})
}

// TestFaultRateLimitFlood: 429s whose Retry-After is beyond what the client
// waits for end the call at the first answer.
func TestFaultRateLimitFlood(t *testing.T) {
	calls := []struct {
		name, method, path string
		call               func(context.Context, *dmchamp.Client) error
	}{
		{"DM Champ GET", http.MethodGet, "/v1/chat-sessions/recent", func(ctx context.Context, c *dmchamp.Client) error {
			_, err := faultRecent(ctx, c)
			return err
		}},
		{"Session API GET", http.MethodGet, "/api/sessions/66510f3ad2e4c5b6a7f80912", func(ctx context.Context, c *dmchamp.Client) error {
			_, err := c.Sessions.Get(ctx, "66510f3ad2e4c5b6a7f80912")
			return err
		}},
	}
	limits := []struct {
		name       string
		opts       []dmchamp.Option
		retryAfter string
		want       time.Duration
	}{
		{"3600s over the default 30s limit", nil, "3600", time.Hour},
		{"3600s over a 2s limit", []dmchamp.Option{dmchamp.WithMaxRetryAfter(2 * time.Second)}, "3600", time.Hour},
		{"5s over a 2s limit", []dmchamp.Option{dmchamp.WithMaxRetryAfter(2 * time.Second)}, "5", 5 * time.Second},
		{"any wait over a zero limit", []dmchamp.Option{dmchamp.WithMaxRetryAfter(0)}, "1", time.Second},
	}
	for _, call := range calls {
		for _, lim := range limits {
			t.Run(call.name+"/"+lim.name, func(t *testing.T) {
				h := newFaultHarness(t)
				srv := faultFakeServer(t)
				h.start()
				c := h.client(append(append(srv.ClientOptions(), dmchamp.WithRetryWait(0, 0)), lim.opts...)...)
				srv.Inject("", "", 0, dmchamptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: lim.retryAfter})

				start := time.Now()
				err := call.call(faultWatchdog(t, 2*time.Second), c)
				assert.Less(t, time.Since(start), 500*time.Millisecond, "no wait")
				var apiErr *dmchamp.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
				assert.ErrorIs(t, err, dmchamp.ErrRateLimited)
				assert.Equal(t, lim.want, apiErr.RetryAfter)
				assert.Equal(t, 1, apiErr.Attempts)
				assert.Len(t, srv.Requests(), 1, "stopped after the first answer")
				assert.Equal(t, call.path, srv.Requests()[0].Path)
				h.checkNoLeaks()
			})
		}
	}

	t.Run("HTTP-date an hour ahead", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := faultFakeServer(t)
		h.start()
		c := h.client(append(srv.ClientOptions(), dmchamp.WithRetryWait(0, 0))...)
		srv.Inject("", "", 0, dmchamptest.Fault{Status: http.StatusTooManyRequests,
			RetryAfter: time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)})
		_, err := faultRecent(faultWatchdog(t, 2*time.Second), c)
		var apiErr *dmchamp.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.ErrorIs(t, err, dmchamp.ErrRateLimited)
		assert.InDelta(t, float64(time.Hour), float64(apiErr.RetryAfter), float64(2*time.Second))
		assert.Len(t, srv.Requests(), 1)
		h.checkNoLeaks()
	})

	t.Run("1s within a 2s limit is waited for", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := faultFakeServer(t)
		h.start()
		c := h.client(append(srv.ClientOptions(), dmchamp.WithRetryWait(0, 0), dmchamp.WithMaxRetryAfter(2*time.Second))...)
		srv.Inject(http.MethodGet, "/v1/chat-sessions/recent", 1, dmchamptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"})

		start := time.Now()
		got, err := faultRecent(faultWatchdog(t, 3*time.Second), c)
		elapsed := time.Since(start)
		require.NoError(t, err)
		assert.NotEmpty(t, got.Sessions)
		assert.GreaterOrEqual(t, elapsed, 950*time.Millisecond, "Retry-After wins over the zero backoff")
		assert.Less(t, elapsed, 1900*time.Millisecond)
		assert.Equal(t, 2, faultRequestsTo(srv, http.MethodGet, "/v1/chat-sessions/recent"))
		h.checkNoLeaks()
	})

	t.Run("1s beyond the context's deadline", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := faultFakeServer(t)
		h.start()
		c := h.client(append(srv.ClientOptions(), dmchamp.WithRetryWait(0, 0))...)
		srv.Inject("", "", 0, dmchamptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"})
		ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
		defer cancel()

		start := time.Now()
		_, err := faultRecent(ctx, c)
		assert.Less(t, time.Since(start), 400*time.Millisecond, "no wait for a retry that cannot happen in time")
		var apiErr *dmchamp.APIError
		require.ErrorAs(t, err, &apiErr, "the server's error, not a deadline error")
		assert.ErrorIs(t, err, dmchamp.ErrRateLimited)
		assert.Equal(t, time.Second, apiErr.RetryAfter)
		assert.Len(t, srv.Requests(), 1)
		h.checkNoLeaks()
	})
}

// faultRedirectServer records what it receives. A path under /moved/ is answered;
// any other is redirected with status code to target+"/moved"+path, keeping
// the query but dropping the credentials, as a well-behaved server would.
type faultRedirectServer struct {
	*faultTrackedServer
	code   int
	target func() string

	mu   sync.Mutex
	seen []*http.Request
}

func newFaultRedirectServer(h *faultHarness, code int) *faultRedirectServer {
	s := &faultRedirectServer{code: code}
	s.faultTrackedServer = h.serve(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := r.Clone(context.Background())
		rec.Body = io.NopCloser(bytes.NewReader(body))
		s.mu.Lock()
		s.seen = append(s.seen, rec)
		s.mu.Unlock()

		rest, moved := strings.CutPrefix(r.URL.Path, "/moved")
		if !moved {
			q := r.URL.Query()
			q.Del("apiKey")
			q.Del("userId")
			loc := s.target() + "/moved" + r.URL.Path
			if len(q) > 0 {
				loc += "?" + q.Encode()
			}
			http.Redirect(w, r, loc, s.code)
			return
		}
		switch {
		case rest == "/v1/chat-sessions/recent":
			faultJSON(w, http.StatusOK, faultRecentOK)
		case rest == "/v1/contacts" && r.Method == http.MethodPost:
			faultJSON(w, http.StatusOK, `{"success":true,"data":{"message":"Successfully created new contact","contactId":"Rk2Tw8Yq4Zn6Lp1Vx3Mb"}}`)
		case rest == "/api/sessions" && r.Method == http.MethodPost:
			faultJSON(w, http.StatusCreated, string(faultFixture(h.t, "testdata/sessions/create.json")))
		case strings.HasPrefix(rest, "/api/sessions/"):
			faultJSON(w, http.StatusOK, string(faultFixture(h.t, "testdata/sessions/get.json")))
		default:
			faultJSON(w, http.StatusNotFound, `{"success":false,"error_code":404,"error":"Endpoint not found"}`)
		}
	})
	return s
}

func faultFixture(t *testing.T, name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Error(err)
	}
	return b
}

func (s *faultRedirectServer) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.seen...)
}

// faultNoCredential asserts that r carries no credential, in its query, headers
// or body.
func faultNoCredential(t *testing.T, r *http.Request, secrets ...string) {
	t.Helper()
	assert.False(t, r.URL.Query().Has("apiKey"), "apiKey sent to %s", r.Host)
	assert.False(t, r.URL.Query().Has("userId"), "userId sent to %s", r.Host)
	assert.Empty(t, r.Header.Values("Authorization"), "Authorization sent to %s", r.Host)
	var dump bytes.Buffer
	_ = r.Header.Write(&dump)
	body, _ := io.ReadAll(r.Body)
	for _, s := range secrets {
		assert.NotContains(t, r.URL.String(), s)
		assert.NotContains(t, dump.String(), s)
		assert.NotContains(t, string(body), s)
	}
}

// TestFaultRedirect: a redirect to another origin (another port of the
// loopback address) never carries a credential there; a redirect within the
// origin keeps it.
func TestFaultRedirect(t *testing.T) {
	type callCase struct {
		name   string
		method string
		path   string // as first sent
		query  url.Values
		call   func(context.Context, *dmchamp.Client) error
	}
	recent := callCase{"DM Champ GET", http.MethodGet, "/v1/chat-sessions/recent", url.Values{"hours": {"24"}}, func(ctx context.Context, c *dmchamp.Client) error {
		_, err := faultRecent(ctx, c)
		return err
	}}
	createContact := callCase{"DM Champ POST", http.MethodPost, "/v1/contacts", nil, func(ctx context.Context, c *dmchamp.Client) error {
		_, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+4915112345678", FirstName: "Lena"})
		return err
	}}
	getSession := callCase{"Session API GET", http.MethodGet, "/api/sessions/66510f3ad2e4c5b6a7f80912", nil, func(ctx context.Context, c *dmchamp.Client) error {
		_, err := c.Sessions.Get(ctx, "66510f3ad2e4c5b6a7f80912")
		return err
	}}
	createSession := callCase{"Session API POST", http.MethodPost, "/api/sessions", nil, func(ctx context.Context, c *dmchamp.Client) error {
		_, err := c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{ChatbotID: "6650e8a1c3f4b2a1d0e9f871", ClientID: "6650e9b7c3f4b2a1d0e9f8a2"})
		return err
	}}
	creds := []struct {
		name   string
		param  string
		secret string
		opt    dmchamp.Option
	}{
		{"apiKey", "apiKey", faultAPIKey, dmchamp.WithAPIKey(faultAPIKey)},
		{"userId", "userId", faultUserID, dmchamp.WithUserID(faultUserID)},
	}
	secrets := []string{faultAPIKey, faultUserID, faultToken}

	type target uint8
	const (
		otherHost    target = iota // another loopback server: another origin
		sameOrigin                 // the server the call was sent to
		sessionsHost               // DM Champ call sent to the Session API host, and back
	)
	scenarios := []struct {
		name  string
		code  int
		to    target
		calls []callCase
	}{
		{"302 to another host", http.StatusFound, otherHost, []callCase{recent, getSession}},
		{"307 to another host", http.StatusTemporaryRedirect, otherHost, []callCase{recent, createContact, getSession, createSession}},
		{"308 to another host", http.StatusPermanentRedirect, otherHost, []callCase{recent, createContact, getSession, createSession}},
		{"302 to the same origin", http.StatusFound, sameOrigin, []callCase{recent, getSession}},
		{"307 to the same origin", http.StatusTemporaryRedirect, sameOrigin, []callCase{recent, createContact, getSession, createSession}},
		{"307 across the two APIs", http.StatusTemporaryRedirect, sessionsHost, []callCase{recent, createContact, getSession, createSession}},
	}

	for _, cred := range creds {
		for _, sc := range scenarios {
			for _, cc := range sc.calls {
				t.Run(cred.name+"/"+sc.name+"/"+cc.name, func(t *testing.T) {
					h := newFaultHarness(t)
					// a is the DM Champ base, b the Session API base when
					// the scenario crosses the APIs, else another host.
					a := newFaultRedirectServer(h, sc.code)
					b := newFaultRedirectServer(h, sc.code)
					h.start()
					dmchampURL, sessionsURL := a.URL, a.URL
					if sc.to == sessionsHost {
						sessionsURL = b.URL
					}
					var from, to *faultRedirectServer
					switch {
					case sc.to == sameOrigin:
						from, to = a, a
					case sc.to == sessionsHost && strings.HasPrefix(cc.path, "/api/"):
						from, to = b, a // Session API call sent to the DM Champ host
					default:
						from, to = a, b
					}
					from.target = func() string { return to.URL }
					c := h.client(cred.opt, dmchamp.WithSessionsToken(faultToken),
						dmchamp.WithBaseURL(dmchampURL+"/v1"), dmchamp.WithSessionsBaseURL(sessionsURL+"/api"),
						dmchamp.WithRetryWait(0, 0))

					require.NoError(t, cc.call(t.Context(), c), "the redirect was followed")

					// What the first server received: the credential of its API.
					first := from.requests()[0]
					assert.Equal(t, cc.method, first.Method)
					assert.Equal(t, cc.path, first.URL.Path)
					if strings.HasPrefix(cc.path, "/api/") {
						assert.Equal(t, "Bearer "+faultToken, first.Header.Get("Authorization"))
						assert.False(t, first.URL.Query().Has(cred.param))
					} else {
						assert.Equal(t, cred.secret, first.URL.Query().Get(cred.param))
						assert.Empty(t, first.Header.Get("Authorization"))
					}

					// What the target received.
					var moved []*http.Request
					for _, r := range to.requests() {
						if strings.HasPrefix(r.URL.Path, "/moved/") {
							moved = append(moved, r)
						}
					}
					require.Len(t, moved, 1, "the target got the redirected request")
					got := moved[0]
					assert.Equal(t, "/moved"+cc.path, got.URL.Path)
					for k, v := range cc.query {
						assert.Equal(t, v, got.URL.Query()[k], "the rest of the query follows")
					}
					if sc.code != http.StatusFound {
						assert.Equal(t, cc.method, got.Method, "%d keeps the method", sc.code)
					}
					if sc.to == sameOrigin {
						// The check is not vacuous: within the origin the
						// credential is sent again.
						if strings.HasPrefix(cc.path, "/api/") {
							assert.Equal(t, "Bearer "+faultToken, got.Header.Get("Authorization"))
						} else {
							assert.Equal(t, cred.secret, got.URL.Query().Get(cred.param))
						}
					} else {
						faultNoCredential(t, got, secrets...)
					}
					h.checkNoLeaks()
				})
			}
		}
	}
}

// faultBigBody writes a status and size bytes: head, then filler. The length is
// announced unless chunked. It stops when the client goes away.
func faultBigBody(w http.ResponseWriter, status int, contentType, head string, filler byte, tail string, size int, chunked bool) {
	w.Header().Set("Content-Type", contentType)
	if !chunked {
		w.Header().Set("Content-Length", strconv.Itoa(size))
	}
	w.WriteHeader(status)
	if _, err := io.WriteString(w, head); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte{filler}, 32<<10)
	for left := size - len(head) - len(tail); left > 0; left -= len(chunk) {
		if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
			return
		}
		if chunked {
			w.(http.Flusher).Flush()
		}
	}
	_, _ = io.WriteString(w, tail)
}

// TestFaultHugeErrorBody: a 10 MB error body is capped at 64 KiB in the
// error, is not read whole, and does not break the next call.
func TestFaultHugeErrorBody(t *testing.T) {
	const size = 10 << 20
	htmlPage := func(status int) func(http.ResponseWriter, bool) {
		return func(w http.ResponseWriter, chunked bool) {
			faultBigBody(w, status, "text/html", "<html><body><pre>", 'x', "</pre></body></html>", size, chunked)
		}
	}
	jsonError := func(status int) func(http.ResponseWriter, bool) {
		return func(w http.ResponseWriter, chunked bool) {
			faultBigBody(w, status, "application/json", `{"success":false,"error_code":400,"error":"Invalid hours","data":"`, 'y', `"}`, size, chunked)
		}
	}
	cases := []struct {
		name     string
		status   int
		chunked  bool
		write    func(w http.ResponseWriter, chunked bool)
		attempts int // a GET: a 500 is retried, a 400 is not
		sentinel error
	}{
		{"500 with 10 MB of HTML", 500, false, htmlPage(500), 1 + dmchamp.DefaultRetryMax, dmchamp.ErrServer},
		{"500 with 10 MB of HTML, chunked", 500, true, htmlPage(500), 1 + dmchamp.DefaultRetryMax, dmchamp.ErrServer},
		{"400 with 10 MB of JSON", 400, false, jsonError(400), 1, dmchamp.ErrBadRequest},
		{"400 with 10 MB of JSON, chunked", 400, true, jsonError(400), 1, dmchamp.ErrBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newFaultHarness(t)
			var n faultCounter
			var fail atomic.Bool
			fail.Store(true)
			srv := h.serve(func(w http.ResponseWriter, r *http.Request) {
				n.n.Add(1)
				if fail.Load() {
					tc.write(w, tc.chunked)
					return
				}
				faultJSON(w, http.StatusOK, faultRecentOK)
			})
			h.start()
			c := h.client(dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithRetryWait(0, 0))

			start := time.Now()
			_, err := faultRecent(t.Context(), c)
			elapsed := time.Since(start)
			var apiErr *dmchamp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.ErrorIs(t, err, tc.sentinel)
			assert.Equal(t, tc.attempts, apiErr.Attempts)
			assert.Equal(t, tc.attempts, n.get())
			assert.Len(t, apiErr.Body, 64<<10, "the body kept is capped at 64 KiB")
			assert.LessOrEqual(t, len(apiErr.Message), 64<<10)
			assert.Less(t, len(err.Error()), 300, "Error() is short: %.300s", err.Error())
			assert.Less(t, elapsed, 2*time.Second, "returns promptly")
			assert.Less(t, h.conns.read.Load(), int64(2<<20), "the client read %d bytes, not the whole body", h.conns.read.Load())

			fail.Store(false)
			got, err := faultRecent(t.Context(), c)
			require.NoError(t, err, "the next call works")
			assert.Equal(t, 24, got.HoursAgo)
			assert.Equal(t, tc.attempts+1, n.get())
			h.checkNoLeaks()
		})
	}
}

// TestFaultPOSTSentOnce: a POST answered with a retryable status, or whose
// connection drops after it was sent, is not sent again.
func TestFaultPOSTSentOnce(t *testing.T) {
	posts := []struct {
		name, path string
		call       func(context.Context, *dmchamp.Client) error
	}{
		{"Sessions.Create", "/api/sessions", func(ctx context.Context, c *dmchamp.Client) error {
			_, err := c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{ChatbotID: "6650e8a1c3f4b2a1d0e9f871", ClientID: "6650e9b7c3f4b2a1d0e9f8a2"})
			return err
		}},
		{"Contacts.Create", "/v1/contacts", func(ctx context.Context, c *dmchamp.Client) error {
			_, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+4915112345678", FirstName: "Lena"})
			return err
		}},
		{"WhatsAppWeb.Send", "/v1/whatsapp-web/send", func(ctx context.Context, c *dmchamp.Client) error {
			_, err := c.WhatsAppWeb.Send(ctx, "+34612345678", "Your appointment is confirmed.")
			return err
		}},
	}
	faults := []struct {
		name  string
		fault dmchamptest.Fault
	}{
		{"500", dmchamptest.Fault{Status: http.StatusInternalServerError}},
		{"502 HTML", dmchamptest.Fault{Status: http.StatusBadGateway, Body: dmchamptest.BadGatewayHTML}},
		{"503 Retry-After 0", dmchamptest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0"}},
		{"429 Retry-After 0", dmchamptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0"}},
		{"dropped connection", dmchamptest.Fault{Drop: true}},
	}
	for _, p := range posts {
		for _, f := range faults {
			t.Run(p.name+"/"+f.name, func(t *testing.T) {
				h := newFaultHarness(t)
				srv := faultFakeServer(t)
				h.start()
				c := h.client(append(srv.ClientOptions(), dmchamp.WithRetryWait(0, 0))...)
				srv.Inject(http.MethodPost, p.path, 0, f.fault)

				err := p.call(t.Context(), c)
				require.Error(t, err)
				if f.fault.Drop {
					var reqErr *dmchamp.RequestError
					require.ErrorAs(t, err, &reqErr)
					assert.Equal(t, 1, reqErr.Attempts)
				} else {
					var apiErr *dmchamp.APIError
					require.ErrorAs(t, err, &apiErr)
					assert.Equal(t, f.fault.Status, apiErr.StatusCode)
					assert.Equal(t, 1, apiErr.Attempts)
				}
				assert.Equal(t, 1, faultRequestsTo(srv, http.MethodPost, p.path), "sent exactly once")
				assert.Len(t, srv.Requests(), 1)
				h.checkNoLeaks()
			})
		}
	}

	t.Run("GET with 500 is retried, for contrast", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := faultFakeServer(t)
		h.start()
		c := h.client(append(srv.ClientOptions(), dmchamp.WithRetryWait(0, 0))...)
		srv.Inject(http.MethodGet, "/v1/tags", 0, dmchamptest.Fault{Status: http.StatusInternalServerError})
		_, err := c.Tags.List(t.Context())
		assert.ErrorIs(t, err, dmchamp.ErrServer)
		assert.Equal(t, 1+dmchamp.DefaultRetryMax, faultRequestsTo(srv, http.MethodGet, "/v1/tags"))
		h.checkNoLeaks()
	})
}

// faultReuseHandler answers GET /v1/chat-sessions/{id} according to id, and
// a Session API GET with the Express 404 page.
func faultReuseHandler(w http.ResponseWriter, r *http.Request) {
	pad := strings.Repeat("x", 2000) // below go-retryablehttp's 4 KiB drain between retries
	switch r.URL.Path {
	case "/v1/chat-sessions/ok":
		faultJSON(w, http.StatusOK, `{"success":true,"data":{"contact_id":"ok","contact_name":"Maria","total_sessions":0,"sessions":[]}}`)
	case "/v1/chat-sessions/missing":
		faultJSON(w, http.StatusNotFound, `{"success":false,"error_code":404,"error":"Contact not found","pad":"`+pad+`"}`)
	case "/v1/chat-sessions/missing-large":
		// Beyond the 64 KiB the error keeps: the rest is drained.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<html><body>"+strings.Repeat("Not found. ", 100<<10/11)+"</body></html>")
	case "/v1/chat-sessions/boom":
		faultJSON(w, http.StatusInternalServerError, `{"success":false,"error_code":500,"error":"Internal error","pad":"`+pad+`"}`)
	case "/v1/chat-sessions/boom-large":
		// A CDN's error page is often larger than 4 KiB.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><body>"+strings.Repeat("Bad gateway. ", 16<<10/13)+"</body></html>")
	case "/v1/chat-sessions/garbage":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "<html>maintenance</html>") // not JSON
	case "/v1/chat-sessions/garbage-large":
		// Of unannounced length, so the body streams, and decoding stops
		// at its first byte: the rest is drained.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		_, _ = io.WriteString(w, "<html><body>"+strings.Repeat("Down for maintenance. ", 100<<10/22)+"</body></html>")
	case "/v1/chat-sessions/failed":
		faultJSON(w, http.StatusOK, `{"success":false,"error_code":403,"error":"Not allowed"}`)
	case "/api/sessions/66510f3ad2e4c5b6a7f80912":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<!DOCTYPE html><html><body><pre>Cannot GET /api/sessions/66510f3ad2e4c5b6a7f80912</pre></body></html>")
	default:
		faultJSON(w, http.StatusNotFound, `{"success":false,"error_code":404,"error":"Endpoint not found"}`)
	}
}

// faultReuseCalls makes the calls of sequence, one after the other, and
// checks each outcome.
func faultReuseCalls(t *testing.T, c *dmchamp.Client, sequence []string) {
	t.Helper()
	outcomes := map[string]error{
		"ok": nil, "missing": dmchamp.ErrNotFound, "missing-large": dmchamp.ErrNotFound,
		"boom": dmchamp.ErrServer, "boom-large": dmchamp.ErrServer,
		"garbage": dmchamp.ErrInvalidResponse, "garbage-large": dmchamp.ErrInvalidResponse, "failed": dmchamp.ErrForbidden, "session": dmchamp.ErrNotFound,
	}
	for i, id := range sequence {
		var err error
		if id == "session" {
			_, err = c.Sessions.Get(t.Context(), "66510f3ad2e4c5b6a7f80912")
		} else {
			_, err = c.ChatSessions.ForContact(t.Context(), id, nil)
		}
		if want := outcomes[id]; want == nil {
			require.NoError(t, err, "call %d (%s)", i, id)
		} else {
			require.ErrorIs(t, err, want, "call %d (%s)", i, id)
		}
	}
}

// TestFaultConnectionReuse: sequential calls share one connection whatever
// their outcome, because the SDK drains and closes every body.
func TestFaultConnectionReuse(t *testing.T) {
	setup := func(t *testing.T) (*faultHarness, *faultTrackedServer, *dmchamp.Client) {
		h := newFaultHarness(t)
		srv := h.serve(faultReuseHandler)
		h.start()
		c := h.client(dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithSessionsBaseURL(srv.URL+"/api"),
			dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithSessionsToken(faultToken), dmchamp.WithRetryWait(0, 0))
		return h, srv, c
	}

	t.Run("20 calls mixing 200s, 404s and 500s", func(t *testing.T) {
		h, srv, c := setup(t)
		sequence := []string{"ok", "missing", "boom", "ok", "garbage", "missing-large", "failed", "boom", "session", "ok",
			"missing", "ok", "boom", "garbage-large", "session", "failed", "missing-large", "missing", "boom", "ok"}
		require.Len(t, sequence, 20)
		faultReuseCalls(t, c, sequence)
		assert.Equal(t, 1, srv.connections(), "one connection for 20 calls, retries included")
		assert.Equal(t, int64(1), h.conns.dials.Load())
		h.checkNoLeaks()
	})

	t.Run("retried error answers larger than 4 KiB", func(t *testing.T) {
		h, srv, c := setup(t)
		faultReuseCalls(t, c, []string{"ok", "boom-large", "ok", "boom-large", "ok"})
		assert.Equal(t, 1, srv.connections(), "one connection for 5 calls, 2 of them retried twice")
		h.checkNoLeaks()
	})
}
