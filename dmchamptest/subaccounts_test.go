package dmchamptest_test

import (
	"net/http"
	"testing"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubAccounts(t *testing.T) {
	srv := newServer(t, dmchamptest.WithCredits(1000))
	c := newClient(t, srv)
	ctx := t.Context()

	// Create answers 201 with the uid and a temporary password.
	r := raw(t, srv, "POST", "/v1/subaccounts", key(srv), map[string]any{
		"email": "team@harborview.example", "first_name": "Noah", "last_name": "Castellanos",
		"business_name": "Harborview Vet", "country": "US", "time_zone_id": "America/Los_Angeles", "language": "en",
		"usage_limits": map[string]any{"monthly_credits": 500, "credits": 300, "roll_over_to_next_month": true},
	})
	require.Equal(t, http.StatusCreated, r.Status, "body: %s", r.Body)
	body := r.Object(t)
	assert.Equal(t, true, body["success"])
	data := body["data"].(map[string]any)
	assert.NotEmpty(t, data["uid"])
	assert.NotEmpty(t, data["temporary_password"])
	assert.Equal(t, "team@harborview.example", data["email"])
	assert.Equal(t, "Sub Account", data["role"])
	assert.Equal(t, true, data["is_agency_sub_account"])
	limits := data["usage_limits"].(map[string]any)
	assert.Equal(t, float64(500), limits["monthly_credits"])
	assert.Equal(t, float64(300), limits["credits"])
	assert.Equal(t, true, limits["roll_over_to_next_month"])
	assert.Equal(t, 700, srv.Credits(), "the credits come from the agency's balance")

	created, err := c.SubAccounts.Create(ctx, &dmchamp.CreateSubAccountRequest{
		Email: "hola@casaverde.example", FirstName: "Diego", LastName: "Fernandez",
		UsageLimits: dmchamp.SubAccountLimits{MonthlyCredits: 100, Credits: 200},
	})
	require.NoError(t, err)
	assert.NotEmpty(t, created.UID)
	assert.NotEqual(t, data["uid"], created.UID)
	assert.NotEmpty(t, created.TemporaryPassword)
	assert.Equal(t, 500, srv.Credits())

	// A used email (in any case) is refused, and costs nothing.
	_, err = c.SubAccounts.Create(ctx, &dmchamp.CreateSubAccountRequest{
		Email: "Hola@CasaVerde.example", FirstName: "D", LastName: "F", UsageLimits: dmchamp.SubAccountLimits{MonthlyCredits: 1, Credits: 1},
	})
	require.ErrorIs(t, err, dmchamp.ErrBadRequest)
	var apiErr *dmchamp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "email address is already in use")
	assert.Equal(t, 500, srv.Credits())

	// More credits than the agency holds: 400, nothing created.
	_, err = c.SubAccounts.Create(ctx, &dmchamp.CreateSubAccountRequest{
		Email: "big@example.com", FirstName: "B", LastName: "G", UsageLimits: dmchamp.SubAccountLimits{MonthlyCredits: 1, Credits: 501},
	})
	assert.ErrorIs(t, err, dmchamp.ErrBadRequest)
	_, err = c.SubAccounts.Get(ctx, "big@example.com")
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	assert.Equal(t, 500, srv.Credits())

	for _, bad := range []map[string]any{
		{"email": "x@example.com", "first_name": "X", "usage_limits": map[string]any{"monthly_credits": 1}},
		{"email": "not an email", "first_name": "X", "last_name": "Y", "usage_limits": map[string]any{"monthly_credits": 1}},
		{"email": "x@example.com", "first_name": "X", "last_name": "Y", "usage_limits": map[string]any{"monthly_credits": 0}},
		{"email": "x@example.com", "first_name": "X", "last_name": "Y"},
	} {
		r := raw(t, srv, "POST", "/v1/subaccounts", key(srv), bad)
		assert.Equal(t, http.StatusBadRequest, r.Status, "%v", bad)
		assert.Equal(t, float64(400), r.Object(t)["error_code"])
	}

	// Get: the account without its password.
	got, err := c.SubAccounts.Get(ctx, "team@harborview.example")
	require.NoError(t, err)
	assert.Equal(t, data["uid"], got.UID)
	assert.Equal(t, "Noah", got.FirstName)
	assert.Equal(t, "Harborview Vet", got.BusinessName)
	assert.Equal(t, "America/Los_Angeles", got.TimeZoneID)
	assert.Equal(t, "Sub Account", got.Role)
	assert.True(t, got.IsAgencySubAccount)
	assert.Empty(t, got.TemporaryPassword)
	require.NotNil(t, got.UsageLimits)
	assert.Equal(t, 300, got.UsageLimits.Credits)
	require.NotNil(t, got.UsageLimits.LastResetDate)
	assert.Equal(t, now, got.UsageLimits.LastResetDate.UTC())
	r = raw(t, srv, "GET", "/v1/subaccounts", key(srv, "email", "team@harborview.example"), nil)
	assert.NotContains(t, r.Object(t)["data"], "temporary_password")
	r = raw(t, srv, "GET", "/v1/subaccounts", key(srv), nil)
	assert.Equal(t, http.StatusBadRequest, r.Status, "email is required")

	// Add credits: the sub-account's balance grows, the agency's shrinks, and
	// the usage report gets a row.
	added, err := c.SubAccounts.AddCredits(ctx, &dmchamp.AddCreditsRequest{Email: "team@harborview.example", Amount: 150, Description: "Top-up"})
	require.NoError(t, err)
	assert.Equal(t, dmchamp.CreditsAdded{SubAccountID: got.UID, CreditsAdded: 150, NewBalance: 450}, *added)
	assert.Equal(t, 350, srv.Credits())
	got, err = c.SubAccounts.Get(ctx, "team@harborview.example")
	require.NoError(t, err)
	assert.Equal(t, 450, got.UsageLimits.Credits)
	var rows []dmchamp.UsageRow
	for row, err := range c.Agency.UsageExport(ctx, &dmchamp.UsageExportOptions{SubAccountID: got.UID}) {
		require.NoError(t, err)
		rows = append(rows, *row)
	}
	assert.Equal(t, []dmchamp.UsageRow{{
		SubAccountID: got.UID, SubAccountEmail: "team@harborview.example", SubAccountName: "Noah Castellanos",
		Date: now, Amount: 150, Reason: "Credits added by agency", CreditType: "purchased", Description: "Top-up",
	}}, rows)
	r = raw(t, srv, "POST", "/v1/subaccounts/credits", key(srv), map[string]any{"email": "team@harborview.example", "amount": 1})
	assert.Equal(t, map[string]any{"success": true, "sub_account_id": got.UID, "credits_added": float64(1), "new_balance": float64(451)}, r.JSON(t), "flat, no data")

	_, err = c.SubAccounts.AddCredits(ctx, &dmchamp.AddCreditsRequest{Email: "nobody@example.com", Amount: 1})
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.SubAccounts.AddCredits(ctx, &dmchamp.AddCreditsRequest{Email: "team@harborview.example", Amount: 10000})
	assert.ErrorIs(t, err, dmchamp.ErrBadRequest)
	assert.Equal(t, 349, srv.Credits())

	// Delete.
	msg, err := c.SubAccounts.Delete(ctx, "team@harborview.example")
	require.NoError(t, err)
	assert.Equal(t, "Sub-account deleted successfully", msg)
	_, err = c.SubAccounts.Get(ctx, "team@harborview.example")
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.SubAccounts.Delete(ctx, "team@harborview.example")
	assert.ErrorIs(t, err, dmchamp.ErrNotFound)
	_, err = c.SubAccounts.Get(ctx, "hola@casaverde.example")
	require.NoError(t, err, "the other one is still there")

	// AddSubAccount seeds one directly.
	uid := srv.AddSubAccount(dmchamp.SubAccount{Email: "seeded@example.com", FirstName: "S", LastName: "D", TemporaryPassword: "secret"})
	got, err = c.SubAccounts.Get(ctx, "seeded@example.com")
	require.NoError(t, err)
	assert.Equal(t, uid, got.UID)
	assert.Equal(t, "Sub Account", got.Role)
	assert.Empty(t, got.TemporaryPassword)
}
