package dmchamptest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/dmchamp-go/dmchamp"
)

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, 0, len(s.st.tmpls))
	for _, t := range s.st.tmpls {
		out = append(out, map[string]any{
			"id": t.ID, "name": t.Name, "status": t.Status, "language": t.Language,
			"category": t.Category, "createdAt": stampPtr(t.CreatedAt),
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": out})
}

func (s *Server) sendTemplate(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	var in struct {
		ContactID  string `json:"contactId"`
		TemplateID string `json:"whatsappTemplateId"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if in.ContactID == "" || in.TemplateID == "" {
		writeEnvelopeError(w, http.StatusBadRequest, "contactId and whatsappTemplateId are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.contactByID(in.ContactID)
	i := slices.IndexFunc(s.st.tmpls, func(t dmchamp.WhatsAppTemplate) bool { return t.ID == in.TemplateID })
	switch {
	case c == nil:
		writeEnvelopeError(w, http.StatusBadRequest, "Contact not found")
		return
	case i < 0:
		writeEnvelopeError(w, http.StatusBadRequest, "WhatsApp template not found")
		return
	}
	s.addMessage(c, dmchamp.ChatMessage{
		Body: "[template] " + s.st.tmpls[i].Name, Direction: dmchamp.DirectionOutbound,
		Type: "template", Channel: "whatsapp", Status: "sent",
	})
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": "WhatsApp template message sent successfully"})
}

func (s *Server) sendWhatsAppWeb(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	var in struct {
		PhoneNumber string `json:"phoneNumber"`
		Message     string `json:"message"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	switch {
	case !e164RE.MatchString(in.PhoneNumber):
		writeEnvelopeError(w, http.StatusBadRequest, "phoneNumber must be in E.164 format")
		return
	case strings.TrimSpace(in.Message) == "":
		writeEnvelopeError(w, http.StatusBadRequest, "message is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.credits < 1 {
		writeEnvelopeError(w, http.StatusPaymentRequired, "Insufficient credits")
		return
	}
	s.st.credits--
	c := s.st.contactByPhone(in.PhoneNumber)
	if c == nil {
		c = s.addContact(dmchamp.Contact{PhoneNumber: in.PhoneNumber, Channel: "whatsapp_web", IsBotActive: true})
	}
	var chunks []string
	for _, part := range strings.Split(in.Message, "\n\n") {
		if part = strings.TrimSpace(part); part != "" {
			chunks = append(chunks, part)
		}
	}
	ids := make([]string, 0, len(chunks))
	for _, chunk := range chunks {
		id := "wamid." + s.id()
		ids = append(ids, id)
		s.addMessage(c, dmchamp.ChatMessage{ID: id, Body: chunk, Direction: dmchamp.DirectionOutbound, Channel: "whatsapp_web", Status: "sent"})
	}
	c.CreditsUsed++
	writeJSON(w, http.StatusOK, map[string]any{
		"success": true, "contactId": c.ID, "messagesSent": len(ids), "totalChunks": len(chunks),
		"messageIds": ids, "creditsUsed": 1,
	})
}
