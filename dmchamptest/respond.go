package dmchamptest

import (
	"encoding/json"
	"net/http"
	"time"
)

// timeLayout is how both APIs write timestamps.
const timeLayout = "2006-01-02T15:04:05.000Z"

func stamp(t time.Time) string { return t.UTC().Format(timeLayout) }

// stampPtr is stamp for optional times: nil is JSON null.
func stampPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return stamp(*t)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeEnvelopeError writes DM Champ's {success, error_code, error}.
func writeEnvelopeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "error_code": status, "error": msg})
}

// writeMessageError writes {success, message}: DM Champ's contact lookup
// 404 and every Session API error.
func writeMessageError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "message": msg})
}

// writeTextError writes a bare JSON string, as some DM Champ endpoints do.
func writeTextError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, msg)
}

// decodeBody decodes a JSON request body, answering 400 when it is not JSON.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeEnvelopeError(w, http.StatusBadRequest, "Invalid JSON body")
		return false
	}
	return true
}
