package dmchampotel

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// sdkPackage is the root package's import path: an error of its type that
// reaches the middleware from beneath is the stand-in the client puts in
// place of an error whose text held a credential.
const sdkPackage = "github.com/dmchamp-go/dmchamp"

var fmtWrapper = reflect.TypeOf(fmt.Errorf("%w", errors.New("")))

// classify returns the error.type of a failed request and the text to
// record: those of the error that says what failed, found by looking through
// the wrappers of fmt.Errorf, whose added text (a transport's, naming the
// request) is dropped, and the client's redaction. An error the client had
// to replace because its text held a credential, and that wraps nothing, is
// of type "_OTHER".
func classify(err error) (typ, text string) {
	for {
		t := reflect.TypeOf(err)
		sdk := t.Kind() == reflect.Pointer && t.Elem().PkgPath() == sdkPackage
		if t != fmtWrapper && !sdk {
			return semconv.ErrorType(err).Value.AsString(), err.Error()
		}
		var inner error
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			inner = u.Unwrap()
		case interface{ Unwrap() []error }:
			if errs := u.Unwrap(); len(errs) == 1 {
				inner = errs[0]
			}
		}
		if inner == nil {
			if sdk {
				return semconv.ErrorTypeOther.Value.AsString(), err.Error()
			}
			return semconv.ErrorType(err).Value.AsString(), err.Error()
		}
		err = inner
	}
}

// urlPattern matches an absolute URL in an error text.
var urlPattern = regexp.MustCompile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>`]+")

// minIdentifying is the length from which a path segment or query value is
// removed from error texts: shorter ones identify nothing.
const minIdentifying = 3

// scrub returns an error text without what could identify the request's
// subject: every URL is cut to its origin, and the request's query, its
// values, its header values and the path segments that fill the route's
// parameters (every segment when the path is not the route's) are replaced
// by REDACTED, as written and escaped. Credentials are not in it: the
// client removes them from the errors it hands up.
func scrub(text string, req *http.Request, route string) string {
	text = urlPattern.ReplaceAllStringFunc(text, func(s string) string {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return "REDACTED"
		}
		return u.Scheme + "://" + u.Host
	})
	var values []string
	add := func(v string) {
		if len(v) < minIdentifying {
			return
		}
		for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
			if !slices.Contains(values, form) {
				values = append(values, form)
			}
		}
	}
	add(req.URL.RawQuery)
	if q, err := url.ParseQuery(req.URL.RawQuery); err == nil {
		for _, vs := range q {
			for _, v := range vs {
				add(v)
			}
		}
	}
	for _, vs := range req.Header {
		for _, v := range vs {
			add(v)
		}
	}
	path := req.URL.EscapedPath()
	segments := strings.Split(path, "/")
	params := strings.Split(route, "/")
	matches := len(params) == len(segments)
	for i := 0; matches && i < len(params); i++ {
		matches = isParam(params[i]) || params[i] == segments[i]
	}
	for i, seg := range segments {
		if matches && !isParam(params[i]) {
			continue
		}
		add(seg)
		if dec, err := url.PathUnescape(seg); err == nil {
			add(dec)
		}
	}
	// The longest first, so that a value inside another is not cut out of
	// it before the whole is found.
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	for _, v := range values {
		text = strings.ReplaceAll(text, v, "REDACTED")
	}
	return text
}

func isParam(segment string) bool {
	return strings.HasPrefix(segment, "{") && strings.HasSuffix(segment, "}")
}
