package dmchamp

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
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

// TestDecodePathsAgree checks that a body decoded whole and the same body
// decoded as it streams give the same result or the same failure.
func TestDecodePathsAgree(t *testing.T) {
	for name, body := range envelopeBodies {
		t.Run(name, func(t *testing.T) {
			var whole, streamed RecentChatSessions
			wholeFailed, wholeErr := decodeAnswer([]byte(body), inData, &whole)
			streamFailed, streamErr := decodeStream(strings.NewReader(body), &streamed)
			assert.Equal(t, whole, streamed)
			// Both succeed or both fail; a failure the body reports may
			// show as a decoding error when it streams.
			require.Equal(t, wholeErr == nil && wholeFailed == nil, streamErr == nil && streamFailed == nil,
				"whole: %v %v\nstreamed: %v %v", wholeFailed, wholeErr, streamFailed, streamErr)
			if wholeFailed != nil && streamFailed != nil {
				assert.Equal(t, wholeFailed.code(), streamFailed.code())
				assert.Equal(t, wholeFailed.message(), streamFailed.message())
			}
		})
	}
}

// TestLargeBodyStreams sends an answer over maxWholeBody, of unknown length:
// it is decoded as it streams in, to the same result as decoded whole.
func TestLargeBodyStreams(t *testing.T) {
	body := repeatSessions(t, maxWholeBody*3/2)
	var want RecentChatSessions
	failed, err := decodeAnswer(body, inData, &want)
	require.NoError(t, err)
	require.Nil(t, failed)

	c, mt := setup(t)
	mt.RegisterResponderWithQuery(http.MethodGet, recentURL, recentQuery, func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, ContentLength: -1, Header: http.Header{},
			Body: io.NopCloser(bytes.NewReader(body))}, nil
	})
	got, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	assert.Equal(t, &want, got)
	assert.Greater(t, len(got.Sessions), 150)
}

// repeatSessions returns a Recent answer of at least n bytes, repeating the
// sessions of the large fixture.
func repeatSessions(t *testing.T, n int) []byte {
	var env struct {
		Data struct {
			Sessions []jsontext.Value `json:"sessions"`
		} `json:"data"`
	}
	require.NoError(t, unmarshal(fixture(t, "chatsessions/recent_messages_large.json"), &env))
	var b bytes.Buffer
	b.WriteString(`{"success":true,"data":{"hours_ago":24,"sessions":[`)
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(env.Data.Sessions[i%len(env.Data.Sessions)])
	}
	b.WriteString(`],"total_sessions":1}}`)
	return b.Bytes()
}

// TestDecodeWhatTheDocumentAllows decodes bodies that JSON and the published
// document allow but encoding/json's defaults refuse or misread.
func TestDecodeWhatTheDocumentAllows(t *testing.T) {
	type session = RecentChatSession
	cases := []struct {
		name string
		body string
		want session
	}{
		{"lowercase t and z", `{"start_date_time":"2026-11-20t09:14:03.118z"}`,
			session{StartDateTime: ts("2026-11-20T09:14:03.118Z")}},
		{"offset", `{"start_date_time":"2026-11-20T10:14:03+01:00"}`,
			session{StartDateTime: ts("2026-11-20T10:14:03+01:00")}},
		{"leap second", `{"start_date_time":"2016-12-31T23:59:60Z"}`,
			session{StartDateTime: ts("2017-01-01T00:00:00Z")}},
		{"leap second in another offset", `{"start_date_time":"2017-01-01T00:59:60+01:00"}`,
			session{StartDateTime: ts("2017-01-01T00:00:00Z")}},
		{"escaped timestamp", `{"start_date_time":"2026-11-20T09:14:03\u005a"}`,
			session{StartDateTime: ts("2026-11-20T09:14:03Z")}},
		{"key differing by case is ignored", `{"status":"ChatSessionOpened","Status":"ChatSessionClosed"}`,
			session{Status: ChatSessionOpened}},
		{"key differing by case alone is ignored", `{"Status":"ChatSessionClosed","SESSION_ID":"x"}`,
			session{}},
		{"repeated key: the last wins", `{"session_id":"a","session_id":"b"}`,
			session{SessionID: "b"}},
		{"invalid UTF-8 is replaced", "{\"contact_name\":\"Mar\xffa\"}",
			session{ContactName: "Mar\ufffda"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got session
			require.NoError(t, unmarshal([]byte(tc.body), &got))
			assert.True(t, tc.want.StartDateTime.Equal(got.StartDateTime), "%v", got.StartDateTime)
			got.StartDateTime, tc.want.StartDateTime = time.Time{}, time.Time{}
			assert.Equal(t, tc.want, got)
		})
	}

	ints := []struct {
		body string
		want int
	}{{`{"hours_ago":24}`, 24}, {`{"hours_ago":24.0}`, 24}, {`{"hours_ago":2.4e1}`, 24}, {`{"hours_ago":240E-1}`, 24}, {`{"hours_ago":-0.0}`, 0}}
	for _, tc := range ints {
		var got RecentChatSessions
		require.NoError(t, unmarshal([]byte(tc.body), &got), tc.body)
		assert.Equal(t, tc.want, got.HoursAgo, tc.body)
	}

	// The envelope: the exact key wins.
	var out RecentChatSessions
	failed, err := decodeAnswer([]byte(`{"Success":false,"success":true,"Data":{"hours_ago":1},"data":{"hours_ago":2}}`), inData, &out)
	require.NoError(t, err)
	assert.Nil(t, failed)
	assert.Equal(t, 2, out.HoursAgo)
	_, err = decodeAnswer([]byte(`{"success":true,"Data":{"hours_ago":1}}`), inData, &out)
	assert.ErrorIs(t, err, errNoData, `"Data" is not "data"`)
}

func TestDecodeRefuses(t *testing.T) {
	for _, body := range []string{
		`{"start_date_time":""}`,                     // chat-session times are strict
		`{"start_date_time":"2026-11-20 09:14:03Z"}`, // not RFC 3339
		`{"start_date_time":"2026-11-20T12:30:60Z"}`, // second 60 that is no leap second
		`{"start_date_time":1700000000}`,             // not a string
		`{"hours_ago":1.5}`,                          // not an integer
		`{"hours_ago":1e400}`,                        // out of range
		`{"hours_ago":9223372036854775808}`,          // out of range
		`{"hours_ago":"24"}`,                         // a string
		`{"hours_ago":true}`,
	} {
		var got RecentChatSessions
		var s RecentChatSession
		err := unmarshal([]byte(body), &got)
		if strings.Contains(body, "start_date_time") {
			err = unmarshal([]byte(body), &s)
		}
		assert.Error(t, err, body)
	}
	var n struct {
		N int `json:"n"`
	}
	require.NoError(t, unmarshal([]byte(`{"n":null}`), &n))
	assert.Zero(t, n.N)
}

// TestHasResult checks which answers show a side-effecting call's result.
func TestHasResult(t *testing.T) {
	keys := []string{"_id", "uid"}
	tests := []struct {
		body   string
		inData bool
		want   bool
	}{
		{`{"success":true,"data":{"_id":"s1"}}`, true, true},
		{`{"data":{"title":"t","uid":"u1"},"success":true}`, true, true},
		{`{"success":true,"data":{"_id":null}}`, true, false},
		{`{"success":true,"data":{"nested":{"_id":"s1"}}}`, true, false},
		{`{"success":true,"_id":"s1"}`, true, false},
		{`{"success":true,"data":null}`, true, false},
		{`{"success":true,"data":["_id"]}`, true, false},
		{`{"data":{"_id":"s1"},"data":{}}`, true, false},
		{`{"data":{},"data":{"_id":"s1"}}`, true, true},
		{`{"\u0064ata":{"\u005fid":"s1"}}`, true, true},
		{`{"success":true,"data":{"_id":"s1"}`, true, false},
		{`{"_id":"s1","success":true}`, false, true},
		{`{"success":true,"data":{"_id":"s1"}}`, false, false},
		{`{"uid":null}`, false, false},
		{`["_id"]`, false, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, hasResult([]byte(tt.body), tt.inData, keys), "%s (inData %v)", tt.body, tt.inData)
	}
}
