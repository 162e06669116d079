package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
)

// SignatureHeader is the request header that carries the signature (or, for
// SharedSecret, the secret itself).
const SignatureHeader = "X-DmChamp-Signature"

// ErrSignature is returned (wrapped) when a request's signature is missing
// or does not match. Handlers answer it with 401. Its text never holds the
// secret or the signature.
var ErrSignature = errors.New("webhook: invalid or missing signature")

// A Verifier checks that a request comes from DM Champ. It sees the request
// and its raw body, before anything is parsed, and returns nil to accept it.
// A Verifier returned by this package reports a refusal as an error that
// matches ErrSignature; a Verifier of your own should do the same, so the
// handlers answer 401 rather than 400.
type Verifier func(r *http.Request, body []byte) error

// equal compares two byte strings in constant time (for equal lengths). It
// is a variable so that tests can see every comparison a verifier makes.
var equal = func(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

// HMACSHA256 returns a Verifier that expects SignatureHeader to hold the hex
// HMAC-SHA256 of the raw body under secret, with or without a "sha256="
// prefix: "sha256=5d41...". Another prefix ("sha1=...") is refused. The
// comparison takes constant time. It panics if secret is empty, because an
// HMAC under an empty key proves nothing.
//
// This is the scheme of the public PHP (Laravel) integration that checks
// "sha256=" + hash_hmac('sha256', body, secret) with hash_equals.
func HMACSHA256(secret []byte) Verifier {
	if len(secret) == 0 {
		panic("webhook: HMACSHA256: empty secret")
	}
	key := append([]byte(nil), secret...)
	return func(r *http.Request, body []byte) error {
		got := strings.TrimSpace(r.Header.Get(SignatureHeader))
		if got == "" {
			return errMissing
		}
		if scheme, sig, ok := strings.Cut(got, "="); ok {
			if !strings.EqualFold(scheme, "sha256") {
				return errScheme
			}
			got = sig
		}
		given, err := hex.DecodeString(got)
		if err != nil || len(given) != sha256.Size {
			return errMismatch
		}
		if !equal(mac(key, body), given) {
			return errMismatch
		}
		return nil
	}
}

// SharedSecret returns a Verifier that expects SignatureHeader to hold
// secret itself, as plain text. The comparison takes constant time and does
// not reveal the secret's length. It panics if secret is empty.
//
// This is the scheme of the public Next.js integration that compares the
// x-dmchamp-signature header with its DMCHAMP_WEBHOOK_SECRET. Prefer
// HMACSHA256 when DM Champ signs your deliveries: a shared secret travels
// with every request.
func SharedSecret(secret string) Verifier {
	if secret == "" {
		panic("webhook: SharedSecret: empty secret")
	}
	want := sha256.Sum256([]byte(secret))
	return func(r *http.Request, _ []byte) error {
		got := r.Header.Get(SignatureHeader)
		if got == "" {
			return errMissing
		}
		sum := sha256.Sum256([]byte(got))
		if !equal(want[:], sum[:]) {
			return errMismatch
		}
		return nil
	}
}

// Unverified returns a Verifier that accepts every request. It is for local
// development and tests only: anyone who knows the URL can then post events.
func Unverified() Verifier {
	return func(*http.Request, []byte) error { return nil }
}

// Sign returns the SignatureHeader value that HMACSHA256(secret) accepts
// for body: "sha256=" and the hex HMAC-SHA256. Use it to test your handler,
// or to post to it yourself:
//
//	req.Header.Set(webhook.SignatureHeader, webhook.Sign(secret, body))
func Sign(secret, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, body))
}

func mac(key, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(body)
	return h.Sum(nil)
}

// The reasons a verifier refuses a request. Each matches ErrSignature.
var (
	errMissing  = signatureError("the " + SignatureHeader + " header is missing")
	errScheme   = signatureError("the signature is not sha256")
	errMismatch = signatureError("the signature does not match")
	errNoVerify = signatureError("no Verifier was given (use Unverified() to accept unsigned requests)")
)

type signatureError string

func (e signatureError) Error() string { return ErrSignature.Error() + ": " + string(e) }
func (e signatureError) Unwrap() error { return ErrSignature }
