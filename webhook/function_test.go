package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp/webhook"
)

func TestParseFunctionCallShapes(t *testing.T) {
	// The contact's channel is the block's when the contact has none.
	sam := webhook.Contact{ID: "kX3mP9qR2sT5vW8y", Phone: "+15555550142", FirstName: "Sam", LastName: "Rivera", Name: "Sam Rivera", Channel: "whatsapp"}
	tests := []struct {
		name   string
		req    func() *http.Request
		params map[string]string // raw JSON of each
		system webhook.System    // Raw not compared
	}{
		{
			name: "POST JSON, parameters at the top level",
			req:  func() *http.Request { return post(fixture(t, "function/post_json.json"), "") },
			params: map[string]string{
				"orderNumber": `"A-10042"`, "includeTracking": `true`,
			},
			system: webhook.System{Contact: sam, Channel: "whatsapp"},
		},
		{
			name:   "POST JSON, a parameters object",
			req:    func() *http.Request { return post(fixture(t, "function/post_parameters.json"), "") },
			params: map[string]string{"sku": `"JKT-BLU-M"`, "quantity": `2`},
			system: webhook.System{Contact: webhook.Contact{ID: "kX3mP9qR2sT5vW8y", Channel: "instagram"}, Channel: "instagram", Test: true},
		},
		{
			name: "POST form with bracketed system keys",
			req: func() *http.Request {
				r := post(fixture(t, "function/post_form.txt"), "")
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
				return r
			},
			params: map[string]string{"orderNumber": `"A-10042"`},
			system: webhook.System{Contact: webhook.Contact{ID: "kX3mP9qR2sT5vW8y", Phone: "+15555550142", Channel: "whatsapp"}, Channel: "whatsapp", Test: true},
		},
		{
			name: "GET with a JSON system block in the query",
			req: func() *http.Request {
				return httptest.NewRequest(http.MethodGet, "/fn?"+string(fixture(t, "function/get_query.txt")), nil)
			},
			params: map[string]string{"orderNumber": `"A-10042"`},
			system: webhook.System{Contact: webhook.Contact{ID: "kX3mP9qR2sT5vW8y", Channel: "sms"}, Channel: "sms"},
		},
		{
			name: "query and body together: the body wins",
			req: func() *http.Request {
				r := post([]byte(`{"sku":"from-body","system":{"channel":"whatsapp"}}`), "")
				r.URL.RawQuery = "sku=from-query&color=blue&test=1"
				return r
			},
			params: map[string]string{"sku": `"from-body"`, "color": `"blue"`, "test": `"1"`},
			system: webhook.System{Contact: webhook.Contact{Channel: "whatsapp"}, Channel: "whatsapp", Test: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call, err := webhook.ParseFunctionCall(tt.req(), webhook.Unverified())
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for k, v := range call.Params {
				got[k] = string(v)
			}
			if !reflect.DeepEqual(got, tt.params) {
				t.Errorf("Params = %v, want %v", got, tt.params)
			}
			if !json.Valid(call.System.Raw) {
				t.Errorf("System.Raw = %s", call.System.Raw)
			}
			call.System.Raw = nil
			if !reflect.DeepEqual(call.System, tt.system) {
				t.Errorf("System =\n  %+v\nwant\n  %+v", call.System, tt.system)
			}
		})
	}
}

func TestFunctionCallParamAndDecode(t *testing.T) {
	call, err := webhook.ParseFunctionCall(post(fixture(t, "function/post_parameters.json"), ""), webhook.Unverified())
	if err != nil {
		t.Fatal(err)
	}
	if call.Param("sku") != "JKT-BLU-M" || call.Param("quantity") != "2" || call.Param("absent") != "" {
		t.Errorf("Param: %q %q %q", call.Param("sku"), call.Param("quantity"), call.Param("absent"))
	}
	var p struct {
		SKU      string `json:"sku"`
		Quantity int    `json:"quantity"`
	}
	if err := call.Decode(&p); err != nil || p.SKU != "JKT-BLU-M" || p.Quantity != 2 {
		t.Errorf("Decode = %+v, %v", p, err)
	}

	// Query parameters are strings: a ",string" tag reads a number.
	get, _ := webhook.ParseFunctionCall(httptest.NewRequest(http.MethodGet, "/fn?quantity=3&sku=X", nil), webhook.Unverified())
	var q struct {
		Quantity int `json:"quantity,string"`
	}
	if err := get.Decode(&q); err != nil || q.Quantity != 3 {
		t.Errorf("Decode = %+v, %v", q, err)
	}
}

func TestParseFunctionCallErrors(t *testing.T) {
	for _, body := range []string{"not json", "[1]", "null"} {
		if _, err := webhook.ParseFunctionCall(post([]byte(body), ""), webhook.Unverified()); !errors.Is(err, webhook.ErrMalformed) {
			t.Errorf("%q: err = %v, want ErrMalformed", body, err)
		}
	}
	r := post([]byte("%zz"), "")
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := webhook.ParseFunctionCall(r, webhook.Unverified()); !errors.Is(err, webhook.ErrMalformed) {
		t.Errorf("bad form: err = %v, want ErrMalformed", err)
	}
}

// callFunction serves one call and returns status, content type and body.
func callFunction(h http.Handler, r *http.Request) (int, string, string) {
	w := serve(h, r)
	return w.Code, w.Header().Get("Content-Type"), w.Body.String()
}

func TestFunctionHandlerAnswers(t *testing.T) {
	tests := []struct {
		name        string
		value       any
		err         error
		status      int
		contentType string
		body        string
	}{
		{"a value as JSON", map[string]any{"status": "shipped", "eta": "2026-01-03"}, nil, 200, "application/json", `{"eta":"2026-01-03","status":"shipped"}`},
		{"a string as text", "Order A-10042 shipped on Monday.", nil, 200, "text/plain; charset=utf-8", "Order A-10042 shipped on Monday."},
		{"raw JSON as is", json.RawMessage(`{"inStock": true}`), nil, 200, "application/json", `{"inStock": true}`},
		{"nil", nil, nil, 204, "text/plain; charset=utf-8", ""},
		{"invalid raw JSON", json.RawMessage(`{`), nil, 500, "application/json", `{"error":"the function failed"}` + "\n"},
		{"unencodable value", func() {}, nil, 500, "application/json", `{"error":"the function failed"}` + "\n"},
		{"an error, not echoed", nil, errors.New("db password=hunter2 refused"), 500, "application/json", `{"error":"the function failed"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := newLogger()
			h := webhook.FunctionHandler(func(context.Context, *webhook.FunctionCall) (any, error) {
				return tt.value, tt.err
			}, webhook.WithLogger(log))
			status, ct, body := callFunction(h, post(fixture(t, "function/post_json.json"), ""))
			if status != tt.status || ct != tt.contentType || body != tt.body {
				t.Errorf("got %d %q %q, want %d %q %q", status, ct, body, tt.status, tt.contentType, tt.body)
			}
			if tt.err != nil && !strings.Contains(logs.String(), "hunter2") {
				t.Errorf("the function's error is not logged for its owner: %s", logs)
			}
			if strings.Contains(logs.String(), "+15555550142") {
				t.Errorf("the log holds the call's data: %s", logs)
			}
		})
	}
}

func TestFunctionHandlerDeadlineIsTheBudget(t *testing.T) {
	budget := 80 * time.Millisecond
	release := make(chan struct{})
	ended := make(chan error, 1)
	h := webhook.FunctionHandler(func(ctx context.Context, call *webhook.FunctionCall) (any, error) {
		deadline, ok := ctx.Deadline()
		if !ok || time.Until(deadline) > budget {
			t.Errorf("deadline %v, %v: want within %v", deadline, ok, budget)
		}
		<-ctx.Done()
		ended <- ctx.Err()
		<-release // ignores the cancellation for a while: the answer must not wait
		return "too late", nil
	}, webhook.WithTimeout(budget))
	status, ct, body := callFunction(h, post(fixture(t, "function/post_json.json"), ""))
	close(release)
	if status != http.StatusGatewayTimeout || ct != "application/json" || body != `{"error":"the function did not answer within 80ms"}`+"\n" {
		t.Errorf("got %d %q %q", status, ct, body)
	}
	if err := wait(t, ended, "the function's context to end"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ctx.Err() = %v", err)
	}
}

func TestFunctionHandlerDefaultBudget(t *testing.T) {
	h := webhook.FunctionHandler(func(ctx context.Context, _ *webhook.FunctionCall) (any, error) {
		deadline, ok := ctx.Deadline()
		if left := time.Until(deadline); !ok || left > webhook.DefaultTimeout || left < webhook.DefaultTimeout-5*time.Second {
			t.Errorf("deadline in %v, want about %v", left, webhook.DefaultTimeout)
		}
		return "ok", nil
	})
	if status, _, _ := callFunction(h, post([]byte(`{}`), "")); status != 200 {
		t.Fatal(status)
	}
	if webhook.DefaultTimeout != 10*time.Second {
		t.Errorf("DefaultTimeout = %v, want the AI's 10 s", webhook.DefaultTimeout)
	}
}

func TestFunctionHandlerRecoversPanics(t *testing.T) {
	log, logs := newLogger()
	h := webhook.FunctionHandler(func(context.Context, *webhook.FunctionCall) (any, error) {
		panic("lookup table is nil")
	}, webhook.WithLogger(log))
	status, _, body := callFunction(h, post([]byte(`{}`), ""))
	if status != 500 || body != `{"error":"the function failed"}`+"\n" {
		t.Errorf("got %d %q", status, body)
	}
	if !strings.Contains(logs.String(), "lookup table is nil") {
		t.Errorf("the panic is not logged: %s", logs)
	}
}

func TestFunctionHandlerRequests(t *testing.T) {
	called := 0
	h := webhook.FunctionHandler(func(_ context.Context, call *webhook.FunctionCall) (any, error) {
		called++
		return map[string]string{"order": call.Param("orderNumber")}, nil
	}, webhook.WithVerifier(webhook.SharedSecret(string(testSecret))), webhook.WithMaxBody(512))

	signed := func(r *http.Request) *http.Request {
		r.Header.Set(webhook.SignatureHeader, string(testSecret))
		return r
	}
	tests := []struct {
		name   string
		req    *http.Request
		status int
		body   string
	}{
		{"GET", signed(httptest.NewRequest(http.MethodGet, "/fn?orderNumber=A-1", nil)), 200, `{"order":"A-1"}`},
		{"POST", signed(post([]byte(`{"orderNumber":"A-2"}`), "")), 200, `{"order":"A-2"}`},
		{"unsigned", httptest.NewRequest(http.MethodGet, "/fn?orderNumber=A-1", nil), 401, `{"error":"invalid signature"}` + "\n"},
		{"PUT", signed(httptest.NewRequest(http.MethodPut, "/fn", nil)), 405, `{"error":"method not allowed"}` + "\n"},
		{"not JSON", signed(post([]byte(`{"orderNumber":`), "")), 400, `{"error":"the call is neither a JSON object nor a form"}` + "\n"},
		{"too large", signed(post(bytes.Repeat([]byte(" "), 513), "")), 413, `{"error":"body too large"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := called
			w := serve(h, tt.req)
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body, tt.status, tt.body)
			}
			if (called > before) != (tt.status == 200) {
				t.Errorf("function called: %v", called > before)
			}
			if tt.status == 405 && w.Header().Get("Allow") != "GET, POST" {
				t.Errorf("Allow = %q", w.Header().Get("Allow"))
			}
			assertNoSecret(t, "the answer", w.Body.String())
		})
	}
}

func TestParseFunctionCallVerifies(t *testing.T) {
	body := []byte(`{"orderNumber":"A-1"}`)
	if _, err := webhook.ParseFunctionCall(post(body, "sha256=00"), webhook.HMACSHA256(testSecret)); !errors.Is(err, webhook.ErrSignature) {
		t.Errorf("err = %v, want ErrSignature", err)
	}
	call, err := webhook.ParseFunctionCall(post(body, webhook.Sign(testSecret, body)), webhook.HMACSHA256(testSecret))
	if err != nil || call.Param("orderNumber") != "A-1" || !bytes.Equal(call.Raw, body) {
		t.Errorf("call %+v, err %v", call, err)
	}
}
