package dmchamp

import (
	"context"
	"net/http"
	"time"
)

// ChatSessionsService reads DM Champ chat sessions: the conversations of the
// AI agent with contacts, on every channel. It needs an API key or user ID.
type ChatSessionsService struct {
	client *Client
}

// RecentChatSessionsOptions selects the sessions returned by Recent.
type RecentChatSessionsOptions struct {
	// Hours is how far back to look; required, at least 1.
	Hours int `url:"hours"`
	// Status keeps only sessions with this status; empty means all.
	Status ChatSessionStatus `url:"status,omitempty"`
	// Limit caps the number of sessions; 0 means the server's default (100).
	Limit int `url:"limit,omitempty"`
	// IncludeMessages adds each session's messages.
	IncludeMessages bool `url:"includeMessages,omitempty"`
}

// ContactChatSessionsOptions selects the sessions returned by ForContact.
type ContactChatSessionsOptions struct {
	// Status keeps only sessions with this status; empty means all.
	Status ChatSessionStatus `url:"status,omitempty"`
	// Limit caps the number of sessions; 0 means the server's default.
	Limit int `url:"limit,omitempty"`
	// IncludeMessages adds each session's messages.
	IncludeMessages bool `url:"includeMessages,omitempty"`
}

// RecentChatSessions is the answer of Recent.
type RecentChatSessions struct {
	HoursAgo      int                 `json:"hours_ago"`      // hours looked back
	TotalSessions int                 `json:"total_sessions"` // sessions found
	Sessions      []RecentChatSession `json:"sessions"`       // newest first
}

// RecentChatSession is a chat session with its contact's details.
type RecentChatSession struct {
	SessionID     string            `json:"session_id"`         // the session's id
	ContactID     string            `json:"contact_id"`         // Firestore id of the contact
	ContactName   string            `json:"contact_name"`       // full name
	ContactPhone  string            `json:"contact_phone"`      // with country code
	ContactEmail  string            `json:"contact_email"`      // "unknown@unknown.com" when unknown
	StartDateTime time.Time         `json:"start_date_time"`    // when the session opened
	EndDateTime   *time.Time        `json:"end_date_time"`      // nil while the session is open
	Status        ChatSessionStatus `json:"status"`             // ChatSessionOpened or ChatSessionClosed
	Tag           *string           `json:"tag"`                // nil when untagged
	Messages      []ChatMessage     `json:"messages,omitempty"` // only with IncludeMessages
}

// ContactChatSessions is the answer of ForContact.
type ContactChatSessions struct {
	ContactID     string        `json:"contact_id"`     // Firestore id of the contact
	ContactName   string        `json:"contact_name"`   // full name
	TotalSessions int           `json:"total_sessions"` // sessions found
	Sessions      []ChatSession `json:"sessions"`       // newest first
}

// ChatSession is one chat session of a contact.
type ChatSession struct {
	ID            string            `json:"id"`                 // session id
	StartDateTime time.Time         `json:"start_date_time"`    // when the session opened
	EndDateTime   *time.Time        `json:"end_date_time"`      // nil while the session is open
	Status        ChatSessionStatus `json:"status"`             // ChatSessionOpened or ChatSessionClosed
	Tag           *string           `json:"tag"`                // nil when untagged
	Messages      []ChatMessage     `json:"messages,omitempty"` // only with IncludeMessages
}

// ChatMessage is a message of a chat session. Timestamps in this file's
// types decode from RFC 3339 strings; null leaves a pointer nil.
type ChatMessage struct {
	ID        string           `json:"id"`        // the channel's message id
	Body      string           `json:"body"`      // text, or a placeholder for media
	Direction MessageDirection `json:"direction"` // inbound (from the contact) or outbound
	Timestamp *time.Time       `json:"timestamp"` // nil when the server has none
	Type      string           `json:"type"`      // e.g. "text", "image"
	Channel   string           `json:"channel"`   // e.g. "whatsapp", "instagram", "chat-widget"
	Status    string           `json:"status"`    // delivery status, e.g. "received", "read"
}

var (
	epChatSessionsRecent     = register(endpoint{name: "ChatSessions.Recent", method: http.MethodGet, route: "/chat-sessions/recent"})
	epChatSessionsForContact = register(endpoint{name: "ChatSessions.ForContact", method: http.MethodGet, route: "/chat-sessions/{contactId}"})
)

// Recent returns the sessions of all contacts active in the past opts.Hours
// hours.
//
// API: GET /chat-sessions/recent
func (s *ChatSessionsService) Recent(ctx context.Context, opts *RecentChatSessionsOptions, callOpts ...CallOption) (*RecentChatSessions, error) {
	if opts == nil {
		return nil, invalid("Hours", "required: pass options with Hours >= 1")
	}
	if opts.Hours < 1 {
		return nil, invalid("Hours", "must be at least 1, got %d", opts.Hours)
	}
	if err := checkListOptions(opts.Status, opts.Limit); err != nil {
		return nil, err
	}
	q, err := recentQueries.encode(opts)
	if err != nil {
		return nil, err
	}
	return callJSON[RecentChatSessions](ctx, s.client, epChatSessionsRecent, &request{query: q}, callOpts)
}

// ForContact returns the sessions of one contact, which must belong to the
// caller. opts may be nil. The id "recent" is refused: its path is Recent's.
//
// API: GET /chat-sessions/{contactId}
func (s *ChatSessionsService) ForContact(ctx context.Context, contactID string, opts *ContactChatSessionsOptions, callOpts ...CallOption) (*ContactChatSessions, error) {
	id, err := pathParam("contactID", contactID)
	if err != nil {
		return nil, err
	}
	if contactID == "recent" {
		return nil, invalid("contactID", `"recent" cannot be sent: /chat-sessions/recent is the Recent endpoint`)
	}
	if opts != nil {
		if err := checkListOptions(opts.Status, opts.Limit); err != nil {
			return nil, err
		}
	}
	q, err := contactSessionsQueries.encode(opts)
	if err != nil {
		return nil, err
	}
	return callJSON[ContactChatSessions](ctx, s.client, epChatSessionsForContact, &request{segments: []string{id}, query: q}, callOpts)
}

// The queries of the options of Recent and ForContact (hours, status,
// limit, includeMessages: no personal data), encoded once each.
var (
	recentQueries          queryCache[RecentChatSessionsOptions]
	contactSessionsQueries queryCache[ContactChatSessionsOptions]
)

func checkListOptions(status ChatSessionStatus, limit int) error {
	if status != "" && !status.valid() {
		return invalid("Status", "%q is not ChatSessionOpened or ChatSessionClosed", status)
	}
	return checkLimit(limit)
}
