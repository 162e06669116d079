package dmchamp

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDoJSON(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    testBaseURL + "/contacts/lists/remove",
		query:  withKey(url.Values{"dryRun": {"true"}}),
		body:   `{"contactId":"aB3dE5fG7hJ9kL1mN2pQ","listId":"Lst8Hq2Wn4Xc6Vb1Mz3K"}`,
		header: noAuth,
	}, jsonReply(200, `{"success":true,"message":"Contact removed from list"}`))

	var out struct {
		Success bool   `json:"success"`
		Message string `json:"message"`
	}
	err := c.Do(t.Context(), &Request{
		Method: http.MethodPost,
		Path:   "/contacts/lists/remove",
		Query:  url.Values{"dryRun": {"true"}},
		Body:   map[string]string{"contactId": "aB3dE5fG7hJ9kL1mN2pQ", "listId": "Lst8Hq2Wn4Xc6Vb1Mz3K"},
	}, &out)
	require.NoError(t, err)
	assert.True(t, out.Success)
	assert.Equal(t, "Contact removed from list", out.Message)
}

func TestDoRawBytesAndPublic(t *testing.T) {
	c, mt := setupBare(t)
	html := "<!DOCTYPE html><html><body><div id=\"dmchamp-chat\"></div></body></html>"
	expect(t, mt, want{
		method: http.MethodGet,
		url:    testBaseURL + "/chat-widget/cfg%2F123",
		query:  url.Values{},
	}, httpmock.NewStringResponder(200, html))

	var page []byte
	err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/chat-widget/" + url.PathEscape("cfg/123"), Public: true}, &page)
	require.NoError(t, err)
	assert.Equal(t, html, string(page))
}

func TestDoNilOutAndEmptyBody(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponderWithQuery(http.MethodDelete, testBaseURL+"/contacts/lists", withKey(nil), httpmock.NewStringResponder(204, ""))
	require.NoError(t, c.Do(t.Context(), &Request{Method: http.MethodDelete, Path: "/contacts/lists"}, nil))

	var raw json.RawMessage
	require.NoError(t, c.Do(t.Context(), &Request{Method: http.MethodDelete, Path: "/contacts/lists"}, &raw))
	assert.Nil(t, raw, "an empty body leaves out untouched")
}

func TestDoSessionAPI(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    testSessionsURL + "/chatbots",
		query:  url.Values{"limit": {"5"}},
		header: bearer,
	}, jsonReply(200, `{"success":true,"data":{"results":[]}}`))

	var out map[string]any
	err := c.Do(t.Context(), &Request{Method: "get", Path: "/chatbots", Query: url.Values{"limit": {"5"}}, SessionAPI: true}, &out)
	require.NoError(t, err)
	assert.Equal(t, true, out["success"])
}

func TestDoErrors(t *testing.T) {
	t.Run("success false on 200", func(t *testing.T) {
		c, mt := setup(t)
		mt.RegisterResponderWithQuery(http.MethodPost, testBaseURL+"/appointments", withKey(nil),
			jsonReply(200, `{"success":false,"error_code":409,"error":"Slot taken"}`))
		var out map[string]any
		err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/appointments", Body: map[string]string{}}, &out)
		assert.ErrorIs(t, err, ErrConflict)
		assert.Nil(t, out)
		// Also with raw bytes and with no out.
		var raw []byte
		assert.ErrorIs(t, c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/appointments"}, &raw), ErrConflict)
		assert.ErrorIs(t, c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/appointments"}, nil), ErrConflict)
	})

	t.Run("error status", func(t *testing.T) {
		c, mt := setup(t)
		mt.RegisterResponderWithQuery(http.MethodGet, testBaseURL+"/contacts/messages/x", withKey(nil),
			jsonReply(404, `{"success":false,"message":"Contact not found"}`))
		err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/contacts/messages/x"}, nil)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "Contact not found", apiErr.Message)
		assert.Equal(t, "/v1/contacts/messages/x", apiErr.Path)
		assert.ErrorIs(t, err, ErrNotFound)
	})

	t.Run("undecodable body", func(t *testing.T) {
		c, mt := setup(t)
		mt.RegisterResponderWithQuery(http.MethodGet, testBaseURL+"/x", withKey(nil), jsonReply(200, `{"count":"many"}`))
		var out struct {
			Count int `json:"count"`
		}
		err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/x"}, &out)
		assert.ErrorIs(t, err, ErrInvalidResponse)
	})

	t.Run("retries follow the method", func(t *testing.T) {
		c, mt := setup(t)
		mt.RegisterResponderWithQuery(http.MethodGet, testBaseURL+"/x", withKey(nil), jsonReply(503, `{}`))
		mt.RegisterResponderWithQuery(http.MethodPost, testBaseURL+"/x", withKey(nil), jsonReply(503, `{}`))
		assert.ErrorIs(t, c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/x"}, nil), ErrServer)
		assert.ErrorIs(t, c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/x"}, nil), ErrServer)
		assert.Equal(t, 1+DefaultRetryMax+1, mt.GetTotalCallCount())
	})
}

func TestDoValidation(t *testing.T) {
	cases := []struct {
		req   *Request
		field string
	}{
		{nil, "request"},
		{&Request{Path: "/x"}, "Method"},
		{&Request{Method: "GET POST", Path: "/x"}, "Method"},
		{&Request{Method: http.MethodGet, Path: "x"}, "Path"},
		{&Request{Method: http.MethodGet, Path: ""}, "Path"},
		{&Request{Method: http.MethodGet, Path: "/x?apiKey=1"}, "Path"},
		{&Request{Method: http.MethodGet, Path: "/x#y"}, "Path"},
		{&Request{Method: http.MethodGet, Path: "/a/../otp"}, "Path"},
		{&Request{Method: http.MethodGet, Path: "/a/./b"}, "Path"},
		{&Request{Method: http.MethodGet, Path: "/.."}, "Path"},
		{&Request{Method: "GE(T", Path: "/x"}, "Method"},
		{&Request{Method: http.MethodGet, Path: "/x/%zz"}, "Path"},
		{&Request{Method: http.MethodGet, Path: "/x", Query: url.Values{"apiKey": {"other"}}}, "Query"},
	}
	for _, tc := range cases {
		c, mt := setup(t)
		err := c.Do(t.Context(), tc.req, nil)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%+v", tc.req)
		assert.Equal(t, tc.field, ve.Field)
		assert.Zero(t, mt.GetTotalCallCount())
	}

	c, mt := setupBare(t)
	err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/tags"}, nil)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve, "a non-public endpoint needs a credential")
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestDoRejectsBadOut(t *testing.T) {
	var nilBytes *[]byte
	var m map[string]any
	for _, out := range []any{nilBytes, m, struct{}{}, "x"} {
		c, mt := setup(t)
		err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/x"}, out)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%T", out)
		assert.Equal(t, "out", ve.Field)
		assert.Zero(t, mt.GetTotalCallCount(), "nothing is sent")
	}
}

func TestUnencodableBodyIsAValidationError(t *testing.T) {
	c, mt := setup(t)
	_, err := c.Sessions.Update(t.Context(), sessionID, &UpdateSessionRequest{Metadata: map[string]any{"x": math.Inf(1)}})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "request", ve.Field)
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestBodyTooLarge(t *testing.T) {
	c, mt := setup(t, WithMaxResponseSize(1<<20))
	mt.RegisterResponderWithQuery(http.MethodGet, testBaseURL+"/tags", withKey(nil), func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, ContentLength: 40 << 20, Body: io.NopCloser(strings.NewReader("[]")), Header: http.Header{}}, nil
	})
	_, err := c.Tags.List(t.Context())
	assert.ErrorIs(t, err, ErrInvalidResponse, "an announced length over the limit")
	assert.ErrorAs(t, err, new(errTooLarge))

	mt.RegisterResponderWithQuery(http.MethodGet, testBaseURL+"/tags", withKey(nil), func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, ContentLength: -1, Body: io.NopCloser(io.MultiReader(strings.NewReader("["), zeros{})), Header: http.Header{}}, nil
	})
	_, err = c.Tags.List(t.Context())
	assert.ErrorIs(t, err, ErrInvalidResponse, "an unannounced body over the limit")
	assert.ErrorAs(t, err, new(errTooLarge))
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestDoRejectsEscapedDotSegments(t *testing.T) {
	c, mt := setup(t)
	for _, path := range []string{"/contacts/%2e%2e/admin", "/a/%2E.", "/a/.%2e/b", "/%2e", "/a/..%2Fb", "/a/x%2F..%2Fy", "/a/%2e%2E%2fadmin"} {
		err := c.Do(t.Context(), &Request{Method: "GET", Path: path}, nil)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, path)
		assert.Equal(t, "Path", ve.Field, path)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestDoDecodesTopLevelArrays(t *testing.T) {
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodGet, testBaseURL+"/contacts/messages/c1",
		jsonReply(200, `[{"body":"Hola","direction":"inbound"},{"body":"Hi!","direction":"outbound"}]`))
	var list []struct {
		Body      string           `json:"body"`
		Direction MessageDirection `json:"direction"`
	}
	require.NoError(t, c.Do(t.Context(), &Request{Method: "GET", Path: "/contacts/messages/c1"}, &list))
	require.Len(t, list, 2)
	assert.Equal(t, DirectionOutbound, list[1].Direction)

	var raw json.RawMessage
	require.NoError(t, c.Do(t.Context(), &Request{Method: "GET", Path: "/contacts/messages/c1"}, &raw))
	assert.JSONEq(t, `[{"body":"Hola","direction":"inbound"},{"body":"Hi!","direction":"outbound"}]`, string(raw))

	var wrong map[string]any
	err := c.Do(t.Context(), &Request{Method: "GET", Path: "/contacts/messages/c1"}, &wrong)
	assert.ErrorIs(t, err, ErrInvalidResponse, "an array is not an object")
}

func TestDoRejectsTheClientsCredentialParameter(t *testing.T) {
	c, mt := setupBare(t, WithUserID(testUserID))
	err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x", Query: url.Values{"userId": {"other"}}}, nil)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "Query", ve.Field)
	assert.Zero(t, mt.GetTotalCallCount())
}

// Typed methods reject ids that are blank, not only empty.
func TestBlankIDsAreRefused(t *testing.T) {
	c, mt := setup(t)
	for _, id := range []string{" ", "\t", " \n "} {
		_, err := c.ChatSessions.ForContact(t.Context(), id, nil)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "contactID", ve.Field)
		_, err = c.Sessions.Get(t.Context(), id)
		require.ErrorAs(t, err, &ve)
		_, err = c.Contacts.Tags(t.Context(), id)
		require.ErrorAs(t, err, &ve)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}
