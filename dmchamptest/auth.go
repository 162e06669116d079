package dmchamptest

import (
	"net/http"
)

// authorized checks the apiKey or userId query credential and answers 401
// when it is missing or wrong: as a bare JSON string where the API does
// (contacts lookup, summaries), else as {success, error_code, error}.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, bareString bool) bool {
	q := r.URL.Query()
	key, uid := q.Get("apiKey"), q.Get("userId")
	var msg string
	switch {
	case key == "" && uid == "":
		msg = "Authentication required: provide apiKey or userId"
	case key != "" && key != s.apiKey:
		msg = "Invalid API key"
	case key == "" && uid != s.userID:
		msg = "Invalid user ID"
	default:
		return true
	}
	if bareString {
		writeTextError(w, http.StatusUnauthorized, msg)
	} else {
		writeEnvelopeError(w, http.StatusUnauthorized, msg)
	}
	return false
}

// agencyAuthorized checks an agency-only endpoint: an API key of an agency
// account. Sub-account endpoints answer 400 to others, the usage export 401
// to a user ID and 403 to a non-agency account, as documented.
func (s *Server) agencyAuthorized(w http.ResponseWriter, r *http.Request, export bool) bool {
	q := r.URL.Query()
	if q.Get("apiKey") == "" && q.Get("userId") != "" {
		if export {
			writeEnvelopeError(w, http.StatusUnauthorized, "Invalid or missing API key: this endpoint only accepts apiKey authentication")
		} else {
			writeEnvelopeError(w, http.StatusBadRequest, "This endpoint requires apiKey authentication (userId is not supported)")
		}
		return false
	}
	if !s.authorized(w, r, false) {
		return false
	}
	if !s.agency {
		if export {
			writeEnvelopeError(w, http.StatusForbidden, "Only Agency or Dev accounts can export usage")
		} else {
			writeEnvelopeError(w, http.StatusBadRequest, "This account is not an agency account")
		}
		return false
	}
	return true
}
