package dmchamp

import (
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

// Recent exports, as JSON, the conversations of the contacts active in the
// past opts.Hours hours. The API reference does not name the field that holds
// the exports: they are read from "data" when it is a list, else from the
// first list among exports, chatExports, chats, contacts and results, in
// "data" or at the top level.
//
// API: GET /chat-exports/recent
func (s *ChatExportsService) Recent(ctx context.Context, opts *ChatExportOptions) ([]ChatExport, error) {
	r, err := s.request(opts)
	if err != nil {
		return nil, err
	}
	out, err := do[chatExports](ctx, s.client, r, flat)
	if err != nil {
		return nil, err
	}
	return *out, nil
}

// RecentText exports the same conversations as Recent as one text document
// (format=txt), streamed: the caller reads it and must close it. The
// per-attempt timeout (WithTimeout) covers reading it; a read that fails
// returns a *RequestError.
//
// API: GET /chat-exports/recent?format=txt
func (s *ChatExportsService) RecentText(ctx context.Context, opts *ChatExportOptions) (io.ReadCloser, error) {
	r, err := s.request(opts)
	if err != nil {
		return nil, err
	}
	r.query.Set("format", "txt")
	r.accept = "text/plain"
	d, err := s.client.stream(ctx, r)
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
	q, err := values(opts)
	if err != nil {
		return nil, err
	}
	return &request{method: http.MethodGet, path: "/chat-exports/recent", query: q}, nil
}

// chatExports finds the list of exports in the answer of Recent.
type chatExports []ChatExport

var errNoExports = errors.New("no list of chat exports in the answer")

func (c *chatExports) UnmarshalJSON(b []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return err
	}
	places := []map[string]json.RawMessage{top}
	if data := bytes.TrimSpace(top["data"]); len(data) > 0 {
		if data[0] == '[' {
			return json.Unmarshal(data, (*[]ChatExport)(c))
		}
		var inner map[string]json.RawMessage
		if data[0] == '{' && json.Unmarshal(data, &inner) == nil {
			places = []map[string]json.RawMessage{inner, top}
		}
	}
	for _, m := range places {
		for _, key := range []string{"exports", "chatExports", "chats", "contacts", "results"} {
			if raw := bytes.TrimSpace(m[key]); len(raw) > 0 && raw[0] == '[' {
				return json.Unmarshal(raw, (*[]ChatExport)(c))
			}
		}
	}
	return errNoExports
}
