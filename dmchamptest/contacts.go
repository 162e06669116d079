package dmchamptest

import (
	"net/http"
	"regexp"
	"slices"

	"github.com/dmchamp-go/dmchamp"
)

var (
	contactPhoneRE = regexp.MustCompile(`^\+?[0-9]{7,15}$`)
	e164RE         = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
)

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
