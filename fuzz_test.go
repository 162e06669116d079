package dmchamp

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

// Fuzz targets. Each runs its seeds (f.Add and testdata/fuzz/<FuzzName>) as
// a plain test; fuzz one at a time with, e.g.,
//
//	go test -run '^$' -fuzz '^FuzzParseErrorBody$' -fuzztime 60s .

// maxSeed caps the size of a fixture used as a seed: the fuzzer mutates big
// inputs slowly, and a cut fixture is an interesting (truncated) body too.
const maxSeed = 8 << 10

// fixtureSeeds returns the fixtures of testdata matching the glob patterns,
// each cut to maxSeed bytes.
func fixtureSeeds(f *testing.F, patterns ...string) [][]byte {
	f.Helper()
	var seeds [][]byte
	for _, p := range patterns {
		names, err := filepath.Glob(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, b[:min(len(b), maxSeed)])
		}
	}
	if len(seeds) == 0 {
		f.Fatalf("no fixture matches %q", patterns)
	}
	return seeds
}

// member is a member of a JSON object, as sent.
type member struct {
	key   string
	value json.RawMessage
}

// objectMembers returns the members of b, in order, when b is exactly one
// JSON object (with JSON space around it).
func objectMembers(b []byte) ([]member, bool) {
	if !json.Valid(b) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var ms []member
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		ms = append(ms, member{key.(string), v})
	}
	return ms, true
}

// matching returns the values of the members whose key encoding/json
// matches to a field named name: exactly or case-insensitively, as
// bytes.EqualFold does. Later values overwrite earlier ones when decoding.
func matching(ms []member, name string) []json.RawMessage {
	var out []json.RawMessage
	for _, m := range ms {
		if m.key == name { // keys match exactly
			out = append(out, m.value)
		}
	}
	return out
}

// lastRaw is the value a json.RawMessage field named name ends up with: the
// last matching member's, null included.
func lastRaw(ms []member, name string) (json.RawMessage, bool) {
	vs := matching(ms, name)
	if len(vs) == 0 {
		return nil, false
	}
	return vs[len(vs)-1], true
}

// lastString is the value a string field named name ends up with when the
// decoding succeeded: the last matching member's (null resets it).
func lastString(ms []member, name string) string {
	s := ""
	for _, v := range matching(ms, name) {
		s = jsonStringOf(v)
	}
	return s
}

// jsonStringOf decodes a JSON string; "" for anything else.
func jsonStringOf(raw []byte) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// jsonInt returns raw as an int when it is a JSON integer literal: no
// fraction, no exponent.
func jsonInt(raw []byte) (int, bool) {
	if len(raw) == 0 || bytes.ContainsAny(raw, ".eE\"") {
		return 0, false
	}
	n, err := strconv.Atoi(string(raw))
	return n, err == nil
}

// FuzzParseErrorBody checks parseErrorBody on arbitrary bytes: it never
// panics; anything but JSON gives zero values; a JSON string is the message;
// an object with a non-empty string "error" or "message" gives a non-empty
// message that contains them; an integer error_code in 0..999 is the Code;
// Details is JSON when set.
func FuzzParseErrorBody(f *testing.F) {
	for _, b := range fixtureSeeds(f, "*/*error*.json", "errors/*", "contacts/create_duplicate*.json",
		"whatsapp/web_send_not_connected.json", "chatexports/recent_failed.json") {
		f.Add(b)
	}
	for _, s := range []string{
		`"Unauthorized"`, `""`, `"\u00e9\ud800"`, `null`, `[]`, `42`, `{}`, ` {"error":"x"} `,
		`{"success":false,"error_code":409,"error":"Contact already exists"}`,
		`{"error_code":"403","error":"Forbidden"}`,
		`{"error":{"message":"nested"},"data":{"field":"phone"}}`,
		`{"message":"Invalid input","error":"phoneNumber is required"}`,
		`{"ERROR":"upper","error":""}`, `{"Message":"a","message":null}`,
		`{"error_code":999}`, `{"error_code":-0}`, `{"error_code":1e2}`, `{"error_code":400.0}`,
		`{"Error_Code":7,"error_code":8}`, `{"succeſs":false,"meſſage":"long s"}`,
		"\u00a0{\"error\":\"NBSP around\"}\u0085",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var (
			code    int
			msg     string
			details json.RawMessage
		)
		if eb := parseErrorBody(body); eb != nil {
			code, msg, details = eb.code(), eb.message(), eb.details()
		}
		zero := func(why string) {
			if code != 0 || msg != "" || details != nil {
				t.Errorf("%s: got code %d, message %q, details %q; want zero values", why, code, msg, details)
			}
		}
		if details != nil && !json.Valid(details) {
			t.Errorf("details %q are not JSON", details)
		}
		trimmed := bytes.Trim(body, " \t\r\n")
		if !json.Valid(trimmed) {
			zero("not JSON")
			return
		}
		switch trimmed[0] {
		case '"':
			if want := jsonStringOf(trimmed); code != 0 || msg != want || details != nil {
				t.Errorf("JSON string: got (%d, %q, %q), want (0, %q, nil)", code, msg, details, want)
			}
			return
		case '{':
		default:
			zero("JSON neither string nor object")
			return
		}
		ms, ok := objectMembers(trimmed)
		if !ok {
			t.Fatalf("valid JSON object %q not walked", trimmed)
		}
		m, _ := lastRaw(ms, "message")
		e, _ := lastRaw(ms, "error")
		mText, eText := jsonStringOf(m), jsonStringOf(e)
		switch {
		case mText != "" && (!strings.HasPrefix(msg, mText) || !strings.Contains(msg, eText)):
			t.Errorf("message %q and error %q: got message %q", mText, eText, msg)
		case mText == "" && eText != "" && msg != eText:
			t.Errorf("error %q without message: got message %q", eText, msg)
		}
		if raw, ok := lastRaw(ms, "error_code"); ok {
			if n, isInt := jsonInt(raw); isInt && n >= 0 && n <= 999 && code != n {
				t.Errorf("error_code %s: got Code %d", raw, code)
			}
		}
	})
}

// FuzzDecodeEnvelope feeds arbitrary bytes as the 2xx body of
// ChatSessions.Recent and checks that it never panics, that every error is
// an *APIError, that a success came from valid JSON, and that decoding the
// body whole and decoding it as it streams agree.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, b := range envelopeBodies {
		f.Add([]byte(b))
	}
	for _, b := range fixtureSeeds(f, "chatsessions/*.json") {
		f.Add(b)
	}
	for _, s := range []string{
		`{"success":true,"data":{"sessions":[{"session_id":"s1","end_date_time":null,"tag":"vip","messages":[{"id":"m1","timestamp":"2026-11-20T09:41:57.402Z"}]}],"hours_ago":24}}`,
		`{"success":true,"data":{"sessions":[{"session_id":"a"},{"session_id":"b"}]}} `,
		`{"success":true,"data":{"sessions":[]},"error_code":"409"}`,
		`{"success":true,"data":{"sessions":[{"start_date_time":"not a time"}]}}`,
		`{"success":null,"data":{"total_sessions":1e3}}`,
		`{"data":{"sessions":[{"messages":null}]},"success":true,"errors":[{"x":1}]}`,
		`{"Success":false,"success":true,"data":{"hours_ago":2.4e1,"sessions":[{"start_date_time":"2016-12-31t23:59:60z"}]}}`,
	} {
		f.Add([]byte(s))
	}

	// One client for the whole run: the responder answers with the current
	// input.
	var (
		body  []byte
		calls int
	)
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("unexpected request %s %s", req.Method, req.URL.Path)
	})
	mt.RegisterResponder(http.MethodGet, recentURL, func(*http.Request) (*http.Response, error) {
		calls++
		return httpmock.NewBytesResponse(http.StatusOK, body), nil
	})
	c, err := NewClient(WithHTTPClient(&http.Client{Transport: mt}), WithBaseURL(testBaseURL),
		WithAPIKey(testAPIKey), WithRetryMax(0))
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, b []byte) {
		body, calls = b, 0
		got, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
		if calls != 1 {
			t.Fatalf("%d requests, want 1 (err %v)", calls, err)
		}
		switch {
		case err == nil && got == nil:
			t.Fatal("nil result and nil error")
		case err == nil && !json.Valid(b):
			t.Errorf("invalid JSON decoded without error")
		case err != nil:
			if _, ok := err.(*APIError); !ok {
				t.Fatalf("error %T %v is not an *APIError", err, err)
			}
		}

		var whole, streamed RecentChatSessions
		wholeFailed, wholeErr := decodeAnswer(b, inData, &whole)
		streamFailed, streamErr := decodeStream(bytes.NewReader(b), &streamed)
		var disagree string
		switch {
		case (wholeErr == nil && wholeFailed == nil) != (streamErr == nil && streamFailed == nil):
			disagree = fmt.Sprintf("one path failed:\nwhole    %v %v\nstreamed %v %v", wholeFailed, wholeErr, streamFailed, streamErr)
		case wholeFailed != nil && streamFailed != nil && (wholeFailed.code() != streamFailed.code() || wholeFailed.message() != streamFailed.message()):
			disagree = "failures differ"
		case wholeErr == nil && wholeFailed == nil && !reflect.DeepEqual(whole, streamed):
			disagree = fmt.Sprintf("values differ:\nwhole    %+v\nstreamed %+v", whole, streamed)
		}
		if disagree != "" {
			t.Error(disagree)
		}
	})
}

// FuzzSessionJSON decodes arbitrary bytes into the lenient models and
// checks that none panics, the id rules of Session and SessionMessage, that
// a Ref from a JSON string is that id, and that a decoded Ref or Session
// survives json.Marshal and json.Unmarshal.
func FuzzSessionJSON(f *testing.F) {
	for _, b := range fixtureSeeds(f, "sessions/*.json", "contacts/get_*.json", "otp/*.json") {
		f.Add(b)
		// The fixtures are envelopes: the models are their data.
		var env struct {
			Data    json.RawMessage `json:"data"`
			Contact json.RawMessage `json:"contact"`
		}
		if json.Unmarshal(b, &env) == nil {
			for _, raw := range []json.RawMessage{env.Data, env.Contact} {
				if len(raw) > 0 {
					f.Add([]byte(raw))
				}
			}
			var page struct {
				Results []json.RawMessage `json:"results"`
			}
			if json.Unmarshal(env.Data, &page) == nil {
				for _, s := range page.Results {
					f.Add([]byte(s))
				}
			}
		}
	}
	for _, s := range []string{
		`"6650e8a1c3f4b2a1d0e9f871"`, `""`, `null`, `{"_id":"a","id":"b"}`, `{"_id":"","id":"b"}`,
		`{"_ID":"upper","_id":null}`, `{"id":"x","ID":"y"}`,
		`{"_id":"s1","chatbotId":{"_id":"c","name":"<b>&co</b>","extra":[1,{"a":"\u2028"}]},"clientId":"cl"}`,
		`{"_id":"s","startTime":"","endTime":null,"createdAt":1732176000,"updatedAt":1732176000123}`,
		`{"_id":"s","startTime":{"_seconds":1732176000,"_nanoseconds":5},"endTime":{"seconds":-1,"nanos":7}}`,
		`{"_id":"s","startTime":-99999999999,"metadata":{},"feedback":{},"messages":[{"role":"user","timestamp":""}]}`,
		`{"_id":"s","metadata":{"n":1e300,"s":"\u003c","l":[null,true]},"feedback":{"rating":4.5,"comment":"ok"}}`,
		`{"current_otp":"123456","expires_in":30}`, `{"contactId":"c1","contact":{"_id":"c2","tags":["a",{"name":"b"}]}}`,
		`{"count":1,"total":-5,"hasNextPage":true,"totalRecords":9223372036854775807}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, isObject := objectMembers(b)

		var s Session
		if json.Unmarshal(b, &s) == nil {
			if isObject {
				if want := cmp.Or(lastString(ms, "_id"), lastString(ms, "id")); s.ID != want {
					t.Errorf("Session.ID = %q, want %q", s.ID, want)
				}
			}
			checkSessionRoundTrip(t, s)
		}

		var m SessionMessage
		if json.Unmarshal(b, &m) == nil && isObject {
			if want := cmp.Or(lastString(ms, "_id"), lastString(ms, "id")); m.ID != want {
				t.Errorf("SessionMessage.ID = %q, want %q", m.ID, want)
			}
		}

		var r Ref
		if json.Unmarshal(b, &r) == nil {
			if trimmed := bytes.TrimLeft(b, " \t\r\n"); trimmed[0] == '"' {
				if want := jsonStringOf(trimmed); r.ID != want || r.Object != nil || r.Name != "" {
					t.Errorf("Ref from a string = %+v, want ID %q only", r, want)
				}
			}
			if r.Object != nil && !json.Valid(r.Object) {
				t.Errorf("Ref.Object %q is not JSON", r.Object)
			}
			out, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("Marshal(%+v): %v", r, err)
			}
			var back Ref
			if err := json.Unmarshal(out, &back); err != nil {
				t.Fatalf("Unmarshal(%s): %v", out, err)
			}
			if !sameRef(r, back) {
				t.Errorf("Ref round trip:\nbefore %+v\nafter  %+v (%s)", r, back, out)
			}
		}

		var pi PaginatorInfo
		_ = json.Unmarshal(b, &pi)

		var c Contact
		if json.Unmarshal(b, &c) == nil && !json.Valid(c.Raw) {
			t.Errorf("Contact.Raw %q is not JSON", c.Raw)
		}
		var l ContactLookup
		if json.Unmarshal(b, &l) == nil && l.ContactID == "" {
			t.Errorf("ContactLookup decoded without a contact id")
		}
		var o OTP
		if json.Unmarshal(b, &o) == nil {
			if o.Code == "" || strings.Trim(o.Code, "0123456789") != "" || o.ExpiresIn < 0 || o.ExpiresIn > 30*time.Second {
				t.Errorf("OTP decoded as %+v", o)
			}
		}
	})
}

// sameRef reports whether after is before once encoded and decoded again.
// json.Marshal writes Object with <, >, & and U+2028/9 escaped (as it does
// any MarshalJSON output), so after.Object is before.Object escaped so.
func sameRef(before, after Ref) bool {
	want := before.Object
	if want != nil {
		var buf bytes.Buffer
		json.HTMLEscape(&buf, before.Object)
		want = buf.Bytes()
	}
	return before.ID == after.ID && before.Name == after.Name && bytes.Equal(want, after.Object) &&
		(want == nil) == (after.Object == nil)
}

// sameTime reports whether two times are the same instant at the same
// offset: what RFC 3339 keeps.
func sameTime(a, b time.Time) bool {
	_, ao := a.Zone()
	_, bo := b.Zone()
	return a.Equal(b) && ao == bo
}

// encodable reports whether time.Time.MarshalJSON can write t: its year must
// be in 0..9999.
func encodable(t time.Time) bool {
	return t.Year() >= 0 && t.Year() <= 9999
}

// sessionTimes returns every timestamp of s.
func sessionTimes(s Session) []time.Time {
	ts := []time.Time{s.StartTime, s.CreatedAt, s.UpdatedAt}
	if s.EndTime != nil {
		ts = append(ts, *s.EndTime)
	}
	for _, m := range s.Messages {
		ts = append(ts, m.Timestamp)
	}
	return ts
}

// checkSessionRoundTrip checks that a decoded session survives json.Marshal
// and json.Unmarshal unchanged.
func checkSessionRoundTrip(t *testing.T, s Session) {
	t.Helper()
	out, err := json.Marshal(s)
	for _, ts := range sessionTimes(s) {
		if !encodable(ts) {
			// flexTime accepts Unix times and Firestore objects whose year
			// is outside 0..9999, which time.Time cannot write as JSON
			// (reported): the round trip cannot be checked.
			if err == nil {
				t.Errorf("Marshal wrote a time of year %d: %s", ts.Year(), out)
			}
			return
		}
	}
	if err != nil {
		t.Fatalf("Marshal(%+v): %v", s, err)
	}
	var back Session
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", out, err)
	}
	if diff := sessionDiff(s, back); diff != "" {
		t.Errorf("Session round trip changed %s\nbefore %+v\nafter  %+v\njson   %s", diff, s, back, out)
	}
}

// sessionDiff names the first field that differs between a session and the
// same session encoded and decoded again; "" when none does.
func sessionDiff(a, b Session) string {
	// An empty metadata map is omitted (omitempty), so it comes back nil.
	emptyMeta := func(m map[string]any) bool { return len(m) == 0 }
	switch {
	case a.ID != b.ID:
		return "ID"
	case !sameRef(a.Chatbot, b.Chatbot):
		return "Chatbot"
	case !sameRef(a.Client, b.Client):
		return "Client"
	case a.Title != b.Title:
		return "Title"
	case a.Status != b.Status:
		return "Status"
	case !sameTime(a.StartTime, b.StartTime):
		return "StartTime"
	case (a.EndTime == nil) != (b.EndTime == nil) || (a.EndTime != nil && !sameTime(*a.EndTime, *b.EndTime)):
		return "EndTime"
	case !sameTime(a.CreatedAt, b.CreatedAt):
		return "CreatedAt"
	case !sameTime(a.UpdatedAt, b.UpdatedAt):
		return "UpdatedAt"
	case !(emptyMeta(a.Metadata) && emptyMeta(b.Metadata)) && !reflect.DeepEqual(a.Metadata, b.Metadata):
		return "Metadata"
	case !reflect.DeepEqual(a.Feedback, b.Feedback):
		return "Feedback"
	case (a.Messages == nil) != (b.Messages == nil) || len(a.Messages) != len(b.Messages):
		return "Messages"
	}
	for i, m := range a.Messages {
		n := b.Messages[i]
		if m.ID != n.ID || m.Role != n.Role || m.Content != n.Content || !sameTime(m.Timestamp, n.Timestamp) {
			return fmt.Sprintf("Messages[%d]", i)
		}
	}
	return ""
}

// FuzzSessionsAll ranges over Sessions.All against a server whose pages
// are computed from the skip and limit of each request, with paginatorInfo
// in either documented shape, missing, or with arbitrary numbers and flags,
// and that may ignore skip, cap the page size, or fail a request. The
// iterator must terminate, never yield a session twice, yield at most one
// error (last), stop fetching when the loop breaks, and, when the server
// is truthful and honours skip, yield every session once in order.
func FuzzSessionsAll(f *testing.F) {
	// limit, total, start skip, server page cap, shape, hasMorePages,
	// hasNextPage, server ignores skip, reported number, failing request,
	// items after which the loop breaks.
	f.Add(2, 3, 0, uint8(0), uint8(0), false, false, false, int64(3), uint8(0), uint16(0))
	f.Add(0, 25, 0, uint8(0), uint8(1), false, false, false, int64(0), uint8(0), uint16(0))
	f.Add(5, 12, 3, uint8(4), uint8(0), false, false, false, int64(0), uint8(0), uint16(0))
	f.Add(10, 30, 0, uint8(0), uint8(4), true, false, true, int64(-1), uint8(0), uint16(0))
	f.Add(10, 30, 0, uint8(0), uint8(5), false, true, false, int64(1<<62), uint8(0), uint16(0))
	f.Add(3, 100, 0, uint8(0), uint8(6), true, true, false, int64(-1<<63), uint8(0), uint16(0))
	f.Add(1, 50, 0, uint8(0), uint8(4), false, false, false, int64(1<<63-1), uint8(3), uint16(0))
	f.Add(4, 9, 0, uint8(0), uint8(7), false, false, false, int64(7), uint8(0), uint16(0))
	f.Add(4, 9, 0, uint8(0), uint8(2), false, false, false, int64(0), uint8(0), uint16(5))
	f.Add(-1, 9, 0, uint8(0), uint8(0), false, false, false, int64(0), uint8(0), uint16(0))
	f.Add(2, 9, -3, uint8(0), uint8(0), false, false, false, int64(0), uint8(0), uint16(0))

	type scenario struct {
		total        int   // sessions on the server
		serverMax    int   // page size cap; 0 for none
		shape        uint8 // bits 0-2: paginatorInfo shape; 3: "id" for "_id"; 4: no id
		hasMorePages bool
		hasNextPage  bool
		ignoreSkip   bool
		reported     int64 // an arbitrary number for paginatorInfo
		errorAt      int   // the request answered 400; 0 for none
		requests     int
		badQuery     string // a request the client should not have sent
	}
	const maxRequests = 1000
	var sc scenario
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("unexpected request %s %s", req.Method, req.URL)
	})
	mt.RegisterResponder(http.MethodGet, testSessionsURL+"/sessions", func(req *http.Request) (*http.Response, error) {
		sc.requests++
		if sc.requests > maxRequests || sc.requests == sc.errorAt {
			return httpmock.NewStringResponse(http.StatusBadRequest, `{"success":false,"message":"stop"}`), nil
		}
		q := req.URL.Query()
		skip, limit := 0, 10 // the server's default page size
		if v := q.Get("skip"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				sc.badQuery = req.URL.RawQuery
			}
			skip = n
		}
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				sc.badQuery = req.URL.RawQuery
			}
			limit = n
		}
		if sc.serverMax > 0 {
			limit = min(limit, sc.serverMax)
		}
		if sc.ignoreSkip {
			skip = 0
		}
		lo := min(max(skip, 0), sc.total)
		hi := min(lo+max(limit, 0), sc.total)
		var b strings.Builder
		b.WriteString(`{"success":true,"data":{"results":[`)
		idKey := []string{"_id", "id"}[sc.shape>>3&1]
		for i := lo; i < hi; i++ {
			if i > lo {
				b.WriteByte(',')
			}
			if sc.shape&16 == 0 {
				fmt.Fprintf(&b, `{%q:"s%04d",`, idKey, i)
			} else {
				b.WriteByte('{')
			}
			fmt.Fprintf(&b, `"title":"s%04d","chatbotId":{"_id":"cb1","name":"Bot"},"clientId":"cl1","status":"ACTIVE","messages":[]}`, i)
		}
		b.WriteString(`]`)
		n, more, rep := hi-lo, hi < sc.total, sc.reported
		pages := (sc.total + max(limit, 1) - 1) / max(limit, 1)
		switch sc.shape & 7 {
		case 0: // documented, truthful
			fmt.Fprintf(&b, `,"paginatorInfo":{"count":%d,"currentPage":%d,"hasMorePages":%v,"lastPage":%d,"limit":%d,"perPage":%d,"total":%d}`,
				n, skip/max(limit, 1)+1, more, pages, limit, limit, sc.total)
		case 1: // the framework's, truthful
			fmt.Fprintf(&b, `,"paginatorInfo":{"skip":%d,"limit":%d,"currentPage":%d,"pages":%d,"hasNextPage":%v,"totalRecords":%d,"pageSize":%d}`,
				skip, limit, skip/max(limit, 1)+1, pages, more, sc.total, n)
		case 2: // missing
		case 3:
			b.WriteString(`,"paginatorInfo":null`)
		case 4: // documented, arbitrary
			fmt.Fprintf(&b, `,"paginatorInfo":{"count":%d,"currentPage":%d,"hasMorePages":%v,"lastPage":%d,"total":%d}`,
				rep, -rep, sc.hasMorePages, rep/2, rep)
		case 5: // the framework's, arbitrary
			fmt.Fprintf(&b, `,"paginatorInfo":{"skip":%d,"pages":%d,"hasNextPage":%v,"totalRecords":%d,"pageSize":%d}`,
				-rep, rep, sc.hasNextPage, rep, rep)
		case 6: // both, arbitrary
			fmt.Fprintf(&b, `,"paginatorInfo":{"hasMorePages":%v,"hasNextPage":%v,"total":%d,"totalRecords":%d}`,
				sc.hasMorePages, sc.hasNextPage, rep, int64(sc.total)-rep)
		case 7: // undecodable numbers: List fails
			fmt.Fprintf(&b, `,"paginatorInfo":{"total":"%d","totalRecords":1e400}`, rep)
		}
		b.WriteString(`}}`)
		return httpmock.NewStringResponse(http.StatusOK, b.String()), nil
	})
	c, err := NewClient(WithHTTPClient(&http.Client{Transport: mt}), WithSessionsBaseURL(testSessionsURL),
		WithSessionsToken(testToken), WithRetryMax(0))
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, limit, total, startSkip int, serverMax, shape uint8, hasMorePages, hasNextPage, ignoreSkip bool,
		reported int64, errorAt uint8, stopAfter uint16) {
		limit %= 700 // negative ones too: List rejects them
		startSkip %= 400
		sc = scenario{
			total:        total % 301,
			serverMax:    int(serverMax),
			shape:        shape,
			hasMorePages: hasMorePages,
			hasNextPage:  hasNextPage,
			ignoreSkip:   ignoreSkip,
			reported:     reported,
			errorAt:      int(errorAt),
		}
		if sc.total < 0 {
			sc.total = -sc.total
		}

		seen := map[string]bool{}
		var ids []string
		var errs []error
		errLast := true
		requestsAtBreak := -1
		for s, err := range c.Sessions.All(t.Context(), &ListSessionsOptions{Limit: limit, Skip: startSkip}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if len(errs) > 0 {
				errLast = false
			}
			if s == nil {
				t.Fatal("nil session without an error")
			}
			// The title names every session, with or without an id.
			if s.ID != "" && s.ID != s.Title {
				t.Fatalf("session %q has id %q", s.Title, s.ID)
			}
			if seen[s.Title] {
				t.Fatalf("session %q yielded twice", s.Title)
			}
			seen[s.Title] = true
			ids = append(ids, s.Title)
			if stopAfter > 0 && len(ids) == int(stopAfter) {
				requestsAtBreak = sc.requests
				break
			}
		}

		if sc.requests > maxRequests {
			t.Fatalf("%d requests: the iterator does not stop", sc.requests)
		}
		if sc.badQuery != "" {
			t.Errorf("request with query %q", sc.badQuery)
		}
		if len(errs) > 1 || !errLast {
			t.Fatalf("errors %v (last: %v)", errs, errLast)
		}
		if requestsAtBreak >= 0 && sc.requests != requestsAtBreak {
			t.Errorf("%d requests after the loop broke", sc.requests-requestsAtBreak)
		}
		if limit < 0 || startSkip < 0 {
			var ve *ValidationError
			if len(errs) != 1 || !errors.As(errs[0], &ve) || sc.requests != 0 || len(ids) != 0 {
				t.Errorf("invalid options: errors %v, %d requests, %d sessions", errs, sc.requests, len(ids))
			}
			return
		}
		for i, id := range ids {
			if want := fmt.Sprintf("s%04d", startSkip+i); id != want && !sc.ignoreSkip {
				t.Fatalf("session %d is %q, want %q", i, id, want)
			}
		}
		if sc.ignoreSkip && sc.requests > 2 {
			t.Errorf("%d requests to a server ignoring skip: want at most 2", sc.requests)
		}
		if !sc.ignoreSkip && sc.requests > sc.total+2 {
			t.Errorf("%d requests for %d sessions", sc.requests, sc.total)
		}
		if sc.shape&7 <= 1 && !sc.ignoreSkip && sc.errorAt == 0 && stopAfter == 0 {
			if want := max(sc.total-startSkip, 0); len(ids) != want || len(errs) != 0 {
				t.Errorf("truthful server: %d sessions and errors %v, want %d sessions", len(ids), errs, want)
			}
		}
	})
}

// FuzzRedact checks that a redactor holding a secret removes it from any
// text, as given, query-escaped or path-escaped, alone, inside the text or
// inside a URL, and that the values of credential parameters in a URL never
// survive.
func FuzzRedact(f *testing.F) {
	for _, s := range testSecrets {
		f.Add(s, "GET /v1/chat-sessions/recent failed", uint16(4))
	}
	f.Add("s3cr3t+/=key", "q=s3cr3t%2B%2F%3Dkey&p=s3cr3t+%2F=key", uint16(0))
	f.Add("JBSWY3DPEHPK3PXP", "secret=JBSWY3DPEHPK3PXP&token=x", uint16(7))
	f.Add("REDA", "REDACTED", uint16(3)) // a substring of the marker
	f.Add("EDxx", "EDxxxx", uint16(2))   // forms across the marker's end
	f.Add("xxRE", "xxxxRE", uint16(2))   // forms across the marker's start
	f.Add("a b&c", "token=a b&c'd\"e", uint16(6))
	f.Add("piKe", "https://x/?apiKey=v", uint16(1))
	f.Add("piKe", "v4lu3", uint16(1)) // the secret is in a parameter name
	f.Add("%41%", "%2541%25 %41%", uint16(3))
	f.Add("ab\xffcd", "Bearer ab\xffcd\tbearer\nxyz", uint16(9))
	f.Add("", "apiKey=abc&userId=def&hours=24", uint16(0))

	f.Fuzz(func(t *testing.T, secret, text string, at uint16) {
		// Each exec redacts some fifty strings built from these, at about
		// 100 ns a byte: long inputs would slow the fuzzer down and show
		// nothing a short one cannot.
		secret, text = secret[:min(len(secret), 128)], text[:min(len(text), 256)]
		r := newRedactor(secret)
		forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
		k := int(at) % (len(text) + 1)
		inputs := []string{text}
		if secret != "" {
			for i, form := range forms {
				if slices.Contains(forms[:i], form) {
					continue
				}
				inputs = append(inputs,
					form,
					text[:k]+form+text[k:],
					form+text+form,
					"https://api.dmchamp.com/v1/x?apiKey="+form+"&hours=24",
					"https://api.dmchamp.com/v1/"+form+"/x?userId="+form+"&"+text,
					`{"error":"Invalid API key `+form+`","received":"`+form+`"}`,
				)
			}
		}
		for _, in := range inputs {
			out := r.String(in)
			b := []byte(in)
			switch rb := r.Bytes(b); {
			case string(rb) != out:
				t.Errorf("Bytes(%q) = %q, String gives %q", in, rb, out)
			case out == in && len(b) > 0 && &rb[0] != &b[0]:
				t.Errorf("Bytes(%q) copied an unchanged slice", in)
			}
			if secret == "" {
				continue
			}
			// The secret may legitimately show in the output where a
			// marker makes it: "REDACTED" contains short secrets ("E",
			// "RED", but also "REDA" or "ACTED"), and forms others with
			// the text beside it ("EDxx" in "REDACTEDxx", what redacting
			// "EDxxxx" leaves). So a plain "out does not contain secret"
			// only holds for secrets that cannot overlap a marker, and a
			// length threshold (such as 4) does not capture which those
			// are. Occurrences that overlap a marker reveal nothing; every
			// other one is a leak, whatever the secret's length: the text
			// between markers must not contain the secret in any form.
			for i, piece := range strings.Split(out, redacted) {
				for _, form := range forms {
					if strings.Contains(piece, form) {
						t.Fatalf("secret %q (as %q) survives in piece %d of %q\ninput %q", secret, form, i, out, in)
					}
				}
			}
		}

		// The value of a credential parameter never survives, whether the
		// redactor knows it or not.
		variants := []string{"api_key", "USERID", "access_token", "password"}
		for _, name := range []string{"apiKey", "userId", "secret", "token", variants[at%4]} {
			for _, value := range []string{text, secret} {
				v := url.QueryEscape(value)
				if v == "" || v == redacted {
					continue // nothing to redact
				}
				const prefix, suffix = "https://api.dmchamp.com/v1/x?", "&hours=24"
				in := prefix + name + "=" + v + suffix
				// Without secrets, or with a secret the URL does not hold,
				// the parameter rule alone applies.
				want := prefix + name + "=" + redacted + suffix
				if out := newRedactor().String(in); out != want {
					t.Errorf("no secret: String(%q) = %q, want %q", in, out, want)
				}
				out := r.String(in)
				switch {
				case strings.Contains(out, "="+v+suffix):
					t.Errorf("secret %q: the %s value survives in %q\ninput %q", secret, name, out, in)
				case secret == "" || !slices.ContainsFunc(forms, func(f string) bool { return strings.Contains(in, f) }):
					if out != want {
						t.Errorf("secret %q not in the URL: String(%q) = %q, want %q", secret, in, out, want)
					}
				}
			}
		}
	})
}
