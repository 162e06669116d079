package dmchamp

import (
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// ContactsService manages DM Champ contacts: the people the AI agent talks
// to. Phone numbers are sent exactly as given and must carry a country code.
type ContactsService struct {
	client *Client
}

// GetContactOptions identifies a contact: set exactly one field.
type GetContactOptions struct {
	PhoneNumber string `url:"phoneNumber,omitempty"` // with country code, e.g. "+34612345678"
	Email       string `url:"email,omitempty"`       // the contact's email address
}

// ContactLookup is the answer of Get. The API documents only the contact's
// id; it has also been seen answering with the whole contact, which is then
// in Contact.
type ContactLookup struct {
	ContactID string   `json:"contactId"`         // always set
	Contact   *Contact `json:"contact,omitempty"` // nil when the server sent only the id
}

// Contact is a contact as the API returns it. Fields the SDK does not name
// are in Raw.
type Contact struct {
	ID                    string          `json:"id"`                    // Firestore document id
	PhoneNumber           string          `json:"phoneNumber"`           // with country code
	FirstName             string          `json:"firstName"`             // "Unknown" when unknown
	LastName              string          `json:"lastName"`              // "Unknown" when unknown
	Email                 string          `json:"email"`                 // "unknown@unknown.com" when unknown
	Channel               string          `json:"channel"`               // e.g. "whatsapp", "instagram"
	IsBotActive           bool            `json:"isBotActive"`           // the AI agent answers this contact
	DoNotDisturb          bool            `json:"doNotDisturb"`          // no messages are sent
	DoNotDisturbReason    string          `json:"doNotDisturbReason"`    // why, when DoNotDisturb
	InstagramID           string          `json:"instagramId"`           // Instagram user id
	ExternalID            string          `json:"externalId"`            // the caller's own id
	CustomChannel         string          `json:"customChannel"`         // custom channel identifier
	ChatWidgetID          string          `json:"chatWidgetId"`          // chat widget identifier
	IsChatWindowOpen      bool            `json:"isChatWindowOpen"`      // WhatsApp 24-hour window open
	CurrentCampaign       string          `json:"currentCampaign"`       // campaign name or id
	Campaigns             []string        `json:"campaigns"`             // campaign names
	Tags                  []string        `json:"tags"`                  // tag names
	CreditsUsed           float64         `json:"creditsUsed"`           // credits spent on this contact
	BotMessageCount       int             `json:"botMessageCount"`       // messages the AI agent sent
	HasHadActivity        bool            `json:"hasHadActivity"`        // any message exchanged
	ChatConcluded         bool            `json:"chatConcluded"`         // the conversation was closed
	CreatedAt             *time.Time      `json:"createdAt"`             // nil when not sent
	LastActivityAt        *time.Time      `json:"lastActivityAt"`        // nil when not sent
	LastIncomingMessageAt *time.Time      `json:"lastIncomingMessageAt"` // nil when not sent
	Raw                   json.RawMessage `json:"-"`                     // the object as sent
}

// CreateContactRequest is the body of Create. Field names on the wire are
// the documented ones, snake_case for is_bot_active and do_not_disturb.
type CreateContactRequest struct {
	PhoneNumber         string         `json:"phoneNumber"`                   // required, with country code
	FirstName           string         `json:"firstName,omitempty"`           // server default "Unknown"
	LastName            string         `json:"lastName,omitempty"`            // server default "Unknown"
	Email               string         `json:"email,omitempty"`               // server default "unknown@unknown.com"
	IsBotActive         *bool          `json:"is_bot_active,omitempty"`       // server default true
	ListID              string         `json:"listId,omitempty"`              // a list to add the contact to
	ListIDs             []string       `json:"listIds,omitempty"`             // lists to add it to; wins over ListID
	InstagramID         string         `json:"instagramId,omitempty"`         // Instagram user id
	CurrentCampaign     string         `json:"currentCampaign,omitempty"`     // campaign identifier
	CurrentCampaignData map[string]any `json:"currentCampaignData,omitempty"` // campaign data
	Channel             string         `json:"channel,omitempty"`             // communication channel
	IsChatWindowOpen    *bool          `json:"isChatWindowOpen,omitempty"`    // server default false
	ExternalID          string         `json:"externalId,omitempty"`          // the caller's own id
	CustomChannel       string         `json:"customChannel,omitempty"`       // custom channel identifier
	ChatWidgetID        string         `json:"chatWidgetId,omitempty"`        // chat widget identifier
	DoNotDisturb        *bool          `json:"do_not_disturb,omitempty"`      // server default false
}

// CreatedContact is the answer of Create.
type CreatedContact struct {
	ContactID string `json:"contactId"`         // the new contact's id
	Message   string `json:"message,omitempty"` // the server's confirmation
}

// UpdateContactRequest is the body of Update. Every field is a pointer: nil
// leaves the contact's value unchanged, and a pointer to a zero value sets
// it, so Ptr("") clears a name or the email and Ptr(false) turns a flag off.
type UpdateContactRequest struct {
	FirstName    *string `json:"firstName,omitempty"`      // new first name; Ptr("") clears it
	LastName     *string `json:"lastName,omitempty"`       // new last name; Ptr("") clears it
	Email        *string `json:"email,omitempty"`          // new email address; Ptr("") clears it
	IsBotActive  *bool   `json:"is_bot_active,omitempty"`  // turn the AI agent on or off
	DoNotDisturb *bool   `json:"do_not_disturb,omitempty"` // stop or resume messages
}

// Tag is a label on contacts.
type Tag struct {
	Name        string `json:"name"`                  // the tag itself
	Description string `json:"description,omitempty"` // optional
}

// confirmation is the result of endpoints whose answer is
// {"success": true, "message": ...}.
var confirmation = []string{"success", "message"}

var (
	epContactsGet       = register(endpoint{name: "Contacts.Get", method: http.MethodGet, route: "/contacts", shape: flat})
	epContactsCreate    = register(endpoint{name: "Contacts.Create", method: http.MethodPost, route: "/contacts", shape: flat, result: []string{"contactId", "contact_id", "id", "data", "contact"}})
	epContactsUpdate    = register(endpoint{name: "Contacts.Update", method: http.MethodPut, route: "/contacts/{contactId}", shape: flat, result: confirmation})
	epContactsAddToList = register(endpoint{name: "Contacts.AddToList", method: http.MethodPost, route: "/contacts/lists", shape: flat, result: confirmation})
	epContactsTags      = register(endpoint{name: "Contacts.Tags", method: http.MethodGet, route: "/contacts/tags/{contactId}", shape: bare})
)

// Get finds a contact by phone number or by email.
//
// API: GET /contacts
func (s *ContactsService) Get(ctx context.Context, opts *GetContactOptions, callOpts ...CallOption) (*ContactLookup, error) {
	if opts == nil {
		return nil, invalid("PhoneNumber", "set PhoneNumber or Email")
	}
	if err := phoneOrEmail(opts.PhoneNumber, opts.Email); err != nil {
		return nil, err
	}
	q, err := encodeQuery(opts)
	if err != nil {
		return nil, err
	}
	return callJSON[ContactLookup](ctx, s.client, epContactsGet, &request{query: q}, callOpts)
}

// Create creates a contact, and adds it to ListID or ListIDs if set: if a
// list does not exist or may not be used, the contact is not created. A
// contact that already exists is an *APIError matching ErrConflict (the API
// answers HTTP 409, or HTTP 200 with error_code 409); the existing contact's
// id, when the server sends it, is the error's ExistingID. Ensure creates a
// contact only if it does not exist.
//
// API: POST /contacts
func (s *ContactsService) Create(ctx context.Context, req *CreateContactRequest, opts ...CallOption) (*CreatedContact, error) {
	if req == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := checkPhone("PhoneNumber", req.PhoneNumber); err != nil {
		return nil, err
	}
	if req.Email != "" {
		if err := checkEmail("Email", req.Email); err != nil {
			return nil, err
		}
	}
	for _, id := range req.ListIDs {
		if id == "" {
			return nil, invalid("ListIDs", "must not contain an empty id")
		}
	}
	return callJSON[CreatedContact](ctx, s.client, epContactsCreate, &request{body: req}, opts)
}

// Update changes a contact's name, email, AI agent or do-not-disturb
// setting, and returns the server's confirmation.
//
// API: PUT /contacts/{contactId}
func (s *ContactsService) Update(ctx context.Context, contactID string, req *UpdateContactRequest, opts ...CallOption) (string, error) {
	id, err := pathParam("contactID", contactID)
	if err != nil {
		return "", err
	}
	switch {
	case req == nil || *req == (UpdateContactRequest{}):
		return "", invalid("request", "nothing to update")
	case req.Email != nil && *req.Email != "":
		if err := checkEmail("Email", *req.Email); err != nil {
			return "", err
		}
	}
	return message(ctx, s.client, epContactsUpdate, &request{segments: []string{id}, body: req}, opts)
}

// AddToList adds a contact to a list and returns the server's confirmation.
//
// API: POST /contacts/lists
func (s *ContactsService) AddToList(ctx context.Context, contactID, listID string, opts ...CallOption) (string, error) {
	if err := cmp.Or(required("contactID", contactID), required("listID", listID)); err != nil {
		return "", err
	}
	body := struct {
		ContactID string `json:"contactId"`
		ListID    string `json:"listId"`
	}{contactID, listID}
	return message(ctx, s.client, epContactsAddToList, &request{body: body}, opts)
}

// Ensure returns the contact with req.PhoneNumber, creating it from req if
// there is none; the bool reports whether it was created. A creation that
// loses a race to another creator (ErrConflict) returns the existing
// contact. The contact returned is the server's when Get answers with it;
// otherwise, and for a contact just created, it holds the id and the fields
// of req (the server adds defaults such as "Unknown" names). The options
// apply to every call made.
//
// API: GET /contacts, then POST /contacts if needed
func (s *ContactsService) Ensure(ctx context.Context, req *CreateContactRequest, opts ...CallOption) (*Contact, bool, error) {
	if req == nil {
		return nil, false, invalid("request", "must not be nil")
	}
	if err := checkPhone("PhoneNumber", req.PhoneNumber); err != nil {
		return nil, false, err
	}
	found, err := s.Get(ctx, &GetContactOptions{PhoneNumber: req.PhoneNumber}, opts...)
	switch {
	case err == nil:
		return found.contact(req), false, nil
	case !errors.Is(err, ErrNotFound):
		return nil, false, err
	}
	created, err := s.Create(ctx, req, opts...)
	if err == nil {
		return (&ContactLookup{ContactID: created.ContactID}).contact(req), true, nil
	}
	if !errors.Is(err, ErrConflict) {
		return nil, false, err
	}
	// Created meanwhile by someone else: the existing contact wins.
	if found, err = s.Get(ctx, &GetContactOptions{PhoneNumber: req.PhoneNumber}, opts...); err != nil {
		return nil, false, err
	}
	return found.contact(req), false, nil
}

// contact returns the contact looked up, or one made of its id and req.
func (l *ContactLookup) contact(req *CreateContactRequest) *Contact {
	if l.Contact != nil {
		c := *l.Contact
		c.ID = cmp.Or(c.ID, l.ContactID)
		return &c
	}
	c := &Contact{
		ID: l.ContactID, PhoneNumber: req.PhoneNumber, FirstName: req.FirstName, LastName: req.LastName,
		Email: req.Email, Channel: req.Channel, InstagramID: req.InstagramID, ExternalID: req.ExternalID,
		CustomChannel: req.CustomChannel, ChatWidgetID: req.ChatWidgetID, CurrentCampaign: req.CurrentCampaign,
		IsBotActive: req.IsBotActive == nil || *req.IsBotActive,
	}
	if req.DoNotDisturb != nil {
		c.DoNotDisturb = *req.DoNotDisturb
	}
	if req.IsChatWindowOpen != nil {
		c.IsChatWindowOpen = *req.IsChatWindowOpen
	}
	return c
}

// Tags returns the tags of a contact.
//
// API: GET /contacts/tags/{contactId}
func (s *ContactsService) Tags(ctx context.Context, contactID string, opts ...CallOption) ([]Tag, error) {
	id, err := pathParam("contactID", contactID)
	if err != nil {
		return nil, err
	}
	tags, err := callJSON[[]Tag](ctx, s.client, epContactsTags, &request{segments: []string{id}}, opts)
	if err != nil {
		return nil, err
	}
	return *tags, nil
}

// message performs a call whose answer is {"success": true, "message": ...}
// (or 204 No Content) and returns the message.
func message(ctx context.Context, c *Client, ep *endpoint, r *request, opts []CallOption) (string, error) {
	out, err := callJSON[struct {
		Message string `json:"message"`
	}](ctx, c, ep, r, opts)
	if err != nil {
		return "", err
	}
	return out.Message, nil
}

var errNoContactID = errors.New("no contact id in the answer")

// UnmarshalJSONFrom reads the contact id from contactId, contact_id, contact.id
// or id, and the contact from contact when present.
func (l *ContactLookup) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	var aux struct {
		ContactID  string   `json:"contactId"`
		ContactID2 string   `json:"contact_id"`
		ID         string   `json:"id"`
		Contact    *Contact `json:"contact"`
	}
	if err := jsonv2.UnmarshalDecode(dec, &aux); err != nil {
		return err
	}
	*l = ContactLookup{Contact: aux.Contact}
	var fromContact string
	if aux.Contact != nil {
		fromContact = aux.Contact.ID
	}
	l.ContactID = cmp.Or(aux.ContactID, aux.ContactID2, fromContact, aux.ID)
	if l.ContactID == "" {
		return errNoContactID
	}
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (l *ContactLookup) UnmarshalJSON(b []byte) error { return unmarshal(b, l) }

// UnmarshalJSONFrom reads the documented {data: {contactId, message}} and the
// flat {contactId, message} answers.
func (c *CreatedContact) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type ids struct {
		ContactID  string `json:"contactId"`
		ContactID2 string `json:"contact_id"`
		ID         string `json:"id"`
		Message    string `json:"message"`
	}
	var aux struct {
		ids
		Data    *ids `json:"data"`
		Contact *ids `json:"contact"`
	}
	if err := jsonv2.UnmarshalDecode(dec, &aux); err != nil {
		return err
	}
	var data, contact ids
	if aux.Data != nil {
		data = *aux.Data
	}
	if aux.Contact != nil {
		contact = *aux.Contact
	}
	c.ContactID = cmp.Or(data.ContactID, data.ContactID2, data.ID, aux.ContactID, aux.ContactID2, contact.ContactID, contact.ID, aux.ID)
	c.Message = cmp.Or(data.Message, aux.Message)
	if c.ContactID == "" {
		return errNoContactID
	}
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (c *CreatedContact) UnmarshalJSON(b []byte) error { return unmarshal(b, c) }

// UnmarshalJSONFrom accepts camelCase and snake_case flags, tags and campaigns
// as names or {"name": ...} objects, and lenient timestamps.
func (c *Contact) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	b, err := dec.ReadValue()
	if err != nil {
		return err
	}
	opts := dec.Options()
	type plain Contact
	aux := struct {
		*plain
		AltID                 string      `json:"_id"`
		IsBotActive2          *bool       `json:"is_bot_active"`
		DoNotDisturb2         *bool       `json:"do_not_disturb"`
		CurrentCampaign       nameOrObj   `json:"currentCampaign"`
		Campaigns             []nameOrObj `json:"campaigns"`
		Tags                  []nameOrObj `json:"tags"`
		CreatedAt             flexTime    `json:"createdAt"`
		LastActivityAt        flexTime    `json:"lastActivityAt"`
		LastIncomingMessageAt flexTime    `json:"lastIncomingMessageAt"`
	}{plain: (*plain)(c)}
	if err := jsonv2.Unmarshal(b, &aux, opts); err != nil {
		return err
	}
	c.ID = cmp.Or(c.ID, aux.AltID)
	if aux.IsBotActive2 != nil {
		c.IsBotActive = *aux.IsBotActive2
	}
	if aux.DoNotDisturb2 != nil {
		c.DoNotDisturb = *aux.DoNotDisturb2
	}
	c.CurrentCampaign = string(aux.CurrentCampaign)
	c.Campaigns = names(aux.Campaigns)
	c.Tags = names(aux.Tags)
	c.CreatedAt, c.LastActivityAt, c.LastIncomingMessageAt = aux.CreatedAt.t, aux.LastActivityAt.t, aux.LastIncomingMessageAt.t
	var compact bytes.Buffer
	if err := json.Compact(&compact, b); err != nil {
		return err
	}
	c.Raw = compact.Bytes()
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (c *Contact) UnmarshalJSON(b []byte) error { return unmarshal(b, c) }

// UnmarshalJSONFrom accepts a tag object or a bare tag name.
func (t *Tag) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain Tag
	if dec.PeekKind() == '"' {
		*t = Tag{}
		return jsonv2.UnmarshalDecode(dec, &t.Name)
	}
	return jsonv2.UnmarshalDecode(dec, (*plain)(t))
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (t *Tag) UnmarshalJSON(b []byte) error { return unmarshal(b, t) }

// nameOrObj decodes "name" or {"name": "name", ...} into the name.
type nameOrObj string

func (n *nameOrObj) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case 'n':
		*n = ""
		_, err := dec.ReadToken()
		return err
	case '"':
		return jsonv2.UnmarshalDecode(dec, (*string)(n))
	}
	var obj struct {
		Name string `json:"name"`
	}
	if err := jsonv2.UnmarshalDecode(dec, &obj); err != nil {
		return err
	}
	*n = nameOrObj(obj.Name)
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (n *nameOrObj) UnmarshalJSON(b []byte) error { return unmarshal(b, n) }

func names(list []nameOrObj) []string {
	if list == nil {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, n := range list {
		out = append(out, string(n))
	}
	return out
}
