package dmchamp

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
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

func TestSubAccountsGetUsageLimitsTimestamps(t *testing.T) {
	// last_reset_date is decoded leniently: Firestore objects, null and "".
	cases := []struct {
		name string
		raw  string
		want *UsageLimits
	}{
		{"firestore object", `{"monthly_credits":500,"last_reset_date":{"_seconds":1793491200,"_nanoseconds":0}}`,
			&UsageLimits{MonthlyCredits: 500, LastResetDate: tsp("2026-11-01T00:00:00Z")}},
		{"null", `{"monthly_credits":500,"last_reset_date":null}`, &UsageLimits{MonthlyCredits: 500}},
		{"empty string", `{"monthly_credits":500,"last_reset_date":""}`, &UsageLimits{MonthlyCredits: 500}},
		{"absent", `{"monthly_credits":500,"credits":20}`, &UsageLimits{MonthlyCredits: 500, Credits: 20}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodGet, url: subAccountsURL, query: withKey(url.Values{"email": {subEmail}})},
				jsonReply(200, `{"success":true,"data":{"email":"`+subEmail+`","first_name":"Lucía","last_name":"Ortega","usage_limits":`+tc.raw+`}}`))
			got, err := c.SubAccounts.Get(t.Context(), subEmail)
			require.NoError(t, err)
			assert.Equal(t, &SubAccount{Email: subEmail, FirstName: "Lucía", LastName: "Ortega", UsageLimits: tc.want}, got)
		})
	}
}

func TestSubAccountsGetRetried(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    subAccountsURL,
		query:  withKey(url.Values{"email": {subEmail}}),
	}, jsonReply(503, `{"success":false,"error":"Service Unavailable"}`).Then(reply(t, 200, "subaccounts/get.json")))

	got, err := c.SubAccounts.Get(t.Context(), subEmail)
	require.NoError(t, err)
	assert.Equal(t, "u8jzPde0IgxLd6GncfBAepfJBd0K", got.UID)
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

func TestSubAccountsGetSuccessFalseOn200(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodGet, url: subAccountsURL, query: withKey(url.Values{"email": {subEmail}})},
		reply(t, 200, "subaccounts/get_not_found_200.json"))

	got, err := c.SubAccounts.Get(t.Context(), subEmail)
	assert.Nil(t, got)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 200, apiErr.StatusCode)
	assert.Equal(t, "Sub-account not found", apiErr.Message)
	assert.Equal(t, http.MethodGet, apiErr.Method)
	assert.Equal(t, "/v1/subaccounts", apiErr.Path)
	assert.Nil(t, apiErr.Err)
	assert.NotErrorIs(t, err, ErrInvalidResponse)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "a success:false answer is not retried")
}

func TestSubAccountsGetErrors(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		file    string
		target  error
		code    int
		message string
	}{
		{"not found", 404, "subaccounts/error_404.json", ErrNotFound, 0, "Sub-account not found"},
		{"not found with error_code", 404, "subaccounts/error_404_code.json", ErrNotFound, 404,
			"No sub-account with email ghost@brightsmile-dental.example belongs to this agency"},
		{"not an agency account", 400, "subaccounts/error_400_not_agency.json", ErrBadRequest, 0,
			"This endpoint is only available for agency and developer accounts"},
		{"unauthorized", 401, "subaccounts/error_401.json", ErrUnauthorized, 401, "Invalid or missing API key"},
		{"forbidden", 403, "subaccounts/error_403.json", ErrForbidden, 403,
			"Forbidden: API key does not belong to an agency or developer account"},
		{"server error", 500, "subaccounts/error_500.json", ErrServer, 0, "Internal server error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t, WithRetryMax(0))
			expect(t, mt, want{method: http.MethodGet, url: subAccountsURL, query: withKey(url.Values{"email": {subEmail}})},
				reply(t, tc.status, tc.file))
			got, err := c.SubAccounts.Get(t.Context(), subEmail)
			assert.Nil(t, got)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, tc.message, apiErr.Message)
			assert.Equal(t, "/v1/subaccounts", apiErr.Path)
			assert.Equal(t, 1, apiErr.Attempts)
			assert.ErrorIs(t, err, tc.target)
			for _, other := range []error{ErrNotFound, ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrServer} {
				if other != tc.target {
					assert.NotErrorIs(t, err, other)
				}
			}
			assert.NotContains(t, err.Error(), testAPIKey)
			assert.NotContains(t, err.Error(), "email=", "the query string is not in the error")
		})
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

func TestSubAccountsCreateErrors(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		file    string
		target  error
		message string
	}{
		{"insufficient credits", 400, "subaccounts/error_400_insufficient.json", ErrBadRequest,
			"Insufficient credits: granting 1000 credits requires 1000, your agency balance is 250"},
		{"not an agency account", 400, "subaccounts/error_400_not_agency.json", ErrBadRequest,
			"This endpoint is only available for agency and developer accounts"},
		{"email already in use", 409, "subaccounts/error_409.json", ErrConflict,
			"The email address is already in use by another account."},
		{"forbidden", 403, "subaccounts/error_403.json", ErrForbidden,
			"Forbidden: API key does not belong to an agency or developer account"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodPost, url: subAccountsURL, query: withKey(nil),
				body: `{"email":"owner@harborviewvet.example","first_name":"Noah","last_name":"Castellanos",
					"usage_limits":{"monthly_credits":1000,"credits":1000,"roll_over_to_next_month":false}}`},
				reply(t, tc.status, tc.file))
			got, err := c.SubAccounts.Create(t.Context(), validCreateSubAccountRequest())
			assert.Nil(t, got)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.message, apiErr.Message)
			assert.Equal(t, http.MethodPost, apiErr.Method)
			assert.ErrorIs(t, err, tc.target)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestSubAccountsCreateNotRetried(t *testing.T) {
	// The sub-account may have been created: a POST is never sent twice.
	for _, status := range []int{500, 502, 503} {
		c, mt := setup(t)
		expect(t, mt, want{method: http.MethodPost, url: subAccountsURL, query: withKey(nil),
			body: `{"email":"owner@harborviewvet.example","first_name":"Noah","last_name":"Castellanos",
				"usage_limits":{"monthly_credits":1000,"credits":1000,"roll_over_to_next_month":false}}`},
			reply(t, status, "subaccounts/error_500.json").Then(reply(t, 201, "subaccounts/create.json")))
		got, err := c.SubAccounts.Create(t.Context(), validCreateSubAccountRequest())
		assert.Nil(t, got)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, "status %d", status)
		assert.Equal(t, status, apiErr.StatusCode)
		assert.Equal(t, 1, apiErr.Attempts)
		assert.ErrorIs(t, err, ErrServer)
		assert.Equal(t, 1, mt.GetTotalCallCount(), "status %d", status)
	}
}

func TestSubAccountsCreateMissingData(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodPost, url: subAccountsURL, query: withKey(nil),
		body: `{"email":"owner@harborviewvet.example","first_name":"Noah","last_name":"Castellanos",
			"usage_limits":{"monthly_credits":1000,"credits":1000,"roll_over_to_next_month":false}}`},
		jsonReply(201, `{"success":true}`))
	got, err := c.SubAccounts.Create(t.Context(), validCreateSubAccountRequest())
	assert.Nil(t, got)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 201, apiErr.StatusCode)
	assert.ErrorIs(t, err, ErrInvalidResponse)
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

func TestSubAccountsDeleteErrors(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		file    string
		target  error
		message string
	}{
		{"not found", 404, "subaccounts/error_404.json", ErrNotFound, "Sub-account not found"},
		{"not an agency account", 400, "subaccounts/error_400_not_agency.json", ErrBadRequest,
			"This endpoint is only available for agency and developer accounts"},
		{"success false on 200", 200, "subaccounts/get_not_found_200.json", nil, "Sub-account not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodDelete, url: subAccountsURL, query: withKey(url.Values{"email": {subEmail}})},
				reply(t, tc.status, tc.file))
			msg, err := c.SubAccounts.Delete(t.Context(), subEmail)
			assert.Empty(t, msg)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.message, apiErr.Message)
			assert.Equal(t, http.MethodDelete, apiErr.Method)
			if tc.target != nil {
				assert.ErrorIs(t, err, tc.target)
			}
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestSubAccountsDeleteRetried(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodDelete, url: subAccountsURL, query: withKey(url.Values{"email": {subEmail}})},
		jsonReply(502, `{"success":false,"error":"Bad Gateway"}`).Then(reply(t, 200, "subaccounts/delete.json")))
	msg, err := c.SubAccounts.Delete(t.Context(), subEmail)
	require.NoError(t, err)
	assert.Equal(t, "Sub-account deleted successfully", msg)
	assert.Equal(t, 2, mt.GetTotalCallCount())
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

func TestSubAccountsAddCreditsErrors(t *testing.T) {
	const ghost = "ghost@brightsmile-dental.example"
	cases := []struct {
		name    string
		resp    httpmock.Responder
		status  int
		target  error
		message string
	}{
		{"unknown sub-account", reply(t, 404, "subaccounts/error_404_code.json"), 404, ErrNotFound,
			"No sub-account with email ghost@brightsmile-dental.example belongs to this agency"},
		{"success false on 200", reply(t, 200, "subaccounts/get_not_found_200.json"), 200, nil, "Sub-account not found"},
		{"server error is not retried", reply(t, 500, "subaccounts/error_500.json").Then(reply(t, 200, "subaccounts/credits.json")),
			500, ErrServer, "Internal server error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodPost, url: subCreditsURL, query: withKey(nil),
				body: `{"email":"` + ghost + `","amount":500}`}, tc.resp)
			got, err := c.SubAccounts.AddCredits(t.Context(), &AddCreditsRequest{Email: ghost, Amount: 500})
			assert.Nil(t, got)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.message, apiErr.Message)
			assert.Equal(t, "/v1/subaccounts/credits", apiErr.Path)
			if tc.target != nil {
				assert.ErrorIs(t, err, tc.target)
			}
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

// agencyCalls runs every agency-only method once with valid arguments.
func agencyCalls(c *Client) map[string]func(ctx context.Context) error {
	return map[string]func(ctx context.Context) error{
		"SubAccounts.Get": func(ctx context.Context) error {
			_, err := c.SubAccounts.Get(ctx, subEmail)
			return err
		},
		"SubAccounts.Create": func(ctx context.Context) error {
			_, err := c.SubAccounts.Create(ctx, validCreateSubAccountRequest())
			return err
		},
		"SubAccounts.Delete": func(ctx context.Context) error {
			_, err := c.SubAccounts.Delete(ctx, subEmail)
			return err
		},
		"SubAccounts.AddCredits": func(ctx context.Context) error {
			_, err := c.SubAccounts.AddCredits(ctx, &AddCreditsRequest{Email: subEmail, Amount: 500})
			return err
		},
		"Agency.UsageExport": func(ctx context.Context) error {
			var errs []error
			for row, err := range c.Agency.UsageExport(ctx, nil) {
				if row != nil {
					return errors.New("a row was yielded")
				}
				errs = append(errs, err)
			}
			if len(errs) != 1 {
				return errors.New("want exactly one error")
			}
			return errs[0]
		},
	}
}

func TestAgencyOnlyCredentials(t *testing.T) {
	clients := []struct {
		name   string
		opts   []Option
		reason string
	}{
		{"user id only", []Option{WithUserID(testUserID)}, "WithAPIKey"},
		{"no credential", nil, "WithAPIKey"},
		{"session token only", []Option{WithSessionsToken(testToken)}, "WithAPIKey"},
	}
	for _, cl := range clients {
		c, mt := setupBare(t, cl.opts...)
		for name, call := range agencyCalls(c) {
			t.Run(cl.name+"/"+name, func(t *testing.T) {
				err := call(t.Context())
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "credentials", ve.Field)
				assert.Contains(t, ve.Reason, cl.reason)
				assert.NotContains(t, err.Error(), testUserID)
				assert.Zero(t, mt.GetTotalCallCount(), "no request may be sent")
			})
		}
	}
}

func TestSubAccountsGetNotFoundOn200(t *testing.T) {
	// Integrations see an unknown email answered with HTTP 200.
	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodGet, url: subAccountsURL, query: withKey(url.Values{"email": {subEmail}})},
		reply(t, 200, "subaccounts/get_not_found_200.json"))
	_, err := c.SubAccounts.Get(t.Context(), subEmail)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 200, apiErr.StatusCode)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

// subAccountWith returns a valid request changed by f.
func subAccountWith(f func(*CreateSubAccountRequest)) *CreateSubAccountRequest {
	r := validCreateSubAccountRequest()
	f(r)
	return r
}
