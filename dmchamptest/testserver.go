package dmchamptest

import (
	"strings"
	"testing"
)

// NewTestServer starts a server as NewServer does and closes it when the
// test ends. At that point the test fails for every injected fault that did
// not answer all the requests it was injected for (UnusedFaults), as
// httpmock's AllStubsCalled does for stubs: a fault your code never met
// tests nothing.
func NewTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(func() {
		s.Close()
		for _, u := range s.UnusedFaults() {
			t.Errorf("dmchamptest: unused fault: %s", u)
		}
	})
	return s
}

// Calls returns how many of the recorded requests (see Requests) matched
// method and path, with Inject's rules: an empty method or path matches
// any, and a path ending in "*" matches by prefix.
func (s *Server) Calls(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests[max(0, len(s.requests)-s.recordLimit):] {
		if matchRoute(method, path, r.Method, r.Path) {
			n++
		}
	}
	return n
}

// matchRoute reports whether a request's method and path match a route
// given as Inject and Calls take it.
func matchRoute(method, path, reqMethod, reqPath string) bool {
	if method != "" && !strings.EqualFold(method, reqMethod) {
		return false
	}
	if prefix, ok := strings.CutSuffix(path, "*"); ok {
		return strings.HasPrefix(reqPath, prefix)
	}
	return path == "" || path == reqPath
}
