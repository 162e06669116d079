package dmchamp

import (
	"cmp"
	"context"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"time"
)

// SessionsService calls the chatbot Session API, a separate server holding AI
// chat sessions between chatbots and clients. It needs WithSessionsBaseURL,
// and WithSessionsToken unless the HTTP client authenticates otherwise.
//
// Create, End, AddMessage, Chat and Ask are POSTs: they are not retried once
// the request may have reached the server (see WithRetryNonIdempotent).
//
// The backend reports missing sessions as HTTP 500 with a message ending in
// "not found": errors.Is(err, ErrNotFound) holds for those too, and they are
// not retried, nor is its 500 for a malformed id.
type SessionsService struct {
	client *Client
}

// CreateSessionRequest is the body of Create.
type CreateSessionRequest struct {
	ChatbotID string `json:"chatbotId"`       // required
	ClientID  string `json:"clientId"`        // required
	Title     string `json:"title,omitempty"` // optional
}

// UpdateSessionRequest is the body of Update; nil and zero fields are left
// unchanged.
type UpdateSessionRequest struct {
	Title    *string        `json:"title,omitempty"`    // Ptr("") clears the title
	Status   SessionStatus  `json:"status,omitempty"`   // one of the Session* constants
	EndTime  *time.Time     `json:"endTime,omitempty"`  // when the session ended
	Feedback *Feedback      `json:"feedback,omitempty"` // Rating 1 to 5
	Metadata map[string]any `json:"metadata,omitzero"`  // replaces the session's metadata; an empty map clears it
}

// ListSessionsOptions filters and pages List and All. Zero fields are not
// sent.
type ListSessionsOptions struct {
	SearchString string        `url:"searchString,omitempty"` // searched in titles
	Status       SessionStatus `url:"status,omitempty"`       // one of the Session* constants
	ChatbotID    string        `url:"chatbotId,omitempty"`    // sessions of this chatbot
	ClientID     string        `url:"clientId,omitempty"`     // sessions of this client
	StartDate    time.Time     `url:"startDate,omitempty"`    // created on or after
	EndDate      time.Time     `url:"endDate,omitempty"`      // created on or before
	Limit        int           `url:"limit,omitempty"`        // page size; the server's default is 10
	Skip         int           `url:"skip,omitempty"`         // sessions to skip
}

var (
	sessionResult = []string{"_id", "id"}

	epSessionsCreate     = register(endpoint{name: "Sessions.Create", method: http.MethodPost, route: "/sessions", auth: authBearer, result: sessionResult})
	epSessionsGet        = register(endpoint{name: "Sessions.Get", method: http.MethodGet, route: "/sessions/{id}", auth: authBearer})
	epSessionsUpdate     = register(endpoint{name: "Sessions.Update", method: http.MethodPut, route: "/sessions/{id}", auth: authBearer, result: sessionResult})
	epSessionsEnd        = register(endpoint{name: "Sessions.End", method: http.MethodPost, route: "/sessions/{id}/end", auth: authBearer, result: sessionResult})
	epSessionsAddMessage = register(endpoint{name: "Sessions.AddMessage", method: http.MethodPost, route: "/sessions/message", auth: authBearer, result: sessionResult})
	epSessionsChat       = register(endpoint{name: "Sessions.Chat", method: http.MethodPost, route: "/sessions/chat", auth: authBearer, result: []string{"content", "role"}})
	epSessionsList       = register(endpoint{name: "Sessions.List", method: http.MethodGet, route: "/sessions", auth: authBearer})
)

// Create starts a session between a chatbot and a client.
//
// API: POST /sessions
func (s *SessionsService) Create(ctx context.Context, req *CreateSessionRequest, opts ...CallOption) (*Session, error) {
	if req == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := cmp.Or(required("ChatbotID", req.ChatbotID), required("ClientID", req.ClientID)); err != nil {
		return nil, err
	}
	return callJSON[Session](ctx, s.client, epSessionsCreate, &request{body: req}, opts)
}

// Get returns a session, with its chatbot and client populated.
//
// API: GET /sessions/{id}
func (s *SessionsService) Get(ctx context.Context, id string, opts ...CallOption) (*Session, error) {
	p, err := pathParam("id", id)
	if err != nil {
		return nil, err
	}
	return callJSON[Session](ctx, s.client, epSessionsGet, &request{segments: []string{p}}, opts)
}

// Update changes a session's title, status, end time, feedback or metadata.
//
// API: PUT /sessions/{id}
func (s *SessionsService) Update(ctx context.Context, id string, req *UpdateSessionRequest, opts ...CallOption) (*Session, error) {
	p, err := pathParam("id", id)
	if err != nil {
		return nil, err
	}
	switch {
	case req == nil:
		return nil, invalid("request", "must not be nil")
	case !req.Status.validOrEmpty():
		return nil, invalid("Status", "%q is not ACTIVE, COMPLETED, TERMINATED or SCHEDULED", req.Status)
	case req.Feedback != nil && req.Feedback.Rating != 0 && !(req.Feedback.Rating >= 1 && req.Feedback.Rating <= 5):
		return nil, invalid("Feedback.Rating", "must be between 1 and 5, got %v", req.Feedback.Rating)
	}
	return callJSON[Session](ctx, s.client, epSessionsUpdate, &request{segments: []string{p}, body: req}, opts)
}

// End ends an active session: the server sets its status to COMPLETED and
// its end time to now.
//
// API: POST /sessions/{id}/end
func (s *SessionsService) End(ctx context.Context, id string, opts ...CallOption) (*Session, error) {
	p, err := pathParam("id", id)
	if err != nil {
		return nil, err
	}
	return callJSON[Session](ctx, s.client, epSessionsEnd, &request{segments: []string{p}}, opts)
}

// AddMessage appends a message to an active session and returns the session.
// msg.Role is required; a zero msg.Timestamp lets the server set it.
//
// API: POST /sessions/message?sessionId={sessionID}
func (s *SessionsService) AddMessage(ctx context.Context, sessionID string, msg *SessionMessage, opts ...CallOption) (*Session, error) {
	q, err := sessionQuery(sessionID)
	if err != nil {
		return nil, err
	}
	switch {
	case msg == nil:
		return nil, invalid("message", "must not be nil")
	case !msg.Role.valid():
		return nil, invalid("Role", "%q is not user, assistant or system", msg.Role)
	}
	type wireMessage struct {
		Role      MessageRole `json:"role"`
		Content   string      `json:"content"`
		Timestamp time.Time   `json:"timestamp,omitzero"`
	}
	body := struct {
		Message wireMessage `json:"message"`
	}{wireMessage{msg.Role, msg.Content, msg.Timestamp}}
	return callJSON[Session](ctx, s.client, epSessionsAddMessage, &request{query: q, body: body}, opts)
}

// Chat sends the user's text to the session's chatbot and returns the
// assistant's reply, which the server stores in the session. The server waits
// for the AI model before answering; the per-attempt timeout (WithTimeout)
// must leave it time. Chat does not store the user's message: Ask does both.
//
// API: POST /sessions/chat?sessionId={sessionID}
func (s *SessionsService) Chat(ctx context.Context, sessionID, content string, opts ...CallOption) (*SessionMessage, error) {
	q, err := sessionQuery(sessionID)
	if err != nil {
		return nil, err
	}
	body := struct {
		Content string `json:"content"`
	}{content}
	return callJSON[SessionMessage](ctx, s.client, epSessionsChat, &request{query: q, body: body}, opts)
}

// AskError is the error of Ask: which step failed, and whether the user's
// message is stored in the session. It wraps that step's error, so
// errors.Is and errors.As see through it.
type AskError struct {
	Stored bool  // AddMessage succeeded: the message is stored, the reply is missing
	Err    error // the error of AddMessage (Stored false) or of Chat (Stored true)
}

// Error describes the failed step.
func (e *AskError) Error() string {
	if e.Stored {
		return e.Err.Error() + " (the user message was stored)"
	}
	return e.Err.Error()
}

// Unwrap returns the failed step's error.
func (e *AskError) Unwrap() error { return e.Err }

// Ask stores the user's message with AddMessage, then asks for the
// assistant's reply with Chat, as the Session API's own web client does.
// Neither call is retried once it may have reached the server. An error is
// an *AskError saying whether the message was stored: when AddMessage timed
// out after reaching the server, it may be stored even though Stored is
// false. The options apply to both calls.
func (s *SessionsService) Ask(ctx context.Context, sessionID, content string, opts ...CallOption) (*SessionMessage, error) {
	if _, err := s.AddMessage(ctx, sessionID, &SessionMessage{Role: RoleUser, Content: content}, opts...); err != nil {
		return nil, &AskError{Err: err}
	}
	reply, err := s.Chat(ctx, sessionID, content, opts...)
	if err != nil {
		return nil, &AskError{Stored: true, Err: err}
	}
	return reply, nil
}

// List returns one page of sessions, with chatbots and clients populated.
//
// API: GET /sessions
func (s *SessionsService) List(ctx context.Context, opts *ListSessionsOptions, callOpts ...CallOption) (*SessionPage, error) {
	var o ListSessionsOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case !o.Status.validOrEmpty():
		return nil, invalid("Status", "%q is not ACTIVE, COMPLETED, TERMINATED or SCHEDULED", o.Status)
	case checkLimit(o.Limit) != nil:
		return nil, checkLimit(o.Limit)
	case o.Skip < 0:
		return nil, invalid("Skip", "must not be negative, got %d", o.Skip)
	case !o.StartDate.IsZero() && !o.EndDate.IsZero() && o.EndDate.Before(o.StartDate):
		return nil, invalid("EndDate", "is before StartDate")
	}
	q, err := encodeQuery(&o)
	if err != nil {
		return nil, err
	}
	page, err := callJSON[SessionPage](ctx, s.client, epSessionsList, &request{query: q}, callOpts)
	if err != nil {
		return nil, err
	}
	page.HasMore = page.hasMore(o.Skip)
	return page, nil
}

// All returns an iterator over the sessions of every page from opts.Skip on,
// fetching each page when the previous one is used up. It copies opts when
// called, so changing them later has no effect; Limit is the page size. It
// stops after the last page, on an empty page, or when the server answers
// the same page again (a server that ignores skip). An error is yielded once,
// and ends the iteration.
func (s *SessionsService) All(ctx context.Context, opts *ListSessionsOptions, callOpts ...CallOption) iter.Seq2[*Session, error] {
	var start ListSessionsOptions
	if opts != nil {
		start = *opts
	}
	return func(yield func(*Session, error) bool) {
		o := start
		var prevFirst *Session
		for {
			page, err := s.List(ctx, &o, callOpts...)
			if err != nil {
				yield(nil, err)
				return
			}
			if len(page.Sessions) == 0 {
				return
			}
			first := &page.Sessions[0]
			if prevFirst != nil && (first.ID != "" && first.ID == prevFirst.ID || reflect.DeepEqual(first, prevFirst)) {
				return
			}
			prevFirst = first
			for i := range page.Sessions {
				if !yield(&page.Sessions[i], nil) {
					return
				}
			}
			next := o.Skip + len(page.Sessions)
			if !page.HasMore || next <= o.Skip {
				return
			}
			o.Skip = next
		}
	}
}

func sessionQuery(sessionID string) (string, error) {
	if err := required("sessionID", sessionID); err != nil {
		return "", err
	}
	return url.Values{"sessionId": {sessionID}}.Encode(), nil
}
