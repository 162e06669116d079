package dmchamp

import (
	"net/http"
	"slices"
	"strings"
)

// auth is how an endpoint authenticates.
type auth uint8

const (
	authKeyOrUser auth = iota // DM Champ: the apiKey or userId query parameter
	authKeyOnly               // DM Champ agency endpoints: apiKey only
	authNone                  // DM Champ: no credential
	authBearer                // Session API: Authorization: Bearer <token>
)

// shape says where a 2xx body carries the result.
type shape uint8

const (
	inData shape = iota // {"success": true, "data": <result>}
	flat                // the result's fields beside "success" in one object
	bare                // the body is the result, with no envelope
	stream              // the body is read by the caller (text, CSV)
)

// endpoint describes one API endpoint: everything about a call that does
// not depend on its arguments.
type endpoint struct {
	name   string // the typed method, e.g. "ChatSessions.Recent"
	method string
	route  string // path template below the base URL, e.g. "/contacts/{contactId}"
	auth   auth
	shape  shape
	accept string // the Accept header; "" means application/json

	// result lists the answer's documented fields, where the result is
	// (in "data" for inData). A side-effecting call whose answer holds none
	// of them has not shown that it succeeded: ErrInvalidResponse. For
	// endpoints whose answer is only a confirmation, "success" is one.
	result []string

	// notFoundByMessage makes an error whose message says "not found"
	// match ErrNotFound even with HTTP 200 or 500 (the Session API;
	// sub-accounts).
	notFoundByMessage bool
}

// endpoints lists every typed method's endpoint, in the order declared.
var endpoints []*endpoint

// register adds an endpoint to endpoints and returns it.
func register(e endpoint) *endpoint {
	if e.auth == authBearer {
		e.notFoundByMessage = true
	}
	endpoints = append(endpoints, &e)
	return &e
}

func (e *endpoint) api() api {
	if e.auth == authBearer {
		return sessionAPI
	}
	return dmChampAPI
}

// sideEffect reports whether a call may change state on the server.
func (e *endpoint) sideEffect() bool {
	return e.method != http.MethodGet && e.method != http.MethodHead
}

// confirms reports whether the answer is only a confirmation ("success" is
// among its result fields): then a 204 No Content confirms too.
func (e *endpoint) confirms() bool { return slices.Contains(e.result, "success") }

// path fills the route's {parameters}, in order, with escaped segments.
func (e *endpoint) path(segments ...string) string {
	if len(segments) == 0 {
		return e.route
	}
	var b strings.Builder
	b.Grow(len(e.route) + 32)
	rest := e.route
	for _, seg := range segments {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			panic("dmchamp: route " + e.route + " has fewer parameters than given")
		}
		b.WriteString(rest[:i])
		b.WriteString(seg)
		rest = rest[j+1:]
	}
	b.WriteString(rest)
	return b.String()
}

// api names the server a request is for.
type api uint8

const (
	dmChampAPI api = iota
	sessionAPI
)

func (a api) String() string {
	if a == sessionAPI {
		return "sessions"
	}
	return "dmchamp"
}
