package dmchamptest_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

func TestUsageExport(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	elena := srv.AddSubAccount(dmchamp.SubAccount{Email: "elena@example.com", FirstName: "Elena", LastName: "Marsh"})
	diego := srv.AddSubAccount(dmchamp.SubAccount{Email: "diego@example.com", FirstName: "Diego", LastName: "Fernandez"})
	row := func(sub string, date time.Time, amount float64, desc string) dmchamp.UsageRow {
		return dmchamp.UsageRow{
			SubAccountID: sub, SubAccountEmail: sub + "@example.com", SubAccountName: sub, Date: date, Amount: amount,
			Reason: "AI reply", CampaignName: "Spring, \"promo\"", ContactName: "Maria", CreditType: "monthly",
			CustomKeysUsed: amount > 2, Description: desc, AIModel: "gpt-4o",
		}
	}
	today := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	srv.AddUsage(
		row(elena, today.AddDate(0, 0, -31).Add(23*time.Hour), 1, "too old"),
		row(elena, today.AddDate(0, 0, -30), 1.5, "first day"),
		row(diego, today.AddDate(0, 0, -3).Add(9*time.Hour), 3, "diego"),
		row(elena, today.Add(13*time.Hour), 2, "later today"),
		row(elena, today.AddDate(0, 0, -10), 1, "ten days ago"),
		row(elena, today.AddDate(0, 0, 1), 1, "tomorrow"),
	)

	export := func(opts *dmchamp.UsageExportOptions) []dmchamp.UsageRow {
		t.Helper()
		var out []dmchamp.UsageRow
		for r, err := range c.Agency.UsageExport(ctx, opts) {
			require.NoError(t, err)
			out = append(out, *r)
		}
		return out
	}
	descs := func(rows []dmchamp.UsageRow) []string {
		out := []string{}
		for _, r := range rows {
			out = append(out, r.Description)
		}
		return out
	}

	// By default: the last 30 days up to today, oldest first.
	rows := export(nil)
	assert.Equal(t, []string{"first day", "ten days ago", "diego", "later today"}, descs(rows))
	assert.Equal(t, row(elena, today.AddDate(0, 0, -30), 1.5, "first day"), rows[0], "every column parsed back")
	assert.True(t, rows[2].CustomKeysUsed)

	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	assert.Equal(t, []string{"ten days ago", "diego"}, descs(export(&dmchamp.UsageExportOptions{From: day("2026-11-01"), To: day("2026-11-18")})))
	assert.Equal(t, []string{"diego", "later today", "tomorrow"}, descs(export(&dmchamp.UsageExportOptions{From: day("2026-11-18"), To: day("2026-11-22")})))
	assert.Equal(t, []string{"too old", "first day"}, descs(export(&dmchamp.UsageExportOptions{From: day("2026-10-01"), To: day("2026-10-22")})), "to is inclusive")
	assert.Equal(t, []string{"diego"}, descs(export(&dmchamp.UsageExportOptions{SubAccountID: diego})))
	assert.Empty(t, export(&dmchamp.UsageExportOptions{SubAccountID: "nobody"}))

	// On the wire: CSV with the documented header, as an attachment.
	r := raw(t, srv, "GET", "/v1/agencies/usage/export", key(srv, "from", "2026-11-18", "to", "2026-11-21", "subAccountId", diego), nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, "text/csv; charset=utf-8", r.Header.Get("Content-Type"))
	assert.Equal(t, `attachment; filename="usage-2026-11-18-2026-11-21.csv"`, r.Header.Get("Content-Disposition"))
	records, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, [][]string{
		{"Sub Account ID", "Sub Account Email", "Sub Account Name", "Date", "Amount", "Reason", "Campaign Name", "Contact Name", "Credit Type", "Custom Keys Used", "Description", "AI Model"},
		{diego, diego + "@example.com", diego, "2026-11-18T09:00:00Z", "3", "AI reply", "Spring, \"promo\"", "Maria", "monthly", "Yes", "diego", "gpt-4o"},
	}, records)

	// Bad dates are a JSON 400.
	for _, q := range []url.Values{key(srv, "from", "18/11/2026"), key(srv, "to", "2026-13-01"), key(srv, "from", "2026-11-20", "to", "2026-11-19")} {
		r := raw(t, srv, "GET", "/v1/agencies/usage/export", q, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status, q.Encode())
		assert.Equal(t, float64(400), r.Object(t)["error_code"])
	}
}

// clock is a settable clock for WithClock.
type clock struct{ unixNano atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.Set(t)
	return c
}

func (c *clock) Set(t time.Time) { c.unixNano.Store(t.UnixNano()) }

func (c *clock) Now() time.Time { return time.Unix(0, c.unixNano.Load()).UTC() }

func TestOTPAgreesWithTOTP(t *testing.T) {
	clk := newClock(now)
	srv := dmchamptest.NewServer(dmchamptest.WithClock(clk.Now))
	t.Cleanup(srv.Close)
	c := newClient(t, srv)

	// RFC 6238's SHA-1 vectors, cut to 6 digits.
	rfcSecret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		clk.Set(time.Unix(unix, 0))
		got, err := c.OTP.Generate(t.Context(), rfcSecret)
		require.NoError(t, err)
		assert.Equal(t, want, got.Code, "at %d", unix)
	}

	for _, at := range []time.Time{now, now.Add(29 * time.Second), now.Add(30 * time.Second), now.Add(47 * time.Second), now.Add(time.Hour + time.Second)} {
		clk.Set(at)
		for _, secret := range []string{"JBSWY3DPEHPK3PXP", "jbsw y3dp ehpk 3pxp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"} {
			got, err := c.OTP.Generate(t.Context(), secret)
			require.NoError(t, err)
			want, err := dmchamp.TOTP(secret, at)
			require.NoError(t, err)
			assert.Equal(t, want, got, "%s at %s", secret, at)
		}
	}

	// The SDK sends the secret as a query parameter: it is never recorded.
	for _, r := range srv.Requests() {
		assert.Equal(t, []string{"REDACTED"}, r.Query["secret"])
	}
}
