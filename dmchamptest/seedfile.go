package dmchamptest

import (
	"fmt"

	"github.com/dmchamp-go/dmchamp"
	jsonv2 "github.com/go-json-experiment/json"
)

// Seed is data for LoadSeed, in JSON: each value in its API's own shape,
// as the typed methods decode it.
//
//	{
//	  "contacts": [{"contact": {"id": "c1", "phoneNumber": "+34612345678", "firstName": "Maria"},
//	                "chatSessions": [{"start_date_time": "2026-12-01T10:00:00Z",
//	                                  "messages": [{"body": "Hola", "direction": "inbound", "timestamp": "2026-12-01T10:00:00Z"}]}]}],
//	  "lists": ["Newsletter"],
//	  "tags": [{"name": "vip"}],
//	  "chatbots": [{"name": "Julia", "description": "Nutrition coach"}],
//	  "clients": [{"name": "Tom Becker", "email": "tom@example.com"}]
//	}
type Seed struct {
	Contacts []SeedContact `json:"contacts"`
	Lists    []string      `json:"lists"`
	Tags     []dmchamp.Tag `json:"tags"`
	Chatbots []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"chatbots"`
	Clients []struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"clients"`
}

// SeedContact is a contact of a Seed and its chat sessions (a session
// without end_date_time stays open).
type SeedContact struct {
	Contact      dmchamp.Contact       `json:"contact"`
	ChatSessions []dmchamp.ChatSession `json:"chatSessions"`
}

// SeedError is the error of LoadSeed: what is wrong with the seed. Nothing
// of a seed that fails is added.
type SeedError struct {
	Reason string // what is wrong, e.g. "contact 0 has no phoneNumber, externalId or email"
	Err    error  // the JSON decoding error, when that is what went wrong
}

func (e *SeedError) Error() string { return "dmchamptest: seed: " + e.Reason }

// Unwrap returns the decoding error, if any.
func (e *SeedError) Unwrap() error { return e.Err }

// LoadSeed adds the data of a Seed, given as JSON, to the server, as the
// Add methods do. A member that the Seed, or the value it is in, does not
// have is an error, at any depth, so that a misspelt key is not silently
// ignored; so are a repeated key and anything after the JSON value. The
// error is a *SeedError.
func (s *Server) LoadSeed(data []byte) error {
	var seed Seed
	if err := jsonv2.Unmarshal(data, &seed, jsonv2.RejectUnknownMembers(true)); err != nil {
		return &SeedError{Reason: err.Error(), Err: err}
	}
	for i, c := range seed.Contacts {
		if c.Contact.PhoneNumber == "" && c.Contact.ExternalID == "" && c.Contact.Email == "" {
			return &SeedError{Reason: fmt.Sprintf("contact %d has no phoneNumber, externalId or email", i)}
		}
	}
	for _, name := range seed.Lists {
		s.AddList(name)
	}
	for _, t := range seed.Tags {
		s.AddTag(t)
	}
	for _, c := range seed.Contacts {
		id := s.AddContact(c.Contact)
		for _, cs := range c.ChatSessions {
			s.AddChatSession(id, cs)
		}
	}
	for _, b := range seed.Chatbots {
		s.AddChatbot(b.Name, b.Description)
	}
	for _, c := range seed.Clients {
		s.AddSessionClient(c.Name, c.Email)
	}
	return nil
}
