package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// An Event is one webhook delivery from DM Champ.
type Event struct {
	// Type is the event's name as sent ("new_contact", "contact.created",
	// ...): the "event" member, else "type", "eventType" or "event_type".
	// Kind maps the known spellings to one name.
	Type string

	// ID is the delivery's id: "eventId" or "event_id", or "id" when the
	// payload has a "data" envelope. Empty when none was sent.
	ID string

	// Data is the payload: the "data" object when the body has one, else
	// the whole body (the flat shapes).
	Data json.RawMessage

	// Raw is the body exactly as received, the bytes that were verified.
	Raw []byte

	// ReceivedAt is when the body was read.
	ReceivedAt time.Time

	// flat is true when Data is the whole body: a top-level "id" is then
	// not the id of the event's subject.
	flat bool
}

// The kinds of event known, as returned by Event.Kind. DM Champ's webhook
// settings name them New contact, Message received, Tag applied,
// Appointment booked, Human alerted and Conversation summary; public
// integrations spell them differently (see the package documentation).
const (
	KindNewContact          = "new_contact"
	KindContactUpdated      = "contact_updated"
	KindFlowCompleted       = "flow_completed"
	KindMessageReceived     = "message_received"
	KindMessageSent         = "message_sent"
	KindTagApplied          = "tag_applied"
	KindAppointmentBooked   = "appointment_booked"
	KindHumanAlerted        = "human_alerted"
	KindConversationSummary = "conversation_summary"
)

// kinds maps each spelling seen or expected, normalized (lower case, with
// "_" for ".", "-" and spaces), to its kind.
var kinds = map[string]string{
	"new_contact":          KindNewContact,
	"contact_created":      KindNewContact,
	"contact_new":          KindNewContact,
	"contact_updated":      KindContactUpdated,
	"flow_completed":       KindFlowCompleted,
	"new_message":          KindMessageReceived,
	"message_received":     KindMessageReceived,
	"message_inbound":      KindMessageReceived,
	"inbound_message":      KindMessageReceived,
	"message_sent":         KindMessageSent,
	"message_outbound":     KindMessageSent,
	"outbound_message":     KindMessageSent,
	"tag_applied":          KindTagApplied,
	"tag_added":            KindTagApplied,
	"contact_tagged":       KindTagApplied,
	"appointment_booked":   KindAppointmentBooked,
	"appointment_created":  KindAppointmentBooked,
	"new_appointment":      KindAppointmentBooked,
	"human_alerted":        KindHumanAlerted,
	"human_alert":          KindHumanAlerted,
	"conversation_summary": KindConversationSummary,
	"summary_generated":    KindConversationSummary,
}

// ErrWrongKind is returned (wrapped) by Contact, Message and Tag when the
// event is of another kind.
var ErrWrongKind = errors.New("webhook: the event is of another kind")

// Parse reads, verifies and decodes the webhook delivery r. It reads at
// most DefaultMaxBody bytes, runs v over the raw body before decoding
// anything, and accepts any JSON object: an event of an unknown type is
// returned, not refused. It does not check the method.
//
// Errors match ErrSignature (refused by v, or v is nil), ErrTooLarge or
// ErrMalformed with errors.Is. Parse sets no read deadline: serve it from
// an http.Server with a ReadTimeout, or use Handler.
func Parse(r *http.Request, v Verifier) (*Event, error) {
	body, err := readVerified(nil, r, v, DefaultMaxBody, 0)
	if err != nil {
		return nil, err
	}
	return parseEvent(body, time.Now())
}

// parseEvent decodes a verified body.
func parseEvent(body []byte, now time.Time) (*Event, error) {
	o, err := decodeObject(body)
	if err != nil {
		return nil, malformed(err)
	}
	e := &Event{
		Type:       o.str("event", "type", "eventType", "event_type"),
		ID:         o.str("eventId", "event_id"),
		Raw:        body,
		ReceivedAt: now,
	}
	if _, data, ok := o.obj("data"); ok {
		e.Data = data
		fill(&e.ID, o.str("id"))
	} else {
		e.Data = body
		e.flat = true
	}
	return e, nil
}

// Kind returns the event's kind, one of the Kind constants, whatever
// spelling DM Champ used ("contact.created" and "new_contact" are both
// KindNewContact). For a type it does not know, Kind returns Type as sent.
func (e *Event) Kind() string {
	norm := strings.NewReplacer(".", "_", "-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(e.Type)))
	if k, ok := kinds[norm]; ok {
		return k
	}
	return e.Type
}

// Decode unmarshals Data into v, for the kinds without an accessor.
func (e *Event) Decode(v any) error {
	return json.Unmarshal(e.Data, v)
}

// data returns Data as an object (empty when it is not one, which Parse
// does not let happen).
func (e *Event) data() object {
	o, _ := decodeObject(e.Data)
	return o
}

func (e *Event) wrongKind(accessor string) error {
	return fmt.Errorf("%w: %s called on a %q event", ErrWrongKind, accessor, cut(e.Type))
}

// Contact returns the contact of a KindNewContact, KindContactUpdated or
// KindFlowCompleted event, from a "contact" object or from the flat fields
// (see Contact for the names read).
func (e *Event) Contact() (*Contact, error) {
	switch e.Kind() {
	case KindNewContact, KindContactUpdated, KindFlowCompleted:
	default:
		return nil, e.wrongKind("Contact")
	}
	c := contactIn(e.data(), !e.flat)
	return &c, nil
}

// Message returns the message of a KindMessageReceived or KindMessageSent
// event, from a "message" object or from the flat fields, with its
// contact.
func (e *Event) Message() (*Message, error) {
	kind := e.Kind()
	if kind != KindMessageReceived && kind != KindMessageSent {
		return nil, e.wrongKind("Message")
	}
	m := messageIn(e.data())
	if m.Direction == "" {
		m.Direction = map[string]string{KindMessageReceived: "inbound", KindMessageSent: "outbound"}[kind]
	}
	return &m, nil
}

// Tag returns the tag and contact of a KindTagApplied event.
func (e *Event) Tag() (*Tag, error) {
	if e.Kind() != KindTagApplied {
		return nil, e.wrongKind("Tag")
	}
	t := tagIn(e.data(), !e.flat)
	return &t, nil
}

// messageID returns the id of the message an event is about, for
// deduplication: the message's ID for a message event, else a member
// explicitly named as a message id (a bare "id" might be a contact's).
func (e *Event) messageID() string {
	if m, err := e.Message(); err == nil {
		return m.ID
	}
	d := e.data()
	if m, _, ok := d.obj("message"); ok {
		d = m
	}
	return d.str("messageSid", "messageSID", "messageId", "message_id")
}
