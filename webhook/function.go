package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"
)

// A FunctionCall is one call of a custom function by DM Champ's AI, made
// during a conversation; the AI waits for the answer (about 10 s).
//
// The call is read from the query string (GET or POST) and from the body
// (POST): a JSON object, or a form (application/x-www-form-urlencoded,
// with bracketed keys such as system[contact][id] read as nesting).
// Parameters are the members of a "parameters", "params", "arguments" or
// "args" object when there is one, else every member but "system"; the
// body's win over the query string's.
type FunctionCall struct {
	// Params holds each parameter's raw JSON value. Parameters from the
	// query string or a form are JSON strings.
	Params map[string]json.RawMessage
	// System is the "system" block DM Champ adds to the call.
	System System
	// Raw is the body exactly as received (empty for a GET).
	Raw []byte
	// ReceivedAt is when the call was read.
	ReceivedAt time.Time
}

// System is the "system" block of a custom-function call: who the AI is
// talking to, on which channel, and whether this is a try-out run. It is
// read from a "system" object (in the body, as a JSON string in the query
// string, or as system[...] keys).
type System struct {
	// Contact is "system.contact" (an object, or a bare contact id),
	// completed by the flat contact fields of the block (see Contact): its
	// Channel is the block's when the contact names none.
	Contact Contact
	// Channel is "system.channel".
	Channel string
	// Test is "system.test" (or a top-level "test"): true on the runs of
	// DM Champ's function tester, not a real conversation. Booleans,
	// "true"/"false", "1"/"0" and "yes"/"no" are read.
	Test bool
	// Raw is the block as JSON.
	Raw json.RawMessage
}

// Param returns the parameter name as text: a string's value, another
// value as written ("42", "true", {...}), or "" when it is absent or null.
func (c *FunctionCall) Param(name string) string {
	raw := bytes.TrimSpace(c.Params[name])
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// Decode unmarshals the parameters, as one JSON object, into v. Parameters
// from the query string are strings: tag number fields `json:",string"`.
func (c *FunctionCall) Decode(v any) error {
	b, err := json.Marshal(c.Params)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// ParseFunctionCall reads, verifies and decodes a custom-function call, as
// Parse does an event (at most DefaultMaxBody bytes, v run over the raw
// body first). Errors match ErrSignature, ErrTooLarge or ErrMalformed.
func ParseFunctionCall(r *http.Request, v Verifier) (*FunctionCall, error) {
	body, err := readVerified(nil, r, v, DefaultMaxBody, 0)
	if err != nil {
		return nil, err
	}
	return parseFunctionCall(r, body, time.Now())
}

func parseFunctionCall(r *http.Request, body []byte, now time.Time) (*FunctionCall, error) {
	var sources []object
	if r.URL != nil && r.URL.RawQuery != "" {
		q, _ := url.ParseQuery(r.URL.RawQuery) // keeps the pairs it could parse
		o, _ := decodeObject(formJSON(q))
		sources = append(sources, o)
	}
	if len(bytes.TrimSpace(body)) > 0 {
		var o object
		var err error
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
			form, ferr := url.ParseQuery(string(body))
			if ferr != nil && len(form) == 0 {
				return nil, fmt.Errorf("%w: %w", ErrMalformed, ferr)
			}
			o, err = decodeObject(formJSON(form))
		} else {
			o, err = decodeObject(body)
		}
		if err != nil {
			return nil, malformed(err)
		}
		sources = append(sources, o)
	}

	call := &FunctionCall{Params: map[string]json.RawMessage{}, Raw: body, ReceivedAt: now}
	system := object{}
	test := false
	for _, s := range sources {
		if sys, ok := systemBlock(s["system"]); ok {
			maps.Copy(system, sys)
		}
		if t, ok := s.boolean("test"); ok {
			test = t
		}
		if params, _, ok := s.obj("parameters", "params", "arguments", "args"); ok {
			maps.Copy(call.Params, params)
			continue
		}
		for k, v := range s {
			if k != "system" {
				call.Params[k] = v
			}
		}
	}
	call.System = System{
		Contact: contactIn(system, false),
		Channel: system.str("channel"),
		Test:    test,
	}
	if t, ok := system.boolean("test", "isTest", "is_test"); ok {
		call.System.Test = t
	}
	call.System.Raw, _ = json.Marshal(system) // raw members: cannot fail
	return call, nil
}

// systemBlock reads the "system" member: an object, or a string holding
// one (from a query string).
func systemBlock(raw json.RawMessage) (object, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, false
		}
		raw = []byte(s)
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	o, err := decodeObject(raw)
	return o, err == nil
}

// FunctionHandler returns a handler for a custom function: it answers GET
// and POST calls (405 otherwise), decodes each as ParseFunctionCall does
// and calls fn with a context whose deadline is the AI's wait budget
// (WithTimeout, default 10 s). The answer is what fn returns:
//   - a string: 200, as text/plain;
//   - a json.RawMessage: 200, as is (it must be valid JSON);
//   - nil: 204;
//   - any other value: 200, as JSON.
//
// Return a value, not an error, for an answer the AI should relay ("no
// order with that number"). An error or a panic in fn is logged and
// answered 500 {"error": "the function failed"}, without its text; if fn
// has not returned by the deadline, the call is answered at once 504
// {"error": "the function did not answer within 10s"} and fn's context is
// cancelled. Bad requests get 400, 401, 408 or 413 with a JSON error.
//
// Options: WithVerifier (none by default), WithTimeout, WithMaxBody,
// WithReadTimeout, WithLogger. It panics if fn is nil.
func FunctionHandler(fn func(context.Context, *FunctionCall) (any, error), opts ...Option) http.Handler {
	if fn == nil {
		panic("webhook: FunctionHandler: nil fn")
	}
	h := &functionHandler{cfg: newConfig(opts), fn: fn}
	if h.cfg.verifier == nil {
		h.cfg.verifier = Unverified()
	}
	return h
}

type functionHandler struct {
	cfg config
	fn  func(context.Context, *FunctionCall) (any, error)
}

type functionResult struct {
	value any
	err   error
}

func (h *functionHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := answer{w: w, r: r, log: h.cfg.logger, name: "function call", start: time.Now()}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		h.fail(a, http.StatusMethodNotAllowed, "method not allowed", nil)
		return
	}
	body, err := readVerified(w, r, h.cfg.verifier, h.cfg.maxBody, h.cfg.readTimeout)
	if err != nil {
		status, msg := statusOf(err)
		h.fail(a, status, msg, err)
		return
	}
	call, err := parseFunctionCall(r, body, h.cfg.now())
	if err != nil {
		h.fail(a, http.StatusBadRequest, "the call is neither a JSON object nor a form", err)
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), h.cfg.timeout)
	defer cancel()
	result := make(chan functionResult, 1)
	go func() {
		var res functionResult
		defer func() {
			if v := recover(); v != nil {
				h.cfg.logger.Error("webhook: panic in the function", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				res = functionResult{err: fmt.Errorf("webhook: the function panicked: %v", v)}
			}
			result <- res
		}()
		res.value, res.err = h.fn(ctx, call)
	}()
	select {
	case res := <-result:
		h.reply(a, res)
	case <-ctx.Done():
		select {
		case res := <-result:
			h.reply(a, res)
		default:
			msg := fmt.Sprintf("the function did not answer within %v", h.cfg.timeout)
			h.fail(a, http.StatusGatewayTimeout, msg, context.Cause(ctx))
		}
	}
}

func (h *functionHandler) reply(a answer, res functionResult) {
	if res.err != nil {
		h.fail(a, http.StatusInternalServerError, "the function failed", res.err)
		return
	}
	status, contentType := http.StatusOK, "application/json"
	var body []byte
	switch v := res.value.(type) {
	case nil:
		status, contentType = http.StatusNoContent, "text/plain; charset=utf-8"
	case string:
		contentType, body = "text/plain; charset=utf-8", []byte(v)
	case json.RawMessage:
		if !json.Valid(v) {
			h.fail(a, http.StatusInternalServerError, "the function failed", errors.New("webhook: the function returned invalid JSON"))
			return
		}
		body = v
	default:
		b, err := json.Marshal(v)
		if err != nil {
			h.fail(a, http.StatusInternalServerError, "the function failed", fmt.Errorf("webhook: encoding the function's answer: %w", err))
			return
		}
		body = b
	}
	a.write(status, contentType, body)
	a.logged(status, "answered", nil)
}

// fail answers {"error": msg} and logs err.
func (h *functionHandler) fail(a answer, status int, msg string, err error) {
	b, _ := json.Marshal(map[string]string{"error": msg})
	a.write(status, "application/json", append(b, '\n'))
	a.logged(status, msg, err)
}
