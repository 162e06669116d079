package dmchamp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ceURL = testBaseURL + "/chat-exports/recent"

// ceRecentExports is what the recent_* fixtures hold, wherever they put it.
var ceRecentExports = []ChatExport{
	{
		ContactID:    "aB3dE5fG7hJ9kL1mN2pQ",
		ContactName:  "Maria Gonzalez",
		PhoneNumber:  "+34612345678",
		Email:        "maria.gonzalez@example.com",
		MessageCount: 4,
		Text: "Chat with Maria Gonzalez (+34612345678)\n" +
			"Email: maria.gonzalez@example.com\n" +
			"Messages: 4\n" +
			"\n" +
			"[2026-11-20 09:14:03] Maria Gonzalez: Hola, quería pedir cita para una limpieza dental\n" +
			"[2026-11-20 09:14:09] AI Agent: ¡Hola Maria! Claro. Tenemos huecos el jueves a las 10:00 o el viernes a las 16:30. ¿Cuál te viene mejor?\n" +
			"[2026-11-20 09:15:21] Maria Gonzalez: El jueves a las 10 perfecto\n" +
			"[2026-11-20 09:15:26] AI Agent: [Tool: book_appointment] Reservado: jueves 26/11 a las 10:00. ¡Hasta el jueves!\n",
	},
	{
		ContactID:    "xY8wV6uT4sR2qP0oN9mL",
		ContactName:  "James O'Connor",
		PhoneNumber:  "+447700900123",
		Email:        "unknown@unknown.com",
		MessageCount: 3,
		Text: "Chat with James O'Connor (+447700900123)\n" +
			"Email: unknown@unknown.com\n" +
			"Messages: 3\n" +
			"\n" +
			"[2026-11-20 17:02:44] James O'Connor: Hi, do you do teeth whitening? How much is it?\n" +
			"[2026-11-20 17:02:51] AI Agent: Hi James! In-chair whitening is £295 and take-home trays are £190. Would you like a free consultation?\n" +
			"[2026-11-20 17:05:10] James O'Connor: Maybe next week, thanks \"for now\"\n",
	},
}

func TestChatExportsRecent(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ceURL,
		query:  withKey(url.Values{"hours": {"24"}}), // no format, limit or filter
		header: noAuth,
	}, reply(t, 200, "chatexports/recent_data_array.json"))

	got, err := c.ChatExports.Recent(t.Context(), &ChatExportOptions{Hours: 24})
	require.NoError(t, err)
	assert.Equal(t, ceRecentExports, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

// TestChatExportsDecode decodes the answers of Recent as the request path
// does: the exports are found wherever the answer puts them.
func TestChatExportsDecode(t *testing.T) {
	one := `[{"contactId":"cD4eF6gH8iJ0kL2mN4oP","contactName":"Priya Raman","phoneNumber":"+919876543210",` +
		`"email":"priya.r@example.in","messageCount":1,"chatExport":"[2026-11-21 06:30:00] Priya Raman: Hello\n"}]`
	other := `[{"contactId":"xY8wV6uT4sR2qP0oN9mL"}]`
	wantOne := []ChatExport{{
		ContactID: "cD4eF6gH8iJ0kL2mN4oP", ContactName: "Priya Raman", PhoneNumber: "+919876543210",
		Email: "priya.r@example.in", MessageCount: 1, Text: "[2026-11-21 06:30:00] Priya Raman: Hello\n",
	}}
	f := func(name string) string { return string(fixture(t, name)) }
	cases := []struct {
		name string
		json string
		want []ChatExport
	}{
		{"data is the list", f("chatexports/recent_data_array.json"), ceRecentExports},
		{"data.exports", f("chatexports/recent_data_exports.json"), ceRecentExports},
		{"data.chats beside a non-list contacts count", f("chatexports/recent_data_chats.json"), ceRecentExports},
		{"top-level exports", f("chatexports/recent_top_exports.json"), ceRecentExports},
		{"data.chatExports", `{"success":true,"data":{"chatExports":` + one + `}}`, wantOne},
		{"data.contacts", `{"success":true,"data":{"total":1,"contacts":` + one + `}}`, wantOne},
		{"top-level results", `{"success":true,"results":` + one + `}`, wantOne},
		{"data before top level", `{"success":true,"exports":` + other + `,"data":{"results":` + one + `}}`, wantOne},
		{"data object without list, top level", `{"success":true,"data":{"hours":24},"chats":` + one + `}`, wantOne},
		{"data null, top level", `{"success":true,"data":null,"chatExports":` + one + `}`, wantOne},
		{"exports before chats", `{"success":true,"data":{"chats":` + other + `,"exports":` + one + `}}`, wantOne},
		{"data list wins over other lists", `{"success":true,"exports":` + other + `,"data":` + one + `}`, wantOne},
		{"non-list exports skipped for results", `{"success":true,"data":{"exports":{"count":1},"results":` + one + `}}`, wantOne},
		{"empty list", `{"success":true,"data":[]}`, []ChatExport{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got chatExports
			failed, err := decodeAnswer([]byte(tc.json), epChatExportsRecent.shape, &got)
			require.NoError(t, err)
			assert.Nil(t, failed)
			assert.Equal(t, tc.want, []ChatExport(got))
		})
	}

	// Answers without a list of exports are refused.
	refused := map[string]string{
		"fixture":           f("chatexports/recent_no_list.json"),
		"only success":      `{"success":true}`,
		"exports not list":  `{"success":true,"data":{"exports":"none"}}`,
		"data is a string":  `{"success":true,"data":"No chats found"}`,
		"bare array":        `[{"contactId":"aB3dE5fG7hJ9kL1mN2pQ"}]`,
		"not JSON":          `<html>Service temporarily unavailable</html>`,
		"list of non-items": `{"success":true,"data":["aB3dE5fG7hJ9kL1mN2pQ"]}`,
	}
	for name, body := range refused {
		var got chatExports
		failed, err := decodeAnswer([]byte(body), epChatExportsRecent.shape, &got)
		assert.Error(t, err, name)
		assert.Nil(t, failed, name)
	}
}

func TestChatExportsRecentAllOptions(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ceURL,
		query:  withKey(url.Values{"hours": {"24"}, "limit": {"10"}, "filter": {"media"}}),
		header: noAuth,
	}, reply(t, 200, "chatexports/recent_media.json"))

	got, err := c.ChatExports.Recent(t.Context(), &ChatExportOptions{Hours: 24, Limit: 10, Filter: ChatExportMedia})
	require.NoError(t, err)
	assert.Equal(t, []ChatExport{{
		ContactID:    "cD4eF6gH8iJ0kL2mN4oP",
		ContactName:  "Priya Raman",
		PhoneNumber:  "+919876543210",
		Email:        "priya.r@example.in",
		MessageCount: 2,
		Text: "Chat with Priya Raman (+919876543210)\n" +
			"Email: priya.r@example.in\n" +
			"Messages: 2\n" +
			"\n" +
			"[2026-11-21 06:30:00] Priya Raman: [image] https://media.dmchamp.test/Fh1Jk3Lm5Np7Qr9St2Uv/IMG-20261121-WA0003.jpg\n" +
			"[2026-11-21 06:31:12] AI Agent: [document] https://media.dmchamp.test/Fh1Jk3Lm5Np7Qr9St2Uv/price-list-2026.pdf\n",
	}}, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestChatExportsRecentFilters(t *testing.T) {
	cases := []struct {
		filter ChatExportFilter
		sent   string
	}{
		{ChatExportAll, "all"},
		{ChatExportMedia, "media"},
		{ChatExportToolUse, "tool_use"},
		{ChatExportText, "text"},
	}
	for _, tc := range cases {
		t.Run(tc.sent, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodGet,
				url:    ceURL,
				query:  withKey(url.Values{"hours": {"12"}, "filter": {tc.sent}}),
			}, jsonReply(200, `{"success":true,"data":[]}`))

			got, err := c.ChatExports.Recent(t.Context(), &ChatExportOptions{Hours: 12, Filter: tc.filter})
			require.NoError(t, err)
			assert.Equal(t, []ChatExport{}, got)
			assert.Equal(t, 1, mt.GetTotalCallCount())

			// The same value for the text export, beside format=txt.
			c, mt = setup(t)
			expect(t, mt, want{
				method: http.MethodGet,
				url:    ceURL,
				query:  withKey(url.Values{"hours": {"12"}, "filter": {tc.sent}, "format": {"txt"}}),
			}, httpmock.NewStringResponder(200, "DM Champ chat export\nContacts: 0\n"))

			rc, err := c.ChatExports.RecentText(t.Context(), &ChatExportOptions{Hours: 12, Filter: tc.filter})
			require.NoError(t, err)
			b, err := io.ReadAll(rc)
			require.NoError(t, err)
			require.NoError(t, rc.Close())
			assert.Equal(t, "DM Champ chat export\nContacts: 0\n", string(b))
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestChatExportsRecentNoListSentinel(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodGet, url: ceURL, query: withKey(url.Values{"hours": {"24"}})},
		reply(t, 200, "chatexports/recent_no_list.json"))

	got, err := c.ChatExports.Recent(t.Context(), &ChatExportOptions{Hours: 24})
	assert.Nil(t, got)
	assert.ErrorIs(t, err, errNoExports)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 200, apiErr.StatusCode)
	assert.Equal(t, "/v1/chat-exports/recent", apiErr.Path)
	assert.Equal(t, string(fixture(t, "chatexports/recent_no_list.json")), string(apiErr.Body))
	onlySentinel(t, err, ErrInvalidResponse)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "a 2xx is not retried")
}

// ceTextReply answers with a text/plain attachment, as format=txt does.
func ceTextReply(body string) httpmock.Responder {
	return httpmock.NewStringResponder(200, body).HeaderSet(http.Header{
		"Content-Type":        {"text/plain; charset=utf-8"},
		"Content-Disposition": {`attachment; filename="chat-export-24h-2026-11-21.txt"`},
	})
}

func TestChatExportsRecentText(t *testing.T) {
	text := fixture(t, "chatexports/recent.txt")
	require.Contains(t, string(text), "James O'Connor: Maybe next week")

	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ceURL,
		query:  withKey(url.Values{"hours": {"24"}, "format": {"txt"}}),
		header: noAuth,
	}, ceTextReply(string(text)))

	rc, err := c.ChatExports.RecentText(t.Context(), &ChatExportOptions{Hours: 24})
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	assert.Equal(t, string(text), string(got))
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestChatExportsRecentTextAllOptions(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    ceURL,
		query:  withKey(url.Values{"hours": {"48"}, "limit": {"10"}, "filter": {"tool_use"}, "format": {"txt"}}),
	}, ceTextReply("DM Champ chat export\nContacts: 0\n"))

	opts := &ChatExportOptions{Hours: 48, Limit: 10, Filter: ChatExportToolUse}
	rc, err := c.ChatExports.RecentText(t.Context(), opts)
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	assert.Equal(t, "DM Champ chat export\nContacts: 0\n", string(got))
	assert.Equal(t, &ChatExportOptions{Hours: 48, Limit: 10, Filter: ChatExportToolUse}, opts, "options are not modified")
}

// trackedBody is a response body that records how much was read from it
// and how often it was closed.
type trackedBody struct {
	r      io.Reader
	read   atomic.Int64
	closed atomic.Int32
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

func (b *trackedBody) Close() error {
	b.closed.Add(1)
	return nil
}

// ceLargeExport returns an export of at least size bytes.
func ceLargeExport(size int) []byte {
	var buf bytes.Buffer
	buf.WriteString("DM Champ chat export\nPeriod: last 720 hours\n\n")
	for i := 0; buf.Len() < size; i++ {
		fmt.Fprintf(&buf, "[2026-11-%02d %02d:%02d:%02d] Contact %05d (+3461%07d): Hola, ¿tenéis cita disponible esta semana? Mensaje número %d\n",
			1+i%20, i%24, i%60, (i*7)%60, i%900, i, i)
	}
	return buf.Bytes()
}

// trackedReply answers 200 with body, once, streamed.
func trackedReply(body *trackedBody, contentType string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		return &http.Response{
			Status:        "200 OK",
			StatusCode:    200,
			Proto:         "HTTP/1.1",
			ProtoMajor:    1,
			ProtoMinor:    1,
			Header:        http.Header{"Content-Type": {contentType}},
			Body:          body,
			ContentLength: -1,
			Request:       req,
		}, nil
	}
}

func TestChatExportsRecentTextLargeBodyStreams(t *testing.T) {
	want2MB := ceLargeExport(2 << 20)
	require.Greater(t, len(want2MB), 2<<20-1)
	body := &trackedBody{r: bytes.NewReader(want2MB)}

	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodGet, url: ceURL, query: withKey(url.Values{"hours": {"720"}, "format": {"txt"}})},
		trackedReply(body, "text/plain; charset=utf-8"))

	rc, err := c.ChatExports.RecentText(t.Context(), &ChatExportOptions{Hours: 720})
	require.NoError(t, err)
	assert.Zero(t, body.read.Load(), "nothing is read before the caller reads")

	// Read in small pieces, as a caller copying to a file would.
	var got bytes.Buffer
	n, err := io.CopyBuffer(&got, rc, make([]byte, 4096))
	require.NoError(t, err)
	assert.Equal(t, int64(len(want2MB)), n)
	assert.True(t, bytes.Equal(want2MB, got.Bytes()), "streamed body differs from the one sent")
	assert.Zero(t, body.closed.Load())

	require.NoError(t, rc.Close())
	assert.Equal(t, int32(1), body.closed.Load())
	assert.Equal(t, int64(len(want2MB)), body.read.Load())
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestChatExportsRecentTextCloseBeforeEnd(t *testing.T) {
	export := ceLargeExport(2 << 20)
	body := &trackedBody{r: bytes.NewReader(export)}

	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodGet, url: ceURL, query: withKey(url.Values{"hours": {"24"}, "format": {"txt"}})},
		trackedReply(body, "text/plain; charset=utf-8"))

	rc, err := c.ChatExports.RecentText(t.Context(), &ChatExportOptions{Hours: 24})
	require.NoError(t, err)
	head := make([]byte, 100)
	_, err = io.ReadFull(rc, head)
	require.NoError(t, err)
	assert.Equal(t, export[:100], head)

	require.NoError(t, rc.Close())
	assert.Equal(t, int32(1), body.closed.Load(), "the body is closed")
	// Close drains a bounded amount for connection reuse, never the whole 2 MB.
	assert.Equal(t, int64(100+maxDrain), body.read.Load())
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestChatExportsRecentTextCloseWithoutReading(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodGet, url: ceURL, query: withKey(url.Values{"hours": {"24"}, "format": {"txt"}})},
		ceTextReply(string(fixture(t, "chatexports/recent.txt"))))

	rc, err := c.ChatExports.RecentText(t.Context(), &ChatExportOptions{Hours: 24})
	require.NoError(t, err)
	assert.NoError(t, rc.Close())
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestChatExportsRecentTextFailure(t *testing.T) {
	// The error comes from RecentText, not from a later Read.
	cases := []struct {
		resp   httpmock.Responder
		status int
		target error
	}{
		{jsonReply(200, `{"success":false,"error_code":402,"error":"Insufficient credits for export"}`), 200, ErrPaymentRequired},
		{reply(t, 401, "chatexports/error_401.json"), 401, ErrUnauthorized},
	}
	for _, tc := range cases {
		c, mt := setup(t)
		expect(t, mt, want{method: http.MethodGet, url: ceURL, query: withKey(url.Values{"hours": {"24"}, "format": {"txt"}})}, tc.resp)
		body, err := c.ChatExports.RecentText(t.Context(), &ChatExportOptions{Hours: 24})
		assert.Nil(t, body)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, tc.status, apiErr.StatusCode)
		assert.ErrorIs(t, err, tc.target)
	}
}

func TestChatExportsRecentTextJSONBodyIsStreamed(t *testing.T) {
	// A JSON answer that is not a failure is handed over whole.
	c, mt := setup(t)
	body := `{"success":true,"note":"` + strings.Repeat("x", 3*maxErrorBody) + `"}`
	expect(t, mt, want{
		method: http.MethodGet,
		url:    testBaseURL + "/chat-exports/recent",
		query:  withKey(url.Values{"hours": {"24"}, "format": {"txt"}}),
	}, jsonReply(200, body))

	rc, err := c.ChatExports.RecentText(t.Context(), &ChatExportOptions{Hours: 24})
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	assert.Equal(t, body, string(got))
}

// Calls of invalidCalls.
func chatExportsRecent(o *ChatExportOptions) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.ChatExports.Recent(ctx, o)) }
}

func chatExportsRecentText(o *ChatExportOptions) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.ChatExports.RecentText(ctx, o)) }
}
