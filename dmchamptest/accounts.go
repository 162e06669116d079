package dmchamptest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// ---- sub-accounts

func subAccountJSON(a *dmchamp.SubAccount, withPassword bool) map[string]any {
	out := map[string]any{
		"uid": a.UID, "email": a.Email, "first_name": a.FirstName, "last_name": a.LastName,
		"role": a.Role, "is_agency_sub_account": a.IsAgencySubAccount,
		"business_name": a.BusinessName, "description": a.Description, "address_line": a.AddressLine,
		"city": a.City, "country": a.Country, "postal_code": a.PostalCode, "state": a.State,
		"time_zone_id": a.TimeZoneID, "language": a.Language,
	}
	if u := a.UsageLimits; u != nil {
		out["usage_limits"] = map[string]any{
			"monthly_credits": u.MonthlyCredits, "monthly_credits_used": u.MonthlyCreditsUsed,
			"last_reset_date": stampPtr(u.LastResetDate), "notifications": u.Notifications,
			"credits": u.Credits, "roll_over_to_next_month": u.RollOverToNextMonth,
		}
	}
	if withPassword {
		out["temporary_password"] = a.TemporaryPassword
	}
	return out
}

func (s *Server) getSubAccount(w http.ResponseWriter, r *http.Request) {
	if !s.agencyAuthorized(w, r, false) {
		return
	}
	email := r.URL.Query().Get("email")
	if email == "" {
		writeEnvelopeError(w, http.StatusBadRequest, "email is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.subByEmail(email)
	if a == nil {
		writeEnvelopeError(w, http.StatusNotFound, "Sub-account not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": subAccountJSON(a, false)})
}

func (s *Server) createSubAccount(w http.ResponseWriter, r *http.Request) {
	if !s.agencyAuthorized(w, r, false) {
		return
	}
	var in dmchamp.CreateSubAccountRequest
	if !decodeBody(w, r, &in) {
		return
	}
	if _, err := mail.ParseAddress(in.Email); err != nil || in.FirstName == "" || in.LastName == "" {
		writeEnvelopeError(w, http.StatusBadRequest, "email, first_name and last_name are required")
		return
	}
	if in.UsageLimits.MonthlyCredits < 1 {
		writeEnvelopeError(w, http.StatusBadRequest, "usage_limits.monthly_credits must be at least 1")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.subByEmail(in.Email) != nil {
		writeEnvelopeError(w, http.StatusBadRequest, "The email address is already in use by another account.")
		return
	}
	if in.UsageLimits.Credits > s.st.credits {
		writeEnvelopeError(w, http.StatusBadRequest, "Insufficient credits to allocate to the sub-account")
		return
	}
	s.st.credits -= in.UsageLimits.Credits
	now := s.now()
	limits := dmchamp.UsageLimits{
		MonthlyCredits: in.UsageLimits.MonthlyCredits, Credits: in.UsageLimits.Credits,
		RollOverToNextMonth: in.UsageLimits.RollOverToNextMonth, LastResetDate: &now,
	}
	a := s.addSubAccount(dmchamp.SubAccount{
		Email: in.Email, FirstName: in.FirstName, LastName: in.LastName, BusinessName: in.BusinessName,
		Description: in.Description, AddressLine: in.AddressLine, City: in.City, Country: in.Country,
		PostalCode: in.PostalCode, State: in.State, TimeZoneID: in.TimeZoneID, Language: in.Language,
		UsageLimits: &limits,
	})
	out := *a
	out.TemporaryPassword = "Tmp-" + s.id()[:10]
	writeJSON(w, http.StatusCreated, map[string]any{"success": true, "data": subAccountJSON(&out, true)})
}

func (s *Server) deleteSubAccount(w http.ResponseWriter, r *http.Request) {
	if !s.agencyAuthorized(w, r, false) {
		return
	}
	email := r.URL.Query().Get("email")
	if email == "" {
		writeEnvelopeError(w, http.StatusBadRequest, "email is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.st.subs, func(a *dmchamp.SubAccount) bool { return strings.EqualFold(a.Email, email) })
	if i < 0 {
		writeEnvelopeError(w, http.StatusNotFound, "Sub-account not found")
		return
	}
	s.st.subs = slices.Delete(s.st.subs, i, i+1)
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "Sub-account deleted successfully"})
}

func (s *Server) addSubAccountCredits(w http.ResponseWriter, r *http.Request) {
	if !s.agencyAuthorized(w, r, false) {
		return
	}
	var in struct {
		Email       string `json:"email"`
		Amount      int    `json:"amount"`
		Description string `json:"description"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if in.Email == "" || in.Amount < 1 {
		writeEnvelopeError(w, http.StatusBadRequest, "email and a positive amount are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.subByEmail(in.Email)
	switch {
	case a == nil:
		writeEnvelopeError(w, http.StatusNotFound, "Sub-account not found")
		return
	case in.Amount > s.st.credits:
		writeEnvelopeError(w, http.StatusBadRequest, "Insufficient credits")
		return
	}
	s.st.credits -= in.Amount
	a.UsageLimits.Credits += in.Amount
	s.st.usage = append(s.st.usage, dmchamp.UsageRow{
		SubAccountID: a.UID, SubAccountEmail: a.Email, SubAccountName: a.FirstName + " " + a.LastName,
		Date: s.now().UTC(), Amount: float64(in.Amount), Reason: "Credits added by agency",
		CreditType: "purchased", Description: in.Description,
	})
	writeJSON(w, http.StatusOK, map[string]any{
		"success": true, "sub_account_id": a.UID, "credits_added": in.Amount, "new_balance": a.UsageLimits.Credits,
	})
}

// ---- agency usage report

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

// ---- OTP

func (s *Server) otp(w http.ResponseWriter, r *http.Request) {
	secret := r.URL.Query().Get("secret")
	if secret == "" {
		writeEnvelopeError(w, http.StatusBadRequest, "Missing secret parameter")
		return
	}
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(strings.ToUpper(secret), "="))
	if err != nil {
		writeEnvelopeError(w, http.StatusBadRequest, "Invalid secret parameter: expected base32")
		return
	}
	now := s.now().Unix()
	writeJSON(w, http.StatusOK, map[string]any{
		"success":     true,
		"current_otp": hotp(key, uint64(now/30)),
		"expires_in":  30 - now%30,
	})
}

// hotp is RFC 4226 with 6 digits, written apart from the dmchamp package's
// so that tests compare two implementations.
func hotp(key []byte, counter uint64) string {
	mac := hmac.New(sha1.New, key)
	_ = binary.Write(mac, binary.BigEndian, counter)
	sum := mac.Sum(nil)
	off := int(sum[19] & 0xf)
	v := (uint32(sum[off])&0x7f)<<24 | uint32(sum[off+1])<<16 | uint32(sum[off+2])<<8 | uint32(sum[off+3])
	return fmt.Sprintf("%06d", v%1000000)
}
