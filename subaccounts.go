package dmchamp

import (
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"cmp"
	"context"
	"net/http"
	"net/url"
	"time"
)

// SubAccountsService manages the sub-accounts of an agency or developer
// account. It needs an API key: the API refuses a user ID here, so a client
// holding only WithUserID gets a *ValidationError before any request.
type SubAccountsService struct {
	client *Client
}

// SubAccount is a sub-account of an agency.
type SubAccount struct {
	UID                string       `json:"uid,omitempty"`                   // the sub-account's user id
	Email              string       `json:"email"`                           // login email
	FirstName          string       `json:"first_name"`                      // owner's first name
	LastName           string       `json:"last_name"`                       // owner's last name
	Role               string       `json:"role,omitempty"`                  // "Sub Account"
	IsAgencySubAccount bool         `json:"is_agency_sub_account,omitempty"` // always true
	BusinessName       string       `json:"business_name,omitempty"`         // company name
	Description        string       `json:"description,omitempty"`           // free text
	AddressLine        string       `json:"address_line,omitempty"`          // street address
	City               string       `json:"city,omitempty"`                  // city
	Country            string       `json:"country,omitempty"`               // ISO code, e.g. "US"
	PostalCode         string       `json:"postal_code,omitempty"`           // postal code
	State              string       `json:"state,omitempty"`                 // state or region
	TimeZoneID         string       `json:"time_zone_id,omitempty"`          // IANA zone, e.g. "America/Los_Angeles"
	Language           string       `json:"language,omitempty"`              // e.g. "en"
	UsageLimits        *UsageLimits `json:"usage_limits,omitempty"`          // credits
	TemporaryPassword  string       `json:"temporary_password,omitempty"`    // only in Create's answer
}

// UsageLimits are a sub-account's credits.
type UsageLimits struct {
	MonthlyCredits      int            `json:"monthly_credits,omitempty"`         // credits granted each month
	MonthlyCreditsUsed  int            `json:"monthly_credits_used,omitempty"`    // credits used this month
	LastResetDate       *time.Time     `json:"last_reset_date,omitempty"`         // when the month's credits were reset
	Notifications       map[string]any `json:"notifications,omitempty"`           // notification settings
	Credits             int            `json:"credits,omitempty"`                 // current balance
	RollOverToNextMonth bool           `json:"roll_over_to_next_month,omitempty"` // unused credits carry over
}

// CreateSubAccountRequest is the body of Create. Email, FirstName, LastName
// and UsageLimits.MonthlyCredits (at least 1) are required.
type CreateSubAccountRequest struct {
	Email        string           `json:"email"`                   // login email
	FirstName    string           `json:"first_name"`              // owner's first name
	LastName     string           `json:"last_name"`               // owner's last name
	BusinessName string           `json:"business_name,omitempty"` // company name
	Description  string           `json:"description,omitempty"`   // free text
	AddressLine  string           `json:"address_line,omitempty"`  // street address
	City         string           `json:"city,omitempty"`          // city
	Country      string           `json:"country,omitempty"`       // ISO code, e.g. "US"
	PostalCode   string           `json:"postal_code,omitempty"`   // postal code
	State        string           `json:"state,omitempty"`         // state or region
	TimeZoneID   string           `json:"time_zone_id,omitempty"`  // IANA zone, e.g. "America/Los_Angeles"
	Language     string           `json:"language,omitempty"`      // e.g. "en"
	UsageLimits  SubAccountLimits `json:"usage_limits"`            // the credits granted
}

// SubAccountLimits are the credits granted to a new sub-account. All three
// fields are sent, zero values included.
type SubAccountLimits struct {
	MonthlyCredits      int  `json:"monthly_credits"`         // granted each month, at least 1
	Credits             int  `json:"credits"`                 // initial balance, taken from the agency's
	RollOverToNextMonth bool `json:"roll_over_to_next_month"` // unused credits carry over
}

// AddCreditsRequest is the body of AddCredits.
type AddCreditsRequest struct {
	Email       string `json:"email"`                 // the sub-account's email
	Amount      int    `json:"amount"`                // credits to add, at least 1
	Description string `json:"description,omitempty"` // shown in the credit history
}

// CreditsAdded is the answer of AddCredits.
type CreditsAdded struct {
	SubAccountID string `json:"sub_account_id"` // the sub-account's user id
	CreditsAdded int    `json:"credits_added"`  // the amount added
	NewBalance   int    `json:"new_balance"`    // the balance after the grant
}

var (
	epSubAccountsGet        = register(endpoint{name: "SubAccounts.Get", method: http.MethodGet, route: "/subaccounts", auth: authKeyOnly, notFoundByMessage: true})
	epSubAccountsCreate     = register(endpoint{name: "SubAccounts.Create", method: http.MethodPost, route: "/subaccounts", auth: authKeyOnly, result: []string{"uid", "email"}})
	epSubAccountsDelete     = register(endpoint{name: "SubAccounts.Delete", method: http.MethodDelete, route: "/subaccounts", auth: authKeyOnly, shape: flat, result: confirmation})
	epSubAccountsAddCredits = register(endpoint{name: "SubAccounts.AddCredits", method: http.MethodPost, route: "/subaccounts/credits", auth: authKeyOnly, shape: flat, result: []string{"sub_account_id", "credits_added", "new_balance"}})
)

// Get returns the sub-account with this email. The API answers an unknown
// email with HTTP 404, or with HTTP 200 and "success": false and a message
// saying it was not found: errors.Is(err, ErrNotFound) holds for both.
//
// API: GET /subaccounts
func (s *SubAccountsService) Get(ctx context.Context, email string, opts ...CallOption) (*SubAccount, error) {
	if err := checkEmail("email", email); err != nil {
		return nil, err
	}
	return callJSON[SubAccount](ctx, s.client, epSubAccountsGet, &request{query: url.Values{"email": {email}}.Encode()}, opts)
}

// Create creates a sub-account; the answer carries its UID and a temporary
// password. The API answers 400 when the agency lacks the credits to grant.
//
// API: POST /subaccounts
func (s *SubAccountsService) Create(ctx context.Context, req *CreateSubAccountRequest, opts ...CallOption) (*SubAccount, error) {
	if req == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := checkEmail("Email", req.Email); err != nil {
		return nil, err
	}
	if err := cmp.Or(required("FirstName", req.FirstName), required("LastName", req.LastName)); err != nil {
		return nil, err
	}
	switch {
	case req.UsageLimits.MonthlyCredits < 1:
		return nil, invalid("UsageLimits.MonthlyCredits", "must be at least 1, got %d", req.UsageLimits.MonthlyCredits)
	case req.UsageLimits.Credits < 0:
		return nil, invalid("UsageLimits.Credits", "must not be negative, got %d", req.UsageLimits.Credits)
	}
	return callJSON[SubAccount](ctx, s.client, epSubAccountsCreate, &request{body: req}, opts)
}

// Delete deletes the sub-account with this email and returns the server's
// confirmation. Like every DELETE it is retried after a 5xx: should the
// first attempt have deleted it, the retry answers ErrNotFound.
//
// API: DELETE /subaccounts
func (s *SubAccountsService) Delete(ctx context.Context, email string, opts ...CallOption) (string, error) {
	if err := checkEmail("email", email); err != nil {
		return "", err
	}
	return message(ctx, s.client, epSubAccountsDelete, &request{query: url.Values{"email": {email}}.Encode()}, opts)
}

// AddCredits grants credits to a sub-account. This endpoint is not in the
// API reference: it is observed in production integrations (DM Champ's
// sub-account auto-recharge), so its answer is decoded as they read it.
//
// API: POST /subaccounts/credits
func (s *SubAccountsService) AddCredits(ctx context.Context, req *AddCreditsRequest, opts ...CallOption) (*CreditsAdded, error) {
	if req == nil {
		return nil, invalid("request", "must not be nil")
	}
	if err := checkEmail("Email", req.Email); err != nil {
		return nil, err
	}
	if req.Amount < 1 {
		return nil, invalid("Amount", "must be at least 1, got %d", req.Amount)
	}
	return callJSON[CreditsAdded](ctx, s.client, epSubAccountsAddCredits, &request{body: req}, opts)
}

// UnmarshalJSONFrom accepts a lenient last_reset_date.
func (u *UsageLimits) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain UsageLimits
	aux := struct {
		*plain
		LastResetDate flexTime `json:"last_reset_date"`
	}{plain: (*plain)(u)}
	if err := jsonv2.UnmarshalDecode(dec, &aux); err != nil {
		return err
	}
	u.LastResetDate = aux.LastResetDate.t
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (u *UsageLimits) UnmarshalJSON(b []byte) error { return unmarshal(b, u) }
