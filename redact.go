package dmchamp

import (
	"errors"
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
//
// Every credential is found in s as given, then each run of them is replaced
// at once: replacing a secret before looking for the rest could break their
// text (a secret "piKe" would turn "apiKey=v" into "aREDACTEDy=v", whose
// value no longer looks like a credential).
func (r *redactor) String(s string) string {
	var spans [][2]int // [start, end) of each credential in s
	for _, v := range r.secrets {
		for i := 0; ; {
			j := strings.Index(s[i:], v)
			if j < 0 {
				break
			}
			spans = append(spans, [2]int{i + j, i + j + len(v)})
			i += j + 1
		}
	}
	for _, m := range sensitiveParam.FindAllStringIndex(s, -1) {
		// Keep the name and "=", or "Bearer" and a space.
		if i := strings.IndexAny(s[m[0]:m[1]], "= \t"); i >= 0 {
			m[0] += i + 1
		}
		spans = append(spans, [2]int{m[0], m[1]})
	}
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	done := 0 // s[:done] is written
	for i := 0; i < len(spans); {
		start, end := spans[i][0], spans[i][1]
		for i++; i < len(spans) && spans[i][0] <= end; i++ {
			end = max(end, spans[i][1])
		}
		b.WriteString(s[done:start])
		b.WriteString(redacted)
		done = end
	}
	b.WriteString(s[done:])
	return b.String()
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

// redactedError stands in for an error whose text held a credential: its
// text is redacted, and it answers errors.Is, errors.As and Timeout for the
// error it replaces without handing that error out through Unwrap.
type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string        { return e.text }
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
func (e *redactedError) As(target any) bool   { return errors.As(e.err, target) }

// Timeout reports whether the replaced error is a timeout.
func (e *redactedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.err, &t) && t.Timeout()
}

// error returns err, or a redacted stand-in when its text holds a
// credential.
func (r *redactor) error(err error) error {
	if err == nil {
		return nil
	}
	if text := r.String(err.Error()); text != err.Error() {
		return &redactedError{text: text, err: err}
	}
	return err
}
