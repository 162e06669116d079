package dmchamptest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// state is everything the server knows; Server.mu guards it.
type state struct {
	demo     bool
	credits  int
	contacts []*contact // in creation order
	lists    []*list
	tags     []dmchamp.Tag
	tmpls    []dmchamp.WhatsAppTemplate
	subs     []*dmchamp.SubAccount
	usage    []dmchamp.UsageRow
	bots     []*chatbot
	clients  []*sessionClient
	sessions []*session // in creation order
	pubsubID int64
}

func newState() state { return state{credits: 1000, pubsubID: 4815162342000} }

type contact struct {
	dmchamp.Contact
	lists    []string
	sessions []*chatSession // oldest first
}

type chatSession struct {
	id       string
	start    time.Time
	end      *time.Time
	tag      *string
	messages []dmchamp.ChatMessage
}

func (cs *chatSession) status() dmchamp.ChatSessionStatus {
	if cs.end == nil {
		return dmchamp.ChatSessionOpened
	}
	return dmchamp.ChatSessionClosed
}

type list struct{ id, name string }

// id returns a Firestore-style document id: 20 letters and digits.
func (s *Server) id() string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 20)
	for i := range b {
		b[i] = chars[s.rng.IntN(len(chars))]
	}
	return string(b)
}

// objectID returns a MongoDB-style ObjectId: 24 hex digits, time first.
func (s *Server) objectID() string {
	return fmt.Sprintf("%08x%016x", uint32(s.now().Unix()), s.rng.Uint64())
}

func (st *state) contactByID(id string) *contact {
	for _, c := range st.contacts {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// contactByPhone matches numbers with or without their leading "+".
func (st *state) contactByPhone(phone string) *contact {
	want := strings.TrimPrefix(phone, "+")
	for _, c := range st.contacts {
		if strings.TrimPrefix(c.PhoneNumber, "+") == want {
			return c
		}
	}
	return nil
}

func (st *state) contactByEmail(email string) *contact {
	for _, c := range st.contacts {
		if strings.EqualFold(c.Email, email) {
			return c
		}
	}
	return nil
}

func (st *state) listByID(id string) *list {
	for _, l := range st.lists {
		if l.id == id {
			return l
		}
	}
	return nil
}

func (st *state) subByEmail(email string) *dmchamp.SubAccount {
	for _, a := range st.subs {
		if strings.EqualFold(a.Email, email) {
			return a
		}
	}
	return nil
}

// openSession returns the contact's open chat session, opening one if
// needed.
func (s *Server) openSession(c *contact, at time.Time) *chatSession {
	if n := len(c.sessions); n > 0 && c.sessions[n-1].end == nil {
		return c.sessions[n-1]
	}
	cs := &chatSession{id: s.id(), start: at}
	c.sessions = append(c.sessions, cs)
	return cs
}

// addMessage appends a message to the contact's open session.
func (s *Server) addMessage(c *contact, m dmchamp.ChatMessage) {
	at := s.now()
	if m.Timestamp == nil {
		m.Timestamp = &at
	}
	m.ID = cmp.Or(m.ID, "msg_"+s.id())
	m.Channel = cmp.Or(m.Channel, c.Channel)
	m.Type = cmp.Or(m.Type, "text")
	cs := s.openSession(c, *m.Timestamp)
	cs.messages = append(cs.messages, m)
	c.HasHadActivity = true
	c.LastActivityAt = m.Timestamp
	if m.Direction == dmchamp.DirectionInbound {
		c.LastIncomingMessageAt = m.Timestamp
	} else {
		c.BotMessageCount++
	}
}

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
