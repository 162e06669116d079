package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dmchamp-go/dmchamp/webhook"
)

func TestListenDemo(t *testing.T) {
	r := runCLI(t, nil, testSecret+"\n", "listen", "--demo", "--secret", "-")
	wantCode(t, r, exitOK)
	got := lines(r.stdout)
	kinds := []string{"new_contact", "tag_applied", "new_contact", "message_received", "channel_reply", "chat_session.closed"}
	if len(got) != len(kinds) {
		t.Fatalf("%d lines, want %d\n%v", len(got), len(kinds), r)
	}
	for i, k := range kinds {
		if f := strings.Fields(got[i]); len(f) < 4 || f[3] != k {
			t.Errorf("line %d: %q, want kind %s", i, got[i], k)
		}
	}
	for _, want := range []string{`"demo" on Grace Hopper +14155550100`, `<- Hi! Do you ship to Spain?`, `to web-user-1: Thanks!`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q\n%v", want, r)
		}
	}
	if !strings.Contains(r.stderr, "received 5 events and 1 channel reply") {
		t.Errorf("stderr lacks the count\n%v", r)
	}
}

func TestListenDemoJSON(t *testing.T) {
	r := runCLI(t, nil, "", "listen", "--demo", "--json")
	wantCode(t, r, exitOK)
	var types []string
	for _, line := range lines(r.stdout) {
		var e eventLine
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not one JSON object a line: %q: %v", line, err)
		}
		if !json.Valid(e.Body) || e.ReceivedAt.IsZero() || e.ID == "" {
			t.Errorf("incomplete line: %q", line)
		}
		types = append(types, e.Kind+":"+e.Type)
	}
	want := "event:contact.created event:tag.applied event:contact.created event:message.received channel_reply:text event:chat_session.closed"
	if strings.Join(types, " ") != want {
		t.Errorf("got %s\nwant %s", strings.Join(types, " "), want)
	}
}

func TestListenUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"listen", "--port", "70000"}, "", "--port must be between 0 and 65535"},
		{[]string{"listen", "--forward", "ftp://example.com/x"}, "", "--forward must be an http or https URL"},
		{[]string{"listen", "--secret", badSecret, "--verify", "md5"}, "", "--verify must be hmac or shared"},
		{[]string{"listen", "--verify", "md5"}, "", "--verify must be hmac or shared"},
		{[]string{"listen", "--secret", badSecret, "--verify", "shared", "--forward", "http://example.com/hook"}, "", "use https, or a loopback address"},
		{[]string{"listen", "--secret", "-"}, "", "--secret -: standard input is empty"},
		{[]string{"listen", "--demo", "--verify", "shared"}, "", "--demo signs with HMAC"},
		{[]string{"listen", "extra"}, "", "this command takes flags only"},
	} {
		r := runCLI(t, nil, tc.stdin, tc.args...)
		wantCode(t, r, exitUsage)
		if !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: stderr lacks %q\n%v", tc.args, tc.want, r)
		}
	}
}

// testListener returns a listener's handler, verifying with v, and what it
// prints.
func testListener(t *testing.T, v webhook.Verifier, forward string) (url string, stdout, stderr *syncBuffer) {
	t.Helper()
	stdout, stderr = new(syncBuffer), new(syncBuffer)
	x := &env{ctx: context.Background(), stdout: stdout, stderr: stderr, getenv: func(string) string { return "" }}
	l := &listener{x: x, forward: forward, client: forwardClient()}
	srv := httptest.NewServer(l.handler(v))
	t.Cleanup(srv.Close)
	return srv.URL, stdout, stderr
}

// syncBuffer is a bytes.Buffer safe for the handler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func post(t *testing.T, url, signature, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(webhook.SignatureHeader, signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

const sampleEvent = `{"event":"new_message","eventId":"evt-9","data":{"message":{"id":"m-1","body":"Where is my order?","direction":"inbound"},"contact":{"id":"c-1","phone":"+34612345678","name":"Lucía"}}}`

func TestListenVerifies(t *testing.T) {
	key := []byte(testSecret)
	url, stdout, _ := testListener(t, webhook.HMACSHA256(key), "")

	if got := post(t, url+"/", webhook.Sign([]byte("another"), []byte(sampleEvent)), sampleEvent); got != http.StatusUnauthorized {
		t.Errorf("wrong signature: status %d, want 401", got)
	}
	if got := post(t, url+"/", "", sampleEvent); got != http.StatusUnauthorized {
		t.Errorf("no signature: status %d, want 401", got)
	}
	if stdout.String() != "" {
		t.Errorf("a refused event was printed: %q", stdout.String())
	}
	if got := post(t, url+"/hooks/dmchamp", webhook.Sign(key, []byte(sampleEvent)), sampleEvent); got != http.StatusOK {
		t.Fatalf("signed event: status %d, want 200", got)
	}
	f := strings.Fields(stdout.String())
	if len(f) < 6 || f[3] != "message_received" || f[4] != "evt-9" || !strings.Contains(stdout.String(), "Lucía +34612345678 c-1 <- Where is my order?") {
		t.Errorf("printed %q", stdout.String())
	}

	reply := `{"messageSid":"r-1","to":"user-7","body":"It ships today","messageType":"text"}`
	if got := post(t, url+channelPath, webhook.Sign(key, []byte(reply)), reply); got != http.StatusOK {
		t.Fatalf("channel reply: status %d, want 200", got)
	}
	if !strings.Contains(stdout.String(), "channel_reply") || !strings.Contains(stdout.String(), "to user-7: It ships today") {
		t.Errorf("printed %q", stdout.String())
	}
}

func TestListenForwards(t *testing.T) {
	key := []byte(testSecret)
	type got struct{ body, sig, ctype string }
	forwarded := make(chan got, 2)
	var status atomic.Int32
	status.Store(http.StatusNoContent)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		forwarded <- got{string(b), r.Header.Get(webhook.SignatureHeader), r.Header.Get("Content-Type")}
		w.WriteHeader(int(status.Load()))
	}))
	defer target.Close()
	url, _, stderr := testListener(t, webhook.HMACSHA256(key), target.URL+"/dmchamp")

	sig := webhook.Sign(key, []byte(sampleEvent))
	if code := post(t, url+"/", sig, sampleEvent); code != http.StatusOK {
		t.Fatalf("status %d, want 200", code)
	}
	if g := <-forwarded; g != (got{sampleEvent, sig, "application/json"}) {
		t.Errorf("forwarded %+v", g)
	}
	if !strings.Contains(stderr.String(), "forward: 204 No Content") {
		t.Errorf("stderr %q", stderr.String())
	}

	// A forward that fails is a failed delivery: DM Champ may retry.
	status.Store(http.StatusBadGateway)
	if code := post(t, url+"/", sig, sampleEvent); code != http.StatusInternalServerError {
		t.Errorf("failed forward: status %d, want 500", code)
	}
	<-forwarded
	if !strings.Contains(stderr.String(), "answered 502 Bad Gateway") || strings.Contains(stderr.String(), target.URL) {
		t.Errorf("stderr %q", stderr.String())
	}
}

// TestListenForwardsToTheGivenURLOnly: a redirect from --forward is a failed
// forward, so the signature header (with --verify shared, the secret) never
// reaches another server.
func TestListenForwardsToTheGivenURLOnly(t *testing.T) {
	elsewhere := make(chan string, 1)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere <- r.Header.Get(webhook.SignatureHeader)
	}))
	defer other.Close()
	target := httptest.NewServer(http.RedirectHandler(other.URL+"/steal", http.StatusTemporaryRedirect))
	defer target.Close()
	url, _, stderr := testListener(t, webhook.SharedSecret(testSecret), target.URL)

	if code := post(t, url+"/", testSecret, sampleEvent); code != http.StatusInternalServerError {
		t.Errorf("redirected forward: status %d, want 500", code)
	}
	select {
	case sig := <-elsewhere:
		t.Fatalf("the redirect was followed, with signature %q", sig)
	default:
	}
	if !strings.Contains(stderr.String(), "answered 307 Temporary Redirect") {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "127.8.9.1": true, "::1": true,
		"example.com": false, "10.0.0.1": false, "0.0.0.0": false, "": false, "localhost.evil.test": false,
	} {
		if got := loopback(host); got != want {
			t.Errorf("loopback(%q) = %v, want %v", host, got, want)
		}
	}
}
