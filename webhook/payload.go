package webhook

import (
	"encoding/json"
	"strings"
	"time"
)

// A Contact is the contact an event is about. Every field is optional:
// DM Champ's payloads are not published, and each is read under all the
// names public integrations have seen (listed per field).
type Contact struct {
	// ID: "id" or "_id" of a contact object; else "contactId",
	// "contact_id".
	ID string
	// Phone: "phone", "phoneNumber", "phone_number", "contactPhone",
	// "contact_phone".
	Phone string
	// FirstName: "firstName", "first_name", "contactFirstName".
	FirstName string
	// LastName: "lastName", "last_name", "contactLastName".
	LastName string
	// Name is the full name: "name" of a contact object, "fullName",
	// "full_name", "contactName", "contact_name"; else FirstName and
	// LastName joined.
	Name string
	// Email: "email", "contactEmail", "contact_email".
	Email string
	// Channel: "channel" ("whatsapp", "instagram", ...).
	Channel string
	// Tags: "tags", strings or {"name": ...} objects.
	Tags []string
	// CustomFields: "custom_fields" or "customFields", each value raw.
	CustomFields map[string]json.RawMessage
}

// contactIn returns the contact in o: its "contact" object, completed by
// the flat contact fields of o; or the flat fields alone. subject tells
// whether o itself is the contact (a "data" envelope of a contact event),
// whose "id" and "name" are then the contact's.
func contactIn(o object, subject bool) Contact {
	flat := contactFields(o, subject)
	nested, _, ok := o.obj("contact")
	if !ok {
		if s, ok := text(o["contact"]); ok { // a bare contact id
			fill(&flat.ID, s)
		}
		return flat
	}
	c := contactFields(nested, true)
	fill(&c.ID, flat.ID)
	fill(&c.Phone, flat.Phone)
	fill(&c.FirstName, flat.FirstName)
	fill(&c.LastName, flat.LastName)
	fill(&c.Email, flat.Email)
	fill(&c.Channel, flat.Channel)
	fill(&c.Name, flat.Name)
	fill(&c.Name, joinName(c.FirstName, c.LastName))
	if c.Tags == nil {
		c.Tags = flat.Tags
	}
	if c.CustomFields == nil {
		c.CustomFields = flat.CustomFields
	}
	return c
}

// contactFields reads the contact fields of o itself.
func contactFields(o object, subject bool) Contact {
	idKeys := []string{"contactId", "contact_id"}
	nameKeys := []string{"fullName", "full_name", "contactName", "contact_name"}
	if subject {
		idKeys = append([]string{"id", "_id"}, idKeys...)
		nameKeys = append([]string{"name"}, nameKeys...)
	}
	c := Contact{
		ID:           o.str(idKeys...),
		Phone:        o.str("phone", "phoneNumber", "phone_number", "contactPhone", "contact_phone"),
		FirstName:    o.str("firstName", "first_name", "contactFirstName", "contact_first_name"),
		LastName:     o.str("lastName", "last_name", "contactLastName", "contact_last_name"),
		Name:         o.str(nameKeys...),
		Email:        o.str("email", "contactEmail", "contact_email"),
		Channel:      o.str("channel"),
		Tags:         o.strings("tags"),
		CustomFields: o.members("custom_fields", "customFields"),
	}
	fill(&c.Name, joinName(c.FirstName, c.LastName))
	return c
}

// empty reports whether no field of c is set.
func (c *Contact) empty() bool {
	return c.ID == "" && c.Phone == "" && c.Name == "" && c.Email == "" && c.Channel == "" &&
		len(c.Tags) == 0 && len(c.CustomFields) == 0
}

func joinName(first, last string) string {
	return strings.TrimSpace(first + " " + last)
}

// A Message is a message received from, or sent to, a contact.
type Message struct {
	// ID: "messageSid", "messageId", "message_id", "external_id", "id".
	ID string
	// Contact is the contact the message was exchanged with.
	Contact Contact
	// Direction is "inbound" or "outbound": "direction" (incoming,
	// received, outgoing and sent are mapped), else the event's kind.
	Direction string
	// Body: "body", "messageBody", "content", "text", or "message" when
	// it is a string.
	Body string
	// Channel: "channel" or "platform", else the contact's channel.
	Channel string
	// MediaURL: "mediaUrl", "media_url".
	MediaURL string
	// Type: "messageType", "message_type", or "type" of a message object
	// ("text", ...).
	Type string
	// Status: "status" ("delivered", ...).
	Status string
	// Timestamp: "timestamp", "createdAt", "created_at", "sentAt",
	// "receivedAt" or "date"; an RFC 3339 string, unix seconds or
	// milliseconds, or a Firestore timestamp. Zero when absent.
	Timestamp time.Time
}

var messageIDKeys = []string{"messageSid", "messageSID", "messageId", "message_id", "external_id", "id", "_id"}

// messageIn returns the message in o: its "message" object, or o's flat
// fields.
func messageIn(o object) Message {
	m, _, nested := o.obj("message")
	if !nested {
		m = o
	}
	typeKeys := []string{"messageType", "message_type"}
	if nested {
		typeKeys = append(typeKeys, "type")
	}
	msg := Message{
		ID:        m.str(messageIDKeys...),
		Contact:   contactIn(o, false),
		Direction: direction(m.str("direction", "messageDirection", "message_direction")),
		Body:      m.str("body", "messageBody", "message_body", "content", "text", "message"),
		Channel:   m.str("channel", "platform"),
		MediaURL:  m.str("mediaUrl", "mediaURL", "media_url"),
		Type:      m.str(typeKeys...),
		Status:    m.str("status"),
		Timestamp: m.time("timestamp", "createdAt", "created_at", "sentAt", "sent_at", "receivedAt", "date"),
	}
	if nested && msg.Contact.empty() {
		msg.Contact = contactIn(m, false)
	}
	fill(&msg.Channel, msg.Contact.Channel)
	return msg
}

// direction maps the spellings of a message direction to "inbound" and
// "outbound"; another value is kept, lower-cased.
func direction(s string) string {
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "inbound", "incoming", "received", "in":
		return "inbound"
	case "outbound", "outgoing", "sent", "out":
		return "outbound"
	}
	return s
}

// A Tag is a tag applied to a contact.
type Tag struct {
	// Name: "tag" (a string, or an object with "name"), "tagName",
	// "tag_name"; or "name" of a "data" envelope.
	Name string
	// ID: "id" of a tag object, else "tagId", "tag_id".
	ID string
	// Contact is the contact tagged.
	Contact Contact
}

// tagIn returns the tag in o. subject tells whether o is a "data" envelope,
// whose "name" is then the tag's.
func tagIn(o object, subject bool) Tag {
	t := Tag{Contact: contactIn(o, false)}
	if tag, _, ok := o.obj("tag"); ok {
		t.Name = tag.str("name", "tag", "title")
		t.ID = tag.str("id", "_id")
	}
	nameKeys := []string{"tag", "tagName", "tag_name"}
	if subject {
		nameKeys = append(nameKeys, "name")
	}
	fill(&t.Name, o.str(nameKeys...))
	fill(&t.ID, o.str("tagId", "tag_id"))
	return t
}
