package dmchamptest

import (
	"cmp"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

var (
	contactPhoneRE = regexp.MustCompile(`^\+?[0-9]{7,15}$`)
	e164RE         = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
)

func (s *Server) dmchampRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/contacts", s.getContact)
	mux.HandleFunc("POST /v1/contacts", s.createContact)
	mux.HandleFunc("PUT /v1/contacts/{id}", s.updateContact)
	mux.HandleFunc("POST /v1/contacts/lists", s.addToList)
	mux.HandleFunc("GET /v1/contacts/tags/{id}", s.contactTags)
	mux.HandleFunc("GET /v1/tags", s.listTags)
	mux.HandleFunc("POST /v1/tags", s.assignTag)
	mux.HandleFunc("GET /v1/chat-sessions/recent", s.recentChatSessions)
	mux.HandleFunc("GET /v1/chat-sessions/{id}", s.contactChatSessions)
	mux.HandleFunc("GET /v1/chat-exports/recent", s.chatExports)
	mux.HandleFunc("POST /v1/summaries", s.summary)
	mux.HandleFunc("GET /v1/whatsapp-templates", s.listTemplates)
	mux.HandleFunc("POST /v1/whatsapp-templates/send", s.sendTemplate)
	mux.HandleFunc("POST /v1/whatsapp-web/send", s.sendWhatsAppWeb)
	mux.HandleFunc("POST /v1/incoming-custom-channel-message", s.incomingCustom)
	mux.HandleFunc("POST /v1/incoming_custom_channel_message", s.incomingCustom)
	mux.HandleFunc("GET /v1/subaccounts", s.getSubAccount)
	mux.HandleFunc("POST /v1/subaccounts", s.createSubAccount)
	mux.HandleFunc("DELETE /v1/subaccounts", s.deleteSubAccount)
	mux.HandleFunc("POST /v1/subaccounts/credits", s.addSubAccountCredits)
	mux.HandleFunc("GET /v1/agencies/usage/export", s.usageExport)
	mux.HandleFunc("GET /v1/otp/generate", s.otp)
}

// authorized checks the apiKey or userId query credential and answers 401
// when it is missing or wrong: as a bare JSON string where the API does
// (contacts lookup, summaries), else as {success, error_code, error}.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, bareString bool) bool {
	q := r.URL.Query()
	key, uid := q.Get("apiKey"), q.Get("userId")
	var msg string
	switch {
	case key == "" && uid == "":
		msg = "Authentication required: provide apiKey or userId"
	case key != "" && key != s.apiKey:
		msg = "Invalid API key"
	case key == "" && uid != s.userID:
		msg = "Invalid user ID"
	default:
		return true
	}
	if bareString {
		writeTextError(w, http.StatusUnauthorized, msg)
	} else {
		writeEnvelopeError(w, http.StatusUnauthorized, msg)
	}
	return false
}

// agencyAuthorized checks an agency-only endpoint: an API key of an agency
// account. Sub-account endpoints answer 400 to others, the usage export 401
// to a user ID and 403 to a non-agency account, as documented.
func (s *Server) agencyAuthorized(w http.ResponseWriter, r *http.Request, export bool) bool {
	q := r.URL.Query()
	if q.Get("apiKey") == "" && q.Get("userId") != "" {
		if export {
			writeEnvelopeError(w, http.StatusUnauthorized, "Invalid or missing API key: this endpoint only accepts apiKey authentication")
		} else {
			writeEnvelopeError(w, http.StatusBadRequest, "This endpoint requires apiKey authentication (userId is not supported)")
		}
		return false
	}
	if !s.authorized(w, r, false) {
		return false
	}
	if !s.agency {
		if export {
			writeEnvelopeError(w, http.StatusForbidden, "Only Agency or Dev accounts can export usage")
		} else {
			writeEnvelopeError(w, http.StatusBadRequest, "This account is not an agency account")
		}
		return false
	}
	return true
}

// ---- contacts

func contactJSON(c *contact) map[string]any {
	return map[string]any{
		"id":                    c.ID,
		"phoneNumber":           c.PhoneNumber,
		"firstName":             c.FirstName,
		"lastName":              c.LastName,
		"email":                 c.Email,
		"channel":               c.Channel,
		"isBotActive":           c.IsBotActive,
		"doNotDisturb":          c.DoNotDisturb,
		"instagramId":           nullable(c.InstagramID),
		"externalId":            nullable(c.ExternalID),
		"customChannel":         nullable(c.CustomChannel),
		"chatWidgetId":          nullable(c.ChatWidgetID),
		"isChatWindowOpen":      c.IsChatWindowOpen,
		"currentCampaign":       nullable(c.CurrentCampaign),
		"tags":                  nonNil(c.Tags),
		"creditsUsed":           c.CreditsUsed,
		"botMessageCount":       c.BotMessageCount,
		"hasHadActivity":        c.HasHadActivity,
		"chatConcluded":         c.ChatConcluded,
		"createdAt":             stampPtr(c.CreatedAt),
		"lastActivityAt":        stampPtr(c.LastActivityAt),
		"lastIncomingMessageAt": stampPtr(c.LastIncomingMessageAt),
	}
}

// nonNil returns an empty slice for nil, so it is written as [] not null.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, true) {
		return
	}
	q := r.URL.Query()
	phone, email := q.Get("phoneNumber"), q.Get("email")
	switch {
	case phone != "" && email != "":
		writeTextError(w, http.StatusBadRequest, "Provide either phoneNumber or email, not both")
		return
	case phone == "" && email == "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "phoneNumber or email is required"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.contactByEmail(email)
	if phone != "" {
		c = s.st.contactByPhone(phone)
	}
	if c == nil {
		writeMessageError(w, http.StatusNotFound, "Contact not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "contactId": c.ID, "contact": contactJSON(c)})
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	var in struct {
		PhoneNumber      string   `json:"phoneNumber"`
		FirstName        string   `json:"firstName"`
		LastName         string   `json:"lastName"`
		Email            string   `json:"email"`
		IsBotActive      *bool    `json:"is_bot_active"`
		ListID           string   `json:"listId"`
		ListIDs          []string `json:"listIds"`
		InstagramID      string   `json:"instagramId"`
		CurrentCampaign  string   `json:"currentCampaign"`
		Channel          string   `json:"channel"`
		IsChatWindowOpen bool     `json:"isChatWindowOpen"`
		ExternalID       string   `json:"externalId"`
		CustomChannel    string   `json:"customChannel"`
		ChatWidgetID     string   `json:"chatWidgetId"`
		DoNotDisturb     bool     `json:"do_not_disturb"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	switch {
	case in.PhoneNumber == "":
		writeEnvelopeError(w, http.StatusBadRequest, "phoneNumber is required")
		return
	case !contactPhoneRE.MatchString(in.PhoneNumber):
		writeEnvelopeError(w, http.StatusBadRequest, "phoneNumber must include a valid country code")
		return
	}
	lists := in.ListIDs
	if len(lists) == 0 && in.ListID != "" {
		lists = []string{in.ListID}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range lists {
		if s.st.listByID(id) == nil {
			writeEnvelopeError(w, http.StatusNotFound, "List not found: "+id)
			return
		}
	}
	if existing := s.st.contactByPhone(in.PhoneNumber); existing != nil {
		// DM Champ reports a duplicate as HTTP 200 with error_code 409.
		writeJSON(w, http.StatusOK, map[string]any{
			"success": false, "error_code": 409, "error": "Contact already exists", "contactId": existing.ID,
		})
		return
	}
	c := s.addContact(dmchamp.Contact{
		PhoneNumber:      in.PhoneNumber,
		FirstName:        in.FirstName,
		LastName:         in.LastName,
		Email:            in.Email,
		IsBotActive:      in.IsBotActive == nil || *in.IsBotActive,
		InstagramID:      in.InstagramID,
		CurrentCampaign:  in.CurrentCampaign,
		Channel:          in.Channel,
		IsChatWindowOpen: in.IsChatWindowOpen,
		ExternalID:       in.ExternalID,
		CustomChannel:    in.CustomChannel,
		ChatWidgetID:     in.ChatWidgetID,
		DoNotDisturb:     in.DoNotDisturb,
	})
	c.lists = lists
	writeJSON(w, http.StatusOK, map[string]any{
		"success": true,
		"data":    map[string]any{"message": "Successfully created new contact", "contactId": c.ID},
	})
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	var in struct {
		FirstName    *string `json:"firstName"`
		LastName     *string `json:"lastName"`
		Email        *string `json:"email"`
		IsBotActive  *bool   `json:"is_bot_active"`
		DoNotDisturb *bool   `json:"do_not_disturb"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.contactByID(r.PathValue("id"))
	if c == nil {
		writeEnvelopeError(w, http.StatusNotFound, "Contact not found")
		return
	}
	set(&c.FirstName, in.FirstName)
	set(&c.LastName, in.LastName)
	set(&c.Email, in.Email)
	set(&c.IsBotActive, in.IsBotActive)
	set(&c.DoNotDisturb, in.DoNotDisturb)
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "Contact updated successfully"})
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (s *Server) addToList(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	var in struct {
		ContactID string `json:"contactId"`
		ListID    string `json:"listId"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if in.ContactID == "" || in.ListID == "" {
		writeEnvelopeError(w, http.StatusBadRequest, "Missing required parameters")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, l := s.st.contactByID(in.ContactID), s.st.listByID(in.ListID)
	switch {
	case c == nil:
		writeEnvelopeError(w, http.StatusNotFound, "Contact not found")
		return
	case l == nil:
		writeEnvelopeError(w, http.StatusNotFound, "List not found")
		return
	}
	if !slices.Contains(c.lists, l.id) {
		c.lists = append(c.lists, l.id)
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "Contact successfully added to list " + l.name})
}

func (s *Server) contactTags(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.contactByID(r.PathValue("id"))
	if c == nil {
		writeEnvelopeError(w, http.StatusNotFound, "Contact not found")
		return
	}
	out := []dmchamp.Tag{}
	for _, name := range c.Tags {
		t := dmchamp.Tag{Name: name}
		if i := slices.IndexFunc(s.st.tags, func(x dmchamp.Tag) bool { return x.Name == name }); i >= 0 {
			t = s.st.tags[i]
		}
		out = append(out, t)
	}
	writeJSON(w, http.StatusOK, out)
}

// ---- tags

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
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": fmt.Sprintf("Tag %q assigned to contact", tag)})
}

// ---- chat sessions

// chatSessionJSON writes a session: with its contact's details for the
// recent sessions, with its id as "id" for a contact's sessions.
func chatSessionJSON(c *contact, cs *chatSession, recent, withMessages bool) map[string]any {
	out := map[string]any{
		"start_date_time": stamp(cs.start),
		"end_date_time":   stampPtr(cs.end),
		"status":          cs.status(),
		"tag":             cs.tag,
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
			msgs = append(msgs, map[string]any{
				"id": m.ID, "body": m.Body, "direction": m.Direction, "timestamp": stampPtr(m.Timestamp),
				"type": m.Type, "channel": m.Channel, "status": m.Status,
			})
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

// ---- summaries, templates, WhatsApp Web, custom channels

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

func (s *Server) incomingCustom(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	var in struct {
		MessageType string `json:"messageType"`
		CustomData  struct {
			MessageSid string `json:"messageSid"`
			FromID     string `json:"fromId"`
			Body       string `json:"body"`
			Status     string `json:"status"`
			Channel    string `json:"channel"`
		} `json:"customData"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if in.MessageType == "" || in.CustomData.FromID == "" {
		writeEnvelopeError(w, http.StatusBadRequest, "messageType and customData.fromId are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var c *contact
	for _, x := range s.st.contacts {
		if x.ExternalID == in.CustomData.FromID {
			c = x
		}
	}
	if c == nil {
		c = s.addContact(dmchamp.Contact{ExternalID: in.CustomData.FromID, Channel: "custom", CustomChannel: in.CustomData.Channel, IsBotActive: true})
	}
	s.addMessage(c, dmchamp.ChatMessage{
		ID: in.CustomData.MessageSid, Body: in.CustomData.Body, Direction: dmchamp.DirectionInbound,
		Type: in.MessageType, Channel: cmp.Or(in.CustomData.Channel, "custom"), Status: cmp.Or(in.CustomData.Status, "received"),
	})
	s.st.pubsubID++
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "messageId": strconv.FormatInt(s.st.pubsubID, 10)})
}
