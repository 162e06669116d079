package dmchamp

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// redacted replaces every credential the SDK removes from text.
const redacted = "REDACTED"

// sensitiveParam matches query-style assignments of credential-like names,
// such as "apiKey=abc" or "secret=JBSW...", and bearer tokens.
var sensitiveParam = regexp.MustCompile(`(?i)\b(api_?key|user_?id|token|access_?token|secret|password)=[^&\s"']+|\b(bearer)\s+[^\s"']+`)

// redactor removes credentials from text: the known secret values (as given,
// query-escaped and path-escaped) and anything shaped like a credential
// assignment. It is the second layer of protection: the first is that no URL
// the retry layer sees ever carries a credential.
type redactor struct {
	secrets []string
}

func newRedactor(values ...string) *redactor {
	r := &redactor{}
	for _, v := range values {
		r.add(v)
	}
	return r
}

func (r *redactor) add(v string) {
	if v == "" {
		return
	}
	for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
		if !slices.Contains(r.secrets, form) {
			r.secrets = append(r.secrets, form)
		}
	}
}

// with returns a redactor that also removes the given per-call secrets.
func (r *redactor) with(values ...string) *redactor {
	if len(values) == 0 {
		return r
	}
	out := &redactor{secrets: append([]string(nil), r.secrets...)}
	for _, v := range values {
		out.add(v)
	}
	return out
}

// String returns s with every credential replaced by REDACTED.
func (r *redactor) String(s string) string {
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, redacted)
	}
	return sensitiveParam.ReplaceAllStringFunc(s, func(m string) string {
		if i := strings.IndexAny(m, "= \t"); i >= 0 {
			return m[:i+1] + redacted
		}
		return redacted
	})
}

// Bytes is String for byte slices; it returns b itself when nothing changes.
func (r *redactor) Bytes(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	s := r.String(string(b))
	if s == string(b) {
		return b
	}
	return []byte(s)
}
