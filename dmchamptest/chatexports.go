package dmchamptest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// chatExports serves GET /chat-exports/recent. The JSON answer lists the
// exports in data.exports (the reference does not name the field).
func (s *Server) chatExports(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	q := r.URL.Query()
	hours, err := strconv.Atoi(q.Get("hours"))
	if err != nil || hours < 1 {
		writeEnvelopeError(w, http.StatusBadRequest, "Missing or invalid hours parameter")
		return
	}
	limit := 50
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			writeEnvelopeError(w, http.StatusBadRequest, "Invalid limit parameter")
			return
		}
	}
	filter := q.Get("filter")
	switch filter {
	case "", "all", "media", "tool_use", "text":
	default:
		writeEnvelopeError(w, http.StatusBadRequest, "Invalid filter: use all, media, tool_use or text")
		return
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "txt" {
		writeEnvelopeError(w, http.StatusBadRequest, "Invalid format: use json or txt")
		return
	}

	s.mu.Lock()
	since := s.now().Add(-time.Duration(hours) * time.Hour)
	var exports []map[string]any
	for _, c := range s.st.contacts {
		if len(exports) == limit {
			break
		}
		var msgs []dmchamp.ChatMessage
		for _, cs := range c.sessions {
			for _, m := range cs.messages {
				if m.Timestamp != nil && !m.Timestamp.Before(since) && keep(filter, m) {
					msgs = append(msgs, m)
				}
			}
		}
		if len(msgs) == 0 {
			continue
		}
		name := strings.TrimSpace(c.FirstName + " " + c.LastName)
		exports = append(exports, map[string]any{
			"contactId": c.ID, "contactName": name, "phoneNumber": c.PhoneNumber, "email": c.Email,
			"messageCount": len(msgs), "chatExport": exportText(name, msgs),
		})
	}
	s.mu.Unlock()

	if format == "txt" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="chat-export-last-%dh.txt"`, hours))
		var b strings.Builder
		fmt.Fprintf(&b, "DM Champ chat export: %d contacts active in the past %d hours\n", len(exports), hours)
		for _, e := range exports {
			fmt.Fprintf(&b, "\n=== %s (%s) ===\n%s", e["contactName"], e["phoneNumber"], e["chatExport"])
		}
		_, _ = w.Write([]byte(b.String()))
		return
	}
	if exports == nil {
		exports = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": map[string]any{
		"hours": hours, "total_contacts": len(exports), "exports": exports,
	}})
}

func keep(filter string, m dmchamp.ChatMessage) bool {
	switch filter {
	case "media":
		return m.Type == "image" || m.Type == "audio" || m.Type == "video" || m.Type == "document"
	case "tool_use":
		return m.Type == "tool_use"
	case "text":
		return m.Type == "text" || m.Type == ""
	}
	return true
}

func exportText(name string, msgs []dmchamp.ChatMessage) string {
	var b strings.Builder
	for _, m := range msgs {
		who := name
		if m.Direction == dmchamp.DirectionOutbound {
			who = "AI Agent"
		}
		fmt.Fprintf(&b, "[%s] %s: %s\n", m.Timestamp.UTC().Format("2006-01-02 15:04"), who, m.Body)
	}
	return b.String()
}
