package dmchamptest

import (
	"net/http"
	"net/mail"
	"slices"
	"strings"

	"github.com/dmchamp-go/dmchamp"
)

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
