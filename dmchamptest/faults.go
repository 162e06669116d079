package dmchamptest

import (
	"cmp"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// BadGatewayHTML is the body of a proxy's 502 page, for Fault.Body.
const BadGatewayHTML = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
	"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// Fault is what Inject makes a route do instead of, or on top of, its normal
// answer.
type Fault struct {
	// Status answers with this status and Body instead of the normal answer.
	Status int
	// Body is sent with Status; empty means the API's JSON error for Status.
	Body string
	// RetryAfter sets the Retry-After header (seconds or an HTTP date).
	RetryAfter string
	// Delay waits before answering, or until the client gives up.
	Delay time.Duration
	// Truncate sends half of the answer, announced whole, then closes the
	// connection: the client sees the body end early.
	Truncate bool
	// Drop closes the connection without answering.
	Drop bool
}

type fault struct {
	method, path string
	times, used  int // requests it is for (0: every request); requests it answered
	Fault
}

// Inject makes the next times requests matching method and path (the URL
// path, e.g. "/v1/chat-sessions/recent") answer with the fault; times 0 means
// every request until ClearFaults. An empty method or path matches any, and
// a path ending in "*" matches by prefix. Faults apply in the order
// injected, after the request is recorded and before credentials are
// checked.
func (s *Server) Inject(method, path string, times int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f2 := &fault{method: method, path: path, times: times, Fault: f}
	s.faults = append(s.faults, f2)
	s.injected = append(s.injected, f2)
}

// UnusedFaults describes the injected faults that did not answer every
// request they were injected for, in the order injected: a fault for N
// requests that answered fewer, a fault for every request that answered
// none. Faults removed by ClearFaults are not counted. NewTestServer fails
// the test with them.
func (s *Server) UnusedFaults() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, f := range s.injected {
		route := strings.TrimSpace(cmp.Or(f.method, "any method") + " " + cmp.Or(f.path, "any path"))
		switch {
		case f.times == 0 && f.used == 0:
			out = append(out, fmt.Sprintf("%s: a fault for every request answered none", route))
		case f.times > 0 && f.used < f.times:
			out = append(out, fmt.Sprintf("%s: a fault for %d requests answered %d", route, f.times, f.used))
		}
	}
	return out
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.injected = nil
}

// takeFault returns the fault for r, if any, and counts it used.
func (s *Server) takeFault(r *http.Request) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !f.matches(r) {
			continue
		}
		f.used++
		if f.used == f.times {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}

func (f *fault) matches(r *http.Request) bool {
	return matchRoute(f.method, f.path, r.Method, r.URL.Path)
}

func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f *fault, next http.Handler) {
	sleep(r.Context(), f.Delay)
	if r.Context().Err() != nil {
		return
	}
	if f.Drop {
		dropConnection(w)
		return
	}
	// Build the answer: the fault's, or the normal one.
	rec := httptest.NewRecorder()
	if f.Status != 0 {
		body := f.Body
		if body == "" {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				writeMessageError(rec, f.Status, http.StatusText(f.Status))
			} else {
				writeEnvelopeError(rec, f.Status, http.StatusText(f.Status))
			}
		} else {
			if strings.HasPrefix(strings.TrimSpace(body), "<") {
				rec.Header().Set("Content-Type", "text/html")
			} else {
				rec.Header().Set("Content-Type", "application/json")
			}
			rec.WriteHeader(f.Status)
			_, _ = rec.WriteString(body)
		}
	} else if _, pattern := routeOf(next, r); pattern == "" {
		notFound(rec, r)
	} else {
		next.ServeHTTP(rec, r)
	}

	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	body := rec.Body.Bytes()
	if !f.Truncate {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body[:len(body)/2])
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	dropConnection(w)
}

func routeOf(h http.Handler, r *http.Request) (http.Handler, string) {
	if mux, ok := h.(*http.ServeMux); ok {
		return mux.Handler(r)
	}
	return h, "*"
}

// dropConnection closes the client's connection without a (complete) answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
