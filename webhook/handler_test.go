package webhook_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp/webhook"
)

// recorder is a handler function that records the events it gets.
type recorder struct {
	events chan *webhook.Event
	err    error
}

func newRecorder() *recorder { return &recorder{events: make(chan *webhook.Event, 100)} }

func (r *recorder) fn(_ context.Context, e *webhook.Event) error {
	r.events <- e
	return r.err
}

func signed(body []byte) *http.Request { return post(body, webhook.Sign(testSecret, body)) }

func newHandler(t *testing.T, fn func(context.Context, *webhook.Event) error, opts ...webhook.Option) *webhook.Receiver {
	t.Helper()
	h := webhook.Handler(webhook.HMACSHA256(testSecret), fn, opts...)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return h
}

func TestHandlerDeliversEvents(t *testing.T) {
	rec := newRecorder()
	h := newHandler(t, rec.fn)
	for _, file := range []string{"envelope_new_contact.json", "notification_template_approved.json"} {
		body := fixture(t, "events/"+file)
		w := serve(h, signed(body))
		if w.Code != http.StatusOK || w.Body.String() != "ok\n" {
			t.Fatalf("%s: status %d %q", file, w.Code, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if e := <-rec.events; !bytes.Equal(e.Raw, body) {
			t.Errorf("%s: the function got another body", file)
		}
	}
}

func TestHandlerMethods(t *testing.T) {
	rec := newRecorder()
	h := newHandler(t, rec.fn)
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions, "PROPFIND"} {
		body := []byte(`{"event":"new_contact"}`)
		r := httptest.NewRequest(m, "/hook", bytes.NewReader(body))
		r.Header.Set(webhook.SignatureHeader, webhook.Sign(testSecret, body))
		w := serve(h, r)
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "POST" {
			t.Errorf("%s: status %d, Allow %q", m, w.Code, w.Header().Get("Allow"))
		}
	}
	if len(rec.events) != 0 {
		t.Errorf("the function was called %d times", len(rec.events))
	}
}

func TestHandlerRefusals(t *testing.T) {
	const max = 256
	rec := newRecorder()
	log, logs := newLogger()
	h := newHandler(t, rec.fn, webhook.WithMaxBody(max), webhook.WithLogger(log))

	atCap := []byte(`{"event":"new_message","data":{"body":"` + strings.Repeat("a", max-42) + `"}}`)
	if len(atCap) != max {
		t.Fatalf("len %d", len(atCap))
	}
	overCap := append([]byte(`{"a":"`), bytes.Repeat([]byte("a"), max)...)
	overCap = append(overCap, `"}`...)
	chunked := signed(overCap)
	chunked.ContentLength = -1
	chunked.Body = io.NopCloser(bytes.NewReader(overCap))

	tests := []struct {
		name   string
		req    *http.Request
		status int
		body   string
	}{
		{"at the cap", signed(atCap), 200, "ok\n"},
		{"past the cap", signed(overCap), 413, "body too large\n"},
		{"past the cap, chunked", chunked, 413, "body too large\n"},
		{"unsigned", post(atCap, ""), 401, "invalid signature\n"},
		{"signed with another secret", post(atCap, webhook.Sign([]byte("whsec_test_other"), atCap)), 401, "invalid signature\n"},
		{"sha1 prefix", post(atCap, "sha1="+strings.TrimPrefix(webhook.Sign(testSecret, atCap), "sha256=")), 401, "invalid signature\n"},
		{"the secret as plain text", post(atCap, string(testSecret)), 401, "invalid signature\n"},
		{"not JSON", signed([]byte("event=new_contact")), 400, "body is not a JSON object\n"},
		{"a JSON array", signed([]byte(`[{"event":"new_contact"}]`)), 400, "body is not a JSON object\n"},
		{"empty", signed(nil), 400, "body is not a JSON object\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(h, tt.req)
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body, tt.status, tt.body)
			}
			if got := len(rec.events); (got == 1) != (tt.status == 200) {
				t.Errorf("the function was called %d times", got)
			}
			for len(rec.events) > 0 {
				<-rec.events
			}
		})
	}
	assertNoSecret(t, "the log", logs.String())
	for _, want := range []string{"status=413", "status=401", "status=400", "the signature does not match", "path=/hook"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
}

func TestHandlerSyncOutcomes(t *testing.T) {
	body := fixture(t, "events/envelope_new_contact.json")
	log, logs := newLogger()

	failing := newHandler(t, func(context.Context, *webhook.Event) error {
		return errors.New("crm unavailable")
	}, webhook.WithLogger(log))
	if w := serve(failing, signed(body)); w.Code != 500 || w.Body.String() != "handler failed\n" {
		t.Errorf("error: %d %q", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "crm unavailable") {
		t.Errorf("the error is not logged: %s", logs)
	}

	panicking := newHandler(t, func(context.Context, *webhook.Event) error {
		panic("nil map")
	}, webhook.WithLogger(log))
	for range 2 { // the handler survives
		if w := serve(panicking, signed(body)); w.Code != 500 {
			t.Errorf("panic: %d", w.Code)
		}
	}
	if !strings.Contains(logs.String(), "nil map") || !strings.Contains(logs.String(), "stack=") {
		t.Errorf("the panic is not logged with its stack: %s", logs)
	}
	if strings.Contains(logs.String(), "maria.lopez") {
		t.Errorf("the log holds the payload: %s", logs)
	}
}

func TestHandlerSyncTimeout(t *testing.T) {
	release := make(chan struct{})
	ended := make(chan error, 1)
	h := newHandler(t, func(ctx context.Context, _ *webhook.Event) error {
		<-ctx.Done()
		ended <- ctx.Err()
		<-release // keeps running past its deadline
		return nil
	}, webhook.WithTimeout(50*time.Millisecond))
	w := serve(h, signed([]byte(`{"event":"new_contact"}`)))
	close(release)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || w.Body.String() != "not handled in time\n" {
		t.Errorf("got %d %q, Retry-After %q", w.Code, w.Body, w.Header().Get("Retry-After"))
	}
	if err := wait(t, ended, "the function's context to end"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ctx.Err() = %v", err)
	}
}

func TestHandlerAsync(t *testing.T) {
	release := make(chan struct{})
	started := make(chan string, 10)
	handled := make(chan string, 10)
	h := webhook.Handler(webhook.HMACSHA256(testSecret), func(ctx context.Context, e *webhook.Event) error {
		started <- e.ID
		<-release
		handled <- e.ID
		return nil
	}, webhook.WithAsync(1), webhook.WithQueueSize(1))

	ev := func(id string) *http.Request {
		return signed([]byte(`{"event":"new_contact","id":"` + id + `","data":{}}`))
	}
	// The first is taken by the worker, the second waits in the queue.
	if w := serve(h, ev("e1")); w.Code != http.StatusAccepted || w.Body.String() != "accepted\n" {
		t.Fatalf("e1: %d %q", w.Code, w.Body)
	}
	if id := wait(t, started, "the worker to start"); id != "e1" {
		t.Fatalf("started %s", id)
	}
	if w := serve(h, ev("e2")); w.Code != http.StatusAccepted {
		t.Fatalf("e2: %d", w.Code)
	}
	// The queue is full: refused, not blocked, not dropped in silence.
	w := serve(h, ev("e3"))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || w.Body.String() != "queue full\n" {
		t.Fatalf("e3: %d %q", w.Code, w.Body)
	}

	// Shutdown drains: the queued e2 is handled before it returns.
	done := make(chan error, 1)
	go func() { done <- h.Shutdown(context.Background()) }()
	close(release)
	if err := wait(t, done, "Shutdown"); err != nil {
		t.Fatal(err)
	}
	close(handled)
	var ids []string
	for id := range handled {
		ids = append(ids, id)
	}
	if strings.Join(ids, ",") != "e1,e2" {
		t.Errorf("handled %v, want e1,e2", ids)
	}
	// After Shutdown, deliveries are refused for a retry.
	if w := serve(h, ev("e4")); w.Code != http.StatusServiceUnavailable || w.Body.String() != "shutting down\n" {
		t.Errorf("after Shutdown: %d %q", w.Code, w.Body)
	}
}

func TestHandlerAsyncErrorsAndPanicsAreLogged(t *testing.T) {
	log, logs := newLogger()
	calls := make(chan struct{}, 3)
	h := webhook.Handler(webhook.HMACSHA256(testSecret), func(_ context.Context, e *webhook.Event) error {
		defer func() { calls <- struct{}{} }()
		switch e.ID {
		case "boom":
			panic("index out of range")
		case "fail":
			return errors.New("crm unavailable")
		}
		return nil
	}, webhook.WithAsync(2), webhook.WithLogger(log))
	for _, id := range []string{"boom", "fail", "fine"} {
		if w := serve(h, signed([]byte(`{"event":"x","id":"`+id+`","data":{}}`))); w.Code != http.StatusAccepted {
			t.Fatalf("%s: %d", id, w.Code)
		}
	}
	for range 3 {
		wait(t, calls, "the workers")
	}
	if err := h.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"index out of range", "crm unavailable", "delivery handled"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
}

func TestShutdownPastItsDeadline(t *testing.T) {
	log, logs := newLogger()
	running := make(chan struct{}, 1)
	cancelled := make(chan error, 1)
	h := webhook.Handler(webhook.HMACSHA256(testSecret), func(ctx context.Context, e *webhook.Event) error {
		running <- struct{}{}
		<-ctx.Done()
		cancelled <- ctx.Err()
		return ctx.Err()
	}, webhook.WithAsync(1), webhook.WithTimeout(time.Hour), webhook.WithLogger(log))
	serve(h, signed([]byte(`{"event":"x","id":"running","data":{}}`)))
	wait(t, running, "the worker")
	serve(h, signed([]byte(`{"event":"x","id":"queued","data":{}}`)))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown = %v, want context.Canceled", err)
	}
	if err := wait(t, cancelled, "the running call to be cancelled"); !errors.Is(err, context.Canceled) {
		t.Errorf("the running call saw %v", err)
	}
	// Shutdown again waits for the workers to finish dropping the queue.
	if err := h.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), `msg="webhook: delivery dropped at shutdown" receives=event type=x id=queued`) {
		t.Errorf("the dropped delivery is not logged:\n%s", logs)
	}
}

func TestShutdownWaitsForSyncCalls(t *testing.T) {
	release := make(chan struct{})
	h := webhook.Handler(webhook.HMACSHA256(testSecret), func(ctx context.Context, e *webhook.Event) error {
		<-release
		return nil
	}, webhook.WithTimeout(20*time.Millisecond))
	// Answered 503 at the deadline; the call goes on.
	if w := serve(h, signed([]byte(`{"event":"x"}`))); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("%d", w.Code)
	}
	done := make(chan error, 1)
	go func() { done <- h.Shutdown(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) while a call was running", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := wait(t, done, "Shutdown"); err != nil {
		t.Fatal(err)
	}
}

func TestHandlerDedup(t *testing.T) {
	clk := newClock()
	rec := newRecorder()
	h := newHandler(t, rec.fn, webhook.WithDedup(time.Minute), webhook.WithClock(clk.Now))
	send := func(body string) string {
		w := serve(h, signed([]byte(body)))
		return fmt.Sprintf("%d %s", w.Code, strings.TrimSpace(w.Body.String()))
	}
	calls := func() int {
		n := len(rec.events)
		for range n {
			<-rec.events
		}
		return n
	}

	byID := `{"event":"new_contact","id":"evt_1","data":{"contactPhone":"+15555550100"}}`
	if got := send(byID); got != "200 ok" {
		t.Fatal(got)
	}
	if got := send(byID); got != "200 duplicate" {
		t.Errorf("same id: %s", got)
	}
	// The same id on another type of event is not a duplicate.
	if got := send(`{"event":"contact_updated","id":"evt_1","data":{}}`); got != "200 ok" {
		t.Errorf("other type: %s", got)
	}
	if n := calls(); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}

	// By message id when there is no event id, in every shape.
	for _, body := range []string{
		`{"event":"message.received","message_id":"msg-1","content":"hi"}`,
		`{"event":"new_message","data":{"message":{"messageSid":"SM1","body":"hi"}}}`,
		`{"event":"appointment_booked","data":{"messageId":"m-7"}}`,
	} {
		if got := send(body); got != "200 ok" {
			t.Errorf("%s: %s", body, got)
		}
		if got := send(body); got != "200 duplicate" {
			t.Errorf("%s again: %s", body, got)
		}
	}
	if n := calls(); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}

	// Without an id, never dropped; nor a flat event's bare "id".
	for _, body := range []string{`{"event":"contact_tagged","data":{"tag":"vip"}}`, `{"event":"contact.updated","id":"c-1"}`} {
		send(body)
		send(body)
	}
	if n := calls(); n != 4 {
		t.Errorf("%d calls, want 4", n)
	}

	// Past the window, handled again.
	clk.Advance(time.Minute)
	if got := send(byID); got != "200 ok" {
		t.Errorf("after the window: %s", got)
	}
	if n := calls(); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

func TestHandlerDedupForgetsFailures(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	var calls atomic.Int32
	h := newHandler(t, func(context.Context, *webhook.Event) error {
		calls.Add(1)
		if fail.Load() {
			return errors.New("try later")
		}
		return nil
	}, webhook.WithDedup(time.Hour))
	body := []byte(`{"event":"new_contact","id":"evt_retry","data":{}}`)
	if w := serve(h, signed(body)); w.Code != 500 {
		t.Fatalf("%d", w.Code)
	}
	fail.Store(false)
	if w := serve(h, signed(body)); w.Code != 200 || w.Body.String() != "ok\n" {
		t.Fatalf("the retry: %d %q", w.Code, w.Body)
	}
	if w := serve(h, signed(body)); w.Body.String() != "duplicate\n" {
		t.Fatalf("after success: %q", w.Body)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2", calls.Load())
	}
}

func TestHandlerDedupInFlight(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	h := newHandler(t, func(context.Context, *webhook.Event) error {
		close(entered)
		<-release
		return nil
	}, webhook.WithDedup(time.Hour))
	body := []byte(`{"event":"new_contact","id":"evt_slow","data":{}}`)
	first := make(chan int, 1)
	go func() { first <- serve(h, signed(body)).Code }()
	<-entered
	w := serve(h, signed(body))
	if w.Code != http.StatusConflict {
		t.Errorf("while in flight: %d %q", w.Code, w.Body)
	}
	close(release)
	if code := wait(t, first, "the first delivery"); code != 200 {
		t.Errorf("first: %d", code)
	}
}

func TestHandlerDedupAsync(t *testing.T) {
	rec := newRecorder()
	h := newHandler(t, rec.fn, webhook.WithDedup(time.Hour), webhook.WithAsync(1))
	body := []byte(`{"event":"new_contact","id":"evt_a","data":{}}`)
	if w := serve(h, signed(body)); w.Code != 202 {
		t.Fatal(w.Code)
	}
	wait(t, rec.events, "the worker")
	if w := serve(h, signed(body)); w.Code != 200 || w.Body.String() != "duplicate\n" {
		t.Errorf("%d %q", w.Code, w.Body)
	}
}

func TestHandlerDedupIsBounded(t *testing.T) {
	rec := newRecorder()
	h := newHandler(t, rec.fn, webhook.WithDedup(time.Hour), webhook.WithDedupSize(2))
	ev := func(id string) []byte { return []byte(`{"event":"x","id":"` + id + `","data":{}}`) }
	for _, id := range []string{"a", "b", "c", "a"} { // "a" is forgotten when "c" comes
		serve(h, signed(ev(id)))
	}
	if n := len(rec.events); n != 4 {
		t.Errorf("%d calls, want 4", n)
	}
	if w := serve(h, signed(ev("c"))); w.Body.String() != "duplicate\n" {
		t.Errorf("c: %q", w.Body)
	}
}

// A client that sends its headers and then stalls mid-body is answered 408
// at the read timeout, and never reaches the function.
func TestHandlerCutsOffSlowClients(t *testing.T) {
	rec := newRecorder()
	srv := httptest.NewServer(newHandler(t, rec.fn, webhook.WithReadTimeout(100*time.Millisecond)))
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST /hook HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"event\":")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // the test's own bound
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || string(b) != "body not received in time\n" {
		t.Errorf("got %d %q", resp.StatusCode, b)
	}
	if len(rec.events) != 0 {
		t.Error("the function was called")
	}
}

// The read deadline is lifted once the body is read: a function that runs
// longer than the read timeout is not cancelled by it.
func TestHandlerReadDeadlineEndsWithTheBody(t *testing.T) {
	readTimeout := 50 * time.Millisecond
	h := newHandler(t, func(ctx context.Context, _ *webhook.Event) error {
		select {
		case <-time.After(4 * readTimeout):
			return nil
		case <-ctx.Done():
			return fmt.Errorf("cancelled: %w", context.Cause(ctx))
		}
	}, webhook.WithReadTimeout(readTimeout))
	srv := httptest.NewServer(h)
	defer srv.Close()
	body := []byte(`{"event":"new_contact"}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(testSecret, body))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
}

func TestHandlerOverHTTP(t *testing.T) {
	rec := newRecorder()
	srv := httptest.NewServer(newHandler(t, rec.fn, webhook.WithMaxBody(1024)))
	defer srv.Close()
	// Past the cap over a real connection, chunked: 413, not a hang.
	big := strings.NewReader(`{"a":"` + strings.Repeat("a", 1<<20) + `"}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL, io.NopCloser(big))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", resp.StatusCode)
	}
}

func TestConstructorsPanicOnMisuse(t *testing.T) {
	fn := func(context.Context, *webhook.Event) error { return nil }
	for name, build := range map[string]func(){
		"nil verifier":        func() { webhook.Handler(nil, fn) },
		"nil fn":              func() { webhook.Handler(webhook.Unverified(), nil) },
		"nil channel fn":      func() { webhook.ChannelHandler(webhook.Unverified(), nil) },
		"nil function":        func() { webhook.FunctionHandler(nil) },
		"WithAsync(0)":        func() { webhook.WithAsync(0) },
		"WithMaxBody(0)":      func() { webhook.WithMaxBody(0) },
		"WithDedup(0)":        func() { webhook.WithDedup(0) },
		"WithTimeout(-1)":     func() { webhook.WithTimeout(-1) },
		"WithQueueSize(0)":    func() { webhook.WithQueueSize(0) },
		"WithReadTimeout(-1)": func() { webhook.WithReadTimeout(-1) },
		"WithVerifier(nil)":   func() { webhook.WithVerifier(nil) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			build()
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset by peer") }

func TestHandlerBodyReadError(t *testing.T) {
	rec := newRecorder()
	h := newHandler(t, rec.fn)
	r := httptest.NewRequest(http.MethodPost, "/hook", failingReader{})
	if w := serve(h, r); w.Code != http.StatusBadRequest || w.Body.String() != "body could not be read\n" {
		t.Errorf("got %d %q", w.Code, w.Body)
	}
	if _, err := webhook.Parse(httptest.NewRequest(http.MethodPost, "/hook", failingReader{}), webhook.Unverified()); err == nil ||
		!strings.Contains(err.Error(), "connection reset by peer") {
		t.Errorf("Parse: err = %v", err)
	}
}
