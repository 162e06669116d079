package dmchamp

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seenRequest is what a recording middleware saw of one request.
type seenRequest struct {
	url    string
	header http.Header
	info   CallInfo
	ok     bool
}

// recorder is a middleware that records every request it sees.
type recorder struct {
	mu   sync.Mutex
	seen []seenRequest
}

func (r *recorder) middleware(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	info, ok := CallInfoFrom(req.Context())
	r.mu.Lock()
	r.seen = append(r.seen, seenRequest{url: req.URL.String(), header: req.Header.Clone(), info: info, ok: ok})
	r.mu.Unlock()
	return next(req)
}

// TestMiddlewareSeesNoCredential drives every typed method through a
// recording middleware, with both kinds of DM Champ credential. GETs are
// first redirected to a URL that echoes the query, credential included, as
// a careless server might. The middleware must never see a credential,
// while the transport beneath it gets the credential once on every request
// to the API's origin.
func TestMiddlewareSeesNoCredential(t *testing.T) {
	for credName, cred := range map[string]Option{"apiKey": WithAPIKey(testAPIKey), "userId": WithUserID(testUserID)} {
		for _, m := range typedMethods {
			if credName == "userId" && firstEndpoint(t, m.name).auth == authKeyOnly {
				continue // refused before any request
			}
			t.Run(credName+"/"+m.name, func(t *testing.T) {
				rec := &recorder{}
				c, mt := setupBare(t, cred, WithSessionsToken(testToken), WithRetryMax(1), WithMiddleware(rec.middleware))
				var wire []*http.Request
				mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
					wire = append(wire, req)
					if req.Method == http.MethodGet && !strings.Contains(req.URL.Path, "/hop/") {
						loc := strings.Replace(req.URL.String(), "/v1/", "/v1/hop/", 1)
						loc = strings.Replace(loc, "/api/", "/api/hop/", 1)
						resp := httpmock.NewStringResponse(http.StatusFound, "")
						resp.Header.Set("Location", loc)
						return resp, nil
					}
					return httpmock.NewStringResponse(http.StatusInternalServerError, `{"success":false,"error":"boom"}`), nil
				})
				_ = m.call(t.Context(), c)

				ep := firstEndpoint(t, m.name)
				require.NotEmpty(t, rec.seen)
				require.Len(t, wire, len(rec.seen), "every request went through the middleware")
				for i, s := range rec.seen {
					for _, secret := range testSecrets {
						assert.NotContains(t, s.url, secret, "request %d", i)
						for k, vs := range s.header {
							assert.NotContains(t, strings.Join(vs, " "), secret, "request %d, header %s", i, k)
						}
					}
					assert.Empty(t, s.header.Get("Authorization"))
					u, err := url.Parse(s.url)
					require.NoError(t, err)
					for _, name := range []string{"apiKey", "userId", "secret"} {
						assert.False(t, u.Query().Has(name), "request %d has %s", i, name)
					}
					require.True(t, s.ok, "CallInfo on every request")
					assert.Equal(t, ep.method, s.info.Method)
					assert.Equal(t, ep.api().String(), s.info.API)
					assert.Equal(t, i, s.info.Resends)
				}
				// Beneath the middleware, each request carries its credential once.
				for _, req := range wire {
					q := req.URL.Query()
					switch ep.auth {
					case authBearer:
						assert.Equal(t, "Bearer "+testToken, req.Header.Get("Authorization"))
						assert.Empty(t, q.Get("apiKey"))
					case authNone:
						assert.Equal(t, []string{"JBSWY3DPEHPK3PXP"}, q["secret"])
						assert.Empty(t, q.Get("apiKey"))
						assert.Empty(t, q.Get("userId"))
					default:
						assert.Len(t, append(q["apiKey"], q["userId"]...), 1, req.URL.String())
					}
				}
			})
		}
	}
}

func TestMiddlewareRouteAndAttempts(t *testing.T) {
	rec := &recorder{}
	c, mt := setup(t, WithMiddleware(rec.middleware))
	mt.RegisterResponder(http.MethodGet, testBaseURL+"/chat-sessions/a%2Fb", httpmock.ResponderFromMultipleResponses([]*http.Response{
		httpmock.NewStringResponse(503, ""),
		httpmock.NewStringResponse(200, string(fixture(t, "chatsessions/contact.json"))),
	}))
	_, err := c.ChatSessions.ForContact(t.Context(), "a/b", nil)
	require.NoError(t, err)
	require.Len(t, rec.seen, 2)
	assert.Equal(t, CallInfo{API: "dmchamp", Method: "GET", Route: "/v1/chat-sessions/{contactId}", Attempt: 1, Resends: 0}, rec.seen[0].info)
	assert.Equal(t, CallInfo{API: "dmchamp", Method: "GET", Route: "/v1/chat-sessions/{contactId}", Attempt: 2, Resends: 1}, rec.seen[1].info)

	rec.seen = nil
	mt.RegisterResponder(http.MethodGet, testBaseURL+"/contacts/messages/c1", jsonReply(200, `[]`))
	require.NoError(t, c.Do(t.Context(), &Request{Method: "GET", Path: "/contacts/messages/c1"}, nil))
	require.NoError(t, c.Do(t.Context(), &Request{Method: "GET", Path: "/contacts/messages/c1", Route: "/contacts/messages/{contactId}"}, nil))
	assert.Equal(t, "", rec.seen[0].info.Route, "Do without a Route names none")
	assert.Equal(t, "/v1/contacts/messages/{contactId}", rec.seen[1].info.Route)
}

func TestMiddlewareOrderHeadersAndShortCircuit(t *testing.T) {
	var order []string
	mw := func(name string) Middleware {
		return func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			order = append(order, name)
			req = req.Clone(req.Context())
			req.Header.Add("X-Trace", name)
			return next(req)
		}
	}
	c, mt := setup(t, WithMiddleware(mw("a")), WithMiddleware(mw("b")))
	mt.RegisterResponder(http.MethodGet, recentURL, func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, []string{"a", "b"}, req.Header.Values("X-Trace"))
		return reply(t, 200, "chatsessions/recent.json")(req)
	})
	_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, order)

	// A middleware may answer itself: nothing is sent.
	cached := func(req *http.Request, _ func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return httpmock.NewStringResponse(200, string(fixture(t, "chatsessions/recent.json"))), nil
	}
	c, mt = setup(t, WithMiddleware(cached))
	got, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	assert.Len(t, got.Sessions, 3)
	assert.Zero(t, mt.GetTotalCallCount())
}

// A middleware that sends the request to another host itself gets no
// credential added there.
func TestMiddlewareRedirectingToAnotherHost(t *testing.T) {
	elsewhere := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		req = req.Clone(req.Context())
		req.URL.Host = "mirror.example"
		req.Host = ""
		return next(req)
	}
	c, mt := setup(t, WithMiddleware(elsewhere))
	mt.RegisterResponder(http.MethodGet, "https://mirror.example/v1/chat-sessions/recent", func(req *http.Request) (*http.Response, error) {
		assert.NotContains(t, req.URL.String(), testAPIKey)
		return reply(t, 200, "chatsessions/recent.json")(req)
	})
	_, err := c.ChatSessions.Recent(t.Context(), &RecentChatSessionsOptions{Hours: 24})
	require.NoError(t, err)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}
