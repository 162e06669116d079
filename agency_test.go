package dmchamp

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const usageURL = testBaseURL + "/agencies/usage/export"

// Sub-accounts of testdata/agency/usage_2026_10.csv.
const (
	uidBrightsmile = "u8jzPde0IgxLd6GncfBAepfJBd0K"
	uidNorthpeak   = "h8oOOL8dKLzdocJ2isAjIhKtJ0Rl"
	uidCasaVerde   = "gLKOmxgJTeKdNnFRIBXuDL7DxtpY"
	uidLumen       = "lSXpfKtHF4vUCsMehGAkWvj7FAc9"
)

const usageHeader = "Sub Account ID,Sub Account Email,Sub Account Name,Date,Amount,Reason,Campaign Name,Contact Name,Credit Type,Custom Keys Used,Description,AI Model\n"

// csvReply answers 200 with a CSV body.
func csvReply(body string) httpmock.Responder {
	return httpmock.NewStringResponder(200, body).
		HeaderSet(http.Header{"Content-Type": {"text/csv; charset=utf-8"}})
}

// collect ranges over seq and returns the rows and the errors yielded.
func collectUsage(t *testing.T, seq func(func(*UsageRow, error) bool)) ([]UsageRow, []error) {
	t.Helper()
	var rows []UsageRow
	var errs []error
	for row, err := range seq {
		if err != nil {
			assert.Nil(t, row, "an error comes without a row")
			errs = append(errs, err)
			continue
		}
		require.NotNil(t, row)
		rows = append(rows, *row)
	}
	return rows, errs
}

func TestAgencyUsageExport(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    usageURL,
		query:  withKey(url.Values{"from": {"2026-10-01"}, "to": {"2026-10-31"}}),
		header: noAuth,
	}, csvReply(string(fixture(t, "agency/usage_2026_10.csv"))))

	rows, errs := collectUsage(t, c.Agency.UsageExport(t.Context(), &UsageExportOptions{
		From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		To:   time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC),
	}))
	require.Empty(t, errs)
	require.Len(t, rows, 30)
	assert.Equal(t, 1, mt.GetTotalCallCount())

	assert.Equal(t, UsageRow{
		SubAccountID:    uidBrightsmile,
		SubAccountEmail: "lucia.ortega@brightsmile-dental.example",
		SubAccountName:  "Brightsmile Dental, LLC",
		Date:            ts("2026-10-01T07:58:12.204Z"),
		Amount:          1,
		Reason:          "AI Response",
		CampaignName:    "October Reactivation, Lapsed Patients",
		ContactName:     "Maria Gonzalez",
		CreditType:      "monthly",
		Description:     "AI reply to inbound WhatsApp message",
		AIModel:         "gpt-4o-mini",
	}, rows[0])
	assert.Equal(t, UsageRow{
		SubAccountID:    uidNorthpeak,
		SubAccountEmail: "daniel@northpeakfitness.example",
		SubAccountName:  "Daniel Whitaker",
		Date:            ts("2026-10-01T12:03:40Z"),
		Amount:          0.75,
		Reason:          "WhatsApp Template Message",
		CampaignName:    "New Member Welcome",
		ContactName:     "Tomás Ruiz",
		CreditType:      "monthly",
		Description:     "Template welcome_member_v2 sent",
	}, rows[2], "an empty AI Model")
	assert.Equal(t, UsageRow{
		SubAccountID:    uidNorthpeak,
		SubAccountEmail: "daniel@northpeakfitness.example",
		SubAccountName:  "Daniel Whitaker",
		Date:            ts("2026-10-03T18:30:12.650Z"),
		Amount:          2,
		Reason:          "AI Response",
		CampaignName:    "New Member Welcome",
		ContactName:     `Sarah "Sally" Jenkins`,
		CreditType:      "monthly",
		Description:     `Answered "Can I freeze my membership?"`,
		AIModel:         "gpt-4o",
	}, rows[6], "escaped quotes")
	assert.Equal(t, UsageRow{
		SubAccountID:    uidBrightsmile,
		SubAccountEmail: "lucia.ortega@brightsmile-dental.example",
		SubAccountName:  "Brightsmile Dental, LLC",
		Date:            ts("2026-10-05T09:00:00Z"),
		Amount:          500,
		Reason:          "Credits Added",
		CreditType:      "purchased",
		Description:     "Auto-recharge: balance fell below 50 credits",
	}, rows[8], "empty campaign, contact and model")
	assert.Equal(t, UsageRow{
		SubAccountID:    uidCasaVerde,
		SubAccountEmail: "ventas@casaverde-realty.example",
		SubAccountName:  "Casa Verde Inmobiliaria, S.L.",
		Date:            ts("2026-10-16T10:48:33.666Z"),
		Amount:          1,
		Reason:          "AI Response",
		ContactName:     "Javier Morales",
		CreditType:      "monthly",
		CustomKeysUsed:  true,
		Description:     "Respuesta IA: documentación, hipoteca y arras",
		AIModel:         "claude-3-5-haiku",
	}, rows[20], "custom keys used")
	assert.Equal(t, UsageRow{
		SubAccountID:    uidBrightsmile,
		SubAccountEmail: "lucia.ortega@brightsmile-dental.example",
		SubAccountName:  "Brightsmile Dental, LLC",
		Date:            ts("2026-10-31T21:59:59.999Z"),
		Amount:          1,
		Reason:          "AI Response",
		ContactName:     "Maria Gonzalez",
		CreditType:      "monthly",
		Description:     "AI reply to inbound WhatsApp message",
		AIModel:         "gpt-4o-mini",
	}, rows[29])

	// Counts and sums taken from the fixture.
	count := map[string]int{}
	amount := map[string]float64{}
	emails := map[string]string{}
	var total float64
	var customKeys, noModel, noCampaign, noContact, purchased, aiResponses int
	for i, r := range rows {
		count[r.SubAccountID]++
		amount[r.SubAccountID] += r.Amount
		total += r.Amount
		if e, ok := emails[r.SubAccountID]; ok {
			assert.Equal(t, e, r.SubAccountEmail, "row %d", i)
		}
		emails[r.SubAccountID] = r.SubAccountEmail
		if r.CustomKeysUsed {
			customKeys++
		}
		if r.AIModel == "" {
			noModel++
		}
		if r.CampaignName == "" {
			noCampaign++
		}
		if r.ContactName == "" {
			noContact++
		}
		if r.CreditType == "purchased" {
			purchased++
		}
		if r.Reason == "AI Response" {
			aiResponses++
		}
		assert.Len(t, r.SubAccountID, 28, "row %d", i)
		assert.False(t, r.Date.Before(ts("2026-10-01T00:00:00Z")), "row %d", i)
		assert.True(t, r.Date.Before(ts("2026-11-01T00:00:00Z")), "row %d", i)
		if i > 0 {
			assert.False(t, r.Date.Before(rows[i-1].Date), "rows are in date order: row %d", i)
		}
	}
	assert.Equal(t, map[string]int{uidBrightsmile: 10, uidNorthpeak: 7, uidCasaVerde: 7, uidLumen: 6}, count)
	assert.InDelta(t, 510.25, amount[uidBrightsmile], 1e-9)
	assert.InDelta(t, 256.0, amount[uidNorthpeak], 1e-9)
	assert.InDelta(t, 7.5, amount[uidCasaVerde], 1e-9)
	assert.InDelta(t, 6.75, amount[uidLumen], 1e-9)
	assert.InDelta(t, 780.5, total, 1e-9)
	assert.Equal(t, 7, customKeys)
	assert.Equal(t, 8, noModel)
	assert.Equal(t, 13, noCampaign)
	assert.Equal(t, 3, noContact)
	assert.Equal(t, 8, purchased)
	assert.Equal(t, 18, aiResponses)
}

func TestAgencyUsageExportQuery(t *testing.T) {
	cases := []struct {
		name  string
		opts  *UsageExportOptions
		query url.Values
	}{
		{"nil options", nil, withKey(nil)},
		{"zero options", &UsageExportOptions{}, withKey(nil)},
		{"from only", &UsageExportOptions{From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)},
			withKey(url.Values{"from": {"2026-10-01"}})},
		{"to only", &UsageExportOptions{To: time.Date(2026, 10, 31, 18, 30, 0, 0, time.UTC)},
			withKey(url.Values{"to": {"2026-10-31"}})},
		{"one day", &UsageExportOptions{
			From: time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC),
			To:   time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC),
		}, withKey(url.Values{"from": {"2026-10-15"}, "to": {"2026-10-15"}})},
		{"sub-account only", &UsageExportOptions{SubAccountID: uidLumen},
			withKey(url.Values{"subAccountId": {uidLumen}})},
		// Dates are formatted in their own time zone: midnight in Madrid is
		// still the 1st, although it is the 30th of September in UTC.
		{"every option, in Madrid", &UsageExportOptions{
			From:         time.Date(2026, 10, 1, 0, 0, 0, 0, time.FixedZone("CEST", 2*60*60)),
			To:           time.Date(2026, 10, 31, 23, 59, 59, 0, time.FixedZone("CEST", 2*60*60)),
			SubAccountID: uidCasaVerde,
		}, withKey(url.Values{"from": {"2026-10-01"}, "to": {"2026-10-31"}, "subAccountId": {uidCasaVerde}})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodGet, url: usageURL, query: tc.query, header: noAuth},
				csvReply(usageHeader))
			rows, errs := collectUsage(t, c.Agency.UsageExport(t.Context(), tc.opts))
			assert.Empty(t, rows)
			assert.Empty(t, errs)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestAgencyUsageExportLazy(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    usageURL,
		query:  withKey(url.Values{"subAccountId": {uidCasaVerde}}),
	}, csvReply(string(fixture(t, "agency/usage_2026_10_one_account.csv"))))

	opts := &UsageExportOptions{SubAccountID: uidCasaVerde}
	seq := c.Agency.UsageExport(t.Context(), opts)
	assert.Zero(t, mt.GetTotalCallCount(), "no request until the loop starts")
	opts.SubAccountID = uidLumen // the iterator copied the options

	rows, errs := collectUsage(t, seq)
	require.Empty(t, errs)
	assert.Len(t, rows, 7)
	assert.Equal(t, 1, mt.GetTotalCallCount())

	// Each loop requests the report again.
	rows, errs = collectUsage(t, seq)
	require.Empty(t, errs)
	assert.Len(t, rows, 7)
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

// usageOf parses a usage report: the rows before the first error, and
// that error.
func usageOf(body string) ([]UsageRow, error) {
	var rows []UsageRow
	for r, err := range usageRows(strings.NewReader(body)) {
		if err != nil {
			return rows, err
		}
		rows = append(rows, *r)
	}
	return rows, nil
}

func TestUsageRowsDecode(t *testing.T) {
	lumen := UsageRow{
		SubAccountID:    uidLumen,
		SubAccountEmail: "amara@lumenskin.example",
		SubAccountName:  "Amara Okafor",
		Date:            ts("2026-10-10T09:31:50.733Z"),
		Amount:          2,
		Reason:          "AI Response",
		CampaignName:    "Glow Facial Launch, Autumn",
		ContactName:     "Zoe Martin",
		CreditType:      "purchased",
		Description:     "Skin consultation questions, 3 follow-ups",
		AIModel:         "gpt-4o",
	}
	lumenLine := uidLumen + `,amara@lumenskin.example,Amara Okafor,2026-10-10T09:31:50.733Z,2,AI Response,"Glow Facial Launch, Autumn",Zoe Martin,purchased,No,"Skin consultation questions, 3 follow-ups",gpt-4o`
	report := string(fixture(t, "agency/usage_2026_10.csv"))
	reportRows, err := usageOf(report)
	require.NoError(t, err)
	require.Len(t, reportRows, 30)

	cases := []struct {
		name string
		body string
		want []UsageRow
	}{
		{"other order and extra columns",
			"AI Model,Date,Sub Account Name,Agency ID,Amount,Sub Account Email,Reason,Sub Account ID,Credit Type,Campaign Name,Custom Keys Used,Contact Name,Description,Exported At\n" +
				`gpt-4o,2026-10-10T09:31:50.733Z,Amara Okafor,Ag7Hn2Kp5Rt8Wx1Zc4Vb6Nm9Lq3J,2,amara@lumenskin.example,AI Response,` + uidLumen +
				`,purchased,"Glow Facial Launch, Autumn",No,Zoe Martin,"Skin consultation questions, 3 follow-ups",2026-11-01T06:00:00Z` + "\n", []UsageRow{lumen}},
		{"header as printed in the docs, spaces after commas",
			"Sub Account ID, Sub Account Email, Sub Account Name, Date, Amount, Reason, Campaign Name, Contact Name, Credit Type, Custom Keys Used, Description, AI Model\n" +
				uidLumen + `, amara@lumenskin.example, Amara Okafor, 2026-10-10T09:31:50.733Z, 2, AI Response,"Glow Facial Launch, Autumn", Zoe Martin, purchased, No,"Skin consultation questions, 3 follow-ups", gpt-4o` + "\n", []UsageRow{lumen}},
		{"header in another case",
			"sub account id,SUB ACCOUNT EMAIL,Sub account name,date,amount,reason,campaign name,contact name,credit type,custom keys used,description,ai model\n" +
				lumenLine + "\n", []UsageRow{lumen}},
		{"CRLF line endings", strings.TrimSuffix(usageHeader, "\n") + "\r\n" + lumenLine + "\r\n", []UsageRow{lumen}},
		{"no final newline", usageHeader + lumenLine, []UsageRow{lumen}},
		{"every field quoted",
			`"Sub Account ID","Sub Account Email","Sub Account Name","Date","Amount","Reason","Campaign Name","Contact Name","Credit Type","Custom Keys Used","Description","AI Model"` + "\n" +
				`"` + uidLumen + `","amara@lumenskin.example","Amara Okafor","2026-10-10T09:31:50.733Z","2","AI Response","Glow Facial Launch, Autumn","Zoe Martin","purchased","false","Skin consultation questions, 3 follow-ups","gpt-4o"` + "\n", []UsageRow{lumen}},
		// Trailing empty columns may be missing from a row.
		{"short row", usageHeader + uidNorthpeak + ",daniel@northpeakfitness.example,Daniel Whitaker,2026-10-18T09:00:00.000Z,250,Credits Added,,,purchased,No\n",
			[]UsageRow{{
				SubAccountID:    uidNorthpeak,
				SubAccountEmail: "daniel@northpeakfitness.example",
				SubAccountName:  "Daniel Whitaker",
				Date:            ts("2026-10-18T09:00:00Z"),
				Amount:          250,
				Reason:          "Credits Added",
				CreditType:      "purchased",
			}}},
		{"byte order mark", "\ufeff" + report, reportRows},
		{"empty body", "", nil},
		{"header only", usageHeader, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := usageOf(tc.body)
			require.NoError(t, err)
			assert.Equal(t, tc.want, rows)
		})
	}

	// The report of one sub-account.
	rows, err := usageOf(string(fixture(t, "agency/usage_2026_10_one_account.csv")))
	require.NoError(t, err)
	require.Len(t, rows, 7)
	var total float64
	for _, r := range rows {
		assert.Equal(t, uidCasaVerde, r.SubAccountID)
		assert.Equal(t, "Casa Verde Inmobiliaria, S.L.", r.SubAccountName)
		assert.True(t, r.CustomKeysUsed)
		total += r.Amount
	}
	assert.InDelta(t, 7.5, total, 1e-9)
	assert.Equal(t, UsageRow{
		SubAccountID:    uidCasaVerde,
		SubAccountEmail: "ventas@casaverde-realty.example",
		SubAccountName:  "Casa Verde Inmobiliaria, S.L.",
		Date:            ts("2026-10-09T17:55:36.004Z"),
		Amount:          0.75,
		Reason:          "WhatsApp Template Message",
		CampaignName:    "Open House, Sat 18 Oct",
		ContactName:     "Lucía Fernández",
		CreditType:      "monthly",
		CustomKeysUsed:  true,
		Description:     "Plantilla open_house_invite enviada",
	}, rows[2])
}

func TestUsageRowsRefuse(t *testing.T) {
	good1 := uidBrightsmile + `,lucia.ortega@brightsmile-dental.example,"Brightsmile Dental, LLC",2026-10-01T07:58:12.204Z,1,AI Response,,Maria Gonzalez,monthly,No,AI reply,gpt-4o-mini` + "\n"
	good2 := uidNorthpeak + `,daniel@northpeakfitness.example,Daniel Whitaker,2026-10-01T12:03:40.000Z,0.75,WhatsApp Template Message,,Tomás Ruiz,monthly,No,Template sent,` + "\n"
	after := uidLumen + `,amara@lumenskin.example,Amara Okafor,2026-10-03T10:05:59.377Z,1,AI Response,,Chloe Bennett,purchased,No,AI reply,gpt-4o-mini` + "\n"
	bad := func(date, amount, keys string) string {
		return uidCasaVerde + `,ventas@casaverde-realty.example,"Casa Verde Inmobiliaria, S.L.",` + date + `,` + amount +
			`,AI Response,,Carmen Navarro,monthly,` + keys + `,Respuesta IA,claude-3-5-haiku` + "\n"
	}
	const date, amount, keys = "2026-10-02T09:21:05.118Z", "1", "Yes"
	multiline := uidNorthpeak + `,daniel@northpeakfitness.example,Daniel Whitaker,2026-10-01T12:05:00.000Z,1,AI Response,,Kevin Brooks,monthly,No,"Reply:` + "\n" + `see you at 7am",gpt-4o-mini` + "\n"
	bareQuote := uidLumen + `,amara@lumenskin.example,Amara Okafor,2026-10-06T14:22:18.845Z,1,AI Response,,Hannah "Hanna" Lee,purchased,No,AI reply,gpt-4o-mini` + "\n"

	cases := []struct {
		name  string
		body  string
		rows  int // the good rows before the error
		error string
	}{
		{"amount with a decimal comma", usageHeader + good1 + good2 + bad(date, `"1,5"`, keys) + after, 2,
			`usage report line 4: column Amount: "1,5" is not a number`},
		{"empty amount", usageHeader + good1 + bad(date, "", keys) + after, 1,
			`usage report line 3: column Amount: "" is not a number`},
		{"date in another format", usageHeader + good1 + good2 + bad("01/10/2026 08:14", amount, keys) + after, 2,
			`usage report line 4: column Date: "01/10/2026 08:14" is not a date`},
		{"empty date", usageHeader + bad("", amount, keys) + after, 0,
			`usage report line 2: column Date: "" is not a date`},
		{"custom keys not a boolean", usageHeader + good1 + good2 + bad(date, amount, "maybe") + after, 2,
			`usage report line 4: column Custom Keys Used: "maybe" is not yes or no`},
		{"line counts physical lines", usageHeader + good1 + multiline + bad(date, "n/a", keys) + after, 2,
			`usage report line 5: column Amount: "n/a" is not a number`},
		{"missing column", strings.Replace(string(fixture(t, "agency/usage_2026_10.csv")), ",AI Model\n", ",Model\n", 1), 0,
			`usage report has no "AI Model" column`},
		{"CSV syntax error", usageHeader + after + bareQuote, 1,
			`usage report: parse error on line 3, column 114: bare " in non-quoted-field`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := usageOf(tc.body)
			assert.Len(t, rows, tc.rows)
			assert.EqualError(t, err, tc.error)
			var pe *csv.ParseError
			assert.Equal(t, tc.name == "CSV syntax error", errors.As(err, &pe) && errors.Is(err, csv.ErrBareQuote))
		})
	}
}

func TestParseUsageRowFormats(t *testing.T) {
	row := func(date, amount, keys string) string {
		return usageHeader + uidLumen + `,amara@lumenskin.example,Amara Okafor,` + date + `,` + amount + `,AI Response,,,purchased,` + keys + `,,` + "\n"
	}
	parse := func(t *testing.T, body string) UsageRow {
		t.Helper()
		var got []UsageRow
		for r, err := range usageRows(strings.NewReader(body)) {
			require.NoError(t, err)
			got = append(got, *r)
		}
		require.Len(t, got, 1)
		return got[0]
	}

	dates := map[string]time.Time{
		"2026-10-05T09:00:00.000Z":       ts("2026-10-05T09:00:00Z"),
		"2026-10-05T09:00:00Z":           ts("2026-10-05T09:00:00Z"),
		"2026-10-05T11:00:00+02:00":      ts("2026-10-05T09:00:00Z"),
		"2026-10-05T09:00:00.123456789Z": ts("2026-10-05T09:00:00.123456789Z"),
		"2026-10-05 09:00:00":            ts("2026-10-05T09:00:00Z"),
		"2026-10-05T09:00:00":            ts("2026-10-05T09:00:00Z"),
		"2026-10-05":                     ts("2026-10-05T00:00:00Z"),
		" 2026-10-05 ":                   ts("2026-10-05T00:00:00Z"),
	}
	for in, wantDate := range dates {
		got := parse(t, row(in, "1", "No")).Date
		assert.True(t, wantDate.Equal(got), "date %q: got %v", in, got)
	}

	amounts := map[string]float64{"1": 1, "0.75": 0.75, "-2.5": -2.5, " 12 ": 12, "1000.00": 1000}
	for in, wantAmount := range amounts {
		assert.Equal(t, wantAmount, parse(t, row("2026-10-05", in, "No")).Amount, "amount %q", in)
	}

	bools := map[string]bool{
		"Yes": true, "yes": true, "YES": true, "true": true, "TRUE": true, "1": true, "Y": true, "y": true,
		"No": false, "no": false, "false": false, "False": false, "0": false, "N": false, "": false, " No ": false,
	}
	for in, wantBool := range bools {
		assert.Equal(t, wantBool, parse(t, row("2026-10-05", "1", in)).CustomKeysUsed, "custom keys %q", in)
	}
}

func TestAgencyUsageExportFailure(t *testing.T) {
	// A failure is yielded once, without rows; a JSON body where CSV is
	// expected is not read as rows.
	cases := []struct {
		resp    httpmock.Responder
		status  int
		message string
	}{
		{jsonReply(200, `{"success":false,"message":"Invalid date format"}`), 200, "Invalid date format"},
		{reply(t, 403, "agency/error_403.json"), 403, "Usage export is only available to Agency or Dev accounts"},
	}
	for _, tc := range cases {
		c, mt := setup(t)
		expect(t, mt, want{method: http.MethodGet, url: usageURL, query: withKey(nil)}, tc.resp)
		rows, errs := collectUsage(t, c.Agency.UsageExport(t.Context(), nil))
		assert.Empty(t, rows)
		require.Len(t, errs, 1)
		var apiErr *APIError
		require.ErrorAs(t, errs[0], &apiErr, "a failure envelope is the server's error")
		assert.Equal(t, tc.status, apiErr.StatusCode)
		assert.Equal(t, tc.message, apiErr.Message)
	}
}

func TestAgencyUsageExportCanceled(t *testing.T) {
	c, mt := setup(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rows, errs := collectUsage(t, c.Agency.UsageExport(ctx, nil))
	assert.Empty(t, rows)
	require.Len(t, errs, 1)
	var re *RequestError
	require.ErrorAs(t, errs[0], &re)
	assert.ErrorIs(t, errs[0], context.Canceled)
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestAgencyUsageExportClosesBody(t *testing.T) {
	report := string(fixture(t, "agency/usage_2026_10.csv"))

	t.Run("loop completed", func(t *testing.T) {
		c, mt := setup(t)
		body := &trackedBody{r: strings.NewReader(report)}
		expect(t, mt, want{method: http.MethodGet, url: usageURL, query: withKey(nil)}, trackedReply(body, "text/csv"))
		rows, errs := collectUsage(t, c.Agency.UsageExport(t.Context(), nil))
		require.Empty(t, errs)
		assert.Len(t, rows, 30)
		assert.NotZero(t, body.closed.Load())
		assert.Equal(t, int64(len(report)), body.read.Load())
	})

	t.Run("malformed row", func(t *testing.T) {
		c, mt := setup(t)
		body := &trackedBody{r: strings.NewReader(strings.Replace(report, ",500,Credits Added,", ",five hundred,Credits Added,", 1))}
		expect(t, mt, want{method: http.MethodGet, url: usageURL, query: withKey(nil)}, trackedReply(body, "text/csv"))
		rows, errs := collectUsage(t, c.Agency.UsageExport(t.Context(), nil))
		assert.Len(t, rows, 8)
		require.Len(t, errs, 1)
		assert.EqualError(t, errs[0], `dmchamp: GET /v1/agencies/usage/export: HTTP 200 OK: invalid response body: usage report line 10: column Amount: "five hundred" is not a number`)
		var apiErr *APIError
		require.ErrorAs(t, errs[0], &apiErr, "a malformed report is the server's invalid answer")
		assert.Equal(t, 200, apiErr.StatusCode)
		assert.ErrorIs(t, errs[0], ErrInvalidResponse)
		assert.NotZero(t, body.closed.Load())
	})

	t.Run("break stops reading", func(t *testing.T) {
		// A report far larger than what closing drains.
		lines := strings.SplitAfter(report, "\n")
		var b strings.Builder
		b.WriteString(lines[0])
		for b.Len() < 4<<20 {
			for _, l := range lines[1:] {
				b.WriteString(l)
			}
		}
		big := b.String()

		c, mt := setup(t)
		body := &trackedBody{r: strings.NewReader(big)}
		expect(t, mt, want{method: http.MethodGet, url: usageURL, query: withKey(nil)}, trackedReply(body, "text/csv"))
		var ids []string
		for row, err := range c.Agency.UsageExport(t.Context(), nil) {
			require.NoError(t, err)
			ids = append(ids, row.SubAccountID)
			if len(ids) == 3 {
				break
			}
		}
		assert.Equal(t, []string{uidBrightsmile, uidBrightsmile, uidNorthpeak}, ids)
		assert.NotZero(t, body.closed.Load(), "the body is closed when the loop stops")
		assert.Less(t, body.read.Load(), int64(maxDrain+64<<10), "reading stopped: at most a buffer and the drain")
		assert.Less(t, body.read.Load(), int64(len(big)))
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}

func TestUsageRowsEndsAtError(t *testing.T) {
	// usageRows ends after an error even when the consumer goes on.
	body := usageHeader +
		uidLumen + `,amara@lumenskin.example,Amara Okafor,2026-10-03T10:05:59.377Z,one,AI Response,,Chloe Bennett,purchased,No,AI reply,gpt-4o-mini` + "\n" +
		uidLumen + `,amara@lumenskin.example,Amara Okafor,2026-10-06T14:22:18.845Z,1,AI Response,,Hannah Lee,purchased,No,AI reply,gpt-4o-mini` + "\n"
	var errs []error
	rows := 0
	for row, err := range usageRows(strings.NewReader(body)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		assert.NotNil(t, row)
		rows++
	}
	assert.Zero(t, rows)
	require.Len(t, errs, 1)
	assert.EqualError(t, errs[0], `usage report line 2: column Amount: "one" is not a number`)
}

// brokenBody yields data, then fails as a lost connection does.
type brokenBody struct{ data *strings.Reader }

func (b *brokenBody) Read(p []byte) (int, error) {
	if b.data.Len() == 0 {
		return 0, &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	}
	return b.data.Read(p)
}

func (b *brokenBody) Close() error { return nil }

func TestDownloadsLosingTheConnection(t *testing.T) {
	report := string(fixture(t, "agency/usage_2026_10.csv"))
	cut := func(body, contentType string) httpmock.Responder {
		return func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, ContentLength: -1, Header: http.Header{"Content-Type": {contentType}},
				Body: &brokenBody{strings.NewReader(body)}}, nil
		}
	}

	c, mt := setup(t)
	expect(t, mt, want{method: http.MethodGet, url: usageURL, query: withKey(nil)}, cut(report[:len(report)/2], "text/csv"))
	rows, errs := collectUsage(t, c.Agency.UsageExport(t.Context(), nil))
	assert.NotEmpty(t, rows, "the rows before the loss")
	require.Len(t, errs, 1)
	var reqErr *RequestError
	require.ErrorAs(t, errs[0], &reqErr)
	assert.ErrorIs(t, errs[0], syscall.ECONNRESET)
	assert.Equal(t, "/v1/agencies/usage/export", reqErr.Path)

	c, mt = setup(t)
	expect(t, mt, want{method: http.MethodGet, url: testBaseURL + "/chat-exports/recent",
		query: withKey(url.Values{"hours": {"24"}, "format": {"txt"}})}, cut("=== Maria Gonzalez ===\nHola", "text/plain"))
	body, err := c.ChatExports.RecentText(t.Context(), &ChatExportOptions{Hours: 24})
	require.NoError(t, err)
	got, err := io.ReadAll(body)
	require.NoError(t, body.Close())
	assert.Equal(t, "=== Maria Gonzalez ===\nHola", string(got))
	require.ErrorAs(t, err, &reqErr)
	assert.ErrorIs(t, err, syscall.ECONNRESET)
}
