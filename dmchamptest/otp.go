package dmchamptest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"
)

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
