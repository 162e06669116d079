package dmchamptest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// The Session API fake behaves as its backend does (a TypeScript Express
// toolkit): input is validated before the token is checked, validation
// errors are ZodErrors, missing documents are HTTP 500 "... not found", and
// unknown routes get Express's HTML 404.

type chatbot struct {
	id, name, description string
	created               time.Time
}

type sessionClient struct {
	id, name, email string
	created         time.Time
}

type session struct {
	id, chatbotID, clientID, title string
	start                          time.Time
	end                            *time.Time
	status                         dmchamp.SessionStatus
	messages                       []dmchamp.SessionMessage
	metadata                       map[string]any
	feedback                       *dmchamp.Feedback
	created, updated               time.Time
	version                        int
}

var objectIDRE = regexp.MustCompile(`^[0-9a-fA-F]{24}$`)

var sessionStatuses = []dmchamp.SessionStatus{dmchamp.SessionActive, dmchamp.SessionCompleted, dmchamp.SessionTerminated, dmchamp.SessionScheduled}

// enumMessage is zod's message for a value outside an enum.
func enumMessage[T ~string](values []T, got string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "'" + string(v) + "'"
	}
	return "Invalid enum value. Expected " + strings.Join(quoted, " | ") + ", received '" + got + "'"
}

func (s *Server) sessionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/sessions", s.createSession)
	mux.HandleFunc("GET /api/sessions", s.listSessions)
	mux.HandleFunc("GET /api/sessions/{id}", s.getSession)
	mux.HandleFunc("PUT /api/sessions/{id}", s.updateSession)
	mux.HandleFunc("POST /api/sessions/{id}/end", s.endSession)
	mux.HandleFunc("POST /api/sessions/message", s.addSessionMessage)
	mux.HandleFunc("POST /api/sessions/chat", s.chat)
}

// AddChatbot stores a Session API chatbot and returns its id.
func (s *Server) AddChatbot(name, description string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &chatbot{id: s.objectID(), name: name, description: description, created: s.now()}
	s.st.bots = append(s.st.bots, b)
	return b.id
}

// AddSessionClient stores a Session API client (the person a chatbot talks
// to) and returns its id.
func (s *Server) AddSessionClient(name, email string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &sessionClient{id: s.objectID(), name: name, email: email, created: s.now()}
	s.st.clients = append(s.st.clients, c)
	return c.id
}

// AddSession stores a Session API session between Chatbot.ID and Client.ID
// and returns its id (generated when empty). A zero status is ACTIVE.
func (s *Server) AddSession(x dmchamp.Session) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	ss := &session{
		id: cmp.Or(x.ID, s.objectID()), chatbotID: x.Chatbot.ID, clientID: x.Client.ID, title: x.Title,
		start: x.StartTime, end: x.EndTime, status: cmp.Or(x.Status, dmchamp.SessionActive),
		metadata: x.Metadata, feedback: x.Feedback,
		created: cmp.Or(x.CreatedAt, x.StartTime, now), updated: cmp.Or(x.UpdatedAt, x.StartTime, now),
	}
	if ss.start.IsZero() {
		ss.start = ss.created
	}
	for _, m := range x.Messages {
		m.ID = cmp.Or(m.ID, s.objectID())
		ss.messages = append(ss.messages, m)
	}
	s.st.sessions = append(s.st.sessions, ss)
	return ss.id
}

// sessionAuthorized checks the token as the backend does: the accessToken
// cookie first, then the second space-separated word of the Authorization
// header ("Bearer <token>"), whatever the first.
func (s *Server) sessionAuthorized(w http.ResponseWriter, r *http.Request) bool {
	token := ""
	if c, err := r.Cookie("accessToken"); err == nil {
		token = c.Value
	} else if words := strings.Split(r.Header.Get("Authorization"), " "); len(words) > 1 {
		token = words[1]
	}
	if token == "" || token != s.token {
		writeMessageError(w, http.StatusUnauthorized, "token isn't attached or expired")
		return false
	}
	return true
}

// zodError answers 400 as the backend's request validation does.
func zodError(w http.ResponseWriter, path []any, code, message string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"success": false,
		"message": "Invalid input",
		"data": map[string]any{
			"name":   "ZodError",
			"issues": []map[string]any{{"code": code, "path": path, "message": message}},
		},
	})
}

// notFoundError answers as the backend's error handler does for a thrown
// "not found": HTTP 500.
func notFoundError(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusInternalServerError, map[string]any{"success": false, "message": msg, "data": map[string]any{}})
}

// castError answers a malformed ObjectId as Mongoose does.
func castError(w http.ResponseWriter, id string) {
	msg := fmt.Sprintf("Cast to ObjectId failed for value %q (type string) at path \"_id\" for model \"Session\"", id)
	writeJSON(w, http.StatusInternalServerError, map[string]any{"success": false, "message": msg, "data": map[string]any{
		"kind": "ObjectId", "value": id, "path": "_id", "name": "CastError",
	}})
}

func (s *Server) sessionJSON(x *session, populated bool) map[string]any {
	msgs := make([]map[string]any, 0, len(x.messages))
	for _, m := range x.messages {
		msgs = append(msgs, map[string]any{"role": m.Role, "content": m.Content, "timestamp": stamp(m.Timestamp), "_id": m.ID})
	}
	out := map[string]any{
		"_id": x.id, "chatbotId": x.chatbotID, "clientId": x.clientID, "startTime": stamp(x.start),
		"status": x.status, "messages": msgs, "createdAt": stamp(x.created), "updatedAt": stamp(x.updated), "__v": x.version,
	}
	if populated {
		if i := slices.IndexFunc(s.st.bots, func(b *chatbot) bool { return b.id == x.chatbotID }); i >= 0 {
			b := s.st.bots[i]
			out["chatbotId"] = map[string]any{
				"_id": b.id, "name": b.name, "description": b.description, "status": "ACTIVE",
				"apiSettings": map[string]any{"model": "gpt-4o", "temperature": 1, "maxTokens": 1024},
				"createdAt":   stamp(b.created), "updatedAt": stamp(b.created), "__v": 0,
			}
		}
		if i := slices.IndexFunc(s.st.clients, func(c *sessionClient) bool { return c.id == x.clientID }); i >= 0 {
			c := s.st.clients[i]
			out["clientId"] = map[string]any{
				"_id": c.id, "name": c.name, "email": c.email,
				"createdAt": stamp(c.created), "updatedAt": stamp(c.created), "__v": 0,
			}
		}
	}
	if x.title != "" {
		out["title"] = x.title
	}
	if x.end != nil {
		out["endTime"] = stamp(*x.end)
	}
	if x.metadata != nil {
		out["metadata"] = x.metadata
	}
	if x.feedback != nil {
		fb := map[string]any{}
		if x.feedback.Rating != 0 {
			fb["rating"] = x.feedback.Rating
		}
		if x.feedback.Comment != "" {
			fb["comment"] = x.feedback.Comment
		}
		out["feedback"] = fb
	}
	return out
}

// findSession finds a session by a path or query id; it answers the error
// itself. The caller holds s.mu.
func (s *Server) findSession(w http.ResponseWriter, id string, active bool, notFound string) *session {
	if !objectIDRE.MatchString(id) {
		castError(w, id)
		return nil
	}
	i := slices.IndexFunc(s.st.sessions, func(x *session) bool { return x.id == id })
	if i < 0 || (active && s.st.sessions[i].status != dmchamp.SessionActive) {
		notFoundError(w, notFound)
		return nil
	}
	return s.st.sessions[i]
}

func (s *Server) createSession(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ChatbotID *string `json:"chatbotId"`
		ClientID  *string `json:"clientId"`
		Title     string  `json:"title"`
	}
	if !decodeSessionBody(w, r, &in) {
		return
	}
	switch {
	case in.ChatbotID == nil:
		zodError(w, []any{"chatbotId"}, "invalid_type", "Chatbot ID is required")
		return
	case in.ClientID == nil:
		zodError(w, []any{"clientId"}, "invalid_type", "Client ID is required")
		return
	}
	if !s.sessionAuthorized(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.ContainsFunc(s.st.bots, func(b *chatbot) bool { return b.id == *in.ChatbotID }) ||
		!slices.ContainsFunc(s.st.clients, func(c *sessionClient) bool { return c.id == *in.ClientID }) {
		notFoundError(w, "Chatbot or client not found")
		return
	}
	now := s.now()
	x := &session{
		id: s.objectID(), chatbotID: *in.ChatbotID, clientID: *in.ClientID, title: in.Title,
		start: now, status: dmchamp.SessionActive, created: now, updated: now,
	}
	s.st.sessions = append(s.st.sessions, x)
	writeJSON(w, http.StatusCreated, map[string]any{"success": true, "message": "Session created successfully", "data": s.sessionJSON(x, false)})
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request) {
	if !s.sessionAuthorized(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if x := s.findSession(w, r.PathValue("id"), false, "Session not found"); x != nil {
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": s.sessionJSON(x, true)})
	}
}

func (s *Server) updateSession(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title    *string                `json:"title"`
		Status   *dmchamp.SessionStatus `json:"status"`
		EndTime  *time.Time             `json:"endTime"`
		Feedback *struct {
			Rating  *float64 `json:"rating"`
			Comment *string  `json:"comment"`
		} `json:"feedback"`
		Metadata map[string]any `json:"metadata"`
	}
	if !decodeSessionBody(w, r, &in) {
		return
	}
	if in.Status != nil && !slices.Contains(sessionStatuses, *in.Status) {
		zodError(w, []any{"status"}, "invalid_enum_value", enumMessage(sessionStatuses, string(*in.Status)))
		return
	}
	if in.Feedback != nil && in.Feedback.Rating != nil {
		switch rating := *in.Feedback.Rating; {
		case rating < 1:
			zodError(w, []any{"feedback", "rating"}, "too_small", "Rating must be between 1 and 5")
			return
		case rating > 5:
			zodError(w, []any{"feedback", "rating"}, "too_big", "Rating must be between 1 and 5")
			return
		}
	}
	if !s.sessionAuthorized(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.findSession(w, r.PathValue("id"), false, "Session not found")
	if x == nil {
		return
	}
	set(&x.title, in.Title)
	set(&x.status, in.Status)
	if in.EndTime != nil {
		x.end = in.EndTime
	}
	if in.Feedback != nil {
		fb := cmp.Or(x.feedback, &dmchamp.Feedback{})
		set(&fb.Rating, in.Feedback.Rating)
		set(&fb.Comment, in.Feedback.Comment)
		x.feedback = fb
	}
	if in.Metadata != nil {
		x.metadata = in.Metadata
	}
	x.updated = s.now()
	x.version++
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "Session updated successfully", "data": s.sessionJSON(x, false)})
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request) {
	if !s.sessionAuthorized(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.findSession(w, r.PathValue("id"), true, "Active session not found")
	if x == nil {
		return
	}
	now := s.now()
	x.status, x.end, x.updated = dmchamp.SessionCompleted, &now, now
	x.version++
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "Session ended successfully", "data": s.sessionJSON(x, false)})
}

var roles = []string{"user", "assistant", "system"}

func (s *Server) addSessionMessage(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Message *struct {
			Role      *string    `json:"role"`
			Content   *string    `json:"content"`
			Timestamp *time.Time `json:"timestamp"`
		} `json:"message"`
	}
	if !decodeSessionBody(w, r, &in) {
		return
	}
	switch {
	case in.Message == nil:
		zodError(w, []any{"message"}, "invalid_type", "Required")
		return
	case in.Message.Role == nil:
		zodError(w, []any{"message", "role"}, "invalid_type", "Required")
		return
	case !slices.Contains(roles, *in.Message.Role):
		zodError(w, []any{"message", "role"}, "invalid_enum_value", enumMessage(roles, *in.Message.Role))
		return
	case in.Message.Content == nil:
		zodError(w, []any{"message", "content"}, "invalid_type", "Required")
		return
	}
	if !s.sessionAuthorized(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.findSession(w, r.URL.Query().Get("sessionId"), true, "Session not found or not active")
	if x == nil {
		return
	}
	at := s.now()
	if in.Message.Timestamp != nil {
		at = *in.Message.Timestamp
	}
	x.messages = append(x.messages, dmchamp.SessionMessage{
		ID: s.objectID(), Role: dmchamp.MessageRole(*in.Message.Role), Content: *in.Message.Content, Timestamp: at,
	})
	x.updated = s.now()
	x.version++
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "Message added successfully", "data": s.sessionJSON(x, false)})
}

// chat answers with a deterministic reply and stores it in the session.
func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Content *string `json:"content"`
	}
	if !decodeSessionBody(w, r, &in) {
		return
	}
	if in.Content == nil {
		zodError(w, []any{"content"}, "invalid_type", "Message content is required")
		return
	}
	if !s.sessionAuthorized(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.findSession(w, r.URL.Query().Get("sessionId"), true, "Session not found")
	if x == nil {
		return
	}
	content, err := s.chatReply(x, *in.Content)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"success": false, "message": "Error processing message", "error": err.Error()})
		return
	}
	reply := dmchamp.SessionMessage{
		ID:        s.objectID(),
		Role:      dmchamp.RoleAssistant,
		Content:   content,
		Timestamp: s.now(),
	}
	x.messages = append(x.messages, reply)
	x.updated = reply.Timestamp
	x.version++
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "Message processed successfully", "data": map[string]any{
		"role": reply.Role, "content": reply.Content, "timestamp": stamp(reply.Timestamp), "_id": reply.ID,
	}})
}

func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, skip := 10, 0
	for _, p := range []struct {
		name string
		dst  *int
		min  int
	}{{"limit", &limit, 1}, {"skip", &skip, 0}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < p.min {
				zodError(w, []any{p.name}, "too_small", fmt.Sprintf("%s must be a number >= %d", p.name, p.min))
				return
			}
			*p.dst = n
		}
	}
	if st := q.Get("status"); st != "" && !slices.Contains(sessionStatuses, dmchamp.SessionStatus(st)) {
		zodError(w, []any{"status"}, "invalid_enum_value", enumMessage(sessionStatuses, st))
		return
	}
	var from, to time.Time
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"startDate", &from}, {"endDate", &to}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				zodError(w, []any{p.name}, "invalid_string", "Invalid date")
				return
			}
			*p.dst = t
		}
	}
	if !s.sessionAuthorized(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []*session
	for _, x := range s.st.sessions {
		switch {
		case q.Get("status") != "" && string(x.status) != q.Get("status"),
			q.Get("chatbotId") != "" && x.chatbotID != q.Get("chatbotId"),
			q.Get("clientId") != "" && x.clientID != q.Get("clientId"),
			q.Get("searchString") != "" && !strings.Contains(strings.ToLower(x.title), strings.ToLower(q.Get("searchString"))),
			!from.IsZero() && x.created.Before(from),
			!to.IsZero() && x.created.After(to):
			continue
		}
		matched = append(matched, x)
	}
	slices.SortStableFunc(matched, func(a, b *session) int { return b.created.Compare(a.created) })
	total := len(matched)
	first := min(skip, total)
	page := matched[first : first+min(limit, total-first)]
	results := make([]map[string]any, 0, len(page))
	for _, x := range page {
		results = append(results, s.sessionJSON(x, true))
	}
	lastPage := max(1, (total+limit-1)/limit)
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": map[string]any{
		"results": results,
		"paginatorInfo": map[string]any{
			"count": len(results), "currentPage": skip/limit + 1, "hasMorePages": skip+len(results) < total,
			"lastPage": lastPage, "limit": limit, "perPage": limit, "total": total,
		},
	}})
}

// decodeSessionBody decodes a JSON body, answering 400 as body-parser does.
// An empty body is {}, as body-parser has it: validation then reports what
// is missing.
func decodeSessionBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, _ := io.ReadAll(r.Body)
	if len(bytes.TrimSpace(b)) == 0 {
		b = []byte("{}")
	}
	if err := json.Unmarshal(b, v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"success": false, "message": "Unexpected token in JSON at position 0",
			"data": map[string]any{"type": "entity.parse.failed", "status": 400, "statusCode": 400, "expose": true}})
		return false
	}
	return true
}

// chatReply is the chatbot's answer to text in session x: WithChatReplies'
// function's, else a fixed one naming the chatbot. The caller holds s.mu.
func (s *Server) chatReply(x *session, text string) (string, error) {
	if s.chatReplies == nil {
		bot := "your coach"
		if i := slices.IndexFunc(s.st.bots, func(b *chatbot) bool { return b.id == x.chatbotID }); i >= 0 {
			bot = s.st.bots[i].name
		}
		return fmt.Sprintf("This is %s. You said: %q. Tell me more, and we will work on it together.", bot, text), nil
	}
	// The function sees the session as a client would, populated.
	b, err := json.Marshal(s.sessionJSON(x, true))
	if err != nil {
		return "", err
	}
	var sess dmchamp.Session
	if err := json.Unmarshal(b, &sess); err != nil {
		return "", err
	}
	return s.chatReplies(sess, text), nil
}
