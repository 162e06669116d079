package dmchamp

import (
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// ChatExportsService exports the conversations of recently active contacts.
type ChatExportsService struct {
	client *Client
}

// ChatExportFilter selects the messages of an export.
type ChatExportFilter string

// Chat export filters.
const (
	ChatExportAll     ChatExportFilter = "all"      // every message
	ChatExportMedia   ChatExportFilter = "media"    // messages with media
	ChatExportToolUse ChatExportFilter = "tool_use" // tool use and AI actions
	ChatExportText    ChatExportFilter = "text"     // plain text only
)

func (f ChatExportFilter) valid() bool {
	switch f {
	case ChatExportAll, ChatExportMedia, ChatExportToolUse, ChatExportText:
		return true
	}
	return false
}

// ChatExportOptions selects the conversations of an export.
type ChatExportOptions struct {
	Hours  int              `url:"hours"`            // how far back to look; required, at least 1
	Limit  int              `url:"limit,omitempty"`  // contacts at most; 0 means the server's default (50)
	Filter ChatExportFilter `url:"filter,omitempty"` // empty means all
}

// ChatExport is the conversation of one contact.
type ChatExport struct {
	ContactID    string `json:"contactId"`    // the contact
	ContactName  string `json:"contactName"`  // full name
	PhoneNumber  string `json:"phoneNumber"`  // with country code
	Email        string `json:"email"`        // email address
	MessageCount int    `json:"messageCount"` // messages in the export
	Text         string `json:"chatExport"`   // the conversation as formatted text
}

var (
	epChatExportsRecent     = register(endpoint{name: "ChatExports.Recent", method: http.MethodGet, route: "/chat-exports/recent", shape: flat})
	epChatExportsRecentText = register(endpoint{name: "ChatExports.RecentText", method: http.MethodGet, route: "/chat-exports/recent", shape: stream, accept: "text/plain"})
)

// Recent exports, as JSON, the conversations of the contacts active in the
// past opts.Hours hours. The API reference does not name the field that holds
// the exports: they are read from "data" when it is a list, else from the
// first list among exports, chatExports, chats, contacts and results, in
// "data" or at the top level.
//
// API: GET /chat-exports/recent
func (s *ChatExportsService) Recent(ctx context.Context, opts *ChatExportOptions, callOpts ...CallOption) ([]ChatExport, error) {
	r, err := s.request(opts)
	if err != nil {
		return nil, err
	}
	out, err := callJSON[chatExports](ctx, s.client, epChatExportsRecent, r, callOpts)
	if err != nil {
		return nil, err
	}
	return *out, nil
}

// RecentText exports the same conversations as Recent as one text document
// (format=txt), streamed: the caller reads it and must close it. The
// per-attempt timeout (WithTimeout) covers reading it; a read that fails
// returns a *RequestError, a read past WithMaxResponseSize an *APIError
// matching ErrInvalidResponse. Close returns promptly even if the server
// stalls.
//
// API: GET /chat-exports/recent?format=txt
func (s *ChatExportsService) RecentText(ctx context.Context, opts *ChatExportOptions, callOpts ...CallOption) (io.ReadCloser, error) {
	r, err := s.request(opts)
	if err != nil {
		return nil, err
	}
	r.query = joinQuery(r.query, "format=txt")
	d, err := streamCall(ctx, s.client, epChatExportsRecentText, r, callOpts)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *ChatExportsService) request(opts *ChatExportOptions) (*request, error) {
	switch {
	case opts == nil:
		return nil, invalid("Hours", "required: pass options with Hours >= 1")
	case opts.Hours < 1:
		return nil, invalid("Hours", "must be at least 1, got %d", opts.Hours)
	case checkLimit(opts.Limit) != nil:
		return nil, checkLimit(opts.Limit)
	case opts.Filter != "" && !opts.Filter.valid():
		return nil, invalid("Filter", "%q is not all, media, tool_use or text", opts.Filter)
	}
	q, err := encodeQuery(opts)
	if err != nil {
		return nil, err
	}
	return &request{query: q}, nil
}

// chatExports finds the list of exports in the answer of Recent.
type chatExports []ChatExport

var errNoExports = errors.New("no list of chat exports in the answer")

func (c *chatExports) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	b, err := dec.ReadValue()
	if err != nil {
		return err
	}
	opts := dec.Options()
	var top map[string]json.RawMessage
	if err := jsonv2.Unmarshal(b, &top, opts); err != nil {
		return err
	}
	places := []map[string]json.RawMessage{top}
	if data := bytes.TrimSpace(top["data"]); len(data) > 0 {
		if data[0] == '[' {
			return jsonv2.Unmarshal(data, (*[]ChatExport)(c), opts)
		}
		var inner map[string]json.RawMessage
		if data[0] == '{' && jsonv2.Unmarshal(data, &inner, opts) == nil {
			places = []map[string]json.RawMessage{inner, top}
		}
	}
	for _, m := range places {
		for _, key := range []string{"exports", "chatExports", "chats", "contacts", "results"} {
			if raw := bytes.TrimSpace(m[key]); len(raw) > 0 && raw[0] == '[' {
				return jsonv2.Unmarshal(raw, (*[]ChatExport)(c), opts)
			}
		}
	}
	return errNoExports
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (c *chatExports) UnmarshalJSON(b []byte) error { return unmarshal(b, c) }
