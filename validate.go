package dmchamp

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"github.com/google/go-querystring/query"
)

var (
	// contactPhone is what the contact endpoints accept: an optional "+"
	// and 7 to 15 digits, country code included.
	contactPhone = regexp.MustCompile(`^\+?[0-9]{7,15}$`)
	// e164 is the strict form WhatsApp Web requires.
	e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
)

// checkPhone validates a contact phone number. Numbers are sent as given.
func checkPhone(field, v string) error {
	if !contactPhone.MatchString(v) {
		return invalid(field, "%q is not a phone number with country code (an optional + and 7 to 15 digits)", v)
	}
	return nil
}

func checkE164(field, v string) error {
	if !e164.MatchString(v) {
		return invalid(field, "%q is not an E.164 phone number such as +14155550123", v)
	}
	return nil
}

func checkEmail(field, v string) error {
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
		return invalid(field, "%q is not an email address", v)
	}
	return nil
}

// phoneOrEmail checks that exactly one of phone and email is set, and valid.
func phoneOrEmail(phone, email string) error {
	switch {
	case phone != "" && email != "":
		return invalid("PhoneNumber", "set PhoneNumber or Email, not both")
	case phone != "":
		return checkPhone("PhoneNumber", phone)
	case email != "":
		return checkEmail("Email", email)
	}
	return invalid("PhoneNumber", "set PhoneNumber or Email")
}

// required checks that a required text is not empty or blank.
func required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return invalid(field, "required")
	}
	return nil
}

// checkLimit checks a page or list size: 0 leaves the server's default.
func checkLimit(limit int) error {
	if limit < 0 {
		return invalid("Limit", "must be at least 1 (or 0 for the server's default), got %d", limit)
	}
	return nil
}

// pathParam escapes one path segment, rejecting values that would change the
// path's meaning.
func pathParam(name, v string) (string, error) {
	switch {
	case strings.TrimSpace(v) == "":
		return "", invalid(name, "must not be empty")
	case v == "." || v == "..":
		return "", invalid(name, "%q is not a valid path segment", v)
	}
	return url.PathEscape(v), nil
}

// encodeQuery encodes an options struct into a query string; nil is none.
func encodeQuery[T any](opts *T) (string, error) {
	v, err := values(opts)
	return v.Encode(), err
}

// values encodes an options struct into query parameters; nil is none.
func values[T any](opts *T) (url.Values, error) {
	if opts == nil {
		return nil, nil
	}
	v, err := query.Values(opts)
	if err != nil {
		return nil, invalid("options", "%v", err)
	}
	return v, nil
}
