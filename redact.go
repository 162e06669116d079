package dmchamp

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// redacted replaces every credential the SDK removes from text.
const redacted = "REDACTED"

// sensitiveParam matches query-style assignments of credential-like names,
// such as "apiKey=abc" or "secret=JBSW...", and bearer tokens.
var sensitiveParam = regexp.MustCompile(`(?i)\b(api_?key|user_?id|token|access_?token|secret|password)=[^&\s"'\\]+|\b(bearer)\s+[^\s"'\\]+`)

// redactor removes credentials from text a server or a transport wrote:
// the known secret values, however they are written (as given, query- or
// path-escaped, JSON-escaped with \u0026, \u003c or \/, or escaped twice),
// and anything shaped like a credential assignment. It is the second layer
// of protection: the first is that no URL outside the call's transport ever
// carries a credential.
type redactor struct {
	secrets []string // the values
	forms   []string // the values and their escaped forms, searched as they are
	longest int      // the longest form
}

func newRedactor(values ...string) *redactor {
	r := &redactor{}
	for _, v := range values {
		r.add(v)
	}
	return r
}

func (r *redactor) add(v string) {
	if v == "" || slices.Contains(r.secrets, v) {
		return
	}
	r.secrets = append(r.secrets, v)
	for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
		if !slices.Contains(r.forms, form) {
			r.forms = append(r.forms, form)
			r.longest = max(r.longest, len(form))
		}
	}
}

// with returns a redactor that also removes the given per-call secrets.
func (r *redactor) with(values ...string) *redactor {
	out := &redactor{secrets: slices.Clone(r.secrets), forms: slices.Clone(r.forms), longest: r.longest}
	for _, v := range values {
		out.add(v)
	}
	return out
}

// margin is how far past a cut the redactor must see to recognise a secret
// that starts before it: the longest form, each byte escaped twice.
func (r *redactor) margin() int { return 18*r.longest + 16 }

// String returns s with every credential replaced by REDACTED.
//
// Every credential is found first, in s and in its decoded views, then each
// run of them is replaced at once: replacing a secret before looking for the
// rest could break their text (a secret "piKe" would turn "apiKey=v" into
// "aREDACTEDy=v", whose value no longer looks like a credential).
func (r *redactor) String(s string) string {
	var spans [][2]int // [start, end) of each credential in s
	for _, form := range r.forms {
		spans = appendMatches(spans, s, form, nil)
	}
	if len(r.secrets) > 0 && strings.ContainsAny(s, `\%`) {
		jv, joff := decodeView(s, nil, jsonEscape)
		pv, poff := decodeView(s, nil, percentEscape)
		bv, boff := decodeView(string(jv), joff, percentEscape)
		for _, v := range r.secrets {
			spans = appendMatches(spans, string(jv), v, joff)
			spans = appendMatches(spans, string(pv), v, poff)
			spans = appendMatches(spans, string(bv), v, boff)
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

// appendMatches appends the spans of every occurrence of v in view; off
// maps the view's offsets to those of the original text (nil: the same).
func appendMatches(spans [][2]int, view, v string, off []int) [][2]int {
	for i := 0; ; {
		j := strings.Index(view[i:], v)
		if j < 0 {
			return spans
		}
		start, end := i+j, i+j+len(v)
		if off != nil {
			start, end = off[start], off[end]
		}
		spans = append(spans, [2]int{start, end})
		i += j + 1
	}
}

// decodeView decodes s with unescape, which decodes the escape at s[i:]
// (returning its bytes and length) or returns 0. It returns the decoded
// text and, for each of its bytes and its end, the offset in the original
// text: base maps s's own offsets there, when s is itself a view.
func decodeView(s string, base []int, unescape func(s string, i int) ([]byte, int)) ([]byte, []int) {
	view := make([]byte, 0, len(s))
	off := make([]int, 0, len(s)+1)
	at := func(i int) int {
		if base != nil {
			return base[i]
		}
		return i
	}
	for i := 0; i < len(s); {
		dec, n := unescape(s, i)
		if n == 0 {
			dec, n = []byte{s[i]}, 1
		}
		for range dec {
			off = append(off, at(i))
		}
		view = append(view, dec...)
		i += n
	}
	return view, append(off, at(len(s)))
}

// jsonEscape decodes a JSON string escape: \" \\ \/ \b \f \n \r \t \uXXXX,
// surrogate pairs included.
func jsonEscape(s string, i int) ([]byte, int) {
	if s[i] != '\\' || i+1 >= len(s) {
		return nil, 0
	}
	switch c := s[i+1]; c {
	case '"', '\\', '/':
		return []byte{c}, 2
	case 'b':
		return []byte{'\b'}, 2
	case 'f':
		return []byte{'\f'}, 2
	case 'n':
		return []byte{'\n'}, 2
	case 'r':
		return []byte{'\r'}, 2
	case 't':
		return []byte{'\t'}, 2
	case 'u':
		r1, ok := hex4(s, i+2)
		if !ok {
			return nil, 0
		}
		if utf16.IsSurrogate(r1) {
			if r2, ok := hex4(s, i+8); ok && i+7 < len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
				if r := utf16.DecodeRune(r1, r2); r != utf8.RuneError {
					return utf8.AppendRune(nil, r), 12
				}
			}
		}
		return utf8.AppendRune(nil, r1), 6
	}
	return nil, 0
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		d, ok := unhex(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// percentEscape decodes %XX, in either case.
func percentEscape(s string, i int) ([]byte, int) {
	if s[i] != '%' || i+2 >= len(s) {
		return nil, 0
	}
	hi, ok1 := unhex(s[i+1])
	lo, ok2 := unhex(s[i+2])
	if !ok1 || !ok2 {
		return nil, 0
	}
	return []byte{hi<<4 | lo}, 3
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
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

// head redacts b, then keeps its first n bytes: a credential straddling
// the cut is replaced before the cut, so no prefix of it is kept.
func (r *redactor) head(b []byte, n int) []byte {
	b = r.Bytes(b)
	if len(b) > n {
		b = b[:n]
	}
	if len(b) == 0 {
		return nil
	}
	return b
}

// header returns a copy of h with credentials redacted from its values.
func (r *redactor) header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		red := make([]string, len(vs))
		for i, v := range vs {
			red[i] = r.String(v)
		}
		out[k] = red
	}
	return out
}

// url returns a URL without credentials: query parameters named as one or
// whose value holds one are removed, and secrets elsewhere replaced.
func (r *redactor) url(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.String(raw)
	}
	u.User = nil
	if u.RawQuery != "" {
		q, _ := url.ParseQuery(u.RawQuery)
		for k, vs := range q {
			joined := strings.Join(vs, "&")
			if sensitiveParam.MatchString(k+"=x") || r.String(joined) != joined {
				delete(q, k)
			}
		}
		u.RawQuery = q.Encode()
	}
	return r.String(u.String())
}

// error returns err, or a stand-in for it when its text, or that of an
// error it wraps, holds a credential. What the stand-in hands out, through
// Unwrap and errors.As, is redacted too: a *url.Error is rebuilt with its
// URL sanitized; any other error is replaced by one that has its redacted
// text and answers errors.Is and Timeout as it did.
func (r *redactor) error(err error) error {
	if err == nil || r.clean(err) {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: r.url(ue.URL), Err: r.error(ue.Err)}
	}
	e := &redactedError{text: r.String(err.Error()), orig: err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if next := u.Unwrap(); next != nil {
			e.next = []error{r.error(next)}
		}
	case interface{ Unwrap() []error }:
		for _, next := range u.Unwrap() {
			e.next = append(e.next, r.error(next))
		}
	}
	return e
}

// clean reports whether no error in err's chain has a credential in its
// text.
func (r *redactor) clean(err error) bool {
	if err == nil {
		return true
	}
	if text := err.Error(); r.String(text) != text {
		return false
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return r.clean(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, next := range u.Unwrap() {
			if !r.clean(next) {
				return false
			}
		}
	}
	return true
}

// redactedError stands in for an error whose text held a credential.
type redactedError struct {
	text string
	orig error   // the error replaced: never handed out
	next []error // what it wrapped, redacted
}

func (e *redactedError) Error() string        { return e.text }
func (e *redactedError) Unwrap() []error      { return e.next }
func (e *redactedError) Is(target error) bool { return errors.Is(e.orig, target) }

// Timeout reports whether the replaced error is a timeout.
func (e *redactedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.orig, &t) && t.Timeout()
}
