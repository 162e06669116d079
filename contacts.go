package dmchamp

import (
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

// UpdateContactRequest is the body of Update; empty and nil fields are left
// unchanged.
type UpdateContactRequest struct {
	FirstName    string `json:"firstName,omitempty"`      // new first name
	LastName     string `json:"lastName,omitempty"`       // new last name
	Email        string `json:"email,omitempty"`          // new email address
	IsBotActive  *bool  `json:"is_bot_active,omitempty"`  // turn the AI agent on or off
	DoNotDisturb *bool  `json:"do_not_disturb,omitempty"` // stop or resume messages
}

// Tag is a label on contacts.
type Tag struct {
	Name        string `json:"name"`                  // the tag itself
	Description string `json:"description,omitempty"` // optional
}

// Get finds a contact by phone number or by email.
//
// API: GET /contacts
func (s *ContactsService) Get(ctx context.Context, opts *GetContactOptions) (*ContactLookup, error) {
	if opts == nil {
		return nil, invalid("PhoneNumber", "set PhoneNumber or Email")
	}
	if err := phoneOrEmail(opts.PhoneNumber, opts.Email); err != nil {
		return nil, err
	}
	q, err := values(opts)
	if err != nil {
		return nil, err
	}
	return do[ContactLookup](ctx, s.client, &request{method: http.MethodGet, path: "/contacts", query: q}, flat)
}

// Create creates a contact, and adds it to ListID or ListIDs if set: if a
// list does not exist or may not be used, the contact is not created. A
// contact that already exists is an *APIError matching ErrConflict (the API
// answers HTTP 409, or HTTP 200 with error_code 409); the existing contact's
// id, when the server sends it, is in the error's Body.
//
// API: POST /contacts
func (s *ContactsService) Create(ctx context.Context, req *CreateContactRequest) (*CreatedContact, error) {
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
	return do[CreatedContact](ctx, s.client, &request{method: http.MethodPost, path: "/contacts", body: req}, flat)
}

// Update changes a contact's name, email, AI agent or do-not-disturb
// setting, and returns the server's confirmation.
//
// API: PUT /contacts/{contactId}
func (s *ContactsService) Update(ctx context.Context, contactID string, req *UpdateContactRequest) (string, error) {
	id, err := pathParam("contactID", contactID)
	if err != nil {
		return "", err
	}
	switch {
	case req == nil || *req == (UpdateContactRequest{}):
		return "", invalid("request", "nothing to update")
	case req.Email != "":
		if err := checkEmail("Email", req.Email); err != nil {
			return "", err
		}
	}
	return message(ctx, s.client, &request{method: http.MethodPut, path: "/contacts/" + id, body: req})
}

// AddToList adds a contact to a list and returns the server's confirmation.
//
// API: POST /contacts/lists
func (s *ContactsService) AddToList(ctx context.Context, contactID, listID string) (string, error) {
	if err := cmp.Or(required("contactID", contactID), required("listID", listID)); err != nil {
		return "", err
	}
	body := struct {
		ContactID string `json:"contactId"`
		ListID    string `json:"listId"`
	}{contactID, listID}
	return message(ctx, s.client, &request{method: http.MethodPost, path: "/contacts/lists", body: body})
}

// Tags returns the tags of a contact.
//
// API: GET /contacts/tags/{contactId}
func (s *ContactsService) Tags(ctx context.Context, contactID string) ([]Tag, error) {
	id, err := pathParam("contactID", contactID)
	if err != nil {
		return nil, err
	}
	tags, err := do[[]Tag](ctx, s.client, &request{method: http.MethodGet, path: "/contacts/tags/" + id}, bare)
	if err != nil {
		return nil, err
	}
	return *tags, nil
}

// message performs a call whose answer is {"success": true, "message": ...}
// (or empty) and returns the message.
func message(ctx context.Context, c *Client, r *request) (string, error) {
	r.emptyOK = true
	out, err := do[struct {
		Message string `json:"message"`
	}](ctx, c, r, flat)
	if err != nil {
		return "", err
	}
	return out.Message, nil
}

var errNoContactID = errors.New("no contact id in the answer")

// UnmarshalJSON reads the contact id from contactId, contact_id, contact.id
// or id, and the contact from contact when present.
func (l *ContactLookup) UnmarshalJSON(b []byte) error {
	var aux struct {
		ContactID  string   `json:"contactId"`
		ContactID2 string   `json:"contact_id"`
		ID         string   `json:"id"`
		Contact    *Contact `json:"contact"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
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

// UnmarshalJSON reads the documented {data: {contactId, message}} and the
// flat {contactId, message} answers.
func (c *CreatedContact) UnmarshalJSON(b []byte) error {
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
	if err := json.Unmarshal(b, &aux); err != nil {
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

// UnmarshalJSON accepts camelCase and snake_case flags, tags and campaigns
// as names or {"name": ...} objects, and lenient timestamps.
func (c *Contact) UnmarshalJSON(b []byte) error {
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
	if err := json.Unmarshal(b, &aux); err != nil {
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

// UnmarshalJSON accepts a tag object or a bare tag name.
func (t *Tag) UnmarshalJSON(b []byte) error {
	type plain Tag
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '"' {
		*t = Tag{}
		return json.Unmarshal(b, &t.Name)
	}
	return json.Unmarshal(b, (*plain)(t))
}

// nameOrObj decodes "name" or {"name": "name", ...} into the name.
type nameOrObj string

func (n *nameOrObj) UnmarshalJSON(b []byte) error {
	var obj struct {
		Name string `json:"name"`
	}
	switch b = bytes.TrimSpace(b); {
	case string(b) == "null":
		*n = ""
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, (*string)(n))
	default:
		if err := json.Unmarshal(b, &obj); err != nil {
			return err
		}
		*n = nameOrObj(obj.Name)
	}
	return nil
}

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
