package dmchamptest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dmchamp-go/dmchamp"
	"github.com/go-json-experiment/json/jsontext"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// Interaction is one recorded request and its response, as a cassette
// file holds it (go-vcr's type).
type Interaction = cassette.Interaction

// RecordEnv is the environment variable that makes Cassette record: set it
// to 1, with the credentials in DMCHAMP_API_KEY or DMCHAMP_USER_ID (and
// SESSIONS_BASE_URL, SESSIONS_TOKEN for the Session API).
const RecordEnv = "DMCHAMP_RECORD"

// Redacted replaces every credential in a cassette.
const Redacted = "REDACTED"

// The credentials a replaying client is given; any others work too, as
// matching ignores credentials.
const (
	ReplayAPIKey        = "cassette-replay-api-key"
	ReplaySessionsToken = "cassette-replay-session-token"
	replaySessionsURL   = "https://sessions.cassette.invalid/api"
)

// credentialParams are the query parameters that carry a credential.
var credentialParams = []string{"apiKey", "userId", "secret"}

// credentialHeaders are the headers that carry a credential, in either
// direction.
var credentialHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}

// A CassetteOption configures Cassette and Server.Record.
type CassetteOption func(*cassetteConfig)

type cassetteConfig struct {
	dir    string
	scrubs []func(*Interaction)
}

// WithScrub adds scrubbing of your own, run on every interaction after the
// credentials are scrubbed and before anything is written: remove phone
// numbers, emails or names from i.Request and i.Response.
func WithScrub(scrub func(i *Interaction)) CassetteOption {
	return func(c *cassetteConfig) { c.scrubs = append(c.scrubs, scrub) }
}

// WithCassetteDir sets the directory of the cassette files (default
// "testdata/cassettes", below the test's package).
func WithCassetteDir(dir string) CassetteOption {
	return func(c *cassetteConfig) { c.dir = dir }
}

// Cassette returns the client options of a test whose requests are
// answered from the cassette file <dir>/<name>.yaml (see WithCassetteDir):
//
//	c, err := dmchamp.NewClient(dmchamptest.Cassette(t, "recent-sessions")...)
//
// By default it replays: each request is matched, in order, to a recorded
// interaction by method, path, query and JSON body, credentials left out
// (apiKey, userId and secret, the Authorization header), so a cassette
// recorded with one key replays under any other. A request the cassette
// does not hold fails the test, naming it and the interactions left.
//
// With DMCHAMP_RECORD=1 it records instead: the options are those of the
// account in DMCHAMP_API_KEY or DMCHAMP_USER_ID (DMCHAMP_BASE_URL,
// SESSIONS_BASE_URL and SESSIONS_TOKEN when set), the requests reach the
// real API, and the file is written when the test ends. Every credential
// is scrubbed before anything is written: the credential parameters and
// the Authorization header become REDACTED, and the credentials' values,
// raw or escaped, are replaced wherever they appear in URLs, headers and
// bodies; then WithScrub's functions run.
func Cassette(t testing.TB, name string, opts ...CassetteOption) []dmchamp.Option {
	t.Helper()
	if os.Getenv(RecordEnv) != "1" {
		return replay(t, name, opts)
	}
	key, user, token := os.Getenv("DMCHAMP_API_KEY"), os.Getenv("DMCHAMP_USER_ID"), os.Getenv("SESSIONS_TOKEN")
	if key == "" && user == "" {
		t.Fatalf("dmchamptest: %s=1 records from your account: set DMCHAMP_API_KEY or DMCHAMP_USER_ID", RecordEnv)
	}
	var client []dmchamp.Option
	if key != "" {
		client = append(client, dmchamp.WithAPIKey(key))
	} else {
		client = append(client, dmchamp.WithUserID(user))
	}
	if u := os.Getenv("DMCHAMP_BASE_URL"); u != "" {
		client = append(client, dmchamp.WithBaseURL(u))
	}
	if u := os.Getenv("SESSIONS_BASE_URL"); u != "" {
		client = append(client, dmchamp.WithSessionsBaseURL(u), dmchamp.WithSessionsToken(token))
	}
	return record(t, name, opts, http.DefaultTransport.(*http.Transport).Clone(), []string{key, user, token}, client)
}

// Record returns the client options of a test whose session against s is
// recorded to the cassette <dir>/<name>.yaml (see WithCassetteDir), with
// s's credentials scrubbed as Cassette scrubs real ones. Cassette replays
// it, so a test's fixtures can come from the fake.
func (s *Server) Record(t testing.TB, name string, opts ...CassetteOption) []dmchamp.Option {
	t.Helper()
	client := []dmchamp.Option{
		dmchamp.WithBaseURL(s.BaseURL()), dmchamp.WithSessionsBaseURL(s.SessionsBaseURL()),
		dmchamp.WithAPIKey(s.apiKey), dmchamp.WithSessionsToken(s.token),
	}
	return record(t, name, opts, s.srv.Client().Transport, []string{s.apiKey, s.userID, s.token}, client)
}

func newCassetteConfig(opts []CassetteOption) cassetteConfig {
	cfg := cassetteConfig{dir: filepath.Join("testdata", "cassettes")}
	for _, opt := range opts {
		opt(&cfg)
	}
	return cfg
}

// quiet is a debug writer that go-vcr's VCR_DEBUG cannot replace (it
// replaces io.Discard): its debug lines would show the credentials.
type quiet struct{}

func (quiet) Write(p []byte) (int, error) { return len(p), nil }

func record(t testing.TB, name string, opts []CassetteOption, real http.RoundTripper, secrets []string, client []dmchamp.Option) []dmchamp.Option {
	t.Helper()
	cfg := newCassetteConfig(opts)
	if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
		t.Fatalf("dmchamptest: %v", err)
	}
	sc := newScrubber(secrets)
	rec, err := recorder.New(filepath.Join(cfg.dir, name),
		recorder.WithMode(recorder.ModeRecordOnly),
		recorder.WithRealTransport(real),
		recorder.WithDebugWriter(quiet{}),
		recorder.WithHook(func(i *Interaction) error {
			sc.interaction(i)
			for _, f := range cfg.scrubs {
				f(i)
			}
			return nil
		}, recorder.AfterCaptureHook),
	)
	if err != nil {
		t.Fatalf("dmchamptest: cassette %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := rec.Stop(); err != nil {
			t.Errorf("dmchamptest: writing cassette %s: %v", name, err)
		}
	})
	return append(client, dmchamp.WithHTTPClient(&http.Client{Transport: rec}))
}

func replay(t testing.TB, name string, opts []CassetteOption) []dmchamp.Option {
	t.Helper()
	cfg := newCassetteConfig(opts)
	file := filepath.Join(cfg.dir, name)
	if _, err := os.Stat(file + ".yaml"); err != nil {
		t.Fatalf("dmchamptest: no cassette %s.yaml (record it with %s=1 and your credentials): %v", file, RecordEnv, err)
	}
	rec, err := recorder.New(file,
		recorder.WithMode(recorder.ModeReplayOnly),
		recorder.WithSkipRequestLatency(true),
		recorder.WithDebugWriter(quiet{}),
		recorder.WithMatcher(matchWithoutCredentials),
	)
	if err != nil {
		t.Fatalf("dmchamptest: cassette %s: %v", name, err)
	}
	tr := &replayer{t: t, rec: rec, file: file, reported: map[string]bool{}}
	return []dmchamp.Option{
		dmchamp.WithAPIKey(ReplayAPIKey),
		dmchamp.WithSessionsBaseURL(replaySessionsURL), dmchamp.WithSessionsToken(ReplaySessionsToken),
		dmchamp.WithHTTPClient(&http.Client{Transport: tr}),
		dmchamp.WithRetryWait(0, 0),
	}
}

// replayer fails the test on a request the cassette does not hold, once
// for each such request (the client may retry it).
type replayer struct {
	t    testing.TB
	rec  *recorder.Recorder
	file string

	mu       sync.Mutex
	reported map[string]bool
}

func (r *replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.rec.RoundTrip(req)
	if errors.Is(err, cassette.ErrInteractionNotFound) {
		line := requestLine(req.Method, req.URL.String())
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.reported[line] {
			return resp, err
		}
		r.reported[line] = true
		var left []string
		if c, lerr := cassette.Load(r.file); lerr == nil {
			for _, i := range c.Interactions {
				left = append(left, "\t"+requestLine(i.Request.Method, i.Request.URL))
			}
		}
		r.t.Errorf("dmchamptest: cassette %s.yaml holds no interaction left for\n\t%s\nit holds, in order (each replays once):\n%s",
			r.file, line, strings.Join(left, "\n"))
	}
	return resp, err
}

// requestLine is "METHOD /path?query" without credentials.
func requestLine(method, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return method + " (unparsable URL)"
	}
	q := u.Query()
	for _, k := range credentialParams {
		q.Del(k)
	}
	u.RawQuery = q.Encode()
	return method + " " + u.RequestURI()
}

// matchWithoutCredentials matches a request to a recorded one by method,
// path, query and body, credentials left out; JSON bodies compare as JSON.
func matchWithoutCredentials(r *http.Request, i cassette.Request) bool {
	recorded, err := url.Parse(i.URL)
	if err != nil || r.Method != i.Method || r.URL.Path != recorded.Path {
		return false
	}
	got, want := r.URL.Query(), recorded.Query()
	for _, k := range credentialParams {
		got.Del(k)
		want.Del(k)
	}
	if got.Encode() != want.Encode() {
		return false
	}
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return sameBody(body, []byte(i.Body))
}

// sameBody reports whether two bodies are the same bytes or the same JSON:
// members in any order, white space and string escapes aside, numbers
// compared as written (never rounded).
func sameBody(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	x, y := jsontext.Value(slices.Clone(a)), jsontext.Value(slices.Clone(b))
	reorder := jsontext.ReorderRawObjects(true)
	return x.Format(reorder) == nil && y.Format(reorder) == nil && bytes.Equal(x, y)
}

// scrubber replaces credentials in interactions.
type scrubber struct {
	secrets []string
	forms   []string
}

// newScrubber scrubs each non-empty secret in every form it may take: raw,
// query- and path-escaped (hex digits in either case), JSON-escaped (with
// or without HTML escapes and escaped slashes), and any two of these in a
// row, as when an answer echoes a query string inside a JSON string.
func newScrubber(secrets []string) *scrubber {
	sc := &scrubber{secrets: secrets}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, once := range escapes {
			for _, twice := range escapes {
				sc.forms = append(sc.forms, twice(once(s)))
			}
		}
	}
	// Longest first, so that no form leaves part of a longer one.
	slices.SortFunc(sc.forms, func(a, b string) int { return len(b) - len(a) })
	sc.forms = slices.Compact(sc.forms)
	return sc
}

// escapes are the ways a secret may be escaped in a request or an answer.
var escapes = []func(string) string{
	func(s string) string { return s },
	url.QueryEscape,
	url.PathEscape,
	func(s string) string { return lowerHex.ReplaceAllStringFunc(url.QueryEscape(s), strings.ToLower) },
	func(s string) string { return lowerHex.ReplaceAllStringFunc(url.PathEscape(s), strings.ToLower) },
	func(s string) string { return jsonString(s, true) },  // "\u0026" for "&", ...
	func(s string) string { return jsonString(s, false) }, // only quotes, backslashes and controls
	func(s string) string { return strings.ReplaceAll(s, "/", `\/`) },
}

var lowerHex = regexp.MustCompile(`%[0-9A-F]{2}`)

// jsonString returns s as encoding/json writes it inside a string, without
// the quotes.
func jsonString(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s)
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(b.String()), `"`), `"`)
}

// with returns a scrubber of sc's secrets and more.
func (sc *scrubber) with(more []string) *scrubber {
	if len(more) == 0 {
		return sc
	}
	return newScrubber(append(slices.Clip(sc.secrets), more...))
}

func (sc *scrubber) text(s string) string {
	for _, f := range sc.forms {
		s = strings.ReplaceAll(s, f, Redacted)
	}
	return s
}

// header scrubs a copy of h, which may be the live request's or
// response's, and returns it.
func (sc *scrubber) header(h http.Header) http.Header {
	h = h.Clone()
	for k, vs := range h {
		for i := range vs {
			if slices.Contains(credentialHeaders, http.CanonicalHeaderKey(k)) {
				vs[i] = Redacted
			} else {
				vs[i] = sc.text(vs[i])
			}
		}
	}
	return h
}

func (sc *scrubber) values(v url.Values) {
	for k, vs := range v {
		for i := range vs {
			if slices.Contains(credentialParams, k) {
				vs[i] = Redacted
			} else {
				vs[i] = sc.text(vs[i])
			}
		}
	}
}

func (sc *scrubber) url(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return sc.text(raw)
	}
	q := u.Query()
	sc.values(q)
	u.RawQuery = q.Encode()
	return sc.text(u.String())
}

func (sc *scrubber) interaction(i *Interaction) {
	// A credential of the call's own (an OTP secret) is scrubbed wherever
	// the answer echoes it.
	var query url.Values
	if u, err := url.Parse(i.Request.URL); err == nil {
		query = u.Query()
	}
	var own []string
	for _, k := range credentialParams {
		own = append(own, query[k]...)
		own = append(own, i.Request.Form[k]...)
	}
	sc = sc.with(own)
	i.Request.URL = sc.url(i.Request.URL)
	i.Request.RequestURI = sc.url(i.Request.RequestURI)
	i.Request.Host = sc.text(i.Request.Host)
	sc.values(i.Request.Form)
	i.Request.Headers = sc.header(i.Request.Headers)
	i.Request.Trailer = sc.header(i.Request.Trailer)
	i.Request.Body = sc.text(i.Request.Body)
	i.Response.Headers = sc.header(i.Response.Headers)
	i.Response.Trailer = sc.header(i.Response.Trailer)
	i.Response.Body = sc.text(i.Response.Body)
	// A replaced secret changes a body's length.
	if i.Response.ContentLength >= 0 {
		i.Response.ContentLength = int64(len(i.Response.Body))
		if i.Response.Headers.Get("Content-Length") != "" {
			i.Response.Headers.Set("Content-Length", strconv.Itoa(len(i.Response.Body)))
		}
	}
	if i.Request.ContentLength > 0 {
		i.Request.ContentLength = int64(len(i.Request.Body))
	}
}
