// Package dmchamptest runs an in-memory DM Champ API and chatbot Session
// API on a local HTTP server, for tests and demos that need no account.
//
// The server implements every endpoint the dmchamp package has a typed method
// for, keeps state (contacts created are found again, sessions can be ended,
// credits run out), checks credentials as the real APIs do, and answers with
// their documented error shapes. Faults can be injected per route, and every
// request is recorded with its credentials redacted.
//
//	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
//	defer srv.Close()
//	c, err := dmchamp.NewClient(srv.ClientOptions()...)
//
// A Server is safe for concurrent use.
package dmchamptest

import (
	"bytes"
	"context"
	"html"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// Default credentials the server accepts. They are fake.
const (
	DefaultAPIKey        = "dmchamptest-api-key"
	DefaultUserID        = "dmchamptest-user-id"
	DefaultSessionsToken = "dmchamptest-session-token"
)

// maxRecorded is how many requests Requests keeps (the most recent).
const maxRecorded = 10000

// Server is an in-memory DM Champ API (under /v1) and Session API (under
// /api). Create it with NewServer and Close it when done.
type Server struct {
	srv    *httptest.Server
	apiKey string
	userID string
	token  string
	agency bool
	now    func() time.Time

	mu          sync.Mutex
	st          state
	rng         *rand.Rand
	faults      []*fault
	injected    []*fault // every fault since the last ClearFaults, for UnusedFaults
	requests    []Request
	recordLimit int // how many requests are kept; maxRecorded outside tests
	requestLog  func(Request)
	chatReplies func(dmchamp.Session, string) string
	seeding     bool // seedDemo is running
	out         outbox
	closeOnce   sync.Once
}

// Option configures a Server.
type Option func(*Server)

// WithAPIKey sets the API key the server accepts (default DefaultAPIKey).
func WithAPIKey(key string) Option { return func(s *Server) { s.apiKey = key } }

// WithUserID sets the user ID the server accepts (default DefaultUserID).
func WithUserID(id string) Option { return func(s *Server) { s.userID = id } }

// WithSessionsToken sets the Session API bearer token the server accepts
// (default DefaultSessionsToken).
func WithSessionsToken(token string) Option { return func(s *Server) { s.token = token } }

// WithClock sets the server's clock (default time.Now): it dates what the
// server creates and decides which chat sessions are recent.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithoutAgency makes the account an ordinary one: sub-account and agency
// endpoints then refuse it, as they refuse non-agency accounts.
func WithoutAgency() Option { return func(s *Server) { s.agency = false } }

// WithCredits sets the account's credit balance (default 1000). WhatsApp Web
// sends cost 1 credit each and fail with 402 when none is left; sub-accounts
// are granted credits from it.
func WithCredits(n int) Option { return func(s *Server) { s.st.credits = n } }

// WithRequestLog calls log with every request the server receives, as
// Requests records it (credentials redacted), before it is answered. log
// must be safe for concurrent use.
func WithRequestLog(log func(Request)) Option { return func(s *Server) { s.requestLog = log } }

// WithChatReplies makes the Session API's chat (dmchamp.Client.Sessions.Chat
// and Ask) answer with reply(session, text): the session as the client
// would get it, with its messages so far, and the message just sent. The
// function runs with the server locked: it must not call the server. By
// default the chatbot answers with a fixed sentence naming itself.
func WithChatReplies(reply func(session dmchamp.Session, text string) string) Option {
	return func(s *Server) { s.chatReplies = reply }
}

// WithDemoData seeds realistic data: contacts with chat sessions and
// messages over the past two days, lists, tags, WhatsApp templates,
// sub-accounts and their credit usage, and Session API chatbots, clients and
// sessions.
func WithDemoData() Option { return func(s *Server) { s.st.demo = true } }

// NewServer starts a server on a free loopback port. Options are applied in
// order.
func NewServer(opts ...Option) *Server {
	s := newServer(opts)
	s.srv = httptest.NewServer(s.routes())
	return s
}

// Listen starts a server as NewServer does, but on addr, such as
// "127.0.0.1:8080" (port 0 picks a free one), for programs that run it on
// its own (dmchamp fake-server) or that need a fixed address.
func Listen(addr string, opts ...Option) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := newServer(opts)
	s.srv = httptest.NewUnstartedServer(s.routes())
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	return s, nil
}

func newServer(opts []Option) *Server {
	s := &Server{
		apiKey:      DefaultAPIKey,
		userID:      DefaultUserID,
		token:       DefaultSessionsToken,
		agency:      true,
		now:         time.Now,
		rng:         rand.New(rand.NewPCG(0x646d6368, 0x616d7021)),
		st:          newState(),
		recordLimit: maxRecorded,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(s)
		}
	}
	if s.st.demo {
		s.seedDemo()
	}
	return s
}

// Close shuts the server down and stops its webhook and channel-reply
// deliveries: one in progress is cut off, those still queued are dropped
// (FlushWebhooks first waits for them).
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.srv.Close()
		s.out.close()
	})
}

// URL is the server's root URL, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.srv.URL }

// BaseURL is the DM Champ API base URL, for dmchamp.WithBaseURL.
func (s *Server) BaseURL() string { return s.srv.URL + "/v1" }

// SessionsBaseURL is the Session API base URL, for
// dmchamp.WithSessionsBaseURL.
func (s *Server) SessionsBaseURL() string { return s.srv.URL + "/api" }

// APIKey is the API key the server accepts.
func (s *Server) APIKey() string { return s.apiKey }

// UserID is the user ID the server accepts.
func (s *Server) UserID() string { return s.userID }

// SessionsToken is the Session API token the server accepts.
func (s *Server) SessionsToken() string { return s.token }

// HTTPClient returns an HTTP client for the server.
func (s *Server) HTTPClient() *http.Client { return s.srv.Client() }

// ClientOptions returns the options that point a dmchamp.Client at this
// server with its API key and Session API token.
func (s *Server) ClientOptions() []dmchamp.Option {
	return []dmchamp.Option{
		dmchamp.WithBaseURL(s.BaseURL()),
		dmchamp.WithSessionsBaseURL(s.SessionsBaseURL()),
		dmchamp.WithAPIKey(s.apiKey),
		dmchamp.WithSessionsToken(s.token),
		dmchamp.WithHTTPClient(s.srv.Client()),
	}
}

// Request is a request the server received. Credentials are replaced by
// "REDACTED": the apiKey, userId and secret query parameters, and the
// Authorization and Cookie headers.
type Request struct {
	Method string      // HTTP method
	Path   string      // URL path, e.g. "/v1/contacts"
	Query  url.Values  // query parameters, credentials redacted
	Header http.Header // headers, Authorization and Cookie redacted
	Body   []byte      // the body as received
}

// Requests returns the requests received so far, oldest first (at most the
// last 10,000).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests[max(0, len(s.requests)-s.recordLimit):]...)
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func (s *Server) record(r *http.Request, body []byte) {
	q := r.URL.Query()
	for _, k := range credentialParams {
		if q.Has(k) {
			q.Set(k, Redacted)
		}
	}
	h := r.Header.Clone()
	for _, k := range credentialHeaders {
		if h.Get(k) != "" {
			h.Set(k, Redacted)
		}
	}
	req := Request{Method: r.Method, Path: r.URL.Path, Query: q, Header: h, Body: body}
	if s.requestLog != nil {
		s.requestLog(req)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	// Trim only when twice the limit is reached, so that recording stays
	// cheap; Requests returns the newest recordLimit.
	if len(s.requests) >= 2*s.recordLimit {
		s.requests = append(s.requests[:0], s.requests[len(s.requests)-s.recordLimit:]...)
	}
}

// routes returns the server's handler: record, inject faults, then route.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.dmchampRoutes(mux)
	s.sessionRoutes(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.record(r, body)
		if f := s.takeFault(r); f != nil {
			s.serveFault(w, r, f, mux)
			return
		}
		if _, pattern := mux.Handler(r); pattern == "" {
			notFound(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// notFound answers an unknown route as each API does: DM Champ with a JSON
// error, the Session API (an Express app) with its default HTML page, which
// shows the path as sent (percent-encoded).
func notFound(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/api" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot "+
			html.EscapeString(r.Method)+" "+html.EscapeString(r.URL.EscapedPath())+"</pre>\n</body>\n</html>\n")
		return
	}
	writeEnvelopeError(w, http.StatusNotFound, "Endpoint not found")
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func (s *Server) dmchampRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/contacts", s.getContact)
	mux.HandleFunc("POST /v1/contacts", s.createContact)
	mux.HandleFunc("PUT /v1/contacts/{id}", s.updateContact)
	mux.HandleFunc("POST /v1/contacts/lists", s.addToList)
	mux.HandleFunc("GET /v1/contacts/tags/{id}", s.contactTags)
	mux.HandleFunc("GET /v1/tags", s.listTags)
	mux.HandleFunc("POST /v1/tags", s.assignTag)
	mux.HandleFunc("GET /v1/chat-sessions/recent", s.recentChatSessions)
	mux.HandleFunc("GET /v1/chat-sessions/{id}", s.contactChatSessions)
	mux.HandleFunc("GET /v1/chat-exports/recent", s.chatExports)
	mux.HandleFunc("POST /v1/summaries", s.summary)
	mux.HandleFunc("GET /v1/whatsapp-templates", s.listTemplates)
	mux.HandleFunc("POST /v1/whatsapp-templates/send", s.sendTemplate)
	mux.HandleFunc("POST /v1/whatsapp-web/send", s.sendWhatsAppWeb)
	mux.HandleFunc("POST /v1/incoming-custom-channel-message", s.incomingCustom)
	mux.HandleFunc("POST /v1/incoming_custom_channel_message", s.incomingCustom)
	mux.HandleFunc("GET /v1/subaccounts", s.getSubAccount)
	mux.HandleFunc("POST /v1/subaccounts", s.createSubAccount)
	mux.HandleFunc("DELETE /v1/subaccounts", s.deleteSubAccount)
	mux.HandleFunc("POST /v1/subaccounts/credits", s.addSubAccountCredits)
	mux.HandleFunc("GET /v1/agencies/usage/export", s.usageExport)
	mux.HandleFunc("GET /v1/otp/generate", s.otp)
}
