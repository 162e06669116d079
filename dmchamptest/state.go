package dmchamptest

import (
	"cmp"
	"fmt"
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
// The demo data's ids carry demoIDTime instead of the clock's, so that
// they are the same on every run, whatever the second.
func (s *Server) objectID() string {
	at := s.now()
	if s.seeding {
		at = demoIDTime
	}
	return fmt.Sprintf("%08x%016x", uint32(at.Unix()), s.rng.Uint64())
}

// demoIDTime is the time in the demo data's ObjectIds.
var demoIDTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

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

// addMessage appends a message to the contact's open session and returns
// it as stored.
func (s *Server) addMessage(c *contact, m dmchamp.ChatMessage) dmchamp.ChatMessage {
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
	return m
}
