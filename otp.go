package dmchamp

import (
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TOTP parameters of DM Champ's OTP generator (RFC 6238 defaults).
const (
	totpDigits = 6
	totpStep   = 30 // seconds
)

// OTPService asks DM Champ for time-based one-time codes. It needs no
// credential. The secret is a credential of its own: it is added to the
// query by the client's transport, like the API key, and redacted from
// errors and logs. TOTP computes the same code locally without sending the
// secret anywhere, and should be preferred.
type OTPService struct {
	client *Client
}

// OTP is a time-based one-time code.
type OTP struct {
	Code      string        // 6 digits
	ExpiresIn time.Duration // until the next code, at most 30 s
}

var epOTPGenerate = register(endpoint{name: "OTP.Generate", method: http.MethodGet, route: "/otp/generate", auth: authNone, shape: flat})

// Generate returns the current code of a base32 TOTP secret, as computed by
// DM Champ. The secret is sent normalized: upper case, without spaces,
// hyphens or padding.
//
// API: GET /otp/generate
func (s *OTPService) Generate(ctx context.Context, secret string, opts ...CallOption) (*OTP, error) {
	if _, err := totpKey(secret); err != nil {
		return nil, err
	}
	return callJSON[OTP](ctx, s.client, epOTPGenerate, &request{secret: url.Values{"secret": {normalizeSecret(secret)}}}, opts)
}

// TOTP computes the code of a base32 TOTP secret at a given time, locally,
// as DM Champ does (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps). Case,
// spaces, hyphens and padding in the secret do not matter.
func TOTP(secret string, at time.Time) (*OTP, error) {
	key, err := totpKey(secret)
	if err != nil {
		return nil, err
	}
	unix := at.Unix()
	if unix < 0 {
		return nil, invalid("at", "is before 1970")
	}
	return &OTP{
		Code:      totp(key, uint64(unix/totpStep), totpDigits),
		ExpiresIn: time.Duration(totpStep-unix%totpStep) * time.Second,
	}, nil
}

// totp is RFC 4226's HOTP of the step counter.
func totp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	offset := sum[len(sum)-1] & 0x0f
	code := binary.BigEndian.Uint32(sum[offset:offset+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, code%mod)
}

var base32NoPad = base32.StdEncoding.WithPadding(base32.NoPadding)

// normalizeSecret returns a base32 secret in upper case, without spaces,
// hyphens or padding.
func normalizeSecret(secret string) string {
	s := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(secret))
	return strings.TrimRight(s, "=")
}

// totpKey decodes a base32 secret. Errors never repeat the secret.
func totpKey(secret string) ([]byte, error) {
	s := normalizeSecret(secret)
	if s == "" {
		return nil, invalid("secret", "must not be empty")
	}
	// RFC 4648: a base32 text of 1, 3 or 6 characters past a multiple of 8
	// cannot come from whole bytes.
	if n := len(s) % 8; n == 1 || n == 3 || n == 6 {
		return nil, invalid("secret", "is not base32: its length is impossible")
	}
	key, err := base32NoPad.DecodeString(s)
	if err != nil {
		return nil, invalid("secret", "is not base32 (letters A-Z and digits 2-7)")
	}
	return key, nil
}

// MarshalJSON writes the API's form: {"current_otp": "123456", "expires_in": 15}.
func (o OTP) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Code      string  `json:"current_otp"`
		ExpiresIn float64 `json:"expires_in"`
	}{o.Code, o.ExpiresIn.Seconds()})
}

// UnmarshalJSONFrom reads {"current_otp": "123456", "expires_in": 15}.
func (o *OTP) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	var aux struct {
		Code      string         `json:"current_otp"`
		ExpiresIn jsontext.Value `json:"expires_in"`
	}
	if err := jsonv2.UnmarshalDecode(dec, &aux); err != nil {
		return err
	}
	if aux.Code == "" || strings.Trim(aux.Code, "0123456789") != "" {
		return fmt.Errorf("dmchamp: current_otp is missing or not digits")
	}
	var secs float64
	switch k := aux.ExpiresIn.Kind(); {
	case len(aux.ExpiresIn) == 0 || k == 'n':
	case k != '0' && k != '"':
		return fmt.Errorf("dmchamp: expires_in is not a number")
	default:
		raw := strings.Trim(string(aux.ExpiresIn), `"`)
		var err error
		if secs, err = strconv.ParseFloat(raw, 64); err != nil || !(secs >= 0 && secs <= totpStep) {
			return fmt.Errorf("dmchamp: expires_in %.20q is not 0 to %d seconds", raw, totpStep)
		}
	}
	*o = OTP{Code: aux.Code, ExpiresIn: time.Duration(secs * float64(time.Second))}
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (o *OTP) UnmarshalJSON(b []byte) error { return unmarshal(b, o) }
