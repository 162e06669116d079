package dmchamptest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// chatSessionJSON writes a session: with its contact's details for the
// recent sessions, with its id as "id" for a contact's sessions. An open
// session has no end_date_time, as the API's document says.
func chatSessionJSON(c *contact, cs *chatSession, recent, withMessages bool) map[string]any {
	out := map[string]any{
		"start_date_time": stamp(cs.start),
		"status":          cs.status(),
		"tag":             cs.tag,
	}
	if cs.end != nil {
		out["end_date_time"] = stamp(*cs.end)
	}
	if recent {
		out["session_id"] = cs.id
		out["contact_id"] = c.ID
		out["contact_name"] = strings.TrimSpace(c.FirstName + " " + c.LastName)
		out["contact_phone"] = c.PhoneNumber
		out["contact_email"] = c.Email
	} else {
		out["id"] = cs.id
	}
	if withMessages {
		msgs := make([]map[string]any, 0, len(cs.messages))
		for _, m := range cs.messages {
			msgs = append(msgs, messageJSON(m))
		}
		out["messages"] = msgs
	}
	return out
}

// sessionFilter reads status, limit and includeMessages, answering 400 when
// one is malformed.
func sessionFilter(w http.ResponseWriter, r *http.Request) (status string, limit int, withMessages, ok bool) {
	q := r.URL.Query()
	status = q.Get("status")
	if status != "" && status != string(dmchamp.ChatSessionOpened) && status != string(dmchamp.ChatSessionClosed) {
		writeEnvelopeError(w, http.StatusBadRequest, "Invalid status: use ChatSessionOpened or ChatSessionClosed")
		return "", 0, false, false
	}
	limit = 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeEnvelopeError(w, http.StatusBadRequest, "Invalid limit parameter")
			return "", 0, false, false
		}
		limit = n
	}
	return status, limit, q.Get("includeMessages") == "true", true
}

func (s *Server) recentChatSessions(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	hours, err := strconv.Atoi(r.URL.Query().Get("hours"))
	if err != nil || hours < 1 {
		writeEnvelopeError(w, http.StatusBadRequest, "Missing or invalid hours parameter")
		return
	}
	status, limit, withMessages, ok := sessionFilter(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	since := s.now().Add(-time.Duration(hours) * time.Hour)
	type found struct {
		c  *contact
		cs *chatSession
	}
	var all []found
	for _, c := range s.st.contacts {
		for _, cs := range c.sessions {
			if cs.start.Before(since) || (status != "" && string(cs.status()) != status) {
				continue
			}
			all = append(all, found{c, cs})
		}
	}
	slices.SortStableFunc(all, func(a, b found) int { return b.cs.start.Compare(a.cs.start) })
	all = all[:min(len(all), limit)]
	sessions := make([]map[string]any, 0, len(all))
	for _, f := range all {
		sessions = append(sessions, chatSessionJSON(f.c, f.cs, true, withMessages))
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": map[string]any{
		"hours_ago": hours, "total_sessions": len(sessions), "sessions": sessions,
	}})
}

func (s *Server) contactChatSessions(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	status, limit, withMessages, ok := sessionFilter(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.contactByID(r.PathValue("id"))
	if c == nil {
		writeEnvelopeError(w, http.StatusNotFound, "Contact not found")
		return
	}
	sessions := []map[string]any{}
	for i := len(c.sessions) - 1; i >= 0 && len(sessions) < limit; i-- {
		if cs := c.sessions[i]; status == "" || string(cs.status()) == status {
			sessions = append(sessions, chatSessionJSON(c, cs, false, withMessages))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": map[string]any{
		"contact_id":     c.ID,
		"contact_name":   strings.TrimSpace(c.FirstName + " " + c.LastName),
		"total_sessions": len(sessions),
		"sessions":       sessions,
	}})
}
