package dmchamptest

import (
	"net/http"
)

func (s *Server) summary(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, true) {
		return
	}
	var in struct {
		PhoneNumber string `json:"phoneNumber"`
		Email       string `json:"email"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if in.PhoneNumber == "" && in.Email == "" {
		writeTextError(w, http.StatusBadRequest, "phoneNumber or email is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.contactByEmail(in.Email)
	if in.PhoneNumber != "" {
		c = s.st.contactByPhone(in.PhoneNumber)
	}
	if c == nil {
		writeMessageError(w, http.StatusNotFound, "Contact not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "Summary generation initiated for contact " + c.ID})
}
