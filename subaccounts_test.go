package dmchamp

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	subAccountsURL = testBaseURL + "/subaccounts"
	subCreditsURL  = testBaseURL + "/subaccounts/credits"
	subEmail       = "lucia.ortega@brightsmile-dental.example"
)

func TestSubAccountsGet(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    subAccountsURL,
		query:  withKey(url.Values{"email": {subEmail}}),
		header: noAuth,
	}, reply(t, 200, "subaccounts/get.json"))

	got, err := c.SubAccounts.Get(t.Context(), subEmail)
	require.NoError(t, err)

	want := &SubAccount{
		UID:                "u8jzPde0IgxLd6GncfBAepfJBd0K",
		Email:              subEmail,
		FirstName:          "Lucía",
		LastName:           "Ortega",
		Role:               "Sub Account",
		IsAgencySubAccount: true,
		BusinessName:       "Brightsmile Dental, LLC",
		Description:        "Family dental clinic, two locations in San Diego",
		AddressLine:        "4120 Park Blvd, Suite 210",
		City:               "San Diego",
		Country:            "US",
		PostalCode:         "92103",
		State:              "CA",
		TimeZoneID:         "America/Los_Angeles",
		Language:           "en",
		UsageLimits: &UsageLimits{
			MonthlyCredits:     1000,
			MonthlyCreditsUsed: 412,
			LastResetDate:      tsp("2026-11-01T00:00:00Z"),
			Notifications: map[string]any{
				"low_credits_email":     true,
				"low_credits_threshold": float64(100),
			},
			Credits:             588,
			RollOverToNextMonth: true,
		},
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestSubAccountsGetEscapesEmail(t *testing.T) {
	// A "+" left unescaped would reach the server as a space.
	const email = "lucia.ortega+dental@brightsmile-dental.example"
	c, mt := setup(t)
	resp := reply(t, 200, "subaccounts/get.json")
	expect(t, mt, want{
		method: http.MethodGet,
		url:    subAccountsURL,
		query:  withKey(url.Values{"email": {email}}),
	}, func(req *http.Request) (*http.Response, error) {
		assert.Contains(t, req.URL.RawQuery, "email=lucia.ortega%2Bdental%40brightsmile-dental.example")
		return resp(req)
	})

	_, err := c.SubAccounts.Get(t.Context(), email)
	require.NoError(t, err)
}

func TestUsageLimitsDecode(t *testing.T) {
	// last_reset_date is decoded leniently: Firestore objects, null and "".
	cases := []struct {
		name string
		json string
		want UsageLimits
	}{
		{"firestore object", `{"monthly_credits":500,"last_reset_date":{"_seconds":1793491200,"_nanoseconds":0}}`,
			UsageLimits{MonthlyCredits: 500, LastResetDate: tsp("2026-11-01T00:00:00Z")}},
		{"null", `{"monthly_credits":500,"last_reset_date":null}`, UsageLimits{MonthlyCredits: 500}},
		{"empty string", `{"monthly_credits":500,"last_reset_date":""}`, UsageLimits{MonthlyCredits: 500}},
		{"absent", `{"monthly_credits":500,"credits":20}`, UsageLimits{MonthlyCredits: 500, Credits: 20}},
	}
	for _, tc := range cases {
		var got UsageLimits
		require.NoError(t, unmarshal([]byte(tc.json), &got), tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}
}

func TestSubAccountsCreate(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    subAccountsURL,
		query:  withKey(nil),
		header: noAuth,
		body: `{
			"email": "owner@harborviewvet.example",
			"first_name": "Noah",
			"last_name": "Castellanos",
			"business_name": "Harborview Veterinary Clinic",
			"description": "Small-animal clinic, WhatsApp booking assistant",
			"address_line": "88 Harbor Way",
			"city": "Seattle",
			"country": "US",
			"postal_code": "98121",
			"state": "WA",
			"time_zone_id": "America/Los_Angeles",
			"language": "en",
			"usage_limits": {"monthly_credits": 1000, "credits": 1000, "roll_over_to_next_month": true}
		}`,
	}, reply(t, 201, "subaccounts/create.json"))

	got, err := c.SubAccounts.Create(t.Context(), &CreateSubAccountRequest{
		Email:        "owner@harborviewvet.example",
		FirstName:    "Noah",
		LastName:     "Castellanos",
		BusinessName: "Harborview Veterinary Clinic",
		Description:  "Small-animal clinic, WhatsApp booking assistant",
		AddressLine:  "88 Harbor Way",
		City:         "Seattle",
		Country:      "US",
		PostalCode:   "98121",
		State:        "WA",
		TimeZoneID:   "America/Los_Angeles",
		Language:     "en",
		UsageLimits:  SubAccountLimits{MonthlyCredits: 1000, Credits: 1000, RollOverToNextMonth: true},
	})
	require.NoError(t, err)

	want := &SubAccount{
		UID:                "StPKR0CsTy4Qwb8DwkNhFdnXsiVp",
		Email:              "owner@harborviewvet.example",
		FirstName:          "Noah",
		LastName:           "Castellanos",
		Role:               "Sub Account",
		IsAgencySubAccount: true,
		BusinessName:       "Harborview Veterinary Clinic",
		Description:        "Small-animal clinic, WhatsApp booking assistant",
		AddressLine:        "88 Harbor Way",
		City:               "Seattle",
		Country:            "US",
		PostalCode:         "98121",
		State:              "WA",
		TimeZoneID:         "America/Los_Angeles",
		Language:           "en",
		UsageLimits: &UsageLimits{
			MonthlyCredits: 1000,
			LastResetDate:  tsp("2026-11-21T10:42:17.309Z"),
			Credits:        1000,
		},
		TemporaryPassword: "Tmp-Example-Only-1",
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestSubAccountsCreateMinimal(t *testing.T) {
	// Optional fields left empty are not sent; the limits are, zeros included.
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    subAccountsURL,
		query:  withKey(nil),
		body: `{
			"email": "owner@harborviewvet.example",
			"first_name": "Noah",
			"last_name": "Castellanos",
			"usage_limits": {"monthly_credits": 250, "credits": 0, "roll_over_to_next_month": false}
		}`,
	}, reply(t, 201, "subaccounts/create.json"))

	got, err := c.SubAccounts.Create(t.Context(), &CreateSubAccountRequest{
		Email:       "owner@harborviewvet.example",
		FirstName:   "Noah",
		LastName:    "Castellanos",
		UsageLimits: SubAccountLimits{MonthlyCredits: 250},
	})
	require.NoError(t, err)
	assert.Equal(t, "StPKR0CsTy4Qwb8DwkNhFdnXsiVp", got.UID)
	assert.Equal(t, "Tmp-Example-Only-1", got.TemporaryPassword)
}

func validCreateSubAccountRequest() *CreateSubAccountRequest {
	return &CreateSubAccountRequest{
		Email:       "owner@harborviewvet.example",
		FirstName:   "Noah",
		LastName:    "Castellanos",
		UsageLimits: SubAccountLimits{MonthlyCredits: 1000, Credits: 1000},
	}
}

func TestSubAccountsDelete(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodDelete,
		url:    subAccountsURL,
		query:  withKey(url.Values{"email": {subEmail}}),
		header: noAuth,
	}, reply(t, 200, "subaccounts/delete.json"))

	msg, err := c.SubAccounts.Delete(t.Context(), subEmail)
	require.NoError(t, err)
	assert.Equal(t, "Sub-account deleted successfully", msg)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestSubAccountsAddCredits(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    subCreditsURL,
		query:  withKey(nil),
		header: noAuth,
		body:   `{"email":"` + subEmail + `","amount":500,"description":"Auto-recharge: balance fell below 50 credits"}`,
	}, reply(t, 200, "subaccounts/credits.json"))

	got, err := c.SubAccounts.AddCredits(t.Context(), &AddCreditsRequest{
		Email:       subEmail,
		Amount:      500,
		Description: "Auto-recharge: balance fell below 50 credits",
	})
	require.NoError(t, err)
	assert.Equal(t, &CreditsAdded{
		SubAccountID: "u8jzPde0IgxLd6GncfBAepfJBd0K",
		CreditsAdded: 500,
		NewBalance:   542,
	}, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestSubAccountsAddCreditsNoDescription(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    subCreditsURL,
		query:  withKey(nil),
		body:   `{"email":"` + subEmail + `","amount":1}`,
	}, jsonReply(200, `{"success":true,"sub_account_id":"u8jzPde0IgxLd6GncfBAepfJBd0K","credits_added":1,"new_balance":43}`))

	got, err := c.SubAccounts.AddCredits(t.Context(), &AddCreditsRequest{Email: subEmail, Amount: 1})
	require.NoError(t, err)
	assert.Equal(t, &CreditsAdded{SubAccountID: "u8jzPde0IgxLd6GncfBAepfJBd0K", CreditsAdded: 1, NewBalance: 43}, got)
}

// TestAgencyOnlyCredentials checks that the agency-only methods refuse any
// credential but an API key, and send nothing.
func TestAgencyOnlyCredentials(t *testing.T) {
	clients := map[string][]Option{
		"user id only":       {WithUserID(testUserID)},
		"no credential":      nil,
		"session token only": {WithSessionsToken(testToken)},
	}
	var agencyOnly []string
	for _, m := range typedMethods {
		if firstEndpoint(t, m.name).auth != authKeyOnly {
			continue
		}
		agencyOnly = append(agencyOnly, m.name)
		for name, opts := range clients {
			t.Run(name+"/"+m.name, func(t *testing.T) {
				c, mt := setupBare(t, opts...)
				err := m.call(t.Context(), c)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "credentials", ve.Field)
				assert.Contains(t, ve.Reason, "WithAPIKey")
				assert.NotContains(t, err.Error(), testUserID)
				assert.Zero(t, mt.GetTotalCallCount(), "no request may be sent")
			})
		}
	}
	assert.Equal(t, []string{"SubAccounts.Get", "SubAccounts.Create", "SubAccounts.Delete", "SubAccounts.AddCredits", "Agency.UsageExport"}, agencyOnly)
}

// TestErrorBodiesOfFixtures decodes the recorded error answers of the
// sub-account, agency, OTP, chat export and Session API endpoints.
func TestErrorBodiesOfFixtures(t *testing.T) {
	f := func(name string) string { return string(fixture(t, name)) }
	cases := []struct {
		method  string
		status  int
		body    string
		targets []error // the sentinels matched, and no other
		code    int
		message string
		details string // JSON; "" means none checked
	}{
		{"SubAccounts.Get", 404, f("subaccounts/error_404.json"), []error{ErrNotFound}, 0, "Sub-account not found", ""},
		{"SubAccounts.Get", 404, f("subaccounts/error_404_code.json"), []error{ErrNotFound}, 404,
			"No sub-account with email ghost@brightsmile-dental.example belongs to this agency", ""},
		{"SubAccounts.Get", 400, f("subaccounts/error_400_not_agency.json"), []error{ErrBadRequest}, 0,
			"This endpoint is only available for agency and developer accounts", ""},
		{"SubAccounts.Get", 401, f("subaccounts/error_401.json"), []error{ErrUnauthorized}, 401, "Invalid or missing API key", ""},
		{"SubAccounts.Get", 403, f("subaccounts/error_403.json"), []error{ErrForbidden}, 403,
			"Forbidden: API key does not belong to an agency or developer account", ""},
		{"SubAccounts.Get", 500, f("subaccounts/error_500.json"), []error{ErrServer}, 0, "Internal server error", ""},
		// Integrations see an unknown email answered with HTTP 200.
		{"SubAccounts.Get", 200, f("subaccounts/get_not_found_200.json"), []error{ErrNotFound}, 0, "Sub-account not found", ""},
		{"SubAccounts.Create", 400, f("subaccounts/error_400_insufficient.json"), []error{ErrBadRequest}, 0,
			"Insufficient credits: granting 1000 credits requires 1000, your agency balance is 250", ""},
		{"SubAccounts.Create", 409, f("subaccounts/error_409.json"), []error{ErrConflict}, 0,
			"The email address is already in use by another account.", ""},
		{"SubAccounts.Delete", 404, f("subaccounts/error_404.json"), []error{ErrNotFound}, 0, "Sub-account not found", ""},
		{"SubAccounts.Delete", 200, f("subaccounts/get_not_found_200.json"), nil, 0, "Sub-account not found", ""},
		{"SubAccounts.AddCredits", 404, f("subaccounts/error_404_code.json"), []error{ErrNotFound}, 404,
			"No sub-account with email ghost@brightsmile-dental.example belongs to this agency", ""},
		{"SubAccounts.AddCredits", 200, f("subaccounts/get_not_found_200.json"), nil, 0, "Sub-account not found", ""},
		{"Agency.UsageExport", 400, f("agency/error_400.json"), []error{ErrBadRequest}, 0, "Invalid date range: 'from' must be on or before 'to'", ""},
		{"Agency.UsageExport", 401, f("agency/error_401.json"), []error{ErrUnauthorized}, 401, "Invalid or missing API key", ""},
		{"Agency.UsageExport", 403, f("agency/error_403.json"), []error{ErrForbidden}, 403, "Usage export is only available to Agency or Dev accounts", ""},
		{"Agency.UsageExport", 500, f("agency/error_500.json"), []error{ErrServer}, 0, "Internal server error", ""},
		{"OTP.Generate", 400, f("otp/error_400.json"), []error{ErrBadRequest}, 0, "Missing or invalid secret parameter", ""},
		{"OTP.Generate", 500, f("otp/error_500.json"), []error{ErrServer}, 0, "Error generating OTP", ""},
		{"OTP.Generate", 200, `{"success":false,"message":"Error generating OTP"}`, nil, 0, "Error generating OTP", ""},
		{"ChatExports.Recent", 400, f("chatexports/error_400.json"), []error{ErrBadRequest}, 400, "hours must be a positive integer", ""},
		{"ChatExports.Recent", 401, f("chatexports/error_401.json"), []error{ErrUnauthorized}, 401, "Invalid API key or user ID", ""},
		{"ChatExports.Recent", 500, f("chatexports/error_500.json"), []error{ErrServer}, 500, "Internal server error", ""},
		{"ChatExports.Recent", 200, f("chatexports/recent_failed.json"), nil, 0,
			"Failed to export chats: user has no WhatsApp channel configured", ""},
		// An error_code that is an HTTP status fails a 200 and maps like it.
		{"ChatExports.Recent", 200, `{"error_code":401,"error":"Invalid API key or user ID","data":[]}`, []error{ErrUnauthorized}, 401,
			"Invalid API key or user ID", ""},
		{"ChatExports.RecentText", 200, `{"success":false,"error_code":402,"error":"Insufficient credits for export"}`,
			[]error{ErrPaymentRequired}, 402, "Insufficient credits for export", ""},
		{"Sessions.Get", 400, f("sessions/error_400_zod.json"), []error{ErrBadRequest}, 0, "Invalid input",
			`{"issues":[{"code":"invalid_type","expected":"string","received":"undefined","path":["chatbotId"],"message":"Chatbot ID is required"}],"name":"ZodError"}`},
		{"Sessions.Get", 400, f("sessions/error_400_errors.json"), []error{ErrBadRequest}, 0, "Validation failed",
			`[{"field":"content","message":"Message content is required"}]`},
		{"Sessions.Get", 401, f("sessions/error_401.json"), []error{ErrUnauthorized}, 0, "token isn't attached or expired", ""},
		// The Session API answers some missing resources with HTTP 500.
		{"Sessions.Get", 500, f("sessions/error_500_not_found.json"), []error{ErrNotFound, ErrServer}, 0, "Session not found", ""},
		// An id that cannot exist is not found.
		{"Sessions.Get", 500, f("sessions/error_500_cast.json"), []error{ErrNotFound, ErrServer}, 0,
			`Cast to ObjectId failed for value "not-an-id" (type string) at path "_id" for model "Session"`,
			`{"stringValue":"\"not-an-id\"","valueType":"string","kind":"ObjectId","value":"not-an-id","path":"_id","reason":{},"name":"CastError","message":"Cast to ObjectId failed for value \"not-an-id\" (type string) at path \"_id\" for model \"Session\""}`},
		{"Sessions.Get", 404, f("errors/express_404.html"), []error{ErrNotFound}, 0, "", ""},
		{"Sessions.End", 404, f("sessions/error_404.json"), []error{ErrNotFound}, 0, "Active session not found", ""},
	}
	for _, tc := range cases {
		t.Run(tc.method+"/"+strconv.Itoa(tc.status)+"/"+tc.message, func(t *testing.T) {
			e := apiErrorFor(t, tc.method, tc.status, []byte(tc.body))
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.message, e.Message)
			if tc.details != "" {
				assert.JSONEq(t, tc.details, string(e.Details))
			} else {
				assert.Nil(t, e.Details)
			}
			assert.Equal(t, tc.body, string(e.Body))
			assert.Nil(t, e.Err)
			for _, s := range sentinels {
				assert.Equal(t, slices.Contains(tc.targets, s), errors.Is(e, s), "%v", s)
			}
		})
	}
}

// TestAPIErrorHasNoQuery checks that an error names the path only: neither
// the email nor the API key of the query.
func TestAPIErrorHasNoQuery(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodGet, url: subAccountsURL, query: withKey(url.Values{"email": {subEmail}})},
		reply(t, 404, "subaccounts/error_404.json"))
	_, err := c.SubAccounts.Get(t.Context(), subEmail)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "/v1/subaccounts", apiErr.Path)
	assert.NotContains(t, err.Error(), testAPIKey)
	assert.NotContains(t, err.Error(), "email=")
}

// Calls of invalidCalls.
func subAccountsGet(email string) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.SubAccounts.Get(ctx, email)) }
}

func subAccountsDelete(email string) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.SubAccounts.Delete(ctx, email)) }
}

// subAccountsCreate creates a valid request changed by f.
func subAccountsCreate(f func(*CreateSubAccountRequest)) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		r := validCreateSubAccountRequest()
		f(r)
		return noResult(c.SubAccounts.Create(ctx, r))
	}
}

func subAccountsAddCredits(r *AddCreditsRequest) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.SubAccounts.AddCredits(ctx, r)) }
}
