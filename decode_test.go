package dmchamp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// envelopeBodies are {success, data} answers of every kind, valid or not.
var envelopeBodies = map[string]string{
	"valid":            `{"success":true,"data":{"hours_ago":2,"total_sessions":1,"sessions":[{"session_id":"s1","status":"ChatSessionOpened","messages":[{"id":"m1","direction":"inbound","timestamp":null}]}]}}`,
	"keys in any case": `{"Success":true,"data":{"HOURS_AGO":2,"Sessions":[{"session_id":"s1"}],"extra":[1,2]}}`,
	"data first":       `{"data":{"sessions":[]},"success":true,"message":"ok"}`,
	"null list":        `{"success":true,"data":{"sessions":null}}`,
	"empty data":       `{"success":true,"data":{}}`,
	"success false":    `{"success":false,"error_code":409,"error":"Contact already exists"}`,
	"error code only":  `{"error_code":"403","error":"Forbidden"}`,
	"odd data":         `{"data":{"sessions":"nope"},"success":false,"message":"Invalid input"}`,
	"no data":          `{"success":true}`,
	"null data":        `{"success":true,"data":null}`,
	"list for object":  `{"success":true,"data":[]}`,
	"wrong types":      `{"success":true,"data":{"hours_ago":"2"}}`,
	"wrong element":    `{"success":true,"data":{"sessions":[1]}}`,
	"truncated":        `{"success":true,"data":{"sessions":[{"session_id":"s`,
	"trailing garbage": `{"success":true,"data":{"sessions":[]}}xyz`,
	"html":             `<html><body>OK</body></html>`,
	"empty":            ``,
	"bare array":       `[{"session_id":"s1"}]`,
	"string":           `"Unauthorized"`,
}

// TestDecodePathsAgree checks that a body decoded whole (its length
// announced) and the same body streamed (length unknown) give the same
// result or the same error.
func TestDecodePathsAgree(t *testing.T) {
	for name, body := range envelopeBodies {
		t.Run(name, func(t *testing.T) {
			whole, wholeErr := recentWith(t, body, true)
			streamed, streamErr := recentWith(t, body, false)
			assert.Equal(t, whole, streamed)
			require.Equal(t, wholeErr == nil, streamErr == nil, "whole: %v\nstreamed: %v", wholeErr, streamErr)
			if wholeErr == nil {
				return
			}
			var we, se *APIError
			require.ErrorAs(t, wholeErr, &we)
			require.ErrorAs(t, streamErr, &se)
			assert.Equal(t, we.StatusCode, se.StatusCode)
			assert.Equal(t, we.Code, se.Code)
			assert.Equal(t, we.Message, se.Message)
			assert.Equal(t, we.Details, se.Details)
			assert.Equal(t, we.Body, se.Body)
			assert.Equal(t, errors.Is(wholeErr, ErrInvalidResponse), errors.Is(streamErr, ErrInvalidResponse))
			for _, s := range sentinels {
				assert.Equal(t, errors.Is(wholeErr, s), errors.Is(streamErr, s), "%v", s)
			}
		})
	}
}

func recentWith(t *testing.T, body string, announced bool) (*RecentChatSessions, error) {
	t.Helper()
	c, mt := setup(t)
	resp := httpmock.NewStringResponder(200, body)
	if announced {
		resp = resp.SetContentLength()
	}
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, resp)
	got, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	assert.Equal(t, 1, mt.GetTotalCallCount())
	return got, err
}

func TestDecodeLargeAnnouncedBodyStreams(t *testing.T) {
	// An announced length beyond what can be read whole: only the streaming
	// path decodes it (the whole path refuses it before reading).
	large := fixture(t, "chatsessions/recent_messages_large.json")
	c, mt := setup(t)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, ContentLength: maxFlatBody + 1, Header: http.Header{},
			Body: io.NopCloser(bytes.NewReader(large))}, nil
	})
	got, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	assert.Len(t, got.Sessions, 150)
}

func TestReadBody(t *testing.T) {
	b, err := readBody(strings.NewReader("abcdef"), 6)
	require.NoError(t, err)
	assert.Equal(t, "abcdef", string(b))

	b, err = readBody(strings.NewReader("abc"), 6)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, "abc", string(b), "what was read is kept")

	b, err = readBody(strings.NewReader("abc"), -1)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(b))
}

func TestStreamingLeavesUnsupportedStructsToEncodingJSON(t *testing.T) {
	type inner struct{ A int }
	type withEmbedded struct {
		inner
		B []int `json:"b"`
	}
	type withString struct {
		N int   `json:"n,string"`
		L []int `json:"l"`
	}
	assert.False(t, streamable(reflect.TypeFor[withEmbedded]()))
	assert.False(t, streamable(reflect.TypeFor[withString]()))
	assert.True(t, streamable(reflect.TypeFor[RecentChatSessions]()))
	assert.False(t, streamable(reflect.TypeFor[Session]()), "its own UnmarshalJSON")

	body := `{"success":true,"data":{"A":1,"b":[2],"n":"3","l":[4]}}`
	var e withEmbedded
	found, err := decodeEnvelope(json.NewDecoder(strings.NewReader(body)), &e, &errorBody{})
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, withEmbedded{inner{1}, []int{2}}, e)

	var s withString
	found, err = decodeEnvelope(json.NewDecoder(strings.NewReader(body)), &s, &errorBody{})
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, withString{3, []int{4}}, s)
}
