package dmchamp

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// AgencyService reads agency-wide reports. It needs an API key: the API
// refuses a user ID here, so a client holding only WithUserID gets a
// *ValidationError.
type AgencyService struct {
	client *Client
}

// UsageExportOptions selects the rows of the usage report. Zero fields are
// not sent: the server then reports the past 30 days of every sub-account.
type UsageExportOptions struct {
	From         time.Time `url:"from,omitempty" layout:"2006-01-02"` // first day, in its own time zone
	To           time.Time `url:"to,omitempty" layout:"2006-01-02"`   // last day
	SubAccountID string    `url:"subAccountId,omitempty"`             // one sub-account only
}

// UsageRow is one credit movement of a sub-account.
type UsageRow struct {
	SubAccountID    string    // the sub-account's user id
	SubAccountEmail string    // its email
	SubAccountName  string    // its name
	Date            time.Time // when the credits were used
	Amount          float64   // credits
	Reason          string    // what they were used for
	CampaignName    string    // the campaign, if any
	ContactName     string    // the contact, if any
	CreditType      string    // e.g. monthly or purchased credits
	CustomKeysUsed  bool      // the account's own AI keys were used
	Description     string    // free text
	AIModel         string    // the AI model, if any
}

// usageColumns are the report's documented CSV headers, in order.
var usageColumns = []string{
	"Sub Account ID", "Sub Account Email", "Sub Account Name", "Date", "Amount", "Reason",
	"Campaign Name", "Contact Name", "Credit Type", "Custom Keys Used", "Description", "AI Model",
}

var epAgencyUsageExport = register(endpoint{name: "Agency.UsageExport", method: http.MethodGet, route: "/agencies/usage/export", auth: authKeyOnly, shape: stream, accept: "text/csv"})

// UsageExport returns an iterator over the rows of the agency's CSV credit
// usage report. The report is requested when the loop starts and parsed as
// it streams in, one row at a time; the loop may stop early. Columns are
// found by their header, in any order. An error is yielded once and ends
// the loop: a *ValidationError, an *APIError (a malformed report matches
// ErrInvalidResponse), or a *RequestError. The per-attempt timeout
// (WithTimeout) covers reading the whole report.
//
// API: GET /agencies/usage/export
func (s *AgencyService) UsageExport(ctx context.Context, opts *UsageExportOptions, callOpts ...CallOption) iter.Seq2[*UsageRow, error] {
	var o UsageExportOptions
	if opts != nil {
		o = *opts
	}
	return func(yield func(*UsageRow, error) bool) {
		if !o.From.IsZero() && !o.To.IsZero() && o.To.Before(o.From) {
			yield(nil, invalid("To", "is before From"))
			return
		}
		q, err := encodeQuery(&o)
		if err != nil {
			yield(nil, err)
			return
		}
		body, err := streamCall(ctx, s.client, epAgencyUsageExport, &request{query: q}, callOpts)
		if err != nil {
			yield(nil, err)
			return
		}
		defer body.Close()
		for row, err := range usageRows(body) {
			if err != nil {
				yield(nil, body.fail(err))
				return
			}
			if !yield(row, nil) {
				return
			}
		}
	}
}

// usageRows parses a usage report.
func usageRows(r io.Reader) iter.Seq2[*UsageRow, error] {
	return func(yield func(*UsageRow, error) bool) {
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		header, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return // an empty report
		}
		if err != nil {
			yield(nil, fmt.Errorf("usage report header: %w", err))
			return
		}
		col := map[string]int{}
		for i, name := range header {
			name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
			col[name] = i
		}
		idx := make([]int, len(usageColumns))
		for i, name := range usageColumns {
			j, ok := col[strings.ToLower(name)]
			if !ok {
				yield(nil, fmt.Errorf("usage report has no %q column", name))
				return
			}
			idx[i] = j
		}
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(nil, fmt.Errorf("usage report: %w", err))
				return
			}
			line, _ := cr.FieldPos(0)
			row, err := parseUsageRow(rec, idx)
			if err != nil {
				err = fmt.Errorf("usage report line %d: %w", line, err)
			}
			if !yield(row, err) || err != nil {
				return
			}
		}
	}
}

func parseUsageRow(rec []string, idx []int) (*UsageRow, error) {
	field := func(i int) string {
		if idx[i] < len(rec) {
			return strings.TrimSpace(rec[idx[i]])
		}
		return ""
	}
	row := &UsageRow{
		SubAccountID:    field(0),
		SubAccountEmail: field(1),
		SubAccountName:  field(2),
		Reason:          field(5),
		CampaignName:    field(6),
		ContactName:     field(7),
		CreditType:      field(8),
		Description:     field(10),
		AIModel:         field(11),
	}
	var err error
	if row.Date, err = parseReportDate(field(3)); err != nil {
		return nil, err
	}
	if row.Amount, err = strconv.ParseFloat(field(4), 64); err != nil || math.IsNaN(row.Amount) || math.IsInf(row.Amount, 0) {
		return nil, fmt.Errorf("column Amount: %q is not a number", field(4))
	}
	if row.CustomKeysUsed, err = parseReportBool(field(9)); err != nil {
		return nil, err
	}
	return row, nil
}

func parseReportDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("column Date: %q is not a date", s)
}

func parseReportBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "false", "no", "0", "n":
		return false, nil
	case "true", "yes", "1", "y":
		return true, nil
	}
	return false, fmt.Errorf("column Custom Keys Used: %q is not yes or no", s)
}
