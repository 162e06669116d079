package main

import (
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

// startFakeServer runs "dmchamp fake-server --addr 127.0.0.1:0" with the
// globals g until the returned stop is called, and returns the variables it
// printed.
func startFakeServer(t *testing.T, g globals, args ...string) (vars map[string]string, stderr *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := new(syncBuffer), new(syncBuffer)
	x := &env{ctx: ctx, g: g, stdout: stdout, stderr: stderr,
		getenv: func(k string) string { return map[string]string{envAPIKey: testAPIKey, envSessionsToken: testToken}[k] }}
	fs := flag.NewFlagSet("fake-server", flag.ContinueOnError)
	act := fakeServer(fs)
	if err := fs.Parse(append([]string{"--addr", "127.0.0.1:0"}, args...)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- act(x, nil) }()
	stop = func() error {
		cancel()
		return <-done
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stdout.String(), envSessionsToken+"="); {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("no variables printed; stderr: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	vars = map[string]string{}
	for _, line := range lines(stdout.String()) {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			t.Fatalf("not an export line: %q", line)
		}
		vars[k] = v
	}
	return vars, stderr, stop
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFakeServerServesThePrintedAccount(t *testing.T) {
	vars, stderr, stop := startFakeServer(t, globals{demo: true, apiKey: "k-for-the-fake"})
	if vars[envAPIKey] != "k-for-the-fake" || vars[envUserID] != dmchamptest.DefaultUserID || vars[envSessionsToken] != dmchamptest.DefaultSessionsToken {
		t.Errorf("printed %v", vars)
	}
	base := vars[envBaseURL]
	if !strings.HasPrefix(base, "http://127.0.0.1:") || !strings.HasSuffix(base, "/v1") || vars[envSessionsURL] != strings.TrimSuffix(base, "/v1")+"/api" {
		t.Errorf("printed %v", vars)
	}

	code, body := get(t, base+"/chat-sessions/recent?hours=24&apiKey=k-for-the-fake")
	if code != http.StatusOK || !strings.Contains(body, `"success":true`) || !strings.Contains(body, `"contact_name"`) {
		t.Errorf("GET recent: %d %s", code, body)
	}
	if code, _ := get(t, base+"/chat-sessions/recent?hours=24&apiKey="+dmchamptest.DefaultAPIKey); code != http.StatusUnauthorized {
		t.Errorf("another key: status %d, want 401", code)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	log := stderr.String()
	if !strings.Contains(log, "GET /v1/chat-sessions/recent?apiKey=REDACTED&hours=24\n") || strings.Contains(log, "k-for-the-fake") {
		t.Errorf("stderr: %s", log)
	}
	if !strings.Contains(log, "with demo data") || !strings.HasSuffix(log, "fake-server: stopped\n") {
		t.Errorf("stderr: %s", log)
	}
}

// TestFakeServerNeverTakesTheEnvironmentsKey: the environment may hold a
// real key; the fake neither accepts nor prints it.
func TestFakeServerNeverTakesTheEnvironmentsKey(t *testing.T) {
	vars, stderr, stop := startFakeServer(t, globals{})
	defer stop()
	if vars[envAPIKey] != dmchamptest.DefaultAPIKey || vars[envSessionsToken] != dmchamptest.DefaultSessionsToken {
		t.Errorf("printed %v", vars)
	}
	if code, _ := get(t, vars[envBaseURL]+"/tags?apiKey="+testAPIKey); code != http.StatusUnauthorized {
		t.Errorf("the environment's key: status %d, want 401", code)
	}
	if code, body := get(t, vars[envBaseURL]+"/tags?apiKey="+dmchamptest.DefaultAPIKey); code != http.StatusOK || body != "[]" {
		t.Errorf("no demo data: %d %s", code, body)
	}
	if strings.Contains(stderr.String(), testAPIKey) {
		t.Errorf("stderr holds the key: %s", stderr.String())
	}
}

func TestFakeServerAddressTaken(t *testing.T) {
	vars, _, stop := startFakeServer(t, globals{})
	defer stop()
	addr := strings.TrimSuffix(strings.TrimPrefix(vars[envBaseURL], "http://"), "/v1")
	r := runCLI(t, nil, "", "fake-server", "--addr", addr)
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "address already in use") {
		t.Errorf("%v", r)
	}
}

func TestFakeServerSeed(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seed, []byte(`{"contacts": [{"contact": {"id": "c-7", "phoneNumber": "+34600000007"}}], "tags": [{"name": "lead"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	vars, stderr, stop := startFakeServer(t, globals{}, "--seed", seed)
	defer stop()
	code, body := get(t, vars[envBaseURL]+"/contacts?phoneNumber=%2B34600000007&apiKey="+dmchamptest.DefaultAPIKey)
	if code != http.StatusOK || !strings.Contains(body, `"c-7"`) {
		t.Errorf("seeded contact: %d %s", code, body)
	}
	if code, body := get(t, vars[envBaseURL]+"/tags?apiKey="+dmchamptest.DefaultAPIKey); code != http.StatusOK || !strings.Contains(body, `"lead"`) {
		t.Errorf("seeded tag: %d %s", code, body)
	}
	if !strings.Contains(stderr.String(), "with the data of "+seed) {
		t.Errorf("stderr: %s", stderr.String())
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"contacts": [{"contact": {}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "", "fake-server", "--addr", "127.0.0.1:0", "--seed", bad)
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "--seed "+bad+": contact 0 has no phoneNumber") {
		t.Errorf("%v", r)
	}
	r = runCLI(t, nil, "", "fake-server", "--seed", filepath.Join(t.TempDir(), "missing.json"))
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "--seed: open ") {
		t.Errorf("%v", r)
	}
}
