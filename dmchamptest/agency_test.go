package dmchamptest_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
