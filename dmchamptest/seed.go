package dmchamptest

import (
	"cmp"
	"slices"

	"github.com/dmchamp-go/dmchamp"
)

// AddContact stores a contact and returns its id (generated when empty).
// Empty names and email get the API's defaults.
func (s *Server) AddContact(c dmchamp.Contact) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addContact(c).ID
}

func (s *Server) addContact(c dmchamp.Contact) *contact {
	c.ID = cmp.Or(c.ID, s.id())
	c.FirstName = cmp.Or(c.FirstName, "Unknown")
	c.LastName = cmp.Or(c.LastName, "Unknown")
	c.Email = cmp.Or(c.Email, "unknown@unknown.com")
	c.Channel = cmp.Or(c.Channel, "whatsapp")
	if c.CreatedAt == nil {
		now := s.now()
		c.CreatedAt = &now
	}
	c.Raw = nil
	ct := &contact{Contact: c}
	s.st.contacts = append(s.st.contacts, ct)
	s.contactCreated(ct)
	return ct
}

// AddChatSession stores a chat session of a contact, creating a bare contact
// with that id if there is none, and returns the session's id (generated
// when empty). A nil EndDateTime leaves the session open.
func (s *Server) AddChatSession(contactID string, cs dmchamp.ChatSession) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.contactByID(contactID)
	if c == nil {
		c = s.addContact(dmchamp.Contact{ID: contactID})
	}
	sess := &chatSession{id: cmp.Or(cs.ID, s.id()), start: cs.StartDateTime, end: cs.EndDateTime, tag: cs.Tag}
	for _, m := range cs.Messages {
		m.ID = cmp.Or(m.ID, "msg_"+s.id())
		sess.messages = append(sess.messages, m)
	}
	c.sessions = append(c.sessions, sess)
	slices.SortStableFunc(c.sessions, func(a, b *chatSession) int { return a.start.Compare(b.start) })
	return sess.id
}

// AddList creates a contact list and returns its id.
func (s *Server) AddList(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := &list{id: s.id(), name: name}
	s.st.lists = append(s.st.lists, l)
	return l.id
}

// AddTag creates a tag.
func (s *Server) AddTag(t dmchamp.Tag) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addTag(t)
}

func (s *Server) addTag(t dmchamp.Tag) {
	if !slices.ContainsFunc(s.st.tags, func(x dmchamp.Tag) bool { return x.Name == t.Name }) {
		s.st.tags = append(s.st.tags, t)
	}
}

// AddTemplate stores a WhatsApp template and returns its id (generated when
// empty).
func (s *Server) AddTemplate(t dmchamp.WhatsAppTemplate) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	t.ID = cmp.Or(t.ID, s.id())
	if t.CreatedAt == nil {
		now := s.now()
		t.CreatedAt = &now
	}
	s.st.tmpls = append(s.st.tmpls, t)
	return t.ID
}

// AddSubAccount stores a sub-account and returns its UID (generated when
// empty).
func (s *Server) AddSubAccount(a dmchamp.SubAccount) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addSubAccount(a).UID
}

func (s *Server) addSubAccount(a dmchamp.SubAccount) *dmchamp.SubAccount {
	a.UID = cmp.Or(a.UID, s.id()+s.id()[:8])
	a.Role = cmp.Or(a.Role, "Sub Account")
	a.IsAgencySubAccount = true
	if a.UsageLimits == nil {
		a.UsageLimits = &dmchamp.UsageLimits{}
	}
	a.TemporaryPassword = ""
	s.st.subs = append(s.st.subs, &a)
	return &a
}

// AddUsage stores rows of the agency usage report.
func (s *Server) AddUsage(rows ...dmchamp.UsageRow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.usage = append(s.st.usage, rows...)
}

// Credits returns the account's credit balance.
func (s *Server) Credits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.credits
}

// SetCredits sets the account's credit balance.
func (s *Server) SetCredits(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.credits = n
}
