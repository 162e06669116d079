package dmchamp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. An *APIError matches them with errors.Is according to its
// HTTP status and its error_code (an error_code that is an HTTP status counts
// the same as the status: DM Champ reports a duplicate contact as HTTP 200
// with error_code 409, which matches ErrConflict).
var (
	ErrBadRequest      = errors.New("dmchamp: bad request")      // 400, 422
	ErrUnauthorized    = errors.New("dmchamp: unauthorized")     // 401
	ErrPaymentRequired = errors.New("dmchamp: payment required") // 402 (insufficient credits)
	ErrForbidden       = errors.New("dmchamp: forbidden")        // 403
	ErrNotFound        = errors.New("dmchamp: not found")        // 404, 410
	ErrConflict        = errors.New("dmchamp: conflict")         // 409
	ErrRateLimited     = errors.New("dmchamp: rate limited")     // 429
	ErrServer          = errors.New("dmchamp: server error")     // 5xx
	ErrInvalidResponse = errors.New("dmchamp: invalid response") // a 2xx body that could not be decoded
)

// maxErrorBody caps how much of an error body is read and kept.
const maxErrorBody = 64 << 10

// APIError is a failure reported by the server: a non-2xx status, a
// "success": false envelope on a 2xx, or a 2xx body that could not be decoded
// (then Err holds the decoding error and errors.Is(err, ErrInvalidResponse)
// holds).
//
// No field holds a credential: Path has no query string, and Message and Body
// have any credential the server echoed replaced by "REDACTED".
type APIError struct {
	StatusCode int             // HTTP status of the last response
	Code       int             // error_code of the body; 0 when absent or not a number
	Message    string          // the server's message
	Details    json.RawMessage // validation details (data, errors, or an error object), when sent
	Method     string          // HTTP method
	Path       string          // request path, without query string
	Attempts   int             // attempts made, retries included
	RetryAfter time.Duration   // the server's Retry-After, when sent
	Body       []byte          // raw body, at most 64 KiB
	Err        error           // decoding error of a 2xx body, else nil

	// notFoundByMessage is set for calls whose API reports some missing
	// resources as HTTP 500 (the Session API) or 200 (sub-accounts) with a
	// message saying they were not found.
	notFoundByMessage bool
}

// Error describes the failure in one line.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dmchamp: %s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, " (error_code %d)", e.Code)
	}
	switch {
	case e.Err != nil:
		b.WriteString(": invalid response body: " + e.Err.Error())
	case e.Message != "":
		b.WriteString(": " + e.Message)
	case len(e.Body) > 0:
		fmt.Fprintf(&b, ": body %q", excerpt(e.Body, 120))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// Unwrap returns the decoding error, if any.
func (e *APIError) Unwrap() error { return e.Err }

// Is reports whether the error matches one of the sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case nil:
		return false
	case ErrInvalidResponse:
		return e.Err != nil
	case ErrNotFound:
		if e.notFoundByMessage && (e.StatusCode == http.StatusInternalServerError || e.StatusCode == http.StatusOK) &&
			notFoundMessage(e.Message) {
			return true
		}
	}
	return statusSentinel(e.StatusCode) == target || statusSentinel(e.Code) == target
}

// notFoundMessage reports whether a Session API error message is one of its
// backend's thrown "... not found" errors, which it answers with HTTP 500:
// "Session not found", "Active session not found", "Session not found or
// not active".
func notFoundMessage(msg string) bool {
	msg = strings.ToLower(strings.TrimSpace(msg))
	return strings.HasSuffix(msg, "not found") || strings.HasSuffix(msg, "not found or not active")
}

func statusSentinel(status int) error {
	switch {
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity:
		return ErrBadRequest
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusPaymentRequired:
		return ErrPaymentRequired
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound, status == http.StatusGone:
		return ErrNotFound
	case status == http.StatusConflict:
		return ErrConflict
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status >= 500 && status <= 599:
		return ErrServer
	}
	return nil
}

// ValidationError reports an argument rejected before any request was sent.
type ValidationError struct {
	Field  string // the argument or field at fault, e.g. "Hours"
	Reason string // what is wrong with it
}

// Error describes the rejected argument.
func (e *ValidationError) Error() string {
	return "dmchamp: invalid " + e.Field + ": " + e.Reason
}

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// RequestError reports a call that ended without a usable HTTP response: the
// connection failed, every attempt timed out, or the context ended. Err is the
// underlying error, so errors.Is(err, context.DeadlineExceeded) and errors.As
// with *net.OpError or *url.Error work through it.
type RequestError struct {
	Method   string // HTTP method
	Path     string // request path, without query string
	Attempts int    // attempts made; 0 when the context ended before the first
	Err      error  // the transport or context error

	text string // Err's text with credentials redacted
}

// Error describes the failure without any credential.
func (e *RequestError) Error() string {
	text := e.text
	if text == "" && e.Err != nil {
		text = e.Err.Error()
	}
	s := fmt.Sprintf("dmchamp: %s %s: %s", e.Method, e.Path, text)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

// Unwrap returns the transport or context error.
func (e *RequestError) Unwrap() error { return e.Err }

// errorBody is the union of the error shapes the two APIs send:
// {success:false, error_code, error}, {success:false, message, data|errors|error}.
type errorBody struct {
	Success   json.RawMessage `json:"success"` // true or false; "true" and "false" are accepted
	ErrorCode json.RawMessage `json:"error_code"`
	Error     json.RawMessage `json:"error"`
	Message   json.RawMessage `json:"message"`
	Data      json.RawMessage `json:"data"`
	Errors    json.RawMessage `json:"errors"`
}

// parseErrorBody extracts the code, message and details of an error body. It
// accepts every documented shape and a bare JSON string; for anything else it
// returns zero values and the caller keeps the raw body.
func parseErrorBody(body []byte) (code int, message string, details json.RawMessage) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return 0, "", nil
	}
	if body[0] == '"' {
		var s string
		if json.Unmarshal(body, &s) == nil {
			return 0, s, nil
		}
		return 0, "", nil
	}
	var eb errorBody
	if body[0] != '{' || json.Unmarshal(body, &eb) != nil {
		return 0, "", nil
	}
	return eb.code(), eb.message(), eb.details()
}

// failed reports whether a 2xx body reports a failure: "success": false, or
// an error_code that is an error status (DM Champ answers a duplicate contact
// with HTTP 200 and error_code 409).
func (eb *errorBody) failed() bool {
	switch strings.Trim(string(bytes.TrimSpace(eb.Success)), `"`) {
	case "false", "False", "FALSE":
		return true
	}
	return eb.code() >= 400
}

func (eb *errorBody) code() int {
	raw := bytes.TrimSpace(eb.ErrorCode)
	if len(raw) == 0 {
		return 0
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if i, err := strconv.Atoi(n.String()); err == nil {
			return i
		}
		return 0
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if i, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			return i
		}
	}
	return 0
}

func (eb *errorBody) message() string {
	msg := jsonString(eb.Message)
	errText := jsonString(eb.Error)
	if errText == "" {
		// {"error": {"message": "..."}}
		var obj struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(eb.Error, &obj) == nil {
			errText = obj.Message
		}
	}
	switch {
	case msg == "":
		return errText
	case errText == "" || errText == msg:
		return msg
	default:
		return msg + ": " + errText
	}
}

func (eb *errorBody) details() json.RawMessage {
	for _, raw := range []json.RawMessage{eb.Data, eb.Errors, eb.Error} {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || raw[0] == '"' || string(raw) == "null" || string(raw) == "{}" || string(raw) == "[]" {
			continue
		}
		return raw
	}
	return nil
}

// jsonString returns raw as a string when it is a JSON string, else "".
func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// excerpt returns at most n bytes of b as printable text.
func excerpt(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		return strings.ToValidUTF8(string(b[:n]), "") + "..."
	}
	return strings.ToValidUTF8(string(b), "")
}

// transportText returns the text of a transport error without the request
// URL that *url.Error repeats: the RequestError already names method and path.
func transportText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}
