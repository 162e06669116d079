package dmchamp

import (
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"context"
	"net/http"
	"strings"
	"time"
)

// WhatsAppTemplatesService lists and sends approved WhatsApp templates.
type WhatsAppTemplatesService struct {
	client *Client
}

// WhatsAppWebService sends messages through the account's connected
// WhatsApp Web session, which needs no template.
type WhatsAppWebService struct {
	client *Client
}

// WhatsAppTemplate is a message template approved by Meta.
type WhatsAppTemplate struct {
	ID        string     `json:"id"`        // pass to Send
	Name      string     `json:"name"`      // template name
	Status    string     `json:"status"`    // e.g. "approved"
	Language  string     `json:"language"`  // e.g. "en_US"
	Category  string     `json:"category"`  // e.g. "MARKETING", "UTILITY"
	CreatedAt *time.Time `json:"createdAt"` // nil when not sent
}

// WhatsAppWebResult is the answer of WhatsAppWeb.Send.
type WhatsAppWebResult struct {
	ContactID    string   `json:"contactId"`    // the contact, created if it did not exist
	MessagesSent int      `json:"messagesSent"` // messages delivered to WhatsApp
	TotalChunks  int      `json:"totalChunks"`  // parts the text was split into
	MessageIDs   []string `json:"messageIds"`   // WhatsApp ids of the messages
	CreditsUsed  int      `json:"creditsUsed"`  // 1 per call
}

var (
	epWhatsAppTemplatesList = register(endpoint{name: "WhatsAppTemplates.List", method: http.MethodGet, route: "/whatsapp-templates"})
	epWhatsAppTemplatesSend = register(endpoint{name: "WhatsAppTemplates.Send", method: http.MethodPost, route: "/whatsapp-templates/send", shape: flat, result: []string{"success", "data", "message"}})
	epWhatsAppWebSend       = register(endpoint{name: "WhatsAppWeb.Send", method: http.MethodPost, route: "/whatsapp-web/send", shape: flat, result: []string{"contactId", "messagesSent", "messageIds", "totalChunks"}})
)

// List returns the account's WhatsApp templates.
//
// API: GET /whatsapp-templates
func (s *WhatsAppTemplatesService) List(ctx context.Context, opts ...CallOption) ([]WhatsAppTemplate, error) {
	list, err := callJSON[[]WhatsAppTemplate](ctx, s.client, epWhatsAppTemplatesList, &request{}, opts)
	if err != nil {
		return nil, err
	}
	return *list, nil
}

// Send sends a template to a contact, even when the 24-hour chat window is
// closed, and reopens the chat session. It returns the server's
// confirmation, or "" when the answer has no text for it: the send
// succeeded either way. Template variables ({{first_name}}, ...) are filled
// in by DM Champ.
//
// API: POST /whatsapp-templates/send
func (s *WhatsAppTemplatesService) Send(ctx context.Context, contactID, templateID string, opts ...CallOption) (string, error) {
	if err := required("contactID", contactID); err != nil {
		return "", err
	}
	if err := required("templateID", templateID); err != nil {
		return "", err
	}
	body := struct {
		ContactID          string `json:"contactId"`
		WhatsappTemplateID string `json:"whatsappTemplateId"`
	}{contactID, templateID}
	out, err := callJSON[struct {
		Data jsontext.Value `json:"data"`
	}](ctx, s.client, epWhatsAppTemplatesSend, &request{body: body}, opts)
	if err != nil {
		return "", err
	}
	return jsonString(out.Data), nil
}

// Send sends a text to a phone number through WhatsApp Web, creating the
// contact if needed. The text is split into separate messages at blank lines
// ("\n\n") and typed out at a human pace; the call costs 1 credit whatever
// the number of parts. An account out of credits gets an *APIError matching
// ErrPaymentRequired.
//
// API: POST /whatsapp-web/send
func (s *WhatsAppWebService) Send(ctx context.Context, phoneNumber, text string, opts ...CallOption) (*WhatsAppWebResult, error) {
	if err := checkE164("phoneNumber", phoneNumber); err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, invalid("text", "must not be empty")
	}
	body := struct {
		PhoneNumber string `json:"phoneNumber"`
		Message     string `json:"message"`
	}{phoneNumber, text}
	return callJSON[WhatsAppWebResult](ctx, s.client, epWhatsAppWebSend, &request{body: body}, opts)
}

// UnmarshalJSONFrom accepts a lenient createdAt.
func (t *WhatsAppTemplate) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain WhatsAppTemplate
	aux := struct {
		*plain
		CreatedAt flexTime `json:"createdAt"`
	}{plain: (*plain)(t)}
	if err := jsonv2.UnmarshalDecode(dec, &aux); err != nil {
		return err
	}
	t.CreatedAt = aux.CreatedAt.t
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (t *WhatsAppTemplate) UnmarshalJSON(b []byte) error { return unmarshal(b, t) }
