package dmchamptest

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

var usageHeader = []string{
	"Sub Account ID", "Sub Account Email", "Sub Account Name", "Date", "Amount", "Reason",
	"Campaign Name", "Contact Name", "Credit Type", "Custom Keys Used", "Description", "AI Model",
}

func (s *Server) usageExport(w http.ResponseWriter, r *http.Request) {
	if !s.agencyAuthorized(w, r, true) {
		return
	}
	q := r.URL.Query()
	today := s.now().UTC().Truncate(24 * time.Hour)
	from, to := today.AddDate(0, 0, -30), today
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				writeEnvelopeError(w, http.StatusBadRequest, "Invalid date format for "+p.name+": use YYYY-MM-DD")
				return
			}
			*p.dst = t
		}
	}
	if to.Before(from) {
		writeEnvelopeError(w, http.StatusBadRequest, "Invalid date range: from is after to")
		return
	}
	s.mu.Lock()
	rows := slices.Clone(s.st.usage)
	s.mu.Unlock()
	slices.SortStableFunc(rows, func(a, b dmchamp.UsageRow) int { return a.Date.Compare(b.Date) })

	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="usage-`+from.Format("2006-01-02")+`-`+to.Format("2006-01-02")+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(usageHeader)
	end := to.AddDate(0, 0, 1)
	for _, u := range rows {
		if u.Date.Before(from) || !u.Date.Before(end) || (q.Get("subAccountId") != "" && u.SubAccountID != q.Get("subAccountId")) {
			continue
		}
		keys := "No"
		if u.CustomKeysUsed {
			keys = "Yes"
		}
		_ = cw.Write([]string{
			u.SubAccountID, u.SubAccountEmail, u.SubAccountName, u.Date.UTC().Format(time.RFC3339),
			strconv.FormatFloat(u.Amount, 'f', -1, 64), u.Reason, u.CampaignName, u.ContactName,
			u.CreditType, keys, u.Description, u.AIModel,
		})
	}
	cw.Flush()
}
