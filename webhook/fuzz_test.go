package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/dmchamp-go/dmchamp/webhook"
)

// Fuzz targets. Each runs its seeds (f.Add and testdata/fuzz/<FuzzName>) as
// a plain test; fuzz one at a time with, e.g.,
//
//	go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 60s ./webhook

func fixtureBodies(f *testing.F, pattern string) [][]byte {
	names, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(names) == 0 {
		f.Fatalf("no fixture matches %s", pattern)
	}
	var out [][]byte
	for _, name := range names {
		out = append(out, fixture(f, name[len("testdata/"):]))
	}
	return out
}

// FuzzParse: any body and signature header. Parse never panics; it returns
// an event only for a verified JSON object, keeps the body as Raw, and
// every accessor answers without panicking.
func FuzzParse(f *testing.F) {
	for _, b := range fixtureBodies(f, "events/*.json") {
		f.Add(b, webhook.Sign(testSecret, b))
		f.Add(b, "")
	}
	v := webhook.HMACSHA256(testSecret)
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		for _, sig := range []string{header, webhook.Sign(testSecret, body)} {
			e, err := webhook.Parse(post(body, sig), v)
			if err != nil {
				if e != nil {
					t.Fatal("an event with an error")
				}
				if !errors.Is(err, webhook.ErrSignature) && !errors.Is(err, webhook.ErrMalformed) && !errors.Is(err, webhook.ErrTooLarge) {
					t.Fatalf("unexpected error: %v", err)
				}
				if sig != header && errors.Is(err, webhook.ErrSignature) {
					t.Fatalf("a correct signature refused: %v", err)
				}
				continue
			}
			if !bytes.Equal(e.Raw, body) || !json.Valid(e.Data) {
				t.Fatalf("Raw or Data wrong for %q", body)
			}
			if err := exercise(e); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// exercise calls every accessor of e and checks their results agree.
func exercise(e *webhook.Event) error {
	_ = e.Kind()
	c, cerr := e.Contact()
	m, merr := e.Message()
	tag, terr := e.Tag()
	if (c == nil) == (cerr == nil) || (m == nil) == (merr == nil) || (tag == nil) == (terr == nil) {
		return errors.New("an accessor returned both or neither of a value and an error")
	}
	if m != nil && m.Direction == "" {
		return errors.New("a message without a direction")
	}
	var anything any
	return e.Decode(&anything)
}

// FuzzParseChannelReply: any body.
func FuzzParseChannelReply(f *testing.F) {
	for _, b := range fixtureBodies(f, "channel/*.json") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := webhook.ParseChannelReply(post(body, ""), webhook.Unverified())
		if err != nil {
			if !errors.Is(err, webhook.ErrMalformed) && !errors.Is(err, webhook.ErrTooLarge) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if !bytes.Equal(r.Raw, body) {
			t.Fatal("Raw is not the body")
		}
	})
}

// FuzzFunctionCall: any query string, body and content type, through
// FunctionHandler.
func FuzzFunctionCall(f *testing.F) {
	form := "application/x-www-form-urlencoded"
	f.Add("", fixture(f, "function/post_json.json"), "application/json")
	f.Add("", fixture(f, "function/post_parameters.json"), "")
	f.Add("", fixture(f, "function/post_form.txt"), form)
	f.Add(string(fixture(f, "function/get_query.txt")), []byte(nil), "")
	h := webhook.FunctionHandler(func(_ context.Context, c *webhook.FunctionCall) (any, error) {
		var anything map[string]any
		_ = c.Decode(&anything)
		for k := range c.Params {
			_ = c.Param(k)
		}
		if !json.Valid(c.System.Raw) {
			return nil, errors.New("invalid System.Raw")
		}
		return c.Params, nil
	})
	f.Fuzz(func(t *testing.T, query string, body []byte, contentType string) {
		method := http.MethodPost
		if len(body) == 0 {
			method = http.MethodGet
		}
		r := httptest.NewRequest(method, "/fn", bytes.NewReader(body))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", contentType)
		w := serve(h, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest:
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		if w.Code == http.StatusOK && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("invalid JSON answer: %s", w.Body)
		}
		if _, err := url.ParseQuery(query); err == nil && w.Code == http.StatusBadRequest && len(body) == 0 {
			t.Fatal("a GET with a valid query string refused")
		}
	})
}

// FuzzHandler: any method, body and header through Handler, signed or not.
// The function is called only for a verified JSON object, and the answer
// is always one of the documented statuses.
func FuzzHandler(f *testing.F) {
	for _, b := range fixtureBodies(f, "events/*.json") {
		f.Add("POST", b, true, "")
	}
	f.Add("GET", []byte(`{}`), true, "")
	f.Add("POST", []byte(`{}`), false, "sha256=00")
	called := 0
	h := webhook.Handler(webhook.HMACSHA256(testSecret), func(_ context.Context, e *webhook.Event) error {
		called++
		return exercise(e) // an error answers 500, which fails the target
	}, webhook.WithMaxBody(4096))
	f.Fuzz(func(t *testing.T, method string, body []byte, sign bool, header string) {
		if method == "" || !validMethod(method) {
			return // httptest.NewRequest panics on an invalid method
		}
		r := httptest.NewRequest(method, "/hook", bytes.NewReader(body))
		if sign {
			header = webhook.Sign(testSecret, body)
		}
		r.Header.Set(webhook.SignatureHeader, header)
		before := called
		w := serve(h, r)
		switch w.Code {
		case 200, 400, 401, 405, 413:
		default:
			t.Fatalf("status %d", w.Code)
		}
		if (called > before) != (w.Code == 200) {
			t.Fatalf("status %d, function called: %v", w.Code, called > before)
		}
	})
}

func validMethod(m string) bool {
	for _, c := range m {
		if c <= ' ' || c >= 0x7f || bytes.ContainsRune([]byte(`()<>@,;:\"/[]?={}`), c) {
			return false
		}
	}
	return true
}
