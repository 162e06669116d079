package webhook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp/webhook"
)

func parseFixture(t *testing.T, name string) *webhook.Event {
	t.Helper()
	body := fixture(t, name)
	before := time.Now()
	e, err := webhook.Parse(post(body, webhook.Sign(testSecret, body)), webhook.HMACSHA256(testSecret))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	if !bytes.Equal(e.Raw, body) {
		t.Errorf("Raw is not the body as received")
	}
	if e.ReceivedAt.Before(before) || e.ReceivedAt.After(time.Now()) {
		t.Errorf("ReceivedAt = %v, not the time of Parse", e.ReceivedAt)
	}
	return e
}

func dataOf(t *testing.T, body []byte) json.RawMessage {
	var o struct{ Data json.RawMessage }
	if err := json.Unmarshal(body, &o); err != nil {
		t.Fatal(err)
	}
	return o.Data
}

func rfc3339(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseEventShapes(t *testing.T) {
	tests := []struct {
		file, typ, id, kind string
		envelope            bool // Data is the "data" member, else the whole body
		contact             *webhook.Contact
		message             *webhook.Message
		tag                 *webhook.Tag
	}{
		{
			file: "envelope_new_contact.json", typ: "new_contact", kind: webhook.KindNewContact, envelope: true,
			contact: &webhook.Contact{Phone: "+15555550123", Email: "maria.lopez@example.com", FirstName: "María", LastName: "López", Name: "María López"},
		},
		{
			file: "envelope_contact_tagged.json", typ: "contact_tagged", kind: webhook.KindTagApplied, envelope: true,
			tag: &webhook.Tag{Name: "cotizado", Contact: webhook.Contact{Phone: "+15555550123"}},
		},
		{file: "envelope_appointment_booked.json", typ: "appointment_booked", kind: webhook.KindAppointmentBooked, envelope: true},
		{
			file: "envelope_new_message.json", typ: "new_message", kind: webhook.KindMessageReceived, envelope: true,
			message: &webhook.Message{Body: "Hola, ¿tienen citas para el sábado?", Direction: "inbound", Contact: webhook.Contact{Phone: "+15555550123"}},
		},
		{
			file: "nested_flow_completed.json", typ: "flow.completed", kind: webhook.KindFlowCompleted,
			contact: &webhook.Contact{
				ID: "dmc_contact_7Qk2vX9mLp", Phone: "+353555010203", FirstName: "David", Name: "David",
				CustomFields: map[string]json.RawMessage{
					"business_name":   json.RawMessage(`"No Label Barbers (demo)"`),
					"website_url":     json.RawMessage(`"https://barbers.example.com"`),
					"target_audience": json.RawMessage(`"Men 25-45"`),
					"brand_tone":      json.RawMessage(`"Professional & polished"`),
				},
			},
		},
		{
			file: "flat_contact_created.json", typ: "contact.created", kind: webhook.KindNewContact,
			contact: &webhook.Contact{ID: "contact-456", Name: "Aoife Byrne", Phone: "+353555010204", Email: "aoife.byrne@example.com", Channel: "whatsapp"},
		},
		{
			file: "flat_message_received.json", typ: "message.received", kind: webhook.KindMessageReceived,
			message: &webhook.Message{
				ID: "msg-1", Body: "Hi, can I get a quote?", Direction: "inbound", Channel: "whatsapp",
				Timestamp: rfc3339("2026-01-01T00:00:00Z"),
				Contact:   webhook.Contact{ID: "contact-456", Phone: "+353555010204", Channel: "whatsapp"},
			},
		},
		{
			file: "flat_message_sent.json", typ: "message.sent", kind: webhook.KindMessageSent,
			message: &webhook.Message{
				ID: "msg-2", Body: "Thanks for reaching out! A stylist will confirm shortly.", Direction: "outbound", Channel: "instagram",
				Timestamp: rfc3339("2026-01-01T00:00:05Z"),
				Contact:   webhook.Contact{ID: "contact-456", Channel: "instagram"},
			},
		},
		{
			file: "envelope_nested_message.json", typ: "message_received", id: "evt_01JH8Z3Q4W5E6R7T8Y9U0I", kind: webhook.KindMessageReceived, envelope: true,
			message: &webhook.Message{
				ID: "wamid.HBgLMTU1NTU1NTAxNDIVAgASGBQz", Body: "Is the blue one still in stock?", Direction: "inbound",
				Channel: "whatsapp", Type: "text", Status: "received", Timestamp: rfc3339("2026-01-01T09:15:02Z"),
				Contact: webhook.Contact{
					ID: "kX3mP9qR2sT5vW8y", Phone: "+15555550142", FirstName: "Sam", LastName: "Rivera", Name: "Sam Rivera",
					Email: "sam.rivera@example.com", Channel: "whatsapp", Tags: []string{"lead", "vip"},
				},
			},
		},
		{
			file: "envelope_tag_object.json", typ: "tag.applied", id: "evt_tag_5f2c", kind: webhook.KindTagApplied, envelope: true,
			tag: &webhook.Tag{Name: "Hot lead", ID: "tag_91", Contact: webhook.Contact{ID: "kX3mP9qR2sT5vW8y", Phone: "+15555550142", Name: "Sam Rivera"}},
		},
		{file: "envelope_human_alerted.json", typ: "human_alerted", id: "evt_human_77a1", kind: webhook.KindHumanAlerted, envelope: true},
		{file: "envelope_conversation_summary.json", typ: "conversation_summary", id: "evt_sum_3b9e", kind: webhook.KindConversationSummary, envelope: true},
		{file: "notification_template_approved.json", typ: "template_approved", id: "evt_tpl_0c41", kind: "template_approved", envelope: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := fixture(t, "events/"+tt.file)
			e := parseFixture(t, "events/"+tt.file)
			if e.Type != tt.typ || e.ID != tt.id || e.Kind() != tt.kind {
				t.Errorf("Type, ID, Kind = %q, %q, %q; want %q, %q, %q", e.Type, e.ID, e.Kind(), tt.typ, tt.id, tt.kind)
			}
			wantData := json.RawMessage(body)
			if tt.envelope {
				wantData = dataOf(t, body)
			}
			if !bytes.Equal(e.Data, wantData) {
				t.Errorf("Data = %s, want %s", e.Data, wantData)
			}

			c, err := e.Contact()
			checkAccessor(t, "Contact", c, err, tt.contact)
			m, err := e.Message()
			checkAccessor(t, "Message", m, err, tt.message)
			tag, err := e.Tag()
			checkAccessor(t, "Tag", tag, err, tt.tag)
		})
	}
}

// checkAccessor checks an accessor's result: want, or ErrWrongKind when
// want is nil.
func checkAccessor[T any](t *testing.T, name string, got *T, err error, want *T) {
	t.Helper()
	if want == nil {
		if !errors.Is(err, webhook.ErrWrongKind) || got != nil {
			t.Errorf("%s() = %+v, %v; want ErrWrongKind", name, got, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s(): %v", name, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s() =\n  %+v\nwant\n  %+v", name, *got, *want)
	}
}

func TestEventDecode(t *testing.T) {
	e := parseFixture(t, "events/envelope_conversation_summary.json")
	var summary struct {
		ContactID string `json:"contactId"`
		Summary   string `json:"summary"`
	}
	if err := e.Decode(&summary); err != nil {
		t.Fatal(err)
	}
	if summary.ContactID != "kX3mP9qR2sT5vW8y" || !strings.HasPrefix(summary.Summary, "Sam asked") {
		t.Errorf("Decode = %+v", summary)
	}
}

func TestKindSpellings(t *testing.T) {
	for typ, kind := range map[string]string{
		"new_contact": webhook.KindNewContact, "contact.created": webhook.KindNewContact, "Contact Created": webhook.KindNewContact,
		"contact-updated": webhook.KindContactUpdated, "contact.updated": webhook.KindContactUpdated,
		"flow.completed": webhook.KindFlowCompleted,
		"new_message":    webhook.KindMessageReceived, "message.received": webhook.KindMessageReceived, "MESSAGE_INBOUND": webhook.KindMessageReceived,
		"message.sent": webhook.KindMessageSent, "message_outbound": webhook.KindMessageSent,
		"contact_tagged": webhook.KindTagApplied, "contact.tagged": webhook.KindTagApplied, "tag.applied": webhook.KindTagApplied, "tag_added": webhook.KindTagApplied,
		"appointment_booked": webhook.KindAppointmentBooked, "appointment.created": webhook.KindAppointmentBooked,
		"human_alerted": webhook.KindHumanAlerted, "human.alert": webhook.KindHumanAlerted,
		"conversation_summary": webhook.KindConversationSummary, "conversation.summary": webhook.KindConversationSummary,
		"campaign.status": "campaign.status", "": "",
	} {
		if got := (&webhook.Event{Type: typ}).Kind(); got != kind {
			t.Errorf("Kind(%q) = %q, want %q", typ, got, kind)
		}
	}
}

func TestParseEventTypeAndIDKeys(t *testing.T) {
	tests := []struct{ body, typ, id string }{
		{`{"type":"contact.updated","contact_id":"c1"}`, "contact.updated", ""},
		{`{"eventType":"new_contact","eventId":"e1"}`, "new_contact", "e1"},
		{`{"event_type":"new_contact","event_id":42}`, "new_contact", "42"},
		{`{"event":"new_message","type":"text","data":{}}`, "new_message", ""},
		{`{"event":"new_message","id":"e2","data":{"id":"m2"}}`, "new_message", "e2"},
		// Without a "data" envelope a top-level "id" may be the subject's:
		// it is not taken as the event's.
		{`{"event":"contact.created","id":"c3"}`, "contact.created", ""},
		{`{"data":{"contactPhone":"+15555550100"}}`, "", ""},
		{`{"event":{"nested":"object"},"data":[1]}`, "", ""},
	}
	for _, tt := range tests {
		e, err := webhook.Parse(post([]byte(tt.body), ""), webhook.Unverified())
		if err != nil {
			t.Fatalf("Parse(%s): %v", tt.body, err)
		}
		if e.Type != tt.typ || e.ID != tt.id {
			t.Errorf("Parse(%s): Type, ID = %q, %q; want %q, %q", tt.body, e.Type, e.ID, tt.typ, tt.id)
		}
	}
}

func TestEventAccessorsTolerateOddValues(t *testing.T) {
	tests := []struct {
		body string
		want webhook.Contact
	}{
		// Numbers as ids, a bare contact id, nulls and wrong types skipped.
		{`{"event":"new_contact","data":{"id":12345,"phone":null,"phoneNumber":"+15555550100","email":["x"],"tags":"vip"}}`,
			webhook.Contact{ID: "12345", Phone: "+15555550100"}},
		{`{"event":"new_contact","data":{"contact":"c-77","contactPhone":"+15555550101"}}`,
			webhook.Contact{ID: "c-77", Phone: "+15555550101"}},
		{`{"event":"new_contact","data":{"contact":{"name":"  ","firstName":"Ana"},"contactLastName":"Diaz"}}`,
			webhook.Contact{FirstName: "Ana", LastName: "Diaz", Name: "Ana"}},
		{`{"event":"new_contact","data":{"contact":{"firstName":"Ana","lastName":"Diaz","tags":[{"tag":"a"},{"x":1},2,true]}}}`,
			webhook.Contact{FirstName: "Ana", LastName: "Diaz", Name: "Ana Diaz", Tags: []string{"a", "2"}}},
		{`{"event":"new_contact","data":{"contact_id":"c9","contact_name":"Lee Park","custom_fields":{}}}`,
			webhook.Contact{ID: "c9", Name: "Lee Park"}},
	}
	for _, tt := range tests {
		e, err := webhook.Parse(post([]byte(tt.body), ""), webhook.Unverified())
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.Contact()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*c, tt.want) {
			t.Errorf("Contact() of %s =\n  %+v\nwant\n  %+v", tt.body, *c, tt.want)
		}
	}
}

func TestEventMessageDirection(t *testing.T) {
	for body, want := range map[string]string{
		`{"event":"message.received"}`:                            "inbound",
		`{"event":"message.sent"}`:                                "outbound",
		`{"event":"new_message","data":{"direction":"Outgoing"}}`: "outbound",
		`{"event":"new_message","data":{"direction":"sent"}}`:     "outbound",
		`{"event":"message.sent","direction":"incoming"}`:         "inbound",
		`{"event":"new_message","data":{"direction":"echo"}}`:     "echo",
	} {
		e, _ := webhook.Parse(post([]byte(body), ""), webhook.Unverified())
		m, err := e.Message()
		if err != nil || m.Direction != want {
			t.Errorf("Message() of %s: Direction %q, err %v; want %q", body, m.Direction, err, want)
		}
	}
}

func TestWrongKindErrorNamesTheType(t *testing.T) {
	e := parseFixture(t, "events/envelope_new_contact.json")
	_, err := e.Message()
	if !errors.Is(err, webhook.ErrWrongKind) || !strings.Contains(err.Error(), `"new_contact"`) {
		t.Fatalf("err = %v", err)
	}
	long := &webhook.Event{Type: strings.Repeat("x", 10_000)}
	if _, err := long.Tag(); len(err.Error()) > 200 {
		t.Errorf("the error quotes a long type whole: %d bytes", len(err.Error()))
	}
}

func TestParseRefusesBodiesThatAreNotJSONObjects(t *testing.T) {
	for _, body := range []string{"", " ", "not json", `{"event":`, `[]`, `[{"event":"new_contact"}]`, `"new_contact"`, `42`, `null`, `true`, `{"a":1} {"b":2}`} {
		_, err := webhook.Parse(post([]byte(body), ""), webhook.Unverified())
		if !errors.Is(err, webhook.ErrMalformed) {
			t.Errorf("Parse(%q): err = %v, want ErrMalformed", body, err)
		}
	}
	_, err := webhook.Parse(post([]byte(`[1,2]`), ""), webhook.Unverified())
	if got := err.Error(); got != "webhook: body is not a JSON object: a JSON array, not an object" {
		t.Errorf("err = %q", got)
	}
}

func TestParseCapsTheBody(t *testing.T) {
	v := webhook.Unverified()
	big := append([]byte(`{"event":"new_message","data":{"body":"`), bytes.Repeat([]byte("a"), webhook.DefaultMaxBody)...)
	big = append(big, `"}}`...)

	// Announced by Content-Length.
	if _, err := webhook.Parse(post(big, ""), v); !errors.Is(err, webhook.ErrTooLarge) {
		t.Errorf("announced: err = %v, want ErrTooLarge", err)
	}
	// Unannounced (chunked).
	r := post(big, "")
	r.ContentLength = -1
	r.Body = io.NopCloser(bytes.NewReader(big))
	if _, err := webhook.Parse(r, v); !errors.Is(err, webhook.ErrTooLarge) {
		t.Errorf("chunked: err = %v, want ErrTooLarge", err)
	}
	// A smaller cap of the caller's, through http.MaxBytesReader.
	body := fixture(t, "events/envelope_new_contact.json")
	r = post(body, "")
	r.ContentLength = -1
	r.Body = http.MaxBytesReader(nil, io.NopCloser(bytes.NewReader(body)), 16)
	if _, err := webhook.Parse(r, v); !errors.Is(err, webhook.ErrTooLarge) {
		t.Errorf("MaxBytesReader: err = %v, want ErrTooLarge", err)
	}
	// Exactly at the cap.
	exact := append([]byte(`{"a":"`), bytes.Repeat([]byte("a"), webhook.DefaultMaxBody-8)...)
	exact = append(exact, `"}`...)
	if len(exact) != webhook.DefaultMaxBody {
		t.Fatal(len(exact))
	}
	if _, err := webhook.Parse(post(exact, ""), v); err != nil {
		t.Errorf("at the cap: %v", err)
	}
}
