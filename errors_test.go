package dmchamp

import (
	"errors"
	jsonv2 "github.com/go-json-experiment/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recentURL and recentQuery address ChatSessions.Recent with Hours 24.
const recentURL = testBaseURL + "/chat-sessions/recent"

var recentQuery = withKey(url.Values{"hours": {"24"}})

func callRecent(t *testing.T, c *Client) error {
	_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	return err
}

func TestErrorBodies(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		code    int
		message string
		details string
		target  error
		text    string // the full Error() text
	}{
		{
			name: "error_code and error", status: 400,
			body: `{"success":false,"error_code":400,"error":"Missing or invalid hours parameter"}`,
			code: 400, message: "Missing or invalid hours parameter", target: ErrBadRequest,
			text: "dmchamp: GET /v1/chat-sessions/recent: HTTP 400 Bad Request (error_code 400): Missing or invalid hours parameter",
		},
		{
			name: "bare JSON string", status: 401, body: `"Unauthorized: invalid API key"`,
			message: "Unauthorized: invalid API key", target: ErrUnauthorized,
			text: "dmchamp: GET /v1/chat-sessions/recent: HTTP 401 Unauthorized: Unauthorized: invalid API key",
		},
		{
			name: "success false and message", status: 404, body: `{"success":false,"message":"Contact not found"}`,
			message: "Contact not found", target: ErrNotFound,
		},
		{
			name: "error only", status: 400, body: `{"error":"phoneNumber or email is required"}`,
			message: "phoneNumber or email is required", target: ErrBadRequest,
		},
		{
			name: "message and error", status: 400, body: `{"success":false,"message":"Validation failed","error":"hours must be >= 1"}`,
			message: "Validation failed: hours must be >= 1", target: ErrBadRequest,
		},
		{
			name: "error object", status: 422, body: `{"error":{"message":"bad hours","field":"hours"}}`,
			message: "bad hours", details: `{"message":"bad hours","field":"hours"}`, target: ErrBadRequest,
		},
		{
			name: "error_code as string", status: 409, body: `{"success":false,"error_code":"409","error":"Contact already exists"}`,
			code: 409, message: "Contact already exists", target: ErrConflict,
		},
		{
			name: "error_code not a number", status: 500, body: `{"success":false,"error_code":"internal","error":"boom"}`,
			message: "boom", target: ErrServer,
		},
		{
			name: "html from a proxy", status: 502, body: "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>cloudflare</body></html>",
			target: ErrServer,
			text:   `dmchamp: GET /v1/chat-sessions/recent: HTTP 502 Bad Gateway: body "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>cloudflare</body></html>"`,
		},
		{
			name: "empty body", status: 503, body: "", target: ErrServer,
			text: "dmchamp: GET /v1/chat-sessions/recent: HTTP 503 Service Unavailable",
		},
		{
			name: "payment required", status: 402, body: `{"success":false,"error":"Insufficient credits"}`,
			message: "Insufficient credits", target: ErrPaymentRequired,
		},
		{
			name: "rate limited", status: 429, body: `{"success":false,"error":"Too many requests"}`,
			message: "Too many requests", target: ErrRateLimited,
		},
		{
			name: "JSON array", status: 400, body: `["hours is required"]`, target: ErrBadRequest,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t, WithRetryMax(0))
			mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, httpmock.NewStringResponder(tc.status, tc.body))

			err := callRecent(t, c)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, tc.message, apiErr.Message)
			if tc.details == "" {
				assert.Nil(t, apiErr.Details)
			} else {
				assert.JSONEq(t, tc.details, string(apiErr.Details))
			}
			assert.Equal(t, tc.body, string(apiErr.Body))
			assert.Equal(t, "/v1/chat-sessions/recent", apiErr.Path)
			assert.Equal(t, http.MethodGet, apiErr.Method)
			assert.ErrorIs(t, err, tc.target)
			assert.NotErrorIs(t, err, ErrInvalidResponse)
			if tc.text != "" {
				assert.Equal(t, tc.text, err.Error())
			}
		})
	}
}

func TestSuccessFalseOn200(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		jsonReply(200, `{"success":false,"error_code":409,"error":"Contact already exists"}`))

	err := callRecent(t, c)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 200, apiErr.StatusCode)
	assert.Equal(t, 409, apiErr.Code)
	assert.Equal(t, "Contact already exists", apiErr.Message)
	assert.ErrorIs(t, err, ErrConflict, "error_code 409 on HTTP 200 is a conflict")
	assert.NotErrorIs(t, err, ErrServer)
	assert.NotErrorIs(t, err, ErrInvalidResponse)
	assert.Equal(t, "dmchamp: GET /v1/chat-sessions/recent: HTTP 200 OK (error_code 409): Contact already exists", err.Error())
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestSuccessFalseOn200WithOddData(t *testing.T) {
	// "data" that cannot decode into the result still yields the server's error.
	c, mt := setup(t)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery,
		jsonReply(200, `{"success":false,"message":"Invalid input","data":{"sessions":"nope"}}`))

	err := callRecent(t, c)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Invalid input", apiErr.Message)
	assert.JSONEq(t, `{"sessions":"nope"}`, string(apiErr.Details))
	assert.NotErrorIs(t, err, ErrInvalidResponse)
}

func TestInvalid2xxBodies(t *testing.T) {
	cases := []struct {
		name  string
		body  string
		cause func(error) bool
	}{
		{"truncated", `{"success":true,"data":{"hours_ago":24,"sessions":[{"session_id":"a`, func(err error) bool {
			return errors.Is(err, io.ErrUnexpectedEOF)
		}},
		{"wrong types", `{"success":true,"data":{"hours_ago":"24"}}`, func(err error) bool {
			var se *jsonv2.SemanticError
			return errors.As(err, &se)
		}},
		{"html", `<html><body>OK</body></html>`, func(err error) bool { return errors.Is(err, errNotJSON) }},
		{"empty", ``, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"no data", `{"success":true}`, func(err error) bool { return errors.Is(err, errNoData) }},
		{"null data", `{"success":true,"data":null}`, func(err error) bool { return errors.Is(err, errNoData) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, jsonReply(200, tc.body))

			err := callRecent(t, c)
			assert.ErrorIs(t, err, ErrInvalidResponse)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 200, apiErr.StatusCode)
			assert.Equal(t, tc.body, string(apiErr.Body), "the body is kept for diagnosis")
			assert.True(t, tc.cause(err), "cause: %v", apiErr.Err)
			assert.True(t, strings.HasPrefix(err.Error(), "dmchamp: GET /v1/chat-sessions/recent: HTTP 200 OK: invalid response body: "), err.Error())
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a bad 2xx body is not retried")
		})
	}
}

func TestLargeErrorBodyIsCapped(t *testing.T) {
	c, mt := setup(t, WithRetryMax(0))
	big := strings.Repeat("x", 3*maxErrorBody)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, httpmock.NewStringResponder(500, big))

	err := callRecent(t, c)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Len(t, apiErr.Body, maxErrorBody)
	assert.Less(t, len(err.Error()), 300, "the message holds an excerpt only")
}

func TestAPIErrorIs(t *testing.T) {
	cases := []struct {
		err     *APIError
		matches []error
	}{
		{&APIError{StatusCode: 400}, []error{ErrBadRequest}},
		{&APIError{StatusCode: 422}, []error{ErrBadRequest}},
		{&APIError{StatusCode: 401}, []error{ErrUnauthorized}},
		{&APIError{StatusCode: 402}, []error{ErrPaymentRequired}},
		{&APIError{StatusCode: 403}, []error{ErrForbidden}},
		{&APIError{StatusCode: 404}, []error{ErrNotFound}},
		{&APIError{StatusCode: 410}, []error{ErrNotFound}},
		{&APIError{StatusCode: 409}, []error{ErrConflict}},
		{&APIError{StatusCode: 429}, []error{ErrRateLimited}},
		{&APIError{StatusCode: 500}, []error{ErrServer}},
		{&APIError{StatusCode: 503}, []error{ErrServer}},
		{&APIError{StatusCode: 200, Code: 409}, []error{ErrConflict}},
		{&APIError{StatusCode: 200, Code: 1001}, nil},
		{&APIError{StatusCode: 400, Code: 404}, []error{ErrBadRequest, ErrNotFound}},
		{&APIError{StatusCode: 200, Err: io.ErrUnexpectedEOF}, []error{ErrInvalidResponse}},
		{&APIError{StatusCode: 500, Message: "Session not found", notFoundByMessage: true}, []error{ErrServer, ErrNotFound}},
		{&APIError{StatusCode: 500, Message: "Session not found"}, []error{ErrServer}},
		{&APIError{StatusCode: 500, Message: "not found in cache, retry", notFoundByMessage: true}, []error{ErrServer}},
		{&APIError{StatusCode: 500, Message: "Session not found or not active", notFoundByMessage: true}, []error{ErrServer, ErrNotFound}},
	}
	for _, tc := range cases {
		for _, target := range sentinels {
			want := false
			for _, m := range tc.matches {
				want = want || m == target
			}
			assert.Equal(t, want, errors.Is(tc.err, target), "%+v is %v", tc.err, target)
		}
	}
}

func TestParseErrorBodyNeverPanics(t *testing.T) {
	for _, body := range []string{
		"", " ", "{", "[", `"`, `"unterminated`, "null", "42", "true", `{"error_code":null}`,
		`{"error_code":1e400}`, `{"error_code":12.5}`, `{"error_code":[1]}`, `{"error":[1,2]}`,
		`{"message":{"a":1}}`, `{"data":null,"errors":null}`, "\x00\xff",
	} {
		assert.NotPanics(t, func() { parseErrorBody([]byte(body)) }, body)
	}
	eb := parseErrorBody([]byte(`{"error_code":12.5,"message":{"a":1}}`))
	require.NotNil(t, eb)
	assert.Zero(t, eb.code())
	assert.Empty(t, eb.message())
	assert.Nil(t, eb.details())
}

func TestValidationErrorText(t *testing.T) {
	err := invalid("Hours", "must be at least 1, got %d", 0)
	assert.EqualError(t, err, "dmchamp: invalid Hours: must be at least 1, got 0")
}
