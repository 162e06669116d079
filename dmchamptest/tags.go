package dmchamptest

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/dmchamp-go/dmchamp"
)

func (s *Server) listTags(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, nonNil(s.st.tags))
}

func (s *Server) assignTag(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	q := r.URL.Query()
	tag, phone, email := q.Get("tag"), q.Get("phoneNumber"), q.Get("email")
	if tag == "" || (phone == "" && email == "") {
		writeEnvelopeError(w, http.StatusBadRequest, "tag and phoneNumber or email are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.contactByEmail(email)
	if phone != "" {
		c = s.st.contactByPhone(phone)
	}
	if c == nil {
		writeEnvelopeError(w, http.StatusNotFound, "Contact not found")
		return
	}
	s.addTag(dmchamp.Tag{Name: tag})
	if !slices.Contains(c.Tags, tag) {
		c.Tags = append(c.Tags, tag)
		s.tagApplied(c, tag)
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": fmt.Sprintf("Tag %q assigned to contact", tag)})
}
