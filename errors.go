package dmchamp

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
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
	ErrInvalidResponse = errors.New("dmchamp: invalid response") // a 2xx answer refused: undecodable, too large, or not showing success; the call may have taken effect
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
	Body       []byte          // raw body, at most 64 KiB, credentials redacted
	Err        error           // why a 2xx body was refused, else nil
	ExistingID string          // a conflict's existing resource: the duplicate contact's id, when sent

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

// notFoundMessage reports whether an error message is one of the Session
// API backend's "not found" errors, which it answers with HTTP 500: "Session
// not found", "Active session not found", "Session not found or not active",
// and Mongoose's "Cast to ObjectId failed ..." for an id that cannot exist.
func notFoundMessage(msg string) bool {
	msg = strings.ToLower(strings.TrimSpace(msg))
	return strings.HasSuffix(msg, "not found") || strings.HasSuffix(msg, "not found or not active") ||
		strings.HasPrefix(msg, "cast to objectid failed")
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
	Success   jsontext.Value `json:"success"` // true or false; "true" and "false" are accepted
	ErrorCode jsontext.Value `json:"error_code"`
	Error     jsontext.Value `json:"error"`
	Message   jsontext.Value `json:"message"`
	Data      jsontext.Value `json:"data"`
	Errors    jsontext.Value `json:"errors"`

	ContactID         string `json:"contactId"`         // a duplicate contact's id
	ContactID2        string `json:"contact_id"`        // the same, snake_case
	ExistingContactID string `json:"existingContactId"` // the same, as some integrations name it
}

// parseErrorBody decodes an error body. It accepts every documented shape
// and a bare JSON string; for anything else it returns nil and the caller
// keeps the raw body.
func parseErrorBody(body []byte) *errorBody {
	switch first(body) {
	case '"':
		var s string
		if unmarshal(body, &s) != nil {
			return nil
		}
		msg, _ := jsontext.AppendQuote(nil, s)
		return &errorBody{Message: msg}
	case '{':
		var eb errorBody
		if unmarshal(body, &eb) != nil {
			return nil
		}
		return &eb
	}
	return nil
}

// status reports whether a 2xx body reports a failure: "success": false, or
// an error_code that is an error status (DM Champ answers a duplicate contact
// with HTTP 200 and error_code 409). A "success" that is neither true nor
// false is an error: the answer cannot be trusted either way.
func (eb *errorBody) status() (failed bool, err error) {
	switch v := strings.ToLower(strings.Trim(string(eb.Success), `"`)); {
	case len(eb.Success) == 0:
	case v == "false":
		return true, nil
	case v != "true":
		return false, errNotSuccess
	}
	return eb.code() >= 400, nil
}

func (eb *errorBody) code() int {
	raw := eb.ErrorCode
	switch raw.Kind() {
	case '0': // an integer, written 409, 409.0 or 4.09e2
		var n int
		if unmarshal(raw, &n) != nil {
			return 0
		}
		return n
	case '"':
		var s string
		if unmarshal(raw, &s) != nil {
			return 0
		}
		raw = jsontext.Value(strings.TrimSpace(s))
	default:
		return 0
	}
	if i, err := strconv.Atoi(string(raw)); err == nil {
		return i
	}
	return 0
}

func (eb *errorBody) message() string {
	msg := jsonString(eb.Message)
	errText := jsonString(eb.Error)
	if errText == "" && eb.Error.Kind() == '{' {
		// {"error": {"message": "..."}}
		var obj struct {
			Message string `json:"message"`
		}
		if unmarshal(eb.Error, &obj) == nil {
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
	for _, raw := range []jsontext.Value{eb.Data, eb.Errors, eb.Error} {
		switch raw.Kind() {
		case '{', '[':
			if s := string(raw); s != "{}" && s != "[]" {
				return json.RawMessage(bytes.Clone(raw))
			}
		}
	}
	return nil
}

// existingID returns the id of the existing resource the body names.
func (eb *errorBody) existingID() string {
	if id := cmp.Or(eb.ContactID, eb.ContactID2, eb.ExistingContactID); id != "" {
		return id
	}
	if eb.Data.Kind() == '{' {
		var inner errorBody
		if unmarshal(eb.Data, &inner) == nil {
			return cmp.Or(inner.ContactID, inner.ContactID2, inner.ExistingContactID)
		}
	}
	return ""
}

// failureIn returns b's error envelope when b is a JSON object reporting a
// failure.
func failureIn(b []byte) *errorBody {
	if first(b) != '{' {
		return nil
	}
	var eb errorBody
	if unmarshal(b, &eb) != nil {
		return nil
	}
	if failed, _ := eb.status(); !failed {
		return nil
	}
	return &eb
}

// jsonString returns raw as a string when it is a JSON string, else "".
func jsonString(raw jsontext.Value) string {
	var s string
	if raw.Kind() != '"' || unmarshal(raw, &s) != nil {
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

// apiError builds the error of a failed answer from its body (the head
// read, with the redactor's margin) and the body's error envelope.
func (cl *call) apiError(body []byte, eb *errorBody) *APIError {
	red := cl.red
	e := &APIError{
		StatusCode:        cl.status,
		Method:            cl.ep.method,
		Path:              red.String(cl.fullPath()),
		Attempts:          cl.attempts,
		Body:              red.head(body, maxErrorBody),
		notFoundByMessage: cl.ep.notFoundByMessage,
	}
	if cl.hasRetryAfter {
		e.RetryAfter = cl.retryAfter
	}
	if eb != nil {
		e.Code, e.Message, e.Details = eb.code(), red.String(eb.message()), red.Bytes(eb.details())
		if e.Is(ErrConflict) {
			e.ExistingID = red.String(eb.existingID())
		}
	}
	return e
}

// invalidResponse builds the error of a 2xx body that was refused. The
// reason may quote the body: it is redacted like the body.
func (cl *call) invalidResponse(body []byte, err error) *APIError {
	e := cl.apiError(body, nil)
	e.Err = cl.red.error(err)
	return e
}

func (cl *call) requestError(err error) *RequestError {
	return &RequestError{
		Method:   cl.ep.method,
		Path:     cl.red.String(cl.fullPath()),
		Attempts: cl.attempts,
		Err:      cl.red.error(err),
		text:     cl.red.String(transportText(err)),
	}
}
